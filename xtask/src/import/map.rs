//! From one operation of the official metadata to the facts of our spec format. Only facts
//! are taken (names, types, formats, required flags, styles, value sets, examples, defaults,
//! error codes and statuses); descriptions, summaries and messages are never copied.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::node::{Child, Node, Problem, kind, scalar_text};
use crate::naming::snake_case;
use crate::spec::{
    Auth, ErrorSpec, FieldSpec, Format, Location, OperationSpec, ResponseSpec, Style, TypeName,
    TypeSpec,
};

/// `components.schemas`, for `$ref`, and the notes taken while mapping.
pub struct Schemas<'a> {
    /// Name → schema node.
    pub by_name: BTreeMap<&'a str, Child<'a>>,
    /// Facts that could not be used as they are, and what was done instead: never silent.
    pub notes: RefCell<Vec<Problem>>,
}

impl Schemas<'_> {
    fn note(&self, path: impl Into<String>, message: impl Into<String>) {
        self.notes.borrow_mut().push(Problem::new(path, message));
    }
}

const REF_PREFIX: &str = "#/components/schemas/";

/// A mapped schema: the type and its shape.
pub(super) struct Shape {
    pub(super) ty: TypeSpec,
    pub(super) example: Option<String>,
    pub(super) default: Option<String>,
    pub(super) deprecated: bool,
    pub(super) required: bool,
}

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

fn list_of_scalars(t: &TypeSpec) -> bool {
    t.ty == TypeName::Array
        && t.items.as_ref().is_some_and(|i| {
            !matches!(
                i.ty,
                TypeName::Object | TypeName::Array | TypeName::Map | TypeName::Any
            )
        })
}

pub(super) fn field(
    name: &str,
    shape: Shape,
    style: Option<Style>,
    location: Option<Location>,
    top_level_request: bool,
) -> FieldSpec {
    let Shape {
        ty,
        example,
        default,
        deprecated,
        required,
    } = shape;
    FieldSpec {
        name: name.to_string(),
        ty: ty.ty,
        required: if top_level_request {
            Some(required)
        } else if required {
            Some(true)
        } else {
            None
        },
        style,
        location,
        sensitive: None,
        type_name: None,
        rust_name: None,
        description: None,
        example,
        default,
        fields: ty.fields,
        items: ty.items,
        values: ty.values,
        enum_values: ty.enum_values,
        format: ty.format,
        deprecated,
    }
}

