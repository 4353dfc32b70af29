//! One module per operation, always with the same shape: input, output, structures and enums,
//! error enum, builder (typestate on required parameters), client method, and, when the spec
//! declares them, paginator and waiters.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::builder::{builder_def, client_method};
use super::extras::{paginator_impl, waiters};
use super::types::{enum_def, response_field, struct_def, time_accessors};
use super::{
    DebugField, deprecated_attr, doc_lines, field_doc, inner_doc_lines, needs_redacting_debug,
    redacting_debug, ty_is_eq, ty_tokens,
};
use crate::ir::{Field, Operation, Service, Ty};
use crate::naming::field_ident;
use crate::spec::{Auth, Location};

/// The whole module of one operation.
pub fn operation_module(service: &Service, op: &Operation) -> TokenStream {
    let n = &op.name;
    let input = format_ident!("{n}Input");
    let output = format_ident!("{n}Output");
    let error = format_ident!("{n}Error");
    let builder = format_ident!("{n}Builder");

    let mut module_doc = op.summary.trim().to_string();
    if let Some(d) = &op.description {
        module_doc.push_str("\n\n");
        module_doc.push_str(d.trim());
    }
    module_doc.push_str(&format!(
        "\n\nCall it with [`Client::{}`](crate::Client::{}). {}",
        field_ident(&op.name),
        field_ident(&op.name),
        if op.idempotent {
            "It is idempotent: the SDK may re-send it after a transient failure."
        } else {
            "It is not idempotent: the SDK re-sends it only when the service provably did not execute it."
        }
    ));
    if let Some(route) = super::roa::route_doc(op) {
        module_doc.push(' ');
        module_doc.push_str(&route);
    }
    if op.fills_client_token {
        module_doc.push_str(" When `ClientToken` is left unset, the SDK sends a fresh UUID, the same on every retry of one call, so the service runs the call at most once.");
    }
    if op.auth == Auth::Anonymous {
        module_doc.push_str("\n\nIt is sent **unsigned**: the request carries no access key, signature or security token, and the client needs no credentials for it.");
    }
    if let Some(url) = &op.reference_url {
        module_doc.push_str(&format!("\n\nOfficial API reference: <{url}>."));
    }
    if op.deprecated {
        module_doc.push_str("\n\n**Deprecated** by the service.");
    }
    let module_doc = inner_doc_lines(&module_doc);

    let input_def = input_struct(op, &input, &output, &error);
    let output_def =
        super::roa::payload_output(op, &output).unwrap_or_else(|| output_struct(op, &output));
    let structs = op.structs.iter().map(|s| struct_def(s, &op.structs));
    let enums = op.enums.iter().map(enum_def);
    let error_def = error_enum(service, op, &error);
    let builder_def = builder_def(op, &input, &output, &error, &builder);
    let client_method = client_method(service, op, &builder);
    let paginator = op
        .pagination
        .as_ref()
        .map(|p| paginator_impl(op, p, &input, &output));
    let waiters = waiters(op, &builder, &output, &error);

    quote! {
        #module_doc
        #![allow(deprecated)]
        #input_def
        #output_def
        #(#structs)*
        #(#enums)*
        #error_def
        #builder_def
        #client_method
        #paginator
        #waiters
    }
}

