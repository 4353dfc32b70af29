//! Structures and string enums shared by an operation's input and output.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{
    DebugField, deprecated_attr, doc_lines, field_doc, needs_redacting_debug, redacting_debug,
    ty_is_eq, ty_tokens,
};
use crate::ir::{EnumDef, Field, Side, StructDef, Ty};
use crate::naming::field_ident;

/// How one received field is read: lenient scalars through the runtime's seeds, everything
/// else through its own `Deserialize`.
fn read_how(f: &Field) -> syn::Ident {
    match &f.ty {
        t if t.is_lenient_scalar() => format_ident!("lenient"),
        Ty::List(inner) if inner.is_lenient_scalar() => format_ident!("lenient_list"),
        _ => format_ident!("value"),
    }
}

/// The table-driven decoder of a received structure (`alibabacloud_runtime::decode_struct!`):
/// the perfect hash's seed and slot count, the `(wire name, index)` table sorted by wire name,
/// then how each field is read.
pub fn decode_impl(name: &TokenStream, fields: &[Field]) -> TokenStream {
    let index =
        |i: usize| proc_macro2::Literal::u16_unsuffixed(u16::try_from(i).unwrap_or(u16::MAX));
    let mut table: Vec<(&str, usize)> = fields
        .iter()
        .enumerate()
        .map(|(i, f)| (f.wire.as_str(), i))
        .collect();
    table.sort_unstable();
    let names: Vec<&str> = table.iter().map(|(w, _)| *w).collect();
    let (seed, slots) = super::perfect_hash::seed_and_slots(&names);
    let seed = proc_macro2::Literal::u64_unsuffixed(seed);
    let slots = proc_macro2::Literal::usize_unsuffixed(slots);
    let entries = table.iter().map(|(w, i)| {
        let i = index(*i);
        quote! { #w = #i, }
    });
    let reads = fields.iter().enumerate().map(|(i, f)| {
        let i = index(i);
        let id = field_ident(&f.rust);
        let how = read_how(f);
        quote! { #i #id #how, }
    });
    quote! {
        ::alibabacloud_runtime::decode_struct!(#name seed #seed slots #slots { #(#entries)* } { #(#reads)* });
    }
}

/// A received field declaration: always `Option<T>`.
pub fn response_field(f: &Field) -> TokenStream {
    let doc = doc_lines(&field_doc(f));
    let id = field_ident(&f.rust);
    let ty = ty_tokens(&f.ty);
    let deprecated = deprecated_attr(f.deprecated);
    quote! {
        #doc
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
    let doc = doc_lines(&match s.side {
        Side::Request => format!(
            "A structure sent in the operation's parameters, at `{}`.",
            s.origin
        ),
        Side::Response => format!("A structure of the operation's answer, at `{}`.", s.origin),
    });
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
            let decode = decode_impl(&quote! { #name }, &s.fields);
            quote! {
                #doc
                #[derive(#derive_debug Clone, PartialEq #eq, Default)]
                #[non_exhaustive]
                pub struct #name { #(#fields)* }
                #decode
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
    let table = e.variants.iter().map(|(v, w)| {
        let id = format_ident!("{}", v);
        quote! { #id = #w, }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this SDK does not know, kept as sent.
            Unknown(::std::string::String),
        }
        ::alibabacloud_runtime::string_enum!(#name { #(#table)* });
    }
}
