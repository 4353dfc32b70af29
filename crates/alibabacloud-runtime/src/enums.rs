//! Support for generated string enums.
//!
//! A field with a documented value set becomes an enum with one variant per documented value
//! and an `Unknown(String)` variant, so a value the service adds later still decodes.

/// A generated string enum.
pub trait StringEnum: From<String> + for<'a> From<&'a str> {
    /// The value as the service spells it.
    fn as_str(&self) -> &str;
}

/// Deserializes a string enum; numbers are accepted and kept as their decimal text.
pub fn deserialize<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: StringEnum,
{
    // Known values are matched on the borrowed text: no allocation unless the value is new.
    struct V<T>(std::marker::PhantomData<T>);
    impl<T: StringEnum> serde::de::Visitor<'_> for V<T> {
        type Value = T;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
            Ok(T::from(v))
        }
        fn visit_string<E: serde::de::Error>(self, v: String) -> Result<T, E> {
            Ok(T::from(v))
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<T, E> {
            Ok(T::from(v.to_string()))
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<T, E> {
            Ok(T::from(v.to_string()))
        }
    }
    d.deserialize_any(V(std::marker::PhantomData))
}

/// Serializes a string enum as its wire spelling.
pub fn serialize<S: serde::Serializer, T: StringEnum>(value: &T, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(value.as_str())
}
