//! Tests of the code generator (`cargo xtask codegen`): the committed output is fresh, golden
//! fixtures, the malformed-spec corpus, spec coverage of the reference catalog, the loader under
//! arbitrary input, and the compile-time checks of the generated builders.

mod support;

#[path = "generator/coverage.rs"]
mod coverage;
#[path = "generator/doc_links.rs"]
mod doc_links;
#[path = "generator/field_hash.rs"]
mod field_hash;
#[path = "generator/freshness.rs"]
mod freshness;
#[path = "generator/golden.rs"]
mod golden;
#[path = "generator/import.rs"]
mod import;
#[path = "generator/spec_errors.rs"]
mod spec_errors;
#[path = "generator/spec_properties.rs"]
mod spec_properties;
#[path = "generator/typestate.rs"]
mod typestate;