fn input_struct(
    op: &Operation,
    input: &syn::Ident,
    output: &syn::Ident,
    error: &syn::Ident,
) -> TokenStream {
    let action = &op.name;
    let idempotent = op.idempotent;
    let doc = doc_lines(&format!(
        "The parameters of `{action}`. Build it with the builder that [`Client::{}`](crate::Client::{}) returns.",
        field_ident(&op.name),
        field_ident(&op.name)
    ));
    let eq = if op.input.iter().all(|f| ty_is_eq(&f.ty, &op.structs)) {
        quote! { , Eq }
    } else {
        quote! {}
    };
    let fields = op.input.iter().map(|f| {
        let doc = doc_lines(&field_doc(f));
        let deprecated = deprecated_attr(f.deprecated);
        let id = field_ident(&f.rust);
        let ty = ty_tokens(&f.ty);
        if f.required {
            quote! { #doc #deprecated pub #id: #ty, }
        } else {
            quote! { #doc #deprecated pub #id: ::std::option::Option<#ty>, }
        }
    });
    let writes_in = |location: Location| -> Vec<TokenStream> {
        op.input
            .iter()
            .filter(|f| f.location == location)
            .map(|f| param_write(op, f))
            .collect()
    };
    let query_writes = writes_in(Location::Query);
    let form_writes = writes_in(Location::Form);
    let header_writes = writes_in(Location::Header);
    let write_fn = |name: TokenStream, writes: &[TokenStream]| {
        let out_param = if writes.is_empty() {
            quote! { _out }
        } else {
            quote! { out }
        };
        quote! {
            fn #name(
                &self,
                #out_param: &mut ::alibabacloud_runtime::Params,
            ) -> ::std::result::Result<(), ::alibabacloud_runtime::error::ConstructionError> {
                #(#writes)*
                ::std::result::Result::Ok(())
            }
        }
    };
    let write_params = write_fn(quote! { write_params }, &query_writes);
    let write_form = if form_writes.is_empty() {
        quote! {}
    } else {
        write_fn(quote! { write_form }, &form_writes)
    };
    let write_headers = if header_writes.is_empty() {
        quote! {}
    } else {
        write_fn(quote! { write_headers }, &header_writes)
    };
    let auth = match op.auth {
        Auth::Signed => quote! {},
        Auth::Anonymous => quote! {
            const AUTH: ::alibabacloud_runtime::operation::Auth =
                ::alibabacloud_runtime::operation::Auth::Anonymous;
        },
    };
    let (derive_debug, debug_impl) = if needs_redacting_debug(&op.input) {
        let fields: Vec<DebugField> = op.input.iter().map(DebugField::of).collect();
        (
            quote! {},
            redacting_debug(&quote! { #input }, &input.to_string(), &[], &fields),
        )
    } else {
        (quote! { Debug, }, quote! {})
    };
    let roa_items = super::roa::operation_items(op);
    // Tracing records the request id from the decoded output instead of parsing the body twice.
    let request_id = if op
        .output
        .iter()
        .any(|f| f.wire == "RequestId" && f.ty == Ty::String)
    {
        quote! {
            fn output_request_id(output: &#output) -> ::std::option::Option<&str> {
                output.request_id.as_deref()
            }
        }
    } else {
        quote! {}
    };
    quote! {
        #doc
        #[derive(#derive_debug Clone, PartialEq #eq)]
        #[non_exhaustive]
        pub struct #input { #(#fields)* }
        #debug_impl

        impl ::alibabacloud_runtime::Operation for #input {
            const ACTION: &'static str = #action;
            const IDEMPOTENT: bool = #idempotent;
            #auth
            type Output = #output;
            type Error = #error;
            #write_params
            #write_form
            #write_headers
            #roa_items
            #request_id
        }
    }
}

/// How one top-level parameter is written into its `Params` list.
fn param_write(op: &Operation, f: &Field) -> TokenStream {
    let id = field_ident(&f.rust);
    let wire = &f.wire;
    if op.fills_client_token && f.wire == crate::ir::rules::CLIENT_TOKEN {
        // One fresh token per call: `write_*` runs once per call, not per attempt.
        return quote! {
            match &self.#id {
                ::std::option::Option::Some(token) => out.write(#wire, token),
                ::std::option::Option::None => {
                    out.push(#wire, ::alibabacloud_runtime::idempotency_token())
                }
            }
        };
    }
    if f.simple {
        let value = if f.required {
            quote! { ::std::option::Option::Some(&self.#id[..]) }
        } else {
            quote! { self.#id.as_deref() }
        };
        return quote! { out.push_joined(#wire, #value); };
    }
    match (f.json, f.required) {
        (true, true) => {
            quote! { out.push_json(#wire, ::std::option::Option::Some(&self.#id))?; }
        }
        (true, false) => quote! { out.push_json(#wire, self.#id.as_ref())?; },
        (false, _) => quote! { out.write(#wire, &self.#id); },
    }
}

fn output_struct(op: &Operation, output: &syn::Ident) -> TokenStream {
    let mut text = format!(
        "The decoded answer of `{}`. Every field is optional: a field the service omits decodes as `None`, and fields this SDK does not know are ignored.",
        op.name
    );
    if let Some(example) = &op.response_example {
        text.push_str(&format!(
            "\n\nA success body looks like this:\n\n```json\n{example}\n```"
        ));
    }
    let doc = doc_lines(&text);
    let eq = if op.output.iter().all(|f| ty_is_eq(&f.ty, &op.structs)) {
        quote! { , Eq }
    } else {
        quote! {}
    };
    let fields = op.output.iter().map(response_field);
    let (derive_debug, debug_impl) = if needs_redacting_debug(&op.output) {
        let fields: Vec<DebugField> = op.output.iter().map(DebugField::of).collect();
        (
            quote! {},
            redacting_debug(&quote! { #output }, &output.to_string(), &[], &fields),
        )
    } else {
        (quote! { Debug, }, quote! {})
    };
    let accessors = time_accessors(&op.output);
    let impl_block = if accessors.is_empty() {
        quote! {}
    } else {
        quote! { impl #output { #(#accessors)* } }
    };
    let decode = super::types::decode_impl(&quote! { #output }, &op.output);
    quote! {
        #doc
        #[derive(#derive_debug Clone, PartialEq #eq, Default)]
        #[non_exhaustive]
        pub struct #output { #(#fields)* }
        #decode
        #debug_impl
        #impl_block
    }
}

fn error_enum(service: &Service, op: &Operation, error: &syn::Ident) -> TokenStream {
    let common: Vec<String> = service
        .common_errors
        .iter()
        .map(|e| format!("`{}`", e.code))
        .collect();
    let platform = if common.is_empty() {
        "`Throttling`, `SignatureDoesNotMatch`, `MissingParameter`, `InternalError`".to_string()
    } else {
        common
            .iter()
            .take(4)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ")
    };
    let doc = doc_lines(&format!(
        "The errors `{}` can answer with. Match a variant for the codes of its published error table; every other code (the platform-wide ones such as {platform}, and codes no table lists) arrives as `Unhandled` with nothing lost. `code()` works for every variant.",
        op.name,
    ));
    let variants = op.errors.iter().map(|e| {
        let id = format_ident!("{}", e.variant);
        let mut statuses: Vec<String> = e.http_statuses.iter().map(u16::to_string).collect();
        if e.listed_without_status {
            statuses.push("no known status".to_string());
        }
        let d = doc_lines(&format!(
            "`{}` (HTTP {}): {}",
            e.code,
            statuses.join(", "),
            e.description
                .as_deref()
                .unwrap_or("no description published.")
        ));
        quote! { #d #id(::alibabacloud_runtime::ErrorMetadata), }
    });
    let table = op.errors.iter().map(|e| {
        let id = format_ident!("{}", e.variant);
        let code = &e.code;
        quote! { #id = #code, }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum #error {
            #(#variants)*
            /// Any code outside the published table, with its message, HTTP status and request id.
            Unhandled(::alibabacloud_runtime::ErrorMetadata),
        }
        ::alibabacloud_runtime::operation_error!(#error { #(#table)* });
    }
}
