//! TLS for every HTTP client the runtime builds (the SDK client and the ECS metadata provider),
//! without process-wide side effects.
//!
//! Under the default `rustls-ring` feature, reqwest is built without a crypto provider of its
//! own. Rather than installing ring as the process's default provider (which would make an
//! application's own `CryptoProvider::install_default` fail afterwards), the runtime hands
//! reqwest a complete rustls configuration built on ring: the platform's certificate verifier,
//! rustls' safe protocol versions, and ALPN for HTTP/2 and HTTP/1.1 as reqwest would set them.
//! Under `rustls-aws-lc-rs` and `native-tls`, reqwest's own setup installs nothing either.

/// A reqwest client builder whose TLS is configured for the chosen backend.
///
/// Other crates of the SDK (the config crate's credentials URI provider) build their clients
/// from it too, so that they follow the same TLS choice. Fails only when the platform's
/// certificate verifier cannot be set up.
pub fn http_client_builder() -> Result<reqwest::ClientBuilder, String> {
    let builder = reqwest::Client::builder();
    #[cfg(feature = "rustls-ring")]
    let builder = builder.tls_backend_preconfigured(ring_client_config()?);
    Ok(builder)
}

/// The rustls configuration of the `rustls-ring` feature.
#[cfg(feature = "rustls-ring")]
fn ring_client_config() -> Result<rustls::ClientConfig, String> {
    use rustls_platform_verifier::BuilderVerifierExt as _;

    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS protocol versions: {e}"))?
        .with_platform_verifier()
        .map_err(|e| format!("the platform's certificate verifier: {e}"))?
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// Installs rustls with `ring` as the process-wide default crypto provider, unless one is
/// installed already.
///
/// The runtime never calls it: its clients carry their own TLS configuration. It is for
/// programs that also build bare `reqwest` clients, which, with the `rustls-ring` feature,
/// need a process default provider (an application that installs its own provider does not
/// need this).
#[cfg(feature = "rustls-ring")]
#[cfg_attr(docsrs, doc(cfg(feature = "rustls-ring")))]
pub fn install_default_crypto_provider() {
    // Errors only when a provider is already installed, which is what we want to keep.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

#[cfg(all(test, feature = "rustls-ring"))]
mod tests {
    use super::*;

    #[test]
    fn the_client_config_uses_ring_and_offers_http2() {
        let config = ring_client_config().expect("config");
        assert_eq!(
            config.alpn_protocols,
            [b"h2".to_vec(), b"http/1.1".to_vec()]
        );
        let ring = rustls::crypto::ring::default_provider();
        let suites = |p: &rustls::crypto::CryptoProvider| {
            p.cipher_suites
                .iter()
                .map(|s| s.suite())
                .collect::<Vec<_>>()
        };
        assert_eq!(suites(config.crypto_provider()), suites(&ring));
        assert!(
            rustls::crypto::CryptoProvider::get_default().is_none(),
            "building the configuration installs nothing"
        );
    }
}
