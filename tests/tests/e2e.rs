//! End to end: the generated client against the emulator on loopback. The order lifecycle with
//! both signature schemes, reliability under injected faults, token paging, many clients at
//! once, the attempt pipeline's seams (interceptors, classifier, in-process transport), and
//! every operation of every product against the multi-product emulator.

mod support;

#[path = "e2e/all_products.rs"]
mod all_products;
#[path = "e2e/lifecycle.rs"]
mod lifecycle;
#[path = "e2e/load.rs"]
mod load;
#[path = "e2e/pipeline.rs"]
mod pipeline;
#[path = "e2e/reliability.rs"]
mod reliability;
#[path = "e2e/token_paging.rs"]
mod token_paging;
