//! Lenient decoding for response fields.
//!
//! The service sometimes sends numbers as strings (`"123"`) and booleans as strings or 0/1.
//! Generated response fields use these functions through `#[serde(deserialize_with)]` so
//! both forms decode; `null` and a missing field decode as `None`.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserializer;
use serde::de::{self, Visitor};

/// A scalar that may arrive as a JSON number, string or boolean.
pub trait LenientScalar: Sized {
    /// What the error message calls the expected value.
    const EXPECTED: &'static str;
    /// From a signed integer.
    fn from_i64(v: i64) -> Option<Self>;
    /// From an unsigned integer.
    fn from_u64(v: u64) -> Option<Self>;
    /// From a float.
    fn from_f64(v: f64) -> Option<Self>;
    /// From a string.
    fn from_str(v: &str) -> Option<Self>;
    /// From a boolean.
    fn from_bool(_v: bool) -> Option<Self> {
        None
    }
}

macro_rules! lenient_int {
    ($($t:ty),*) => {$(
        impl LenientScalar for $t {
            const EXPECTED: &'static str = concat!("an integer fitting ", stringify!($t), " (number or string)");
            fn from_i64(v: i64) -> Option<Self> { <$t>::try_from(v).ok() }
            fn from_u64(v: u64) -> Option<Self> { <$t>::try_from(v).ok() }
            fn from_f64(v: f64) -> Option<Self> {
                if v.fract() == 0.0 && v >= <$t>::MIN as f64 && v <= <$t>::MAX as f64 { Some(v as $t) } else { None }
            }
            fn from_str(v: &str) -> Option<Self> { v.trim().parse().ok() }
        }
    )*};
}
lenient_int!(i32, i64);

macro_rules! lenient_float {
    ($($t:ty),*) => {$(
        impl LenientScalar for $t {
            const EXPECTED: &'static str = "a number (number or string)";
            fn from_i64(v: i64) -> Option<Self> { Some(v as $t) }
            fn from_u64(v: u64) -> Option<Self> { Some(v as $t) }
            fn from_f64(v: f64) -> Option<Self> { Some(v as $t) }
            fn from_str(v: &str) -> Option<Self> { v.trim().parse().ok() }
        }
    )*};
}
lenient_float!(f32, f64);

impl LenientScalar for bool {
    const EXPECTED: &'static str = "a boolean (true/false, \"true\"/\"false\" or 0/1)";
    fn from_i64(v: i64) -> Option<Self> {
        match v {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
    fn from_u64(v: u64) -> Option<Self> {
        Self::from_i64(i64::try_from(v).ok()?)
    }
    fn from_f64(_v: f64) -> Option<Self> {
        None
    }
    fn from_str(v: &str) -> Option<Self> {
        match v.trim() {
            "true" | "True" | "TRUE" | "1" => Some(true),
            "false" | "False" | "FALSE" | "0" => Some(false),
            _ => None,
        }
    }
    fn from_bool(v: bool) -> Option<Self> {
        Some(v)
    }
}

struct OptVisitor<T>(PhantomData<T>);

impl<'de, T: LenientScalar> Visitor<'de> for OptVisitor<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTED)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        T::from_i64(v)
            .map(Some)
            .ok_or_else(|| E::invalid_value(de::Unexpected::Signed(v), &self))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        T::from_u64(v)
            .map(Some)
            .ok_or_else(|| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        T::from_f64(v)
            .map(Some)
            .ok_or_else(|| E::invalid_value(de::Unexpected::Float(v), &self))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        T::from_bool(v)
            .map(Some)
            .ok_or_else(|| E::invalid_type(de::Unexpected::Bool(v), &self))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if v.is_empty() {
            return Ok(None);
        }
        T::from_str(v)
            .map(Some)
            .ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

/// Decodes an optional scalar sent as a number, a string or (for booleans) 0/1.
/// An empty string decodes as `None`.
pub fn lenient<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: LenientScalar,
{
    d.deserialize_option(OptVisitor(PhantomData))
}

/// Decodes an optional list of lenient scalars; `null` items are skipped.
pub fn lenient_list<'de, D, T>(d: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: LenientScalar,
{
    struct Item<T>(Option<T>);
    impl<'de, T: LenientScalar> serde::Deserialize<'de> for Item<T> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            lenient(d).map(Item)
        }
    }
    let items: Option<Vec<Item<T>>> = serde::Deserialize::deserialize(d)?;
    Ok(items.map(|v| v.into_iter().filter_map(|i| i.0).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct S {
        #[serde(default, deserialize_with = "lenient")]
        a: Option<i64>,
        #[serde(default, deserialize_with = "lenient")]
        b: Option<i32>,
        #[serde(default, deserialize_with = "lenient")]
        c: Option<bool>,
        #[serde(default, deserialize_with = "lenient")]
        d: Option<f64>,
        #[serde(default, deserialize_with = "lenient_list")]
        e: Option<Vec<i64>>,
    }

    #[test]
    fn numbers_and_strings_both_decode() {
        let s: S = serde_json::from_str(
            r#"{"a":"9007199254740993","b":7,"c":"true","d":"1.5","e":[1,"2"]}"#,
        )
        .unwrap();
        assert_eq!(
            s,
            S {
                a: Some(9_007_199_254_740_993),
                b: Some(7),
                c: Some(true),
                d: Some(1.5),
                e: Some(vec![1, 2])
            }
        );
        let s: S = serde_json::from_str(r#"{"a":null,"c":1}"#).unwrap();
        assert_eq!(
            s,
            S {
                a: None,
                b: None,
                c: Some(true),
                d: None,
                e: None
            }
        );
    }

    #[test]
    fn wrong_types_are_errors() {
        assert!(serde_json::from_str::<S>(r#"{"b":"x"}"#).is_err());
        assert!(serde_json::from_str::<S>(r#"{"b":4294967296}"#).is_err());
        assert!(serde_json::from_str::<S>(r#"{"a":[1]}"#).is_err());
    }
}
