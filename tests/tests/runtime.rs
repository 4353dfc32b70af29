//! Tests of the runtime through the real transport: signing known answers and edge cases,
//! decoding and typed errors against a loopback server, paginator edges, credentials, and
//! property tests. (That secrets stay out of logs is `secrets.rs`, a binary of its own.)

mod support;

#[path = "runtime/delete_certificate_loopback.rs"]
mod delete_certificate_loopback;
#[path = "runtime/ecs_credentials.rs"]
mod ecs_credentials;
#[path = "runtime/every_operation.rs"]
mod every_operation;
#[path = "runtime/paginator_edges.rs"]
mod paginator_edges;
#[path = "runtime/properties.rs"]
mod properties;
#[path = "runtime/roa.rs"]
mod roa;
#[path = "runtime/signing_edge_cases.rs"]
mod signing_edge_cases;
#[path = "runtime/signing_known_answers.rs"]
mod signing_known_answers;
#[path = "runtime/sts.rs"]
mod sts;
#[path = "runtime/wire.rs"]
mod wire;
