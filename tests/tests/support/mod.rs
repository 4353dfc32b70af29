//! Helpers shared by the test binaries: the emulator and clients for it, a loopback server
//! that recomputes signatures, and proptest strategies. Each binary uses only some of them.

#![allow(dead_code)]

pub mod arbitrary;
pub mod emulator;
pub mod loopback;
pub mod products;
