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

/// Implements a generated string enum's constants and conversions: `VALUES`, `as_str`,
/// `From<&str>`, `From<String>`, `Display`, [`StringEnum`], serde and
/// [`ToParam`](crate::ToParam), from one `Variant = "wire"` line per documented value.
///
/// The enum itself (with its docs and an `Unknown(String)` variant) stays in generated code;
/// the seven impls every such enum needs live here once.
#[macro_export]
macro_rules! string_enum {
    ($name:ident { $($variant:ident = $wire:literal),* $(,)? }) => {
        impl $name {
            /// Every documented value, as the service spells it.
            pub const VALUES: &'static [&'static str] = &[$($wire),*];
            /// The value as the service spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Unknown(other) => other.as_str(),
                }
            }
        }
        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($wire => Self::$variant,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }
        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                match Self::from(value.as_str()) {
                    Self::Unknown(_) => Self::Unknown(value),
                    known => known,
                }
            }
        }
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl $crate::enums::StringEnum for $name {
            fn as_str(&self) -> &str {
                $name::as_str(self)
            }
        }
        impl $crate::__serde::Serialize for $name {
            fn serialize<S: $crate::__serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                $crate::enums::serialize(self, s)
            }
        }
        impl<'de> $crate::__serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                $crate::enums::deserialize(d)
            }
        }
        impl $crate::ToParam for $name {
            fn write_param(&self, key: &str, out: &mut $crate::Params) {
                out.push(key, self.as_str());
            }
        }
    };
}