/// Resolves `$ref`s (`seen` guards against cycles) and maps a schema.
pub(super) fn schema_shape(
    s: Node<'_>,
    schemas: &Schemas<'_>,
    seen: &mut Vec<String>,
) -> Result<Shape, Problem> {
    s.object()?;
    if let Some(r) = s.opt_str("$ref")? {
        let Some(name) = r.strip_prefix(REF_PREFIX) else {
            return Err(Problem::new(
                format!("{}.$ref", s.path()),
                format!("unsupported `$ref` target `{r}` (only `{REF_PREFIX}<Name>` is supported)"),
            ));
        };
        let Some(target) = schemas.by_name.get(name) else {
            // The shape is unknown: any JSON, said out loud.
            schemas.note(
                format!("{}.$ref", s.path()),
                format!("`$ref` to `{name}`, which `components.schemas` does not define: imported as `any`"),
            );
            return Ok(Shape {
                ty: TypeSpec {
                    ty: TypeName::Any,
                    fields: None,
                    items: None,
                    values: None,
                    enum_values: None,
                    format: None,
                },
                example: None,
                default: None,
                deprecated: false,
                required: s.opt_bool("required")?.unwrap_or(false),
            });
        };
        if seen.iter().any(|n| n == name) {
            return Err(Problem::new(
                format!("{}.$ref", s.path()),
                format!("unsupported recursive `$ref` to `{name}`"),
            ));
        }
        seen.push(name.to_string());
        let mut shape = schema_shape(target.node(), schemas, seen)?;
        seen.pop();
        // Facts written beside the `$ref` refine the shared schema.
        shape.required |= s.opt_bool("required")?.unwrap_or(false);
        return Ok(shape);
    }
    let ty_child = s.get("type");
    let ty_name = match &ty_child {
        None => {
            return Err(Problem::new(
                s.path(),
                "a schema without `type` or `$ref` is not supported",
            ));
        }
        Some(c) => c.value.as_str().ok_or_else(|| {
            Problem::new(
                c.path.clone(),
                format!("expected a string, found {}", kind(c.value)),
            )
        })?,
    };
    let format = s.opt_str("format")?;
    let format_path = format!("{}.format", s.path());
    let unsupported_format = |f: &str, t: &str| {
        Problem::new(
            format_path.clone(),
            format!("unsupported format `{f}` on type `{t}`"),
        )
    };
    let mut t = TypeSpec {
        ty: TypeName::String,
        fields: None,
        items: None,
        values: None,
        enum_values: None,
        format: None,
    };
    match ty_name {
        "string" => {
            t.format = match format {
                None => None,
                Some("iso8601") | Some("date-time") => Some(Format::Iso8601),
                Some("byte") => Some(Format::Byte),
                // A number sent as text stays text: the wire type is what the SDK sends.
                Some("int32" | "int64" | "float" | "double") => None,
                Some(f) => return Err(unsupported_format(f, "string")),
            }
        }
        "integer" => {
            t.ty = match format {
                None | Some("int32") => TypeName::Integer,
                Some("int64") => TypeName::Long,
                Some(f) => return Err(unsupported_format(f, "integer")),
            }
        }
        "number" => {
            t.ty = match format {
                Some("float") => TypeName::Float,
                None | Some("double") => TypeName::Double,
                Some(f) => return Err(unsupported_format(f, "number")),
            }
        }
        "boolean" => t.ty = TypeName::Boolean,
        "any" => t.ty = TypeName::Any,
        "array" => {
            t.ty = TypeName::Array;
            match s.get("items") {
                Some(items) => {
                    let inner = schema_shape(items.node(), schemas, seen)?;
                    t.items = Some(Box::new(inner.ty));
                }
                None => {
                    schemas.note(
                        format!("{}.items", s.path()),
                        "an array without `items`: its items are imported as `any`",
                    );
                    t.items = Some(Box::new(TypeSpec {
                        ty: TypeName::Any,
                        fields: None,
                        items: None,
                        values: None,
                        enum_values: None,
                        format: None,
                    }));
                }
            }
        }
        "object" => {
            let props = s.entries("properties")?;
            let additional = s.get("additionalProperties");
            match (props.is_empty(), additional) {
                (false, Some(a)) => {
                    return Err(Problem::new(
                        a.path,
                        "unsupported object with both `properties` and `additionalProperties`",
                    ));
                }
                (true, Some(a)) => match a.value {
                    Value::Object(_) => {
                        t.ty = TypeName::Map;
                        let inner = schema_shape(a.node(), schemas, seen)?;
                        t.values = Some(Box::new(inner.ty));
                    }
                    // `additionalProperties: true`: any keys, any values.
                    Value::Bool(true) => t.ty = TypeName::Any,
                    other => {
                        return Err(Problem::new(
                            a.path,
                            format!(
                                "unsupported `additionalProperties` of {} (an object schema or `true` is supported)",
                                kind(other)
                            ),
                        ));
                    }
                },
                // An object without declared members is free-form JSON.
                (true, None) => t.ty = TypeName::Any,
                (false, None) => {
                    t.ty = TypeName::Object;
                    let mut fields = Vec::new();
                    for (name, p) in props {
                        let shape = schema_shape(p.node(), schemas, seen)?;
                        fields.push(field(name, shape, None, None, false));
                    }
                    name_fields(s.path(), "properties", &mut fields)?;
                    t.fields = Some(fields);
                }
            }
        }
        other => {
            return Err(Problem::new(
                ty_child.map(|c| c.path).unwrap_or_default(),
                format!("unsupported schema type `{other}`"),
            ));
        }
    }
    if let Some(values) = s.get("enum") {
        let Value::Array(items) = values.value else {
            return Err(Problem::new(
                values.path,
                format!("expected an array, found {}", kind(values.value)),
            ));
        };
        let mut out = Vec::new();
        for (i, v) in items.iter().enumerate() {
            let text = scalar_text(v).ok_or_else(|| {
                Problem::new(
                    format!("{}[{i}]", values.path),
                    format!("an enum value must be a scalar, found {}", kind(v)),
                )
            })?;
            if !out.contains(&text) {
                out.push(text);
            }
        }
        if !out.is_empty() {
            t.enum_values = Some(out);
        }
    }
    let required =
        s.opt_bool("required")?.unwrap_or(false) || s.opt_bool("docRequired")?.unwrap_or(false);
    Ok(Shape {
        ty: t,
        example: s.get("example").and_then(|c| scalar_text(c.value)),
        default: s.get("default").and_then(|c| scalar_text(c.value)),
        deprecated: s.opt_bool("deprecated")?.unwrap_or(false),
        required,
    })
}

/// Names that become the same Rust name after case conversion (`Key` and `key`) cannot both
/// be fields as they are: the later one (in metadata order) gets a `rust_name` with the first
/// free suffix `_2`, `_3`, … A name without letters or digits is refused.
fn name_fields(path: &str, key: &str, fields: &mut [FieldSpec]) -> Result<(), Problem> {
    let mut taken: BTreeSet<String> = BTreeSet::new();
    for f in fields.iter_mut() {
        if !f.name.chars().any(|c| c.is_ascii_alphanumeric()) {
            return Err(Problem::new(
                format!("{path}.{key}"),
                format!(
                    "unsupported name `{}`: it has no letters or digits to name a field after",
                    f.name
                ),
            ));
        }
        let base = snake_case(&f.name);
        if taken.insert(base.clone()) {
            continue;
        }
        let mut n = 2;
        while !taken.insert(format!("{base}_{n}")) {
            n += 1;
        }
        f.rust_name = Some(format!("{base}_{n}"));
    }
    Ok(())
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

impl<'a> Node<'a> {
    /// The items of this node, which must be an array.
    fn array_self(&self) -> Result<Vec<Child<'a>>, Problem> {
        match self.value {
            Value::Array(items) => Ok(items
                .iter()
                .enumerate()
                .map(|(i, value)| Child {
                    value,
                    path: format!("{}[{i}]", self.path()),
                })
                .collect()),
            other => Err(self.problem(format!("expected an array, found {}", kind(other)))),
        }
    }
}
