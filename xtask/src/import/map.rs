//! From one operation of the official metadata to the facts of our spec format. Only facts
//! are taken (names, types, formats, required flags, styles, value sets, examples, defaults,
//! error codes and statuses); descriptions, summaries and messages are never copied.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::node::{Node, Problem, kind};
use super::schema::{Schemas, field, list_of_scalars, name_fields, schema_shape};
use crate::spec::{
    Auth, ErrorSpec, FieldSpec, Location, OperationSpec, ResponseSpec, Style, TypeName,
};

/// Maps one operation. `Err` refuses it, naming the path and the construct.
pub fn operation(
    action: &str,
    op: Node<'_>,
    schemas: &Schemas<'_>,
    roa: bool,
) -> Result<OperationSpec, Problem> {
    if !action.starts_with(|c: char| c.is_ascii_uppercase())
        || !action.chars().all(|c| c.is_ascii_alphanumeric())
    {
        return Err(op.problem(format!(
            "unsupported action name `{action}`: only UpperCamelCase actions (A-Z, a-z, 0-9) are supported"
        )));
    }
    op.object()?;
    let auth = auth(op)?;
    let deprecated = op.opt_bool("deprecated")?.unwrap_or(false);
    let (method, path) = if roa {
        let (m, p) = super::roa::route(op)?;
        (Some(m), Some(p))
    } else {
        (None, None)
    };
    let mut request: Vec<FieldSpec> = Vec::new();
    let mut mapped = Vec::new();
    for p in op.array("parameters")? {
        if roa && p.node().opt_str("in")? == Some("body") {
            for f in super::roa::body_fields(p.node(), schemas)? {
                mapped.push((p.path.clone(), f));
            }
        } else {
            mapped.push((p.path.clone(), parameter(p.node(), schemas, roa)?));
        }
    }
    for (p_path, f) in mapped {
        // The same parameter listed twice (ECS does this with `RegionId`) is one parameter.
        // A body key may share its name with a path or query parameter: another parameter.
        let is_body = |x: &FieldSpec| x.location == Some(Location::Body);
        if let Some(prev) = request
            .iter_mut()
            .find(|x| x.name == f.name && is_body(x) == is_body(&f))
        {
            if prev.location != f.location || prev.ty != f.ty {
                return Err(Problem::new(
                    p_path,
                    format!(
                        "unsupported duplicate parameter `{}` with another type or location",
                        f.name
                    ),
                ));
            }
            prev.required = Some(prev.required == Some(true) || f.required == Some(true));
            schemas.note(
                p_path,
                format!("`{}` is listed twice; imported once", f.name),
            );
            continue;
        }
        request.push(f);
    }
    name_fields(op.path(), "parameters", &mut request)?;
    let response = response(op, schemas, roa)?;
    let errors = error_codes(op, schemas)?;
    Ok(OperationSpec {
        schema: Some("../../schema/operation.schema.json".into()),
        name: action.to_string(),
        summary: None,
        description: None,
        idempotent: None,
        auth: match auth {
            Auth::Signed => None,
            Auth::Anonymous => Some(Auth::Anonymous),
        },
        deprecated,
        method,
        path,
        request,
        response,
        errors,
        pagination: None,
        waiters: Vec::new(),
        deliberate: Vec::new(),
    })
}

/// `security` lists alternatives: one supported alternative is enough.
fn auth(op: Node<'_>) -> Result<Auth, Problem> {
    let mut names = BTreeSet::new();
    for alt in op.array("security")? {
        for (name, _) in alt.node().entries_self()? {
            names.insert(name.to_string());
        }
    }
    if names.is_empty() || names.contains("AK") {
        return Ok(Auth::Signed);
    }
    if names.contains("Anonymous") || names.contains("ARS_OIDC") {
        return Ok(Auth::Anonymous);
    }
    let listed: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    Err(Problem::new(
        format!("{}.security", op.path()),
        format!(
            "unsupported security {}: only `AK` (signed), `Anonymous` and `ARS_OIDC` (unsigned) are supported",
            listed.join(", ")
        ),
    ))
}

