//! The TLS stack of the SDK's own HTTP client, chosen by cargo features, configured on that
//! client only: nothing is installed process-wide, so the application's other reqwest clients
//! behave as they would without the SDK.

use crate::Error;

/// Whether this build can speak https at all.
pub(crate) const AVAILABLE: bool = cfg!(any(
    feature = "rustls",
    feature = "rustls-ring",
    feature = "native-tls"
));

/// `rustls-ring`: a rustls configuration with the ring provider and the platform's verifier,
/// handed to this client alone (reqwest's own default would need a process-wide provider).
#[cfg(feature = "rustls-ring")]
pub(crate) fn configure(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    use rustls_platform_verifier::BuilderVerifierExt;
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|config| config.with_platform_verifier())
        .map_err(|e| Error::config(format!("TLS (rustls with ring) could not be set up: {e}")))?
        .with_no_client_auth();
    // What reqwest offers when it builds the configuration itself.
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(builder.tls_backend_preconfigured(config))
}

/// `native-tls` (without `rustls-ring`): the platform's TLS library.
#[cfg(all(feature = "native-tls", not(feature = "rustls-ring")))]
pub(crate) fn configure(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    Ok(builder.tls_backend_native())
}

/// `rustls` (the default), or no TLS at all: reqwest's own default backend.
#[cfg(not(any(feature = "rustls-ring", feature = "native-tls")))]
pub(crate) fn configure(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    Ok(builder)
}
