//! One module per operation, always with the same shape: input, output, structures and enums,
//! error enum, builder (typestate on required parameters), client method, and, when the spec
//! declares them, paginator and waiters.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::types::{enum_def, response_field, struct_def, time_accessors};
use super::{doc_lines, field_doc, inner_doc_lines, ty_is_eq, ty_tokens};
use crate::ir::{Field, Operation, Pagination, Service, StructDef, Ty};
use crate::naming::{field_ident, upper_camel};

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
    let module_doc = inner_doc_lines(&module_doc);

    let input_def = input_struct(op, &input, &output, &error);
    let output_def = output_struct(op, &output);
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
        let id = field_ident(&f.wire);
        let ty = ty_tokens(&f.ty);
        if f.required {
            quote! { #doc pub #id: #ty, }
        } else {
            quote! { #doc pub #id: ::std::option::Option<#ty>, }
        }
    });
    let writes = op.input.iter().map(|f| {
        let id = field_ident(&f.wire);
        let wire = &f.wire;
        match (f.json, f.required) {
            (true, true) => {
                quote! { out.push_json(#wire, ::std::option::Option::Some(&self.#id))?; }
            }
            (true, false) => quote! { out.push_json(#wire, self.#id.as_ref())?; },
            (false, _) => quote! { out.write(#wire, &self.#id); },
        }
    });
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
    let out_param = if op.input.is_empty() {
        quote! { _out }
    } else {
        quote! { out }
    };
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq #eq)]
        #[non_exhaustive]
        pub struct #input { #(#fields)* }

        impl ::alibabacloud_runtime::Operation for #input {
            const ACTION: &'static str = #action;
            const IDEMPOTENT: bool = #idempotent;
            type Output = #output;
            type Error = #error;
            fn write_params(
                &self,
                #out_param: &mut ::alibabacloud_runtime::Params,
            ) -> ::std::result::Result<(), ::alibabacloud_runtime::error::ConstructionError> {
                #(#writes)*
                ::std::result::Result::Ok(())
            }
            #request_id
        }
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
    let accessors = time_accessors(&op.output);
    let impl_block = if accessors.is_empty() {
        quote! {}
    } else {
        quote! { impl #output { #(#accessors)* } }
    };
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq #eq, Default, ::serde::Deserialize)]
        #[non_exhaustive]
        pub struct #output { #(#fields)* }
        #impl_block
    }
}

fn error_enum(service: &Service, op: &Operation, error: &syn::Ident) -> TokenStream {
    let common: Vec<String> = service
        .common_errors
        .iter()
        .map(|e| format!("`{}`", e.code))
        .collect();
    let doc = doc_lines(&format!(
        "The errors `{}` can answer with. Match a variant for the codes of its published error table; every other code (the platform-wide ones such as {}, and codes no table lists) arrives as `Unhandled` with nothing lost. `code()` works for every variant.",
        op.name,
        common
            .iter()
            .take(4)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ")
    ));
    let variants = op.errors.iter().map(|e| {
        let id = format_ident!("{}", e.variant);
        let d = doc_lines(&format!(
            "`{}` (HTTP {}): {}",
            e.code,
            e.http_status,
            e.description
                .as_deref()
                .unwrap_or("no description published.")
        ));
        quote! { #d #id(::alibabacloud_runtime::ErrorMetadata), }
    });
    let from = op.errors.iter().map(|e| {
        let id = format_ident!("{}", e.variant);
        let code = &e.code;
        quote! { #code => Self::#id(metadata), }
    });
    let meta = op.errors.iter().map(|e| {
        let id = format_ident!("{}", e.variant);
        quote! { Self::#id(m) => m, }
    });
    let predicates = op.errors.iter().map(|e| {
        let id = format_ident!("{}", e.variant);
        let is = format_ident!("is_{}", crate::naming::snake_case(&e.code));
        let d = format!(" Whether this is `{}`.", e.code);
        quote! { #[doc = #d] pub fn #is(&self) -> bool { ::std::matches!(self, Self::#id(_)) } }
    });
    let (from_body, meta_body) = if op.errors.is_empty() {
        (
            quote! { Self::Unhandled(metadata) },
            quote! { let Self::Unhandled(m) = self; m },
        )
    } else {
        (
            quote! { match metadata.code() { #(#from)* _ => Self::Unhandled(metadata), } },
            quote! { match self { #(#meta)* Self::Unhandled(m) => m, } },
        )
    };
    quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, Eq)]
            #[non_exhaustive]
            pub enum #error {
                #(#variants)*
                /// Any code outside the published table, with its message, HTTP status and request id.
                Unhandled(::alibabacloud_runtime::ErrorMetadata),
            }
            impl #error {
                /// Everything the service said: code, message, HTTP status, request id, raw body.
                pub fn metadata(&self) -> &::alibabacloud_runtime::ErrorMetadata {
    #meta_body
                }
                /// The error code, such as `NotFoundOrder`.
                pub fn code(&self) -> &str { self.metadata().code() }
                /// The service's message.
                pub fn message(&self) -> &str { self.metadata().message() }
                /// The request id, to quote to support.
                pub fn request_id(&self) -> ::std::option::Option<&str> { self.metadata().request_id() }
                /// The HTTP status.
                pub fn http_status(&self) -> u16 { self.metadata().http_status() }
                #(#predicates)*
            }
            impl ::alibabacloud_runtime::OperationError for #error {
                fn from_metadata(metadata: ::alibabacloud_runtime::ErrorMetadata) -> Self {
    #from_body
                }
                fn metadata(&self) -> &::alibabacloud_runtime::ErrorMetadata {
                    #error::metadata(self)
                }
            }
            impl ::std::fmt::Display for #error {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    ::std::fmt::Display::fmt(self.metadata(), f)
                }
            }
            impl ::std::error::Error for #error {}
        }
}

/// How a builder setter takes its value.
fn setter_param(ty: &Ty) -> (TokenStream, TokenStream) {
    match ty {
        Ty::String | Ty::Enum(_) => {
            let t = ty_tokens(ty);
            (
                quote! { impl ::std::convert::Into<#t> },
                quote! { value.into() },
            )
        }
        _ => (ty_tokens(ty), quote! { value }),
    }
}

fn state_param(f: &Field) -> syn::Ident {
    // A trailing underscore: no generated type name has one, so no parameter can shadow a type.
    format_ident!("{}_", upper_camel(&f.wire))
}

fn builder_def(
    op: &Operation,
    input: &syn::Ident,
    output: &syn::Ident,
    error: &syn::Ident,
    builder: &syn::Ident,
) -> TokenStream {
    let required: Vec<&Field> = op.input.iter().filter(|f| f.required).collect();
    let params: Vec<syn::Ident> = required.iter().map(|f| state_param(f)).collect();
    let all_ids: Vec<_> = op.input.iter().map(|f| field_ident(&f.wire)).collect();
    let req_names: Vec<String> = required.iter().map(|f| format!("`{}`", f.wire)).collect();
    let doc = doc_lines(&format!(
        "Builds and sends a `{}` call. {}",
        op.name,
        if required.is_empty() {
            "It has no required parameters: `send` is always available.".to_string()
        } else {
            format!(
                "`send` becomes available once every required parameter is set ({}); until then the builder's type still names [`Missing`](::alibabacloud_runtime::Missing) and the call does not compile.",
                req_names.join(", ")
            )
        }
    ));
    let struct_fields = op.input.iter().map(|f| {
        let id = field_ident(&f.wire);
        if f.required {
            let p = state_param(f);
            quote! { #id: #p, }
        } else {
            let ty = ty_tokens(&f.ty);
            quote! { #id: ::std::option::Option<#ty>, }
        }
    });
    let generics_decl = if params.is_empty() {
        quote! {}
    } else {
        quote! { <#(#params = ::alibabacloud_runtime::Missing),*> }
    };
    let generics_use = if params.is_empty() {
        quote! {}
    } else {
        quote! { <#(#params),*> }
    };
    let generics_impl = generics_use.clone();
    let missing_all = required
        .iter()
        .map(|_| quote! { ::alibabacloud_runtime::Missing });
    let missing_ty = if params.is_empty() {
        quote! {}
    } else {
        quote! { <#(#missing_all),*> }
    };
    let init = op.input.iter().map(|f| {
        let id = field_ident(&f.wire);
        if f.required {
            quote! { #id: ::alibabacloud_runtime::Missing, }
        } else {
            quote! { #id: ::std::option::Option::None, }
        }
    });

    let setters = op.input.iter().map(|f| {
        let id = field_ident(&f.wire);
        let fdoc = doc_lines(&field_doc(f));
        let (param_ty, conv) = setter_param(&f.ty);
        if f.required {
            let target = ty_tokens(&f.ty);
            let out_params = required.iter().map(|r| {
                if r.wire == f.wire {
                    target.clone()
                } else {
                    let p = state_param(r);
                    quote! { #p }
                }
            });
            let moves = all_ids.iter().map(|other| {
                if *other == id {
                    quote! { #other: #conv, }
                } else {
                    quote! { #other: self.#other, }
                }
            });
            quote! {
                #fdoc
                pub fn #id(self, value: #param_ty) -> #builder<#(#out_params),*> {
                    #builder { _client: self._client, _options: self._options, #(#moves)* }
                }
            }
        } else {
            let set = format_ident!("set_{}", f.rust);
            let ty = ty_tokens(&f.ty);
            let set_doc = format!(" Sets or clears `{}`.", f.wire);
            quote! {
                #fdoc
                pub fn #id(mut self, value: #param_ty) -> Self {
                    self.#id = ::std::option::Option::Some(#conv);
                    self
                }
                #[doc = #set_doc]
                pub fn #set(mut self, value: ::std::option::Option<#ty>) -> Self {
                    self.#id = value;
                    self
                }
            }
        }
    });
    let complete_ty: Vec<TokenStream> = required.iter().map(|f| ty_tokens(&f.ty)).collect();
    let complete = if complete_ty.is_empty() {
        quote! {}
    } else {
        quote! { <#(#complete_ty),*> }
    };
    let build_fields = all_ids.iter().map(|id| quote! { #id: self.#id, });
    quote! {
        #doc
        #[derive(Debug, Clone)]
        #[must_use = "a builder does nothing until `send` is called"]
        pub struct #builder #generics_decl {
            _client: crate::Client,
            _options: ::alibabacloud_runtime::CallOptions,
            #(#struct_fields)*
        }
        impl #builder #missing_ty {
            pub(crate) fn new(client: crate::Client) -> Self {
                #builder { _client: client, _options: ::alibabacloud_runtime::CallOptions::new(), #(#init)* }
            }
        }
        impl #generics_impl #builder #generics_use {
            #(#setters)*
            /// Overrides the client's retry policy and time limits for this call.
            pub fn call_options(mut self, options: ::alibabacloud_runtime::CallOptions) -> Self {
                self._options = options;
                self
            }
        }
        impl #builder #complete {
            fn into_parts(self) -> (crate::Client, ::alibabacloud_runtime::CallOptions, #input) {
                (self._client, self._options, #input { #(#build_fields)* })
            }
            /// The input this builder describes, without sending it.
            pub fn build(self) -> #input {
                self.into_parts().2
            }
            /// Sends the call and decodes the answer.
            pub async fn send(self) -> ::std::result::Result<#output, ::alibabacloud_runtime::SdkError<#error>> {
                let (client, options, input) = self.into_parts();
                client.runtime().invoke(&input, &options).await
            }
        }
    }
}

fn example_expr(ty: &Ty, example: Option<&str>, structs: &[StructDef]) -> String {
    match ty {
        Ty::String | Ty::Enum(_) => format!("{:?}", example.unwrap_or("example")),
        Ty::I32 => example
            .and_then(|e| e.parse::<i32>().ok())
            .unwrap_or(1)
            .to_string(),
        Ty::I64 => example
            .and_then(|e| e.parse::<i64>().ok())
            .unwrap_or(1)
            .to_string(),
        Ty::Bool => "true".into(),
        Ty::F32 | Ty::F64 => "1.0".into(),
        Ty::Any => "serde_json::json!({})".into(),
        Ty::List(_) => "vec![]".into(),
        Ty::Map(_) => "std::collections::BTreeMap::new()".into(),
        Ty::Struct(n) => {
            let Some(s) = structs.iter().find(|s| &s.name == n) else {
                return "Default::default()".into();
            };
            let fields: Vec<String> = s
                .fields
                .iter()
                .map(|f| {
                    let id = field_ident(&f.wire).to_string();
                    if f.required {
                        format!(
                            "{id}: {}",
                            example_expr(&f.ty, f.example.as_deref(), structs)
                        )
                    } else {
                        format!("{id}: None")
                    }
                })
                .collect();
            format!("{n} {{ {} }}", fields.join(", "))
        }
    }
}

fn client_method(service: &Service, op: &Operation, builder: &syn::Ident) -> TokenStream {
    let method = field_ident(&op.name);
    let krate = service.crate_name.replace('-', "_");
    let chain: String = op
        .input
        .iter()
        .filter(|f| f.required)
        .map(|f| {
            let e = match &f.ty {
                Ty::Enum(_) => format!(
                    "{:?}",
                    f.example
                        .clone()
                        .unwrap_or_else(|| first_enum_value(op, &f.ty))
                ),
                ty => example_expr(ty, f.example.as_deref(), &op.structs),
            };
            format!("\n    .{}({e})", field_ident(&f.wire))
        })
        .collect();
    let uses: Vec<String> = op
        .input
        .iter()
        .filter(|f| f.required)
        .filter_map(|f| match &f.ty {
            Ty::Struct(n) => Some(n.clone()),
            _ => None,
        })
        .collect();
    let use_line = if uses.is_empty() {
        String::new()
    } else {
        format!(
            "use {krate}::operation::{}::{{{}}};\n",
            field_ident(&op.name),
            uses.join(", ")
        )
    };
    let mut text = op.summary.trim().to_string();
    if op.deprecated {
        text.push_str("\n\n**Deprecated** by the service.");
    }
    text.push_str(&format!(
        "\n\nSee the [`{}`](crate::operation::{}) module for the rules, the parameters and the errors.\n\n# Example\n\n```no_run\n# async fn example(client: &{krate}::Client) -> Result<(), Box<dyn std::error::Error>> {{\n{use_line}let output = client\n    .{}(){chain}\n    .send()\n    .await?;\nprintln!(\"{{output:?}}\");\n# Ok(())\n# }}\n```",
        field_ident(&op.name),
        field_ident(&op.name),
        field_ident(&op.name),
    ));
    let doc = doc_lines(&text);
    quote! {
        impl crate::Client {
            #doc
            pub fn #method(&self) -> #builder {
                #builder::new(self.clone())
            }
        }
    }
}

fn first_enum_value(op: &Operation, ty: &Ty) -> String {
    match ty {
        Ty::Enum(n) => op
            .enums
            .iter()
            .find(|e| &e.name == n)
            .and_then(|e| e.variants.first())
            .map(|(_, w)| w.clone())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// The access path to the items list inside an output, as `Option<&Vec<Item>>`.
fn items_access(items: &[Field]) -> TokenStream {
    if items.is_empty() {
        return quote! { ::std::option::Option::Some(&[()]) };
    }
    let mut expr = quote! { output };
    for (i, f) in items.iter().enumerate() {
        let id = field_ident(&f.wire);
        expr = if i == 0 {
            quote! { #expr.#id.as_ref() }
        } else {
            quote! { #expr.and_then(|v| v.#id.as_ref()) }
        };
    }
    expr
}

fn take_items(items: &[Field]) -> TokenStream {
    if items.is_empty() {
        return quote! { ::std::vec![output] };
    }
    let mut expr = quote! { output };
    for (i, f) in items.iter().enumerate() {
        let id = field_ident(&f.wire);
        expr = if i == 0 {
            quote! { #expr.#id }
        } else {
            quote! { #expr.and_then(|v| v.#id) }
        };
    }
    quote! { #expr.unwrap_or_default() }
}

/// The items path and type; without a typed list, each page is one item.
fn items_or_pages(items: &Option<(Vec<Field>, Ty)>, op: &Operation) -> (Vec<Field>, Ty) {
    match items {
        Some((path, ty)) => (path.clone(), ty.clone()),
        None => (Vec::new(), Ty::Struct(format!("{}Output", op.name))),
    }
}

/// `Option<i32>` or `Option<i64>` to `Option<i64>`.
fn widen(f: &Field, value: TokenStream) -> TokenStream {
    match f.ty {
        Ty::I32 => quote! { #value.map(i64::from) },
        _ => value,
    }
}

fn int_from_i64(f: &Field, value: TokenStream) -> TokenStream {
    match f.ty {
        Ty::I32 => quote! { i32::try_from(#value).unwrap_or(i32::MAX) },
        _ => value,
    }
}

fn paginator_impl(
    op: &Operation,
    p: &Pagination,
    input: &syn::Ident,
    output: &syn::Ident,
) -> TokenStream {
    let builder = format_ident!("{}Builder", op.name);
    let required: Vec<TokenStream> = op
        .input
        .iter()
        .filter(|f| f.required)
        .map(|f| ty_tokens(&f.ty))
        .collect();
    let complete = if required.is_empty() {
        quote! {}
    } else {
        quote! { <#(#required),*> }
    };
    match p {
        Pagination::Page {
            page_number,
            page_size,
            total,
            items,
        } => {
            let (items, item_ty) = items_or_pages(items, op);
            let items = &items[..];
            let pn = field_ident(&page_number.wire);
            let ps = field_ident(&page_size.wire);
            let item = ty_tokens(&item_ty);
            let set = int_from_i64(page_number, quote! { page });
            let pn_get = widen(page_number, quote! { self.#pn });
            let ps_get = widen(page_size, quote! { self.#ps });
            let total_expr = match total {
                Some(t) => {
                    let id = field_ident(&t.wire);
                    widen(t, quote! { output.#id })
                }
                None => quote! { ::std::option::Option::None },
            };
            let count = items_access(items);
            let take = take_items(items);
            quote! {
                impl ::alibabacloud_runtime::paginate::PageNumbered for #input {
                    type Item = #item;
                    fn page_number(&self) -> ::std::option::Option<i64> { #pn_get }
                    fn set_page_number(&mut self, page: i64) { self.#pn = ::std::option::Option::Some(#set); }
                    fn page_size(&self) -> ::std::option::Option<i64> { #ps_get }
                    fn total(output: &#output) -> ::std::option::Option<i64> { #total_expr }
                    fn item_count(output: &#output) -> usize { #count.map_or(0, |v| v.len()) }
                    fn into_items(output: #output) -> ::std::vec::Vec<#item> { #take }
                }
                impl #builder #complete {
                    /// Pages through every result: `.pages()` gives a stream of pages, `.items()` a stream of items.
                    pub fn into_paginator(self) -> ::alibabacloud_runtime::paginate::PageNumberPaginator<#input> {
                        let (client, options, input) = self.into_parts();
                        ::alibabacloud_runtime::paginate::PageNumberPaginator::new(client.runtime().clone(), input, options)
                    }
                }
            }
        }
        Pagination::Token {
            input_token,
            output_token,
            items,
            ..
        } => {
            let (items, item_ty) = items_or_pages(items, op);
            let items = &items[..];
            let it = field_ident(&input_token.wire);
            let ot = field_ident(&output_token.wire);
            let item = ty_tokens(&item_ty);
            let take = take_items(items);
            quote! {
                impl ::alibabacloud_runtime::paginate::TokenPaged for #input {
                    type Item = #item;
                    fn set_token(&mut self, token: ::std::option::Option<::std::string::String>) { self.#it = token; }
                    fn next_token(output: &#output) -> ::std::option::Option<&str> { output.#ot.as_deref() }
                    fn into_items(output: #output) -> ::std::vec::Vec<#item> { #take }
                }
                impl #builder #complete {
                    /// Pages through every result: `.pages()` gives a stream of pages, `.items()` a stream of items.
                    pub fn into_paginator(self) -> ::alibabacloud_runtime::paginate::TokenPaginator<#input> {
                        let (client, options, input) = self.into_parts();
                        ::alibabacloud_runtime::paginate::TokenPaginator::new(client.runtime().clone(), input, options)
                    }
                }
            }
        }
    }
}

fn waiters(
    op: &Operation,
    builder: &syn::Ident,
    output: &syn::Ident,
    error: &syn::Ident,
) -> TokenStream {
    let required: Vec<TokenStream> = op
        .input
        .iter()
        .filter(|f| f.required)
        .map(|f| ty_tokens(&f.ty))
        .collect();
    let complete = if required.is_empty() {
        quote! {}
    } else {
        quote! { <#(#required),*> }
    };
    let methods = op.waiters.iter().map(|w| {
        let method = format_ident!("wait_until_{}", crate::naming::snake_case(&w.name));
        let field = field_ident(&w.field.wire);
        let value = match &w.field.ty {
            Ty::Enum(_) => quote! { output.#field.as_ref().map(|v| v.as_str()) },
            _ => quote! { output.#field.as_deref() },
        };
        let success = &w.success;
        let failure = &w.failure;
        let (min, max, total) = (w.min_delay_ms, w.max_delay_ms, w.max_wait_ms);
        let doc = doc_lines(&format!(
            "{}\n\nPolls `{}` until `{}` is {}; stops with [`WaiterError::Failed`](::alibabacloud_runtime::waiter::WaiterError::Failed) as soon as it is {}, and with [`WaiterError::TimedOut`](::alibabacloud_runtime::waiter::WaiterError::TimedOut) after `max_wait`. Delays grow from {min} ms to {max} ms with jitter. The spec suggests a `max_wait` of {total} ms.",
            w.description.as_deref().unwrap_or("Waits for a state."),
            op.name,
            w.field.wire,
            success.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(" or "),
            if failure.is_empty() { "never".to_string() } else { failure.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(" or ") },
        ));
        quote! {
            #doc
            pub async fn #method(
                self,
                max_wait: ::std::time::Duration,
            ) -> ::std::result::Result<#output, ::alibabacloud_runtime::waiter::WaiterError<#error>> {
                let (client, options, input) = self.into_parts();
                let config = ::alibabacloud_runtime::waiter::WaiterConfig::new(
                    ::std::time::Duration::from_millis(#min),
                    ::std::time::Duration::from_millis(#max),
                    max_wait,
                );
                ::alibabacloud_runtime::waiter::wait(client.runtime(), &input, &options, config, |output: &#output| {
                    let value = #value;
                    (
                        ::alibabacloud_runtime::waiter::classify(value, &[#(#success),*], &[#(#failure),*]),
                        value.map(::std::borrow::ToOwned::to_owned),
                    )
                }).await
            }
        }
    });
    let methods: Vec<_> = methods.collect();
    if methods.is_empty() {
        return quote! {};
    }
    quote! {
        impl #builder #complete {
            #(#methods)*
        }
    }
}