impl<'a> Node<'a> {
    /// The entries of this node, which must be an object.
    fn entries_self(&self) -> Result<Vec<(&'a str, &'a Value)>, Problem> {
        Ok(self
            .object()?
            .iter()
            .map(|(k, v)| (k.as_str(), v))
            .collect())
    }
}

fn parameter(p: Node<'_>, schemas: &Schemas<'_>, roa: bool) -> Result<FieldSpec, Problem> {
    let name = p.need_str("name")?;
    let location_child = p.need("in")?;
    let location = match location_child.value.as_str() {
        Some("query") => None,
        Some("formData") | Some("body") if !roa => Some(Location::Form),
        Some("header") => Some(Location::Header),
        Some("path") if roa => Some(Location::Path),
        Some(other) if roa => {
            return Err(Problem::new(
                location_child.path,
                format!(
                    "unsupported parameter location `in: {other}` in an ROA operation (path, query, header and body are supported)"
                ),
            ));
        }
        Some(other) => {
            return Err(Problem::new(
                location_child.path,
                format!(
                    "unsupported parameter location `in: {other}` in an RPC operation (query, formData, body and header are supported)"
                ),
            ));
        }
        None => {
            return Err(Problem::new(
                location_child.path,
                format!("expected a string, found {}", kind(location_child.value)),
            ));
        }
    };
    let schema = p.need("schema")?;
    let shape = schema_shape(schema.node(), schemas, &mut Vec::new())?;
    let structured = matches!(
        shape.ty.ty,
        TypeName::Object | TypeName::Array | TypeName::Map | TypeName::Any
    );
    let style = match p.opt_str("style")? {
        None => None,
        Some("repeatList") if structured => Some(Style::RepeatList),
        Some("flat") if structured => Some(Style::Flat),
        Some("json") if structured => Some(Style::Json),
        // Comma-joined, as the official SDKs send it; only ROA products are imported with it
        // so far.
        Some("simple") if roa && list_of_scalars(&shape.ty) => Some(Style::Simple),
        Some("simple") if structured => {
            return Err(Problem::new(
                format!("{}.style", p.path()),
                "unsupported style `simple` on a structured parameter (comma-joined lists are not supported)",
            ));
        }
        // On a scalar every style means the same thing: one `Name=value` pair.
        Some("repeatList" | "flat" | "json" | "simple") => None,
        Some(other) => {
            return Err(Problem::new(
                format!("{}.style", p.path()),
                format!("unsupported style `{other}`"),
            ));
        }
    };
    if location == Some(Location::Header) && structured {
        return Err(Problem::new(
            format!("{}.in", p.path()),
            "unsupported structured header parameter",
        ));
    }
    if shape.ty.ty == TypeName::Any && style != Some(Style::Json) {
        return Err(Problem::new(
            schema.path,
            "unsupported parameter of type `any` without `style: json`",
        ));
    }
    let mut f = field(name, shape, style, location, true);
    if location == Some(Location::Path) {
        // A path parameter is always required, whatever the metadata says: the path cannot be
        // built without it.
        f.required = Some(true);
    }
    Ok(f)
}

/// The success response: `responses.200` (or the lowest 2xx) with an object schema.
fn response(op: Node<'_>, schemas: &Schemas<'_>, roa: bool) -> Result<ResponseSpec, Problem> {
    let responses = op.entries("responses")?;
    let success = responses
        .iter()
        .filter(|(code, _)| code.starts_with('2'))
        .min_by_key(|(code, _)| *code);
    let mut fields = Vec::new();
    let mut payload = None;
    if let Some(schema) = success.and_then(|(_, r)| r.node().get("schema")) {
        let shape = schema_shape(schema.node(), schemas, &mut Vec::new())?;
        match shape.ty.ty {
            TypeName::Object => fields = shape.ty.fields.unwrap_or_default(),
            TypeName::Any => {}
            // An ROA answer may be an array or a scalar at the top level.
            _ if roa => payload = Some(Box::new(shape.ty)),
            other => {
                return Err(Problem::new(
                    schema.path,
                    format!(
                        "unsupported RPC response whose top level is {other:?} (an object is supported)"
                    )
                    .to_lowercase(),
                ));
            }
        }
    }
    Ok(ResponseSpec {
        fields,
        payload,
        example: response_demo(op),
    })
}

