//! Where the gateway is.

use crate::Error;
use std::net::IpAddr;

/// The gateway to call.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Environment {
    /// `https://api.rizzitgo.com`, the live environment.
    #[default]
    Production,
    /// `https://api-qa.rizzitbuy.com`, for integration testing; data isolated from production.
    Sandbox,
    /// Any other base URL: https, or http on a loopback address (a local mock gateway).
    Custom(String),
}

impl Environment {
    /// The production gateway.
    pub const PRODUCTION_URL: &'static str = "https://api.rizzitgo.com";
    /// The sandbox / test gateway.
    pub const SANDBOX_URL: &'static str = "https://api-qa.rizzitbuy.com";

    /// The base URL, as configured.
    pub fn base_url(&self) -> &str {
        match self {
            Self::Production => Self::PRODUCTION_URL,
            Self::Sandbox => Self::SANDBOX_URL,
            Self::Custom(url) => url,
        }
    }

    /// Parses `production`, `sandbox` (or `test`/`qa`), or a base URL.
    pub fn parse(value: &str) -> Self {
        match value.trim().to_ascii_lowercase().as_str() {
            "production" | "prod" => Self::Production,
            "sandbox" | "test" | "qa" => Self::Sandbox,
            _ => Self::Custom(value.trim().to_owned()),
        }
    }

    /// The validated base URL without a trailing slash: https, or http to loopback only, so
    /// that a typo cannot send credentials in clear text over a network.
    pub(crate) fn validated_base_url(&self) -> Result<String, Error> {
        let raw = self.base_url();
        let url = reqwest::Url::parse(raw)
            .map_err(|e| Error::config(format!("base_url {raw:?} is not a URL: {e}")))?;
        let loopback = match url.host() {
            Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
            Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
            Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
            None => return Err(Error::config(format!("base_url {raw:?} has no host"))),
        };
        match url.scheme() {
            "https" => {}
            "http" if loopback => {}
            scheme => {
                return Err(Error::config(format!(
                    "base_url {raw:?} must use https (http is allowed only for loopback \
                     addresses), not {scheme}"
                )));
            }
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(Error::config(format!(
                "base_url {raw:?} must not have a query or fragment"
            )));
        }
        Ok(url.as_str().trim_end_matches('/').to_owned())
    }
}
