//! The typestate builder of an operation and its `Client` method with a compiling example.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{DebugField, doc_lines, field_doc, needs_redacting_debug, redacting_debug, ty_tokens};
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
        let ty = ty_tokens(&f.ty);
        quote! { #p: self::required::#t<#ty> }
    });
    (quote! { <#(#params),*> }, quote! { where #(#bounds),* })
}

/// The `required` module: one trait per required parameter, implemented by the parameter's
/// type, whose `on_unimplemented` message names the parameter and its setter.
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
            "Implemented by the type of `{wire}` once it is set, so `send` and `build` can require it."
        ));
        let message = format!("`{}` needs its required parameter `{wire}`", op.name);
        let label = format!("`{wire}` is not set");
        let note = format!("set it with `.{setter}(…)` before this call");
        quote! {
            #doc
            #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
            pub trait #t<T> {
                /// The parameter's value.
                fn into_value(self) -> T;
            }
        }
    });
    let impls = required.iter().map(|f| {
        let t = required_trait(f);
        let ty = ty_tokens(&f.ty);
        quote! {
            impl self::required::#t<#ty> for #ty {
                fn into_value(self) -> #ty { self }
            }
        }
    });
    let doc = doc_lines(&format!(
        "The required parameters of [`{builder}`]: `send` and `build` need each of these traits, which only a set parameter's type implements, so the compiler names a parameter left unset."
    ));
    quote! {
        #doc
        pub mod required {
            #(#traits)*
        }
        #(#impls)*
    }
}

/// The builder type, its setters and `send`/`build` once every required parameter is set.
pub fn builder_def(
    op: &Operation,
    input: &syn::Ident,
    output: &syn::Ident,
    error: &syn::Ident,
    builder: &syn::Ident,
) -> TokenStream {
    let required: Vec<&Field> = op.input.iter().filter(|f| f.required).collect();
    let params: Vec<syn::Ident> = required.iter().map(|f| state_param(f)).collect();
    let all_ids: Vec<_> = op.input.iter().map(|f| field_ident(&f.rust)).collect();
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
    let struct_fields = op.input.iter().map(|f| {
        let id = field_ident(&f.rust);
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
        let id = field_ident(&f.rust);
        if f.required {
            quote! { #id: ::alibabacloud_runtime::Missing, }
        } else {
            quote! { #id: ::std::option::Option::None, }
        }
    });

    let setters = op.input.iter().map(|f| {
        let id = field_ident(&f.rust);
        let fdoc = doc_lines(&field_doc(f));
        let (param_ty, conv) = setter_param(&f.ty);
        if f.required {
            let target = ty_tokens(&f.ty);
            let out_params = required.iter().map(|r| {
                if r.rust == f.rust {
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
    let (complete_generics, complete_where) = complete_bounds(op);
    let required_mod = required_module(op, builder);
    let build_fields = op.input.iter().map(|f| {
        let id = field_ident(&f.rust);
        if f.required {
            let p = state_param(f);
            let t = required_trait(f);
            let ty = ty_tokens(&f.ty);
            quote! { #id: <#p as self::required::#t<#ty>>::into_value(self.#id), }
        } else {
            quote! { #id: self.#id, }
        }
    });
    let (derive_debug, debug_impl) = if needs_redacting_debug(&op.input) {
        let mut fields: Vec<DebugField> = vec![
            DebugField {
                ident: format_ident!("_client"),
                sensitive: false,
            },
            DebugField {
                ident: format_ident!("_options"),
                sensitive: false,
            },
        ];
        fields.extend(op.input.iter().map(DebugField::of));
        (
            quote! {},
            redacting_debug(
                &quote! { #builder #generics_use },
                &builder.to_string(),
                &params,
                &fields,
            ),
        )
    } else {
        (quote! { Debug, }, quote! {})
    };
    quote! {
        #doc
        #[derive(#derive_debug Clone)]
        #[must_use = "a builder does nothing until `send` is called"]
        pub struct #builder #generics_decl {
            _client: crate::Client,
            _options: ::alibabacloud_runtime::CallOptions,
            #(#struct_fields)*
        }
        #debug_impl
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
        impl #complete_generics #builder #complete_generics {
            fn into_parts(self) -> (crate::Client, ::alibabacloud_runtime::CallOptions, #input) #complete_where {
                (self._client, self._options, #input { #(#build_fields)* })
            }
            /// The input this builder describes, without sending it.
            pub fn build(self) -> #input #complete_where {
                self.into_parts().2
            }
            /// Sends the call and decodes the answer.
            pub async fn send(self) -> ::std::result::Result<#output, ::alibabacloud_runtime::SdkError<#error>> #complete_where {
                let (client, options, input) = self.into_parts();
                client.runtime().invoke(&input, &options).await
            }
        }
        #required_mod
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
