//! Endpoint resolution.
//!
//! In order: an explicitly configured endpoint wins; otherwise the product's endpoint map
//! by region; otherwise the regional fallback template (`cas.<region>.aliyuncs.com`).
//! HTTPS is the default; plain HTTP only when an explicit endpoint says `http://`.

use std::fmt;

/// What a generated product crate tells the runtime about its service.
#[derive(Debug, Clone, Copy)]
pub struct ServiceInfo {
    /// The product code, such as `cas`.
    pub product: &'static str,
    /// The API version, such as `2020-04-07`.
    pub version: &'static str,
    /// The generated crate's name and version, for the `User-Agent` header.
    pub sdk_name: &'static str,
    /// The generated crate's version.
    pub sdk_version: &'static str,
    /// Where the service lives.
    pub endpoints: EndpointRules,
}

/// A product's endpoint map, from its service spec.
#[derive(Debug, Clone, Copy)]
pub struct EndpointRules {
    /// The host used when no region is configured, and for the regions in `default_host_regions`.
    pub default_host: &'static str,
    /// Regions served by `default_host`.
    pub default_host_regions: &'static [&'static str],
    /// Regions with a host of their own: `(region, host)`.
    pub regional_hosts: &'static [(&'static str, &'static str)],
    /// The host for any other region, with `{region}` standing for the region id.
    pub fallback_template: &'static str,
}

impl EndpointRules {
    /// The host for `region` (or the default host when `region` is `None`).
    pub fn host_for(&self, region: Option<&str>) -> String {
        let Some(region) = region else {
            return self.default_host.to_string();
        };
        if let Some((_, host)) = self.regional_hosts.iter().find(|(r, _)| *r == region) {
            return (*host).to_string();
        }
        if self.default_host_regions.contains(&region) {
            return self.default_host.to_string();
        }
        self.fallback_template.replace("{region}", region)
    }
}

/// `http` or `https`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scheme {
    /// Plain HTTP, only when an explicit endpoint asks for it (for example a local emulator).
    Http,
    /// HTTPS, the default.
    #[default]
    Https,
}

impl Scheme {
    /// `http` or `https`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }
}

/// A resolved endpoint: scheme, host and optional port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    scheme: Scheme,
    host: String,
    port: Option<u16>,
}

/// An endpoint string that is not `[scheme://]host[:port][/]`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid endpoint `{input}`: {reason}")]
pub struct InvalidEndpoint {
    input: String,
    reason: &'static str,
}

impl Endpoint {
    /// An HTTPS endpoint on the default port.
    pub fn https(host: impl Into<String>) -> Self {
        Self {
            scheme: Scheme::Https,
            host: host.into(),
            port: None,
        }
    }

    /// Parses `host`, `host:port`, `https://host[:port]` or `http://host[:port]` with
    /// `http::Uri`; a bare host means HTTPS.
    ///
    /// A trailing `/` is accepted; any other path, a query, a fragment or user info is rejected.
    pub fn parse(input: &str) -> Result<Self, InvalidEndpoint> {
        let err = |reason| InvalidEndpoint {
            input: input.to_string(),
            reason,
        };
        if input.contains('#') {
            return Err(err("only scheme, host and port are allowed"));
        }
        let uri: http::Uri = if input.contains("://") {
            input.parse()
        } else {
            format!("https://{input}").parse()
        }
        .map_err(|_| err("not of the form [scheme://]host[:port]"))?;
        let scheme = match uri.scheme_str() {
            Some("https") => Scheme::Https,
            Some("http") => Scheme::Http,
            _ => return Err(err("the scheme must be http or https")),
        };
        let authority = uri.authority().ok_or_else(|| err("the host is empty"))?;
        if authority.as_str().contains('@') {
            return Err(err("only scheme, host and port are allowed"));
        }
        if !matches!(uri.path(), "" | "/") || uri.query().is_some() {
            return Err(err("only scheme, host and port are allowed"));
        }
        let host = authority.host();
        if host.is_empty() {
            return Err(err("the host is empty"));
        }
        // `http` reports no port, rather than an error, for one it cannot read (`x:99999`).
        let port = match authority.port() {
            Some(p) => Some(p.as_u16()),
            None if authority.as_str() != host => {
                return Err(err("the port is not a number from 0 to 65535"));
            }
            None => None,
        };
        Ok(Self {
            scheme,
            host: host.to_string(),
            port,
        })
    }

    /// The scheme.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The host name or address.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port, when one was given.
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// The value of the `host` header: the host, plus `:port` when there is one.
    pub fn authority(&self) -> String {
        match self.port {
            Some(p) => format!("{}:{p}", self.host),
            None => self.host.clone(),
        }
    }

    /// `scheme://authority/`.
    pub fn base_url(&self) -> String {
        format!("{}://{}/", self.scheme.as_str(), self.authority())
    }

    /// Resolves the endpoint for a service: `explicit` wins, then the map, then the fallback.
    pub fn resolve(
        explicit: Option<&Endpoint>,
        region: Option<&str>,
        rules: &EndpointRules,
    ) -> Self {
        match explicit {
            Some(e) => e.clone(),
            None => Self::https(rules.host_for(region)),
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}", self.scheme.as_str(), self.authority())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: EndpointRules = EndpointRules {
        default_host: "cas.aliyuncs.com",
        default_host_regions: &["cn-hangzhou", "us-west-1"],
        regional_hosts: &[("cn-special", "cas-special.aliyuncs.com")],
        fallback_template: "cas.{region}.aliyuncs.com",
    };

    #[test]
    fn resolution_order() {
        let explicit = Endpoint::parse("http://127.0.0.1:8080").unwrap();
        assert_eq!(
            Endpoint::resolve(Some(&explicit), Some("cn-hangzhou"), &RULES).to_string(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            Endpoint::resolve(None, Some("cn-hangzhou"), &RULES).to_string(),
            "https://cas.aliyuncs.com"
        );
        assert_eq!(
            Endpoint::resolve(None, Some("cn-special"), &RULES).to_string(),
            "https://cas-special.aliyuncs.com"
        );
        assert_eq!(
            Endpoint::resolve(None, Some("ap-south-9"), &RULES).to_string(),
            "https://cas.ap-south-9.aliyuncs.com"
        );
        assert_eq!(
            Endpoint::resolve(None, None, &RULES).to_string(),
            "https://cas.aliyuncs.com"
        );
    }

    #[test]
    fn parsing() {
        let e = Endpoint::parse("cas.aliyuncs.com").unwrap();
        assert_eq!(
            (e.scheme(), e.host(), e.port()),
            (Scheme::Https, "cas.aliyuncs.com", None)
        );
        let e = Endpoint::parse("http://localhost:9000/").unwrap();
        assert_eq!(
            (e.scheme(), e.authority().as_str()),
            (Scheme::Http, "localhost:9000")
        );
        let e = Endpoint::parse("https://[::1]:443").unwrap();
        assert_eq!(e.authority(), "[::1]:443");
        let e = Endpoint::parse("http://[::1]").unwrap();
        assert_eq!((e.host(), e.port()), ("[::1]", None));
        let e = Endpoint::parse("127.0.0.1:0").unwrap();
        assert_eq!((e.scheme(), e.port()), (Scheme::Https, Some(0)));
        for bad in [
            "",
            "ftp://x",
            "http://",
            "x:99999",
            "x:",
            "x:port",
            "x/path",
            "x?q=1",
            "x#frag",
            "http://u@x",
            "http://u:p@x",
            "[::1",
            "a b",
            "://x",
        ] {
            assert!(Endpoint::parse(bad).is_err(), "{bad}");
        }
    }
}
