//! Routing: which product and operation a request is for.
//!
//! RPC requests name their version and action (`Version`/`Action` parameters under V1,
//! `x-acs-version`/`x-acs-action` headers under V3); ROA requests name them in the headers too,
//! and their method and path must fit the operation's template. A request that names no action
//! is matched against the ROA templates by method and path. Where several served products
//! answer the same version and action, the first label of `Host` (`ecs.cn-hangzhou...`) picks
//! one.

use std::sync::Arc;

use crate::error::ApiError;
use crate::request::Incoming;
use crate::response::Envelope;
use crate::table::{OperationSpec, ProductTable};

/// The products one emulator serves.
#[derive(Debug)]
pub(crate) struct Catalog {
    products: Vec<Arc<ProductTable>>,
    /// Why the configuration could not be served (an unknown product, a table that does not
    /// load); every request is then answered with `InternalError` naming it.
    problem: Option<String>,
}

/// The operation a request is for.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    /// Its product.
    pub product: Arc<ProductTable>,
    /// The operation.
    pub op: Arc<OperationSpec>,
    /// The values of the path template's placeholders (ROA), decoded.
    pub path_values: Vec<(String, String)>,
}

/// Where a request goes: whose envelope answers it, and the operation (or why there is none).
#[derive(Debug, Clone)]
pub(crate) struct Route {
    /// The answering product's envelope, also for errors.
    pub envelope: Envelope,
    /// The operation, or the error that says why the request names none.
    pub target: Result<Target, ApiError>,
}

impl Catalog {
    /// The tables of `codes` (every product when empty). Errors name an unknown product or a
    /// table that does not parse.
    pub fn load(codes: &[String]) -> Result<Catalog, String> {
        let wanted: Vec<String> = if codes.is_empty() {
            crate::table::products()
                .map(|(c, _)| c.to_string())
                .collect()
        } else {
            codes.to_vec()
        };
        let mut products: Vec<Arc<ProductTable>> = Vec::new();
        for code in &wanted {
            let table = crate::table::load(code).ok_or_else(|| {
                let known: Vec<&str> = crate::table::products().map(|(c, _)| c).collect();
                format!(
                    "unknown product `{code}`; the emulator knows {}",
                    known.join(", ")
                )
            })??;
            if !products.iter().any(|p| p.product == table.product) {
                products.push(table);
            }
        }
        if products.is_empty() {
            return Err("no product to serve".into());
        }
        Ok(Catalog {
            products,
            problem: None,
        })
    }

    /// A catalog that serves nothing and answers every request with `InternalError` naming
    /// `problem`, for a configuration that could not be loaded where no error can be returned.
    pub fn broken(problem: String) -> Catalog {
        Catalog {
            products: Vec::new(),
            problem: Some(problem),
        }
    }

    /// The served product codes, in the order given.
    pub fn codes(&self) -> Vec<&str> {
        self.products.iter().map(|p| p.product.as_str()).collect()
    }

    /// The envelope used before a product is known: the one `Host` names, else the first.
    pub fn default_envelope(&self, host: Option<&str>) -> Envelope {
        let product = host
            .and_then(|h| self.by_host(h))
            .or_else(|| self.products.first());
        match product {
            Some(p) => envelope_of(p),
            None => Envelope {
                product: "emulator".into(),
                roa: false,
            },
        }
    }

    fn by_host(&self, host: &str) -> Option<&Arc<ProductTable>> {
        let label = host.split(['.', ':']).next()?.to_ascii_lowercase();
        self.products.iter().find(|p| p.product == label)
    }

