//! The checks of ROA operations: method and path template against the parameters, and the
//! places each style allows parameters to travel.

use std::collections::BTreeSet;

use super::scope::Ctx;
use super::{Field, Route, Ty};
use crate::spec::{ApiStyle, HttpMethod, Location, OperationSpec};

/// The placeholders of a path template (`/a/{X}/b` → `[X]`), or what is wrong with it.
pub fn placeholders(template: &str) -> Result<Vec<&str>, String> {
    if !template.starts_with('/') {
        return Err(format!(
            "the path template `{template}` does not start with `/`"
        ));
    }
    if template.contains(['?', '#']) {
        return Err(format!(
            "the path template `{template}` contains `?` or `#`: query parameters are `in: query`"
        ));
    }
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find(['{', '}']) {
        if rest.as_bytes()[open] == b'}' {
            return Err(format!(
                "the path template `{template}` has an unmatched `}}`"
            ));
        }
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Err(format!(
                "the path template `{template}` has an unmatched `{{`"
            ));
        };
        let name = &after[..close];
        if name.is_empty() || name.contains('{') {
            return Err(format!(
                "the path template `{template}` has an empty or nested placeholder"
            ));
        }
        out.push(name);
        rest = &after[close + 1..];
    }
    Ok(out)
}

/// Checks the route of `op` and where its parameters travel, for a product of `style`.
/// Returns the route of an ROA operation whose method and path are present.
pub(super) fn check_route(
    ctx: &mut Ctx<'_>,
    style: ApiStyle,
    op: &OperationSpec,
    input: &[Field],
) -> Option<Route> {
    let position = |wire: &str| op.request.iter().position(|f| f.name == wire);
    if style == ApiStyle::Rpc {
        if op.method.is_some() {
            ctx.err(
                "method",
                "`method` applies only to ROA operations (service `style: roa`)",
            );
        }
        if op.path.is_some() {
            ctx.err(
                "path",
                "`path` applies only to ROA operations (service `style: roa`)",
            );
        }
        if op.response.payload.is_some() {
            ctx.err(
                "response.payload",
                "`payload` applies only to ROA operations (service `style: roa`)",
            );
        }
        for f in input {
            if matches!(
                f.location,
                Location::Path | Location::Body | Location::Payload
            ) {
                let i = position(&f.wire).unwrap_or_default();
                ctx.err(
                    format!("request[{i}].in"),
                    format!(
                        "`in: {}` applies only to ROA operations (service `style: roa`)",
                        location_name(f.location)
                    ),
                );
            }
        }
        return None;
    }
    if op.response.payload.is_some() && !op.response.fields.is_empty() {
        ctx.err(
            "response.payload",
            "a response has either `fields` (an object) or `payload`, not both",
        );
    }
    for f in input {
        let i = position(&f.wire).unwrap_or_default();
        if f.location == Location::Form {
            ctx.err(
                format!("request[{i}].in"),
                "`in: form` applies only to RPC operations; an ROA body is JSON (`in: body`)",
            );
        }
        if matches!(
            f.location,
            Location::Path | Location::Body | Location::Payload
        ) && op.request.get(i).is_some_and(|s| s.style.is_some())
        {
            ctx.err(
                format!("request[{i}].style"),
                format!(
                    "`style` does not apply to `in: {}` parameters",
                    location_name(f.location)
                ),
            );
        }
    }
    let Some(method) = op.method else {
        ctx.err(
            "",
            "missing key `method`: an ROA operation needs its HTTP method",
        );
        return None;
    };
    let Some(path) = &op.path else {
        ctx.err(
            "",
            "missing key `path`: an ROA operation needs its path template",
        );
        return None;
    };
    let names = match placeholders(path) {
        Ok(names) => names,
        Err(message) => {
            ctx.err("path", message);
            return None;
        }
    };
    let mut ok = true;
    let mut seen = BTreeSet::new();
    for name in &names {
        if !seen.insert(*name) {
            ctx.err(
                "path",
                format!("the placeholder `{{{name}}}` appears twice in `{path}`"),
            );
            ok = false;
            continue;
        }
        if !input
            .iter()
            .any(|f| f.wire == *name && f.location == Location::Path)
        {
            ctx.err(
                "path",
                format!("the placeholder `{{{name}}}` has no parameter `{name}` with `in: path`"),
            );
            ok = false;
        }
    }
    let payloads = input
        .iter()
        .filter(|f| f.location == Location::Payload)
        .count();
    let has_body_keys = input.iter().any(|f| f.location == Location::Body);
    for f in input {
        let i = position(&f.wire).unwrap_or_default();
        match f.location {
            Location::Path => {
                if !names.contains(&f.wire.as_str()) {
                    ctx.err(
                        format!("request[{i}].in"),
                        format!(
                            "the path parameter `{}` has no placeholder `{{{}}}` in `{path}`",
                            f.wire, f.wire
                        ),
                    );
                    ok = false;
                }
                if !f.required {
                    ctx.err(
                        format!("request[{i}].required"),
                        format!("the path parameter `{}` must be required", f.wire),
                    );
                    ok = false;
                }
                if matches!(f.ty, Ty::List(_) | Ty::Map(_) | Ty::Struct(_) | Ty::Any) {
                    ctx.err(
                        format!("request[{i}].type"),
                        format!("the path parameter `{}` must be a scalar", f.wire),
                    );
                    ok = false;
                }
            }
            Location::Body | Location::Payload if method == HttpMethod::Get => {
                ctx.err(
                    format!("request[{i}].in"),
                    format!(
                        "`{}` is `in: {}`, but a GET request has no body",
                        f.wire,
                        location_name(f.location)
                    ),
                );
                ok = false;
            }
            Location::Payload if payloads > 1 || has_body_keys => {
                ctx.err(
                    format!("request[{i}].in"),
                    format!(
                        "`{}` is the whole body (`in: payload`), so the operation can have no other `payload` or `body` parameter",
                        f.wire
                    ),
                );
                ok = false;
            }
            _ => {}
        }
    }
    ok.then(|| Route {
        method,
        path: path.clone(),
    })
}

fn location_name(l: Location) -> &'static str {
    match l {
        Location::Query => "query",
        Location::Form => "form",
        Location::Header => "header",
        Location::Path => "path",
        Location::Body => "body",
        Location::Payload => "payload",
    }
}

#[cfg(test)]
mod tests {
    use super::placeholders;

    #[test]
    fn template_placeholders() {
        assert_eq!(
            placeholders("/clusters/{ClusterId}/nodepools/{NodepoolId}"),
            Ok(vec!["ClusterId", "NodepoolId"])
        );
        assert_eq!(placeholders("/templates"), Ok(vec![]));
        assert!(placeholders("clusters").is_err());
        assert!(placeholders("/a/{B").is_err());
        assert!(placeholders("/a/B}").is_err());
        assert!(placeholders("/a/{}").is_err());
        assert!(placeholders("/a?b=1").is_err());
    }
}
