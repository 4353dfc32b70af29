//! What an ROA operation adds to its module: the route constant, the path and body writers
//! in its `Operation` impl, and the output type of a response whose top level is not an object.
//! RPC operations get nothing from here.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc_lines, ty_is_eq, ty_tokens};
use crate::ir::{Field, Operation};
use crate::naming::field_ident;
use crate::spec::{HttpMethod, Location};

/// The sentence the module docs get for an ROA operation.
pub fn route_doc(op: &Operation) -> Option<String> {
    op.route.as_ref().map(|r| {
        format!(
            "It is sent as `{} {}` (a resource-oriented request).",
            r.method.as_str(),
            r.path
        )
    })
}

/// `ROUTE`, `write_path` and `write_body` for the `Operation` impl of an ROA operation.
pub fn operation_items(op: &Operation) -> TokenStream {
    let Some(route) = &op.route else {
        return TokenStream::new();
    };
    let method = match route.method {
        HttpMethod::Get => quote! { Get },
        HttpMethod::Post => quote! { Post },
        HttpMethod::Put => quote! { Put },
        HttpMethod::Delete => quote! { Delete },
        HttpMethod::Patch => quote! { Patch },
    };
    let path = &route.path;
    let path_writes: Vec<TokenStream> = in_location(op, Location::Path)
        .map(|f| {
            let id = field_ident(&f.rust);
            let wire = &f.wire;
            quote! { out.write(#wire, &self.#id); }
        })
        .collect();
    let body_writes: Vec<TokenStream> = op
        .input
        .iter()
        .filter(|f| matches!(f.location, Location::Body | Location::Payload))
        .map(|f| {
            let id = field_ident(&f.rust);
            let wire = &f.wire;
            let value = if f.required {
                quote! { ::std::option::Option::Some(&self.#id) }
            } else {
                quote! { self.#id.as_ref() }
            };
            if f.location == Location::Payload {
                quote! { out.whole(#wire, #value)?; }
            } else {
                quote! { out.field(#wire, #value)?; }
            }
        })
        .collect();
    let write_path = if path_writes.is_empty() {
        quote! {}
    } else {
        quote! {
            fn write_path(
                &self,
                out: &mut ::alibabacloud_runtime::Params,
            ) -> ::std::result::Result<(), ::alibabacloud_runtime::error::ConstructionError> {
                #(#path_writes)*
                ::std::result::Result::Ok(())
            }
        }
    };
    let write_body = if body_writes.is_empty() {
        quote! {}
    } else {
        quote! {
            fn write_body(
                &self,
                out: &mut ::alibabacloud_runtime::roa::JsonBody,
            ) -> ::std::result::Result<(), ::alibabacloud_runtime::error::ConstructionError> {
                #(#body_writes)*
                ::std::result::Result::Ok(())
            }
        }
    };
    quote! {
        const ROUTE: ::std::option::Option<::alibabacloud_runtime::roa::Route> =
            ::std::option::Option::Some(::alibabacloud_runtime::roa::Route {
                method: ::alibabacloud_runtime::roa::Method::#method,
                path: #path,
            });
        #write_path
        #write_body
    }
}

fn in_location(op: &Operation, location: Location) -> impl Iterator<Item = &Field> {
    op.input.iter().filter(move |f| f.location == location)
}

/// The output struct of an operation whose response is a whole array or scalar: one field,
/// `body`, decoded from the entire response (`serde(transparent)`). `None` for object outputs.
pub fn payload_output(op: &Operation, output: &syn::Ident) -> Option<TokenStream> {
    let ty = op.output_payload.as_ref()?;
    let mut text = format!(
        "The decoded answer of `{}`, whose body is not a JSON object: `body` holds the whole of it (`None` when the service answers with no body or `null`).",
        op.name
    );
    if let Some(example) = &op.response_example {
        text.push_str(&format!(
            "\n\nA success body looks like this:\n\n```json\n{example}\n```"
        ));
    }
    let doc = doc_lines(&text);
    let eq = if ty_is_eq(ty, &op.structs) {
        quote! { , Eq }
    } else {
        quote! {}
    };
    let lenient = match ty {
        t if t.is_lenient_scalar() => {
            quote! { #[serde(deserialize_with = "::alibabacloud_runtime::de::lenient")] }
        }
        crate::ir::Ty::List(inner) if inner.is_lenient_scalar() => {
            quote! { #[serde(deserialize_with = "::alibabacloud_runtime::de::lenient_list")] }
        }
        _ => quote! {},
    };
    let ty = ty_tokens(ty);
    Some(quote! {
        #doc
        #[derive(Debug, Clone, PartialEq #eq, Default, ::serde::Deserialize)]
        #[serde(transparent)]
        #[non_exhaustive]
        pub struct #output {
            /// The whole response body.
            #lenient
            pub body: ::std::option::Option<#ty>,
        }
    })
}
