//! The typestate builder of an operation and its `Client` method with a compiling example.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc_lines, field_doc, ty_tokens};
use crate::ir::{Field, Operation, Service, StructDef, Ty};
use crate::naming::{field_ident, upper_camel};

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
    format_ident!("{}_", required_name(f))
}

/// The upper camel name of a required parameter, from the wire name unless the field was
/// renamed to avoid a collision (`cluster_id_2`, a path and a body parameter of the same
/// name), in which case it comes from the Rust name, which the IR keeps unique.
fn required_name(f: &Field) -> String {
    if f.rust != crate::naming::snake_case(&f.wire) {
        return upper_camel(&f.rust);
    }
    upper_camel(&f.wire)
}

/// The trait in the operation's `required` module that a required parameter's type implements
/// once the parameter is set.
fn required_trait(f: &Field) -> syn::Ident {
    format_ident!("{}", required_name(f))
}

/// The generics of a builder impl that accepts every state, and the `where` clause that holds
/// once every required parameter is set. Methods that need all of them carry the clause, so a
/// call with one missing reports that parameter by name (the trait's `on_unimplemented`).
pub fn complete_bounds(op: &Operation) -> (TokenStream, TokenStream) {
    let required: Vec<&Field> = op.input.iter().filter(|f| f.required).collect();
    if required.is_empty() {
        return (quote! {}, quote! {});
    }
    let params: Vec<syn::Ident> = required.iter().map(|f| state_param(f)).collect();
    let bounds = required.iter().map(|f| {
        let p = state_param(f);
        let t = required_trait(f);
        quote! { #p: self::required::#t }
    });
    (quote! { <#(#params),*> }, quote! { where #(#bounds),* })
}

/// The `required` module: one marker trait per required parameter, implemented by
/// [`Set`](alibabacloud_runtime::Set) only, whose `on_unimplemented` message names the parameter
/// and its setter.
fn required_module(op: &Operation, builder: &syn::Ident) -> TokenStream {
    let required: Vec<&Field> = op.input.iter().filter(|f| f.required).collect();
    if required.is_empty() {
        return quote! {};
    }
    let traits = required.iter().map(|f| {
        let t = required_trait(f);
        let wire = &f.wire;
        let setter = field_ident(&f.rust);
        let doc = doc_lines(&format!(
            "Implemented by the builder's marker for `{wire}` once it is set, so `send` and `build` can require it."
        ));
        let message = format!("`{}` needs its required parameter `{wire}`", op.name);
        let label = format!("`{wire}` is not set");
        let note = format!("set it with `.{setter}(…)` before this call");
        quote! {
            #doc
            #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
            pub trait #t {}
            impl #t for ::alibabacloud_runtime::Set {}
        }
    });
    let doc = doc_lines(&format!(
        "The required parameters of [`{builder}`]: `send` and `build` need each of these traits, which only a set parameter's marker implements, so the compiler names a parameter left unset."
    ));
    quote! {
        #doc
        pub mod required {
            #(#traits)*
        }
    }
}

/// The builder type, its setters and `send`/`build` once every required parameter is set.
///
/// The builder holds the operation's input whole (required parameters start as a
/// `alibabacloud_runtime::builder::Placeholder`) and one zero-sized marker type
/// parameter per required parameter, so every setter is one assignment and, for a required
/// parameter, one move of the same three fields into the builder's next state: its size does
/// not grow with the operation's parameters.
pub fn builder_def(
    op: &Operation,
    input: &syn::Ident,
    output: &syn::Ident,
    error: &syn::Ident,
    builder: &syn::Ident,
) -> TokenStream {
    let required: Vec<&Field> = op.input.iter().filter(|f| f.required).collect();
    let params: Vec<syn::Ident> = required.iter().map(|f| state_param(f)).collect();
    let req_names: Vec<String> = required.iter().map(|f| format!("`{}`", f.wire)).collect();
    let doc = doc_lines(&format!(
        "Builds and sends a `{}` call. {}",
        op.name,
        if required.is_empty() {
            "It has no required parameters: `send` is always available.".to_string()
        } else {
            format!(
                "`send` and `build` compile once every required parameter is set ({}); until then the compiler names the parameter still missing.",
                req_names.join(", ")
            )
        }
    ));
    let (generics_decl, generics_use, state_field, state_init) = if params.is_empty() {
        (quote! {}, quote! {}, quote! {}, quote! {})
    } else {
        (
            quote! { <#(#params = ::alibabacloud_runtime::Missing),*> },
            quote! { <#(#params),*> },
            quote! { state: ::std::marker::PhantomData<(#(#params,)*)>, },
            quote! { state: ::std::marker::PhantomData, },
        )
    };
    let init = op.input.iter().map(|f| {
        let id = field_ident(&f.rust);
        if f.required {
            quote! { #id: ::alibabacloud_runtime::builder::Placeholder::placeholder(), }
        } else {
            quote! { #id: ::std::option::Option::None, }
        }
    });
    let setters = op.input.iter().map(|f| {
        let id = field_ident(&f.rust);
        let fdoc = doc_lines(&field_doc(f));
        let (param_ty, conv) = setter_param(&f.ty);
        if f.required {
            let out_params = required.iter().map(|r| {
                if r.rust == f.rust {
                    quote! { ::alibabacloud_runtime::Set }
                } else {
                    let p = state_param(r);
                    quote! { #p }
                }
            });
            quote! {
                #fdoc
                pub fn #id(mut self, value: #param_ty) -> #builder<#(#out_params),*> {
                    self.input.#id = #conv;
                    #builder { client: self.client, options: self.options, input: self.input, #state_init }
                }
            }
        } else {
            let set = format_ident!("set_{}", f.rust);
            let ty = ty_tokens(&f.ty);
            let set_doc = format!(" Sets or clears `{}`.", f.wire);
            quote! {
                #fdoc
                pub fn #id(mut self, value: #param_ty) -> Self {
                    self.input.#id = ::std::option::Option::Some(#conv);
                    self
                }
                #[doc = #set_doc]
                pub fn #set(mut self, value: ::std::option::Option<#ty>) -> Self {
                    self.input.#id = value;
                    self
                }
            }
        }
    });
    let (_, complete_where) = complete_bounds(op);
    let required_mod = required_module(op, builder);
    let placeholders = struct_placeholders(op);
    let new_impl = if params.is_empty() {
        quote! { impl #builder }
    } else {
        let missing = params
            .iter()
            .map(|_| quote! { ::alibabacloud_runtime::Missing });
        quote! { impl #builder<#(#missing),*> }
    };
    quote! {
        #doc
        #[derive(Debug, Clone)]
        #[must_use = "a builder does nothing until `send` is called"]
        pub struct #builder #generics_decl {
            client: crate::Client,
            options: ::alibabacloud_runtime::CallOptions,
            input: #input,
            #state_field
        }
        #new_impl {
            pub(crate) fn new(client: crate::Client) -> Self {
                #builder {
                    client,
                    options: ::alibabacloud_runtime::CallOptions::new(),
                    input: #input { #(#init)* },
                    #state_init
                }
            }
        }
        impl #generics_use #builder #generics_use {
            #(#setters)*
            /// Overrides the client's retry policy and time limits for this call.
            pub fn call_options(mut self, options: ::alibabacloud_runtime::CallOptions) -> Self {
                self.options = options;
                self
            }
            /// The input this builder describes, without sending it.
            pub fn build(self) -> #input #complete_where {
                self.input
            }
            /// Sends the call and decodes the answer.
            pub async fn send(self) -> ::std::result::Result<#output, ::alibabacloud_runtime::SdkError<#error>> #complete_where {
                self.client.runtime().invoke(&self.input, &self.options).await
            }
        }
        #required_mod
        #placeholders
    }
}

/// `Placeholder` impls for the request structures a required parameter holds directly (not in
/// a list or map, whose placeholder is empty), and for the structures those hold in turn.
fn struct_placeholders(op: &Operation) -> TokenStream {
    let mut names: Vec<&str> = Vec::new();
    let mut queue: Vec<&Field> = op.input.iter().filter(|f| f.required).collect();
    while let Some(f) = queue.pop() {
        let Ty::Struct(n) = &f.ty else { continue };
        if names.contains(&n.as_str()) {
            continue;
        }
        names.push(n);
        if let Some(s) = op.structs.iter().find(|s| &s.name == n) {
            queue.extend(s.fields.iter().filter(|f| f.required));
        }
    }
    names.sort_unstable();
    let impls = names.iter().filter_map(|n| {
        let s = op.structs.iter().find(|s| s.name == *n)?;
        let name = format_ident!("{}", n);
        let fields = s.fields.iter().map(|f| {
            let id = field_ident(&f.rust);
            if f.required {
                quote! { #id: ::alibabacloud_runtime::builder::Placeholder::placeholder(), }
            } else {
                quote! { #id: ::std::option::Option::None, }
            }
        });
        Some(quote! {
            impl ::alibabacloud_runtime::builder::Placeholder for #name {
                fn placeholder() -> Self {
                    #name { #(#fields)* }
                }
            }
        })
    });
    quote! { #(#impls)* }
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
        // One item, so that a required list is not sent empty (an empty list sends nothing).
        Ty::List(inner) => format!("vec![{}]", item_expr(inner, structs)),
        Ty::Map(inner) => format!(
            "std::collections::BTreeMap::from([(String::from(\"key\"), {})])",
            item_expr(inner, structs)
        ),
        Ty::Struct(n) => {
            let Some(s) = structs.iter().find(|s| &s.name == n) else {
                return "Default::default()".into();
            };
            // With no required member, the first member (with an example, if one has one) is
            // set, so that the structure is not sent empty (an empty one sends nothing).
            let none_required = !s.fields.iter().any(|f| f.required);
            let filler = none_required
                .then(|| {
                    s.fields
                        .iter()
                        .position(|f| f.example.is_some())
                        .or((!s.fields.is_empty()).then_some(0))
                })
                .flatten();
            let fields: Vec<String> = s
                .fields
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    let id = field_ident(&f.rust).to_string();
                    if f.required && f.sensitive {
                        format!("{id}: \"<secret>\".into()")
                    } else if f.required {
                        format!(
                            "{id}: {}",
                            item_expr_with(&f.ty, f.example.as_deref(), structs)
                        )
                    } else if filler == Some(i) && f.sensitive {
                        format!("{id}: Some(\"<secret>\".into())")
                    } else if filler == Some(i) {
                        format!(
                            "{id}: Some({})",
                            item_expr_with(&f.ty, f.example.as_deref(), structs)
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

/// An example value in a position that takes the type itself (not `impl Into`).
fn item_expr(ty: &Ty, structs: &[StructDef]) -> String {
    item_expr_with(ty, None, structs)
}

fn item_expr_with(ty: &Ty, example: Option<&str>, structs: &[StructDef]) -> String {
    match ty {
        Ty::String | Ty::Enum(_) => format!("{}.into()", example_expr(ty, example, structs)),
        _ => example_expr(ty, example, structs),
    }
}

/// The setter calls of an example call with every required parameter set
/// (`\n    .order_id(123)`), and the structure names the call needs in scope.
pub fn required_call_chain(op: &Operation) -> (String, Vec<String>) {
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
                _ if f.sensitive => "\"<secret>\"".to_string(),
                ty => example_expr(ty, f.example.as_deref(), &op.structs),
            };
            format!("\n    .{}({e})", field_ident(&f.rust))
        })
        .collect();
    let mut uses: Vec<String> = op
        .input
        .iter()
        .filter(|f| f.required)
        .filter_map(|f| match &f.ty {
            Ty::Struct(n) => Some(n.clone()),
            Ty::List(inner) => match &**inner {
                Ty::Struct(n) => Some(n.clone()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    uses.sort();
    uses.dedup();
    (chain, uses)
}

/// The `Client::<op>()` method.
pub fn client_method(service: &Service, op: &Operation, builder: &syn::Ident) -> TokenStream {
    let method = field_ident(&op.name);
    let krate = service.crate_name.replace('-', "_");
    let (chain, uses) = required_call_chain(op);
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
    let deprecated = super::deprecated_attr(op.deprecated);
    quote! {
        impl crate::Client {
            #doc
            #deprecated
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