/// The JSON example of `responseDemo` (a JSON string holding `[{type, example}]`), if it
/// parses. A demo that does not parse gives no example; the importer reports it.
pub fn response_demo(op: Node<'_>) -> Option<Value> {
    let text = op.get("responseDemo")?.value.as_str()?;
    let demos: Value = serde_json::from_str(text).ok()?;
    let json = demos
        .as_array()?
        .iter()
        .find(|d| d.get("type").and_then(Value::as_str) == Some("json"))?;
    let example = json.get("example")?.as_str()?;
    serde_json::from_str(example).ok()
}

/// `errorCodes`: `{ "<status>": [{ "errorCode": ... }] }` (messages are not copied).
///
/// A key that is a number but not an HTTP status (ECS lists one code under `4003`) says
/// nothing true about the status the service answers with: its rows are imported without a
/// status (the code is still a fact worth a variant), with a note. A key that is not a number
/// at all is a malformed file and refuses the operation.
fn error_codes(op: Node<'_>, schemas: &Schemas<'_>) -> Result<Vec<ErrorSpec>, Problem> {
    let mut rows = Vec::new();
    for (status, list) in op.entries("errorCodes")? {
        let number: u32 = status.parse().map_err(|_| {
            Problem::new(
                list.path.clone(),
                format!("`{status}` is not an HTTP status"),
            )
        })?;
        let http_status = u16::try_from(number)
            .ok()
            .filter(|s| (100..=599).contains(s));
        if http_status.is_none() {
            schemas.note(
                list.path.clone(),
                format!("`{status}` is not an HTTP status: its codes are imported without one"),
            );
        }
        for row in list.node().array_self()? {
            let code = row.node().need_str("errorCode")?.trim().to_string();
            if code.is_empty() {
                return Err(Problem::new(
                    format!("{}.errorCode", row.path),
                    "the error code is empty",
                ));
            }
            if !rows
                .iter()
                .any(|r: &ErrorSpec| r.code == code && r.http_status == http_status)
            {
                rows.push(ErrorSpec {
                    code,
                    variant: None,
                    http_status,
                    description: None,
                });
            }
        }
    }
    rows.sort_by(|a, b| (&a.code, a.http_status).cmp(&(&b.code, b.http_status)));
    // Codes that become the same variant (`InvalidVpc.NotFound`, `InvalidVPC.NotFound`) get
    // distinct names: the first in code order keeps it, the others get the first free suffix.
    let mut variants: BTreeMap<String, String> = BTreeMap::new();
    let mut by_code: BTreeMap<String, Option<String>> = BTreeMap::new();
    for r in rows.iter_mut() {
        if let Some(assigned) = by_code.get(&r.code) {
            // The same code under another status: the same variant.
            r.variant = assigned.clone();
            continue;
        }
        let base = crate::naming::upper_camel(&r.code);
        if base.is_empty() {
            return Err(Problem::new(
                format!("{}.errorCodes", op.path()),
                format!(
                    "unsupported error code `{}`: no letters or digits to name a variant after",
                    r.code
                ),
            ));
        }
        if variants.contains_key(&base) {
            let mut n = 2;
            while variants.contains_key(&format!("{base}{n}")) {
                n += 1;
            }
            let name = format!("{base}{n}");
            variants.insert(name.clone(), r.code.clone());
            r.variant = Some(name);
        } else {
            variants.insert(base, r.code.clone());
        }
        by_code.insert(r.code.clone(), r.variant.clone());
    }
    Ok(rows)
}
