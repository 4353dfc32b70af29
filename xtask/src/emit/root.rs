//! The crate root (`lib.rs`) and manifest (`Cargo.toml`) of a generated product crate.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::inner_doc_lines;
use crate::ir::Product;
use crate::spec::Signature;

/// `src/lib.rs`.
pub fn lib_rs(p: &Product) -> TokenStream {
    let s = &p.service;
    let krate = s.crate_name.replace('-', "_");
    let ops: Vec<String> = p
        .operations
        .iter()
        .map(|o| {
            format!(
                "| [`{}`](operation::{}) | {} |",
                o.name,
                o.snake,
                o.summary.replace('|', "\\|")
            )
        })
        .collect();
    // The example calls the first operation that needs no parameters, if there is one.
    // Prefer a read-only listing, then any read-only operation: an example should not change
    // anything in the reader's account.
    let no_params = |o: &&crate::ir::Operation| o.input.iter().all(|f| !f.required);
    let call = p
        .operations
        .iter()
        .filter(no_params)
        .find(|o| o.idempotent && o.name.starts_with("List"))
        .or_else(|| p.operations.iter().filter(no_params).find(|o| o.idempotent))
        .map(|o| {
            format!(
                "let output = client.{}().send().await?;\nprintln!(\"{{output:?}}\");\n",
                crate::naming::field_ident(&o.name)
            )
        })
        .unwrap_or_default();
    let doc = inner_doc_lines(&format!(
        "{title} (`{product}` API version {version}).\n\n{summary}\n\nThis crate is generated from `{dir}` by `cargo xtask codegen`. Each operation has one module under [`operation`] with the same shape: `<Op>Input`, `<Op>Output`, `<Op>Error`, `<Op>Builder` and a method on [`Client`]. Signing, credentials, endpoints, retries and decoding live in [`alibabacloud_runtime`].\n\n```no_run\n# async fn example() -> Result<(), Box<dyn std::error::Error>> {{\nuse {krate}::Client;\n\n// Credentials from ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET.\nlet client = Client::new(Client::config().region(\"cn-hangzhou\").build()?)?;\n{call}# Ok(())\n# }}\n```\n\n# Operations\n\n| Operation | What it does |\n|---|---|\n{}",
        ops.join("\n"),
        call = call,
        title = s.title,
        product = s.product,
        version = s.version,
        summary = s.summary,
        dir = p.spec_dir,
    ));
    let mods = p.operations.iter().map(|o| {
        let m = crate::naming::field_ident(&o.name);
        let d = format!(" `{}`: {}", o.name, o.summary.trim());
        quote! { #[doc = #d] pub mod #m; }
    });
    let product = &s.product;
    let version = &s.version;
    let crate_name = &s.crate_name;
    let default_host = &s.endpoints.default_host;
    let regions = &s.endpoints.default_host_regions;
    let regional = s
        .endpoints
        .regional_hosts
        .iter()
        .map(|(r, h)| quote! { (#r, #h) });
    let fallback = &s.endpoints.fallback;
    let decode_arms = p.operations.iter().map(|o| {
        let action = &o.name;
        let m = crate::naming::field_ident(&o.name);
        let out = format_ident!("{}Output", o.name);
        quote! { (#action, ::alibabacloud_runtime::de::check::<operation::#m::#out>), }
    });
    let signature = match s.signature {
        Signature::V1 => quote! { ::alibabacloud_runtime::SignatureVersion::V1 },
        Signature::V3 => quote! { ::alibabacloud_runtime::SignatureVersion::V3 },
    };
    quote! {
        #doc
        #![deny(missing_docs)]
        #![allow(clippy::too_many_arguments, clippy::large_enum_variant)]

        pub use ::alibabacloud_runtime::{
            CallOptions, Config, ConfigBuilder, Credentials, ErrorMetadata, Missing, OperationError, RetryConfig, SdkError,
            SignatureVersion,
        };
        pub use ::alibabacloud_runtime::error::SdkErrorKind;
        pub use ::alibabacloud_runtime as runtime;

        /// One module per operation.
        pub mod operation {
            #(#mods)*
        }

        /// What the runtime needs to know about this product: code, version and endpoint map.
        pub const SERVICE: ::alibabacloud_runtime::ServiceInfo = ::alibabacloud_runtime::ServiceInfo {
            product: #product,
            version: #version,
            sdk_name: #crate_name,
            sdk_version: ::std::env!("CARGO_PKG_VERSION"),
            endpoints: ::alibabacloud_runtime::EndpointRules {
                default_host: #default_host,
                default_host_regions: &[#(#regions),*],
                regional_hosts: &[#(#regional),*],
                fallback_template: #fallback,
            },
        };

        /// The signature scheme new clients use unless configured otherwise.
        pub const DEFAULT_SIGNATURE_VERSION: ::alibabacloud_runtime::SignatureVersion = #signature;

        /// A client for the product. Cloning is cheap and shares the connection pool.
        #[derive(Debug, Clone)]
        pub struct Client {
            runtime: ::alibabacloud_runtime::Client,
        }

        impl Client {
            /// A configuration builder preset with this product's default signature scheme.
            pub fn config() -> ::alibabacloud_runtime::ConfigBuilder {
                ::alibabacloud_runtime::Config::builder().signature_version(DEFAULT_SIGNATURE_VERSION)
            }

            /// Builds a client from a configuration.
            pub fn new(config: ::alibabacloud_runtime::Config) -> ::std::result::Result<Self, ::alibabacloud_runtime::config::ConfigError> {
                ::std::result::Result::Ok(Self { runtime: ::alibabacloud_runtime::Client::new(SERVICE, config)? })
            }

            /// Builds a client with credentials from the `ALIBABA_CLOUD_*` environment variables and the default endpoint.
            pub fn from_env() -> ::std::result::Result<Self, ::alibabacloud_runtime::config::ConfigError> {
                Self::new(Self::config().build()?)
            }

            /// The runtime client underneath, for generic code.
            pub fn runtime(&self) -> &::alibabacloud_runtime::Client {
                &self.runtime
            }
        }

        /// Decodes `body` as the success output of the operation named `action`, discarding the
        /// value: `None` for an unknown action, otherwise whether decoding succeeded. For fuzzing
        /// and conformance tests that must reach every operation's decoder; only with the
        /// `decode-output` feature, because it compiles every decoder into this crate.
        #[cfg(feature = "decode-output")]
        pub fn decode_output(action: &str, body: &[u8]) -> ::std::option::Option<::std::result::Result<(), ::serde_json::Error>> {
            ::alibabacloud_runtime::de::decode_by_action(&[#(#decode_arms)*], action, body)
        }
    }
}

/// `Cargo.toml`.
pub fn cargo_toml(p: &Product) -> String {
    let s = &p.service;
    let mut dev = String::from(
        "tokio = { workspace = true, features = [\"rt-multi-thread\", \"macros\"] }\n",
    );
    if let Some(emu) = &s.emulator_crate {
        dev.push_str(&format!("{emu}.workspace = true\n"));
    }
    format!(
        "# @generated by `cargo xtask codegen` from {dir}/service.json. Do not edit by hand.\n\
[package]\n\
name = \"{name}\"\n\
description = \"{title} ({product} {version}) for Rust, generated from API specs.\"\n\
version.workspace = true\n\
edition.workspace = true\n\
rust-version.workspace = true\n\
license.workspace = true\n\
repository.workspace = true\n\
\n\
[features]\n\
default = [\"rustls-ring\"]\n\
rustls-ring = [\"alibabacloud-runtime/rustls-ring\"]\n\
rustls-aws-lc-rs = [\"alibabacloud-runtime/rustls-aws-lc-rs\"]\n\
native-tls = [\"alibabacloud-runtime/native-tls\"]\n\
# `decode_output`: every operation's decoder by action name, for fuzzing and conformance tests.\n\
decode-output = []\n\
\n\
[dependencies]\n\
alibabacloud-runtime.workspace = true\n\
serde.workspace = true\n\
serde_json.workspace = true\n\
\n\
[dev-dependencies]\n\
{dev}",
        dir = p.spec_dir,
        name = s.crate_name,
        title = toml_escape(&s.title),
        product = s.product,
        version = s.version,
    )
}

/// Escapes text for a TOML basic string.
fn toml_escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}
