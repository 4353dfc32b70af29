//! Holds no code: the tests live in `tests/tests/`. The README is included below so that
//! `cargo test` compiles its Rust examples.
#![doc = include_str!("../../README.md")]