    /// Routes a parsed request (before authentication: it reads what the request claims).
    pub fn route(&self, req: &Incoming) -> Route {
        if let Some(problem) = &self.problem {
            return Route {
                envelope: self.default_envelope(None),
                target: Err(ApiError::new(
                    500,
                    "InternalError",
                    format!("The emulator is misconfigured: {problem}"),
                )),
            };
        }
        let host = req.header("host").or_else(|| req.authority.clone());
        let header = |name: &str| {
            req.header(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let param = |name: &str| {
            req.param(name)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let action = header("x-acs-action").or_else(|| param("Action"));
        let version = header("x-acs-version").or_else(|| param("Version"));
        let fallback = || self.default_envelope(host.as_deref());
        if req.path == "/" && req.method != "GET" && req.method != "POST" {
            return Route {
                envelope: fallback(),
                target: Err(crate::request::unsupported_method(&req.method)),
            };
        }

        let Some(version) = version else {
            if action.is_none() && req.path != "/" {
                return self.route_roa(req, host.as_deref());
            }
            return Route {
                envelope: fallback(),
                target: Err(ApiError::missing("Version")),
            };
        };
        let mut by_version: Vec<&Arc<ProductTable>> = self
            .products
            .iter()
            .filter(|p| p.version == version)
            .collect();
        if by_version.is_empty() {
            return Route {
                envelope: fallback(),
                target: Err(ApiError::invalid_version()),
            };
        }
        let Some(action) = action else {
            if req.path != "/" {
                return self.route_roa(req, host.as_deref());
            }
            return Route {
                envelope: envelope_of(by_version[0]),
                target: Err(ApiError::missing("Action")),
            };
        };
        // Several products with this version: the one that has the action, the host's first.
        let host_product = host.as_deref().and_then(|h| self.by_host(h));
        by_version.sort_by_key(|p| host_product.is_none_or(|h| h.product != p.product));
        let found = by_version
            .iter()
            .find_map(|p| p.operations.get(&action).map(|op| (*p, op)));
        let Some((product, op)) = found else {
            return Route {
                envelope: envelope_of(by_version[0]),
                target: Err(ApiError::action_not_found()),
            };
        };
        let envelope = envelope_of(product);
        let target = if product.roa {
            match match_template(&op.path, &req.path) {
                Some(path_values) if op.method == req.method => Ok(Target {
                    product: product.clone(),
                    op: op.clone(),
                    path_values,
                }),
                _ => Err(ApiError::action_not_found()),
            }
        } else if req.path != "/" {
            Err(ApiError::action_not_found())
        } else if req.method != "GET" && req.method != "POST" {
            Err(crate::request::unsupported_method(&req.method))
        } else {
            Ok(Target {
                product: product.clone(),
                op: op.clone(),
                path_values: Vec::new(),
            })
        };
        Route { envelope, target }
    }

    /// Matches an ROA request by method and path alone (no action named).
    fn route_roa(&self, req: &Incoming, host: Option<&str>) -> Route {
        let host_product = host.and_then(|h| self.by_host(h));
        let mut roa: Vec<&Arc<ProductTable>> = self.products.iter().filter(|p| p.roa).collect();
        roa.sort_by_key(|p| host_product.is_none_or(|h| h.product != p.product));
        for product in roa {
            // The most literal template first: `/clusters/regions` before `/clusters/{Id}`.
            let mut best: Option<(usize, &Arc<OperationSpec>, PathValues)> = None;
            for op in product.operations.values() {
                if op.method != req.method {
                    continue;
                }
                if let Some(values) = match_template(&op.path, &req.path) {
                    let literal = op.path.split('/').filter(|s| !s.starts_with('{')).count();
                    let better = match &best {
                        None => true,
                        Some((n, other, _)) => {
                            literal > *n || (literal == *n && op.action < other.action)
                        }
                    };
                    if better {
                        best = Some((literal, op, values));
                    }
                }
            }
            if let Some((_, op, path_values)) = best {
                return Route {
                    envelope: envelope_of(product),
                    target: Ok(Target {
                        product: product.clone(),
                        op: op.clone(),
                        path_values,
                    }),
                };
            }
        }
        Route {
            envelope: self.default_envelope(host),
            target: Err(ApiError::action_not_found()),
        }
    }
}

/// The values of a path template's placeholders, `(name, value)`.
type PathValues = Vec<(String, String)>;

fn envelope_of(p: &ProductTable) -> Envelope {
    Envelope {
        product: p.product.clone(),
        roa: p.roa,
    }
}

/// The placeholder values when `path` (as received, percent-encoded) fits `template`: the same
/// segments, each `{Name}` standing for one non-empty segment.
pub(crate) fn match_template(template: &str, path: &str) -> Option<Vec<(String, String)>> {
    let template: Vec<&str> = template.split('/').collect();
    let got: Vec<&str> = path.split('/').collect();
    if template.len() != got.len() {
        return None;
    }
    let mut values = Vec::new();
    for (t, g) in template.iter().zip(&got) {
        if let Some(name) = t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
            if g.is_empty() {
                return None;
            }
            let value = alibabacloud_runtime::encode::percent_decode(g)?;
            values.push((name.to_string(), value));
        } else if t != g {
            return None;
        }
    }
    Some(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates() {
        assert_eq!(
            match_template(
                "/clusters/{ClusterId}/nodepools",
                "/clusters/c%2D1/nodepools"
            ),
            Some(vec![("ClusterId".into(), "c-1".into())])
        );
        assert_eq!(match_template("/clusters/{ClusterId}", "/clusters/"), None);
        assert_eq!(match_template("/clusters", "/clusters/x"), None);
    }

    fn table(product: &str, version: &str, actions: &[&str]) -> Arc<ProductTable> {
        let operations = actions
            .iter()
            .map(|a| {
                let op: OperationSpec = serde_json::from_value(serde_json::json!({
                    "action": a, "method": "POST", "path": "/", "anonymous": false,
                    "params": [], "response": {}, "from_example": false, "errors": []
                }))
                .unwrap_or_else(|e| panic!("{e}"));
                (a.to_string(), Arc::new(op))
            })
            .collect();
        Arc::new(ProductTable {
            product: product.into(),
            version: version.into(),
            roa: false,
            operations,
        })
    }

    fn request(host: &str, query: &str) -> Incoming {
        let uri: axum::http::Uri = format!("/?{query}").parse().unwrap_or_default();
        let mut headers = axum::http::HeaderMap::new();
        if let Ok(h) = host.parse() {
            headers.insert(axum::http::header::HOST, h);
        }
        crate::request::parse(
            &axum::http::Method::POST,
            &uri,
            &headers,
            Default::default(),
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_host_settles_a_version_and_action_two_products_share() {
        let catalog = Catalog {
            products: vec![
                table("alpha", "2020-01-01", &["Describe", "OnlyAlpha"]),
                table("beta", "2020-01-01", &["Describe"]),
            ],
            problem: None,
        };
        let product_of = |host: &str, action: &str| {
            let route = catalog.route(&request(
                host,
                &format!("Action={action}&Version=2020-01-01"),
            ));
            route.target.map(|t| t.product.product.clone()).ok()
        };
        assert_eq!(
            product_of("beta.cn-hangzhou.aliyuncs.com", "Describe").as_deref(),
            Some("beta")
        );
        assert_eq!(
            product_of("alpha.example.test:8080", "Describe").as_deref(),
            Some("alpha")
        );
        assert_eq!(
            product_of("127.0.0.1:8080", "Describe").as_deref(),
            Some("alpha")
        );
        // An action only one of them has goes there whatever the host.
        assert_eq!(
            product_of("beta.example.test", "OnlyAlpha").as_deref(),
            Some("alpha")
        );
        let unknown = catalog.route(&request("beta.x", "Action=Nope&Version=2020-01-01"));
        assert_eq!(unknown.envelope.product, "beta");
        assert_eq!(
            unknown.target.err().map(|e| e.code),
            Some("InvalidAction.NotFound".into())
        );
        let version = catalog.route(&request("beta.x", "Action=Describe&Version=1999-01-01"));
        assert_eq!(
            version.envelope.product, "beta",
            "errors before routing: the host's envelope"
        );
        assert_eq!(
            version.target.err().map(|e| e.code),
            Some("InvalidVersion".into())
        );
    }

    #[test]
    fn unknown_products_are_named() {
        let e = Catalog::load(&["nope".into()]).err().unwrap_or_default();
        assert!(
            e.contains("unknown product `nope`") && e.contains("ecs"),
            "{e}"
        );
        let all = Catalog::load(&[]).map(|c| c.codes().len()).unwrap_or(0);
        assert_eq!(all, crate::table::products().count());
    }
}
