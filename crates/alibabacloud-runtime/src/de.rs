//! Lenient decoding for response fields.
//!
//! The service sometimes sends numbers as strings (`"123"`) and booleans as strings or 0/1.
//! Generated response fields use these functions through `#[serde(deserialize_with)]` so
//! both forms decode; `null` and a missing field decode as `None`.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserializer;
use serde::de::{self, Visitor};

mod field_table;

pub use field_table::{FieldTable, key_hash, slot_table};

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

/// A generated response structure, decoded from a JSON object through one table of wire names
/// and one `match` on the field's index, instead of a derived `Deserialize` impl per structure.
///
/// A derived impl generates a field-name enum, two visitors (map and sequence) and, per
/// lenient field, a wrapper type; at ECS's size that was most of the crate's compile time.
/// Here the name lookup, the object walk and unknown-field skipping are this module's, once.
pub trait DecodeStruct: Default {
    /// The structure's wire names and the perfect hash that finds them.
    const FIELDS: FieldTable;
    /// Decodes the value of field `index` from `map` into `self`.
    fn decode_field<'de, A: de::MapAccess<'de>>(
        &mut self,
        index: u16,
        map: &mut A,
    ) -> Result<(), A::Error>;
}

/// The index of a key in a [`FieldTable`]; `None` for a key it does not know.
struct KeySeed(FieldTable);

impl<'de> de::DeserializeSeed<'de> for KeySeed {
    type Value = Option<u16>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Option<u16>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(self.0.find(v))
    }
}

struct StructVisitor<T>(PhantomData<T>);

impl<'de, T: DecodeStruct> Visitor<'de> for StructVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut out = T::default();
        while let Some(key) = map.next_key_seed(KeySeed(T::FIELDS))? {
            match key {
                Some(index) => out.decode_field(index, &mut map)?,
                None => {
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        Ok(out)
    }
}

/// Decodes a [`DecodeStruct`] from a JSON object; fields it does not know are skipped, a
/// field it knows twice keeps the last value.
pub fn decode_struct<'de, D: Deserializer<'de>, T: DecodeStruct>(d: D) -> Result<T, D::Error> {
    d.deserialize_map(StructVisitor(PhantomData))
}

/// [`lenient`] as a seed, for [`DecodeStruct::decode_field`]: `map.next_value_seed(Lenient::new())`.
pub struct Lenient<T>(PhantomData<T>);

impl<T> Lenient<T> {
    /// The seed.
    pub fn new() -> Self {
        Lenient(PhantomData)
    }
}

impl<T> Default for Lenient<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'de, T: LenientScalar> de::DeserializeSeed<'de> for Lenient<T> {
    type Value = Option<T>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        lenient(d)
    }
}

/// [`lenient_list`] as a seed.
pub struct LenientList<T>(PhantomData<T>);

impl<T> LenientList<T> {
    /// The seed.
    pub fn new() -> Self {
        LenientList(PhantomData)
    }
}

impl<T> Default for LenientList<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'de, T: LenientScalar> de::DeserializeSeed<'de> for LenientList<T> {
    type Value = Option<Vec<T>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        lenient_list(d)
    }
}

/// Decodes `body` as `T` and discards the value (one entry of a product's `decode_output` table).
pub fn check<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<(), serde_json::Error> {
    serde_json::from_slice::<T>(body).map(|_| ())
}

/// A decoder in a product's `decode_output` table.
pub type Decoder = fn(&[u8]) -> Result<(), serde_json::Error>;

/// Runs the decoder `table` lists for `action` on `body`: `None` when it lists no such action.
pub fn decode_by_action(
    table: &[(&str, Decoder)],
    action: &str,
    body: &[u8],
) -> Option<Result<(), serde_json::Error>> {
    table
        .iter()
        .find(|(name, _)| *name == action)
        .map(|(_, decode)| decode(body))
}

/// Implements [`DecodeStruct`] and `serde::Deserialize` for a generated response structure,
/// from its table: the [`FieldTable`] seed and slot count, `{ "Wire" = index, … }`, then
/// `{ index field how, … }` where `how` is `value` (the field type's own `Deserialize`),
/// `lenient` or `lenient_list`.
#[macro_export]
macro_rules! decode_struct {
    ($name:ident seed $seed:literal slots $slots:literal { $($wire:literal = $index:literal),* $(,)? } { $($i:literal $field:ident $how:ident),* $(,)? }) => {
        #[allow(deprecated)]
        impl $crate::de::DecodeStruct for $name {
            const FIELDS: $crate::de::FieldTable = {
                const NAMES: &[(&str, u16)] = &[$(($wire, $index)),*];
                const SLOTS: [u16; $slots] = $crate::de::slot_table::<$slots>(NAMES, $seed);
                $crate::de::FieldTable::new(NAMES, &SLOTS, $seed)
            };
            #[inline]
            fn decode_field<'de, A: $crate::__serde::de::MapAccess<'de>>(
                &mut self,
                index: u16,
                map: &mut A,
            ) -> ::std::result::Result<(), A::Error> {
                match index {
                    $($i => self.$field = $crate::__decode_read!($how, map),)*
                    _ => {
                        map.next_value::<$crate::__serde::de::IgnoredAny>()?;
                    }
                }
                ::std::result::Result::Ok(())
            }
        }
        impl<'de> $crate::__serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                $crate::de::decode_struct(d)
            }
        }
    };
}

/// One field read of [`decode_struct!`].
#[doc(hidden)]
#[macro_export]
macro_rules! __decode_read {
    (value, $map:ident) => {
        $map.next_value()?
    };
    (lenient, $map:ident) => {
        $map.next_value_seed($crate::de::Lenient::new())?
    };
    (lenient_list, $map:ident) => {
        $map.next_value_seed($crate::de::LenientList::new())?
    };
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

    #[derive(Default, Debug, PartialEq)]
    struct T {
        name: Option<String>,
        count: Option<i64>,
        inner: Option<Vec<T>>,
    }

    crate::decode_struct!(T seed 0 slots 8 { "Count" = 1, "Inner" = 2, "Name" = 0 } { 0 name value, 1 count lenient, 2 inner value });

    #[test]
    fn table_decoding_reads_known_fields_skips_unknown_ones_and_nests() {
        let t: T = serde_json::from_str(
            r#"{"Name":"a","Skip":{"x":[1,2]},"Count":"7","Inner":[{"Name":"b\u0041","Count":2}]}"#,
        )
        .unwrap();
        assert_eq!(
            t,
            T {
                name: Some("a".into()),
                count: Some(7),
                inner: Some(vec![T {
                    name: Some("bA".into()),
                    count: Some(2),
                    inner: None
                }])
            }
        );
        // An escaped key still matches.
        let t: T = serde_json::from_str(r#"{"N\u0061me":"x"}"#).unwrap();
        assert_eq!(t.name.as_deref(), Some("x"));
        assert!(serde_json::from_str::<T>(r#"{"Count":[1]}"#).is_err());
        assert!(serde_json::from_str::<T>(r#"[1]"#).is_err());
        assert_eq!(serde_json::from_str::<T>("{}").unwrap(), T::default());
    }
}
