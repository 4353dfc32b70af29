//! Structures and string enums shared by an operation's input and output.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{
    DebugField, deprecated_attr, doc_lines, field_doc, needs_redacting_debug, redacting_debug,
    ty_is_eq, ty_tokens,
};
use crate::ir::{EnumDef, Field, Side, StructDef, Ty};
use crate::naming::field_ident;

/// The `#[serde(...)]` attribute of a received field.
pub fn de_attr(f: &Field) -> TokenStream {
    let wire = &f.wire;
    match &f.ty {
        t if t.is_lenient_scalar() => quote! {
            #[serde(rename = #wire, default, deserialize_with = "::alibabacloud_runtime::de::lenient")]
        },
        Ty::List(inner) if inner.is_lenient_scalar() => quote! {
            #[serde(rename = #wire, default, deserialize_with = "::alibabacloud_runtime::de::lenient_list")]
        },
        _ => quote! { #[serde(rename = #wire, default)] },
    }
}

/// A received field declaration: always `Option<T>`.
pub fn response_field(f: &Field) -> TokenStream {
    let doc = doc_lines(&field_doc(f));
    let attr = de_attr(f);
    let id = field_ident(&f.rust);
    let ty = ty_tokens(&f.ty);
    let deprecated = deprecated_attr(f.deprecated);
    quote! {
        #doc
        #attr
        #deprecated
        pub #id: ::std::option::Option<#ty>,
    }
}

/// Typed accessors for `epoch_millis` fields.
pub fn time_accessors(fields: &[Field]) -> Vec<TokenStream> {
    fields
        .iter()
        .filter(|f| f.epoch_millis)
        .map(|f| {
            let id = field_ident(&f.rust);
            let acc = if f.rust.ends_with("time") {
                format_ident!("{}_as_system_time", f.rust)
            } else {
                format_ident!("{}_time", f.rust)
            };
            let doc = format!(" `{}` as a time (it is sent as milliseconds since the Unix epoch). `None` when absent or not a number.", f.wire);
            let millis = match &f.ty {
                Ty::String => quote! { self.#id.as_deref()?.trim().parse::<i64>().ok()? },
                _ => quote! { self.#id? },
            };
            quote! {
                #[doc = #doc]
                pub fn #acc(&self) -> ::std::option::Option<::std::time::SystemTime> {
                    ::alibabacloud_runtime::time::from_epoch_millis(#millis)
                }
            }
        })
        .collect()
}

/// A generated structure.
pub fn struct_def(s: &StructDef, all: &[StructDef]) -> TokenStream {
    let name = format_ident!("{}", s.name);
    let doc = doc_lines(&format!(
        "A structure of the operation, at `{}` in its spec.",
        s.origin
    ));
    let eq = if s.fields.iter().all(|f| ty_is_eq(&f.ty, all)) {
        quote! { , Eq }
    } else {
        quote! {}
    };
    let (derive_debug, debug_impl) = if needs_redacting_debug(&s.fields) {
        let fields: Vec<DebugField> = s.fields.iter().map(DebugField::of).collect();
        (
            quote! {},
            redacting_debug(&quote! { #name }, &s.name, &[], &fields),
        )
    } else {
        (quote! { Debug, }, quote! {})
    };
    match s.side {
        Side::Response => {
            let fields = s.fields.iter().map(response_field);
            let accessors = time_accessors(&s.fields);
            let impl_block = if accessors.is_empty() {
                quote! {}
            } else {
                quote! { impl #name { #(#accessors)* } }
            };
            quote! {
                #doc
                #[derive(#derive_debug Clone, PartialEq #eq, Default, ::serde::Deserialize)]
                #[non_exhaustive]
                pub struct #name { #(#fields)* }
                #debug_impl
                #impl_block
            }
        }
        Side::Request => {
            let all_optional = s.fields.iter().all(|f| !f.required);
            let default = if all_optional {
                quote! { , Default }
            } else {
                quote! {}
            };
            let fields = s.fields.iter().map(|f| {
                let doc = doc_lines(&field_doc(f));
                let deprecated = deprecated_attr(f.deprecated);
                let id = field_ident(&f.rust);
                let ty = ty_tokens(&f.ty);
                let wire = &f.wire;
                if f.required {
                    quote! { #doc #deprecated #[serde(rename = #wire)] pub #id: #ty, }
                } else {
                    quote! {
                        #doc
                        #deprecated
                        #[serde(rename = #wire, skip_serializing_if = "::std::option::Option::is_none")]
                        pub #id: ::std::option::Option<#ty>,
                    }
                }
            });
            let writes = s.fields.iter().map(|f| {
                let id = field_ident(&f.rust);
                let wire = &f.wire;
                quote! { out.write_member(key, #wire, &self.#id); }
            });
            quote! {
                #doc
                #[derive(#derive_debug Clone, PartialEq #eq #default, ::serde::Serialize)]
                pub struct #name { #(#fields)* }
                #debug_impl
                impl ::alibabacloud_runtime::ToParam for #name {
                    fn write_param(&self, key: &str, out: &mut ::alibabacloud_runtime::Params) {
                        #(#writes)*
                    }
                }
            }
        }
    }
}

/// A generated string enum with an `Unknown(String)` variant.
pub fn enum_def(e: &EnumDef) -> TokenStream {
    let name = format_ident!("{}", e.name);
    let values: Vec<String> = e.variants.iter().map(|(_, w)| format!("`{w}`")).collect();
    let doc = doc_lines(&format!(
        "The documented values of `{}`: {}.\n\nA value the service adds later decodes as `Unknown`, so decoding never fails on it.",
        e.origin,
        values.join(", ")
    ));
    let variants = e.variants.iter().map(|(v, w)| {
        let id = format_ident!("{}", v);
        let d = format!(" `{w}`");
        quote! { #[doc = #d] #id, }
    });
    let as_str = e.variants.iter().map(|(v, w)| {
        let id = format_ident!("{}", v);
        quote! { Self::#id => #w, }
    });
    let from = e.variants.iter().map(|(v, w)| {
        let id = format_ident!("{}", v);
        quote! { #w => Self::#id, }
    });
    let wires = e.variants.iter().map(|(_, w)| w);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this SDK does not know, kept as sent.
            Unknown(::std::string::String),
        }
        impl #name {
            /// Every documented value, as the service spells it.
            pub const VALUES: &'static [&'static str] = &[#(#wires),*];
            /// The value as the service spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    Self::Unknown(other) => other.as_str(),
                }
            }
        }
        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }
        impl ::std::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
                match Self::from(value.as_str()) {
                    Self::Unknown(_) => Self::Unknown(value),
                    known => known,
                }
            }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::alibabacloud_runtime::enums::StringEnum for #name {
            fn as_str(&self) -> &str {
                #name::as_str(self)
            }
        }
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                ::alibabacloud_runtime::enums::serialize(self, s)
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                ::alibabacloud_runtime::enums::deserialize(d)
            }
        }
        impl ::alibabacloud_runtime::ToParam for #name {
            fn write_param(&self, key: &str, out: &mut ::alibabacloud_runtime::Params) {
                out.push(key, self.as_str());
            }
        }
    }
}
