//! TLS setup shared by every HTTP client the runtime builds (the SDK client and the ECS
//! metadata provider).

/// Installs this crate's default TLS crypto provider (rustls with `ring`, under the default
/// `rustls-ring` feature) as the process-wide default, unless one is installed already.
///
/// [`crate::Client::new`] calls it. Call it yourself before building a bare `reqwest::Client` in a
/// program that also links this crate: with the `rustls-ring` feature, reqwest is built without
/// a provider of its own and would otherwise panic. Without that feature it does nothing.
pub fn install_default_crypto_provider() {
    #[cfg(feature = "rustls-ring")]
    {
        // Errors only when a provider is already installed, which is what we want to keep.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}
