//! Paginator and waiter impls, for operations whose spec declares them.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::builder::complete_bounds;
use super::{doc_lines, ty_tokens};
use crate::ir::{Field, Operation, Pagination, Ty};
use crate::naming::field_ident;

/// The access path to the items list inside an output, as `Option<&Vec<Item>>`.
fn items_access(items: &[Field]) -> TokenStream {
    if items.is_empty() {
        return quote! { ::std::option::Option::Some(&[()]) };
    }
    let mut expr = quote! { output };
    for (i, f) in items.iter().enumerate() {
        let id = field_ident(&f.rust);
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
        let id = field_ident(&f.rust);
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

/// `PageNumbered` or `TokenPaged` and `into_paginator`.
pub fn paginator_impl(
    op: &Operation,
    p: &Pagination,
    input: &syn::Ident,
    output: &syn::Ident,
) -> TokenStream {
    let builder = format_ident!("{}Builder", op.name);
    let (generics, bounds) = complete_bounds(op);
    match p {
        Pagination::Page {
            page_number,
            page_size,
            total,
            items,
        } => {
            let (items, item_ty) = items_or_pages(items, op);
            let items = &items[..];
            let pn = field_ident(&page_number.rust);
            let ps = field_ident(&page_size.rust);
            let item = ty_tokens(&item_ty);
            let set = int_from_i64(page_number, quote! { page });
            let pn_get = widen(page_number, quote! { self.#pn });
            let ps_get = widen(page_size, quote! { self.#ps });
            let total_expr = match total {
                Some(t) => {
                    let id = field_ident(&t.rust);
                    widen(t, quote! { output.#id })
                }
                None => quote! { ::std::option::Option::None },
            };
            let count = items_access(items);
            let take = take_items(items);
            // Unused when there is no total, or no item list (each page is one item).
            let total_arg = if total.is_some() {
                format_ident!("output")
            } else {
                format_ident!("_output")
            };
            let count_arg = if items.is_empty() {
                format_ident!("_output")
            } else {
                format_ident!("output")
            };
            quote! {
                impl ::alibabacloud_runtime::paginate::PageNumbered for #input {
                    type Item = #item;
                    fn page_number(&self) -> ::std::option::Option<i64> { #pn_get }
                    fn set_page_number(&mut self, page: i64) { self.#pn = ::std::option::Option::Some(#set); }
                    fn page_size(&self) -> ::std::option::Option<i64> { #ps_get }
                    fn total(#total_arg: &#output) -> ::std::option::Option<i64> { #total_expr }
                    fn item_count(#count_arg: &#output) -> usize { #count.map_or(0, |v| v.len()) }
                    fn into_items(output: #output) -> ::std::vec::Vec<#item> { #take }
                }
                impl #generics #builder #generics {
                    /// Pages through every result: `.pages()` gives a stream of pages, `.items()` a stream of items.
                    pub fn into_paginator(self) -> ::alibabacloud_runtime::paginate::PageNumberPaginator<#input> #bounds {
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
            let it = field_ident(&input_token.rust);
            let ot = field_ident(&output_token.rust);
            let item = ty_tokens(&item_ty);
            let take = take_items(items);
            quote! {
                impl ::alibabacloud_runtime::paginate::TokenPaged for #input {
                    type Item = #item;
                    fn set_token(&mut self, token: ::std::option::Option<::std::string::String>) { self.#it = token; }
                    fn next_token(output: &#output) -> ::std::option::Option<&str> { output.#ot.as_deref() }
                    fn into_items(output: #output) -> ::std::vec::Vec<#item> { #take }
                }
                impl #generics #builder #generics {
                    /// Pages through every result: `.pages()` gives a stream of pages, `.items()` a stream of items.
                    pub fn into_paginator(self) -> ::alibabacloud_runtime::paginate::TokenPaginator<#input> #bounds {
                        let (client, options, input) = self.into_parts();
                        ::alibabacloud_runtime::paginate::TokenPaginator::new(client.runtime().clone(), input, options)
                    }
                }
            }
        }
    }
}

/// One `wait_until_<name>` per waiter.
pub fn waiters(
    op: &Operation,
    builder: &syn::Ident,
    output: &syn::Ident,
    error: &syn::Ident,
) -> TokenStream {
    let (generics, bounds) = complete_bounds(op);
    let methods = op.waiters.iter().map(|w| {
        let method = format_ident!("wait_until_{}", crate::naming::snake_case(&w.name));
        let field = field_ident(&w.field.rust);
        let value = if w.parents.is_empty() {
            match &w.field.ty {
                Ty::Enum(_) => quote! { output.#field.as_ref().map(|v| v.as_str()) },
                _ => quote! { output.#field.as_deref() },
            }
        } else {
            let mut holder = quote! { output };
            for (i, p) in w.parents.iter().enumerate() {
                let id = field_ident(&p.rust);
                holder = if i == 0 {
                    quote! { #holder.#id.as_ref() }
                } else {
                    quote! { #holder.and_then(|v| v.#id.as_ref()) }
                };
            }
            match &w.field.ty {
                Ty::Enum(_) => quote! { #holder.and_then(|v| v.#field.as_ref()).map(|v| v.as_str()) },
                _ => quote! { #holder.and_then(|v| v.#field.as_deref()) },
            }
        };
        let success = &w.success;
        let failure = &w.failure;
        let (min, max, total) = (w.min_delay_ms, w.max_delay_ms, w.max_wait_ms);
        let doc = doc_lines(&format!(
            "{}\n\nPolls `{}` until `{}` is {}; stops with [`WaiterError::Failed`](crate::runtime::waiter::WaiterError::Failed) as soon as it is {}, and with [`WaiterError::TimedOut`](crate::runtime::waiter::WaiterError::TimedOut) after the wait's `max_wait`. Pass a [`Duration`](std::time::Duration) for `max_wait` alone, or [`WaitOptions`](crate::runtime::waiter::WaitOptions) to choose the delays too; by default they grow from {min} ms to {max} ms with jitter. The spec suggests a `max_wait` of {total} ms.",
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
                wait: impl ::std::convert::Into<::alibabacloud_runtime::waiter::WaitOptions>,
            ) -> ::std::result::Result<#output, ::alibabacloud_runtime::waiter::WaiterError<#error>> #bounds {
                let (client, options, input) = self.into_parts();
                let config = wait.into().config(
                    ::std::time::Duration::from_millis(#min),
                    ::std::time::Duration::from_millis(#max),
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
        impl #generics #builder #generics {
            #(#methods)*
        }
    }
}
