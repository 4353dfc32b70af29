//! What generated builders share: the typestate markers of required parameters and the
//! placeholder a builder holds for a required parameter until it is set.
//!
//! A generated builder keeps the operation's input struct whole and moves it as one value, so
//! every setter is a single assignment however many parameters the operation has. Which
//! required parameters are set is tracked by the builder's type, one type parameter per
//! required parameter, [`Missing`] until its setter is called and [`Set`] after.

use std::collections::BTreeMap;

/// Marks a required parameter that has not been set yet in a generated builder.
///
/// `send` and `build` need every required parameter's marker to be [`Set`], so a call that
/// omits a required parameter does not compile, and the compiler names the parameter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Missing;

/// Marks a required parameter that has been set in a generated builder.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Set;

/// The value a generated builder holds for a required parameter until its setter is called.
///
/// It is never sent and never returned: `send` and `build` compile only once every required
/// parameter is [`Set`], and setting one overwrites its placeholder. Generated string enums
/// use `Unknown` with an empty string.
pub trait Placeholder {
    /// The placeholder value.
    fn placeholder() -> Self;
}

macro_rules! placeholder_default {
    ($($ty:ty),* $(,)?) => {
        $(impl Placeholder for $ty {
            fn placeholder() -> Self {
                <$ty as ::std::default::Default>::default()
            }
        })*
    };
}

placeholder_default!(String, i32, i64, f32, f64, bool, serde_json::Value);

impl<T> Placeholder for Vec<T> {
    fn placeholder() -> Self {
        Vec::new()
    }
}

impl<K, V> Placeholder for BTreeMap<K, V> {
    fn placeholder() -> Self {
        BTreeMap::new()
    }
}
