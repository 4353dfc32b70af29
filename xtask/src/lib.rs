//! `cargo xtask import` turns official API metadata into specs (see [`import`]).
//!
//! `cargo xtask codegen`: reads `api-specs/`, validates every spec into an intermediate
//! representation, emits Rust with `quote`, formats it in-process with `prettyplease`, and
//! writes (or, with `--check`, compares) the generated product crates.

pub mod codegen;
pub mod emit;
pub mod import;
pub mod ir;
pub mod naming;
pub mod spec;
pub mod workspace;
