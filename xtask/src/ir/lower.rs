//! Lowering: from the JSON shape to the IR, with every check the shape cannot express.

use std::collections::{BTreeMap, BTreeSet};

use super::refs::{check_builder_methods, lower_pagination, lower_waiter};
use super::rules;
use super::scope::{Ctx, Types};
use super::{
    EnumDef, ErrorCode, Field, Operation, Product, Service, Side, SpecError, StructDef, Ty,
};
use crate::naming::{snake_case, upper_camel};
use crate::spec::{
    self, Auth, FieldSpec, Format, Location, OperationSpec, ServiceSpec, Style, TypeName, TypeSpec,
};

/// Methods every generated `Client` has; an operation may not take their names.
const RESERVED_CLIENT_METHODS: &[&str] = &["config", "new", "from_env", "runtime", "clone", "fmt"];

/// Lowers a parsed service and its operations `(file, spec)` into the IR, or returns every
/// problem found.
pub fn lower_product(
    spec_dir: &str,
    service_file: &str,
    service: ServiceSpec,
    operations: Vec<(String, OperationSpec)>,
) -> Result<Product, Vec<SpecError>> {
    let mut errors = Vec::new();
    let service = lower_service(&mut Ctx::new(service_file, &mut errors), service);
    let mut seen_names: BTreeMap<String, String> = BTreeMap::new();
    let mut seen_snake: BTreeMap<String, String> = BTreeMap::new();
    let mut lowered = Vec::new();
    for (file, op) in operations {
        let mut ctx = Ctx::new(&file, &mut errors);
        let stem = file
            .rsplit('/')
            .next()
            .and_then(|f| f.strip_suffix(".json"))
            .unwrap_or_default()
            .to_string();
        if op.name.is_empty()
            || !op.name.starts_with(|c: char| c.is_ascii_uppercase())
            || !op.name.chars().all(|c| c.is_ascii_alphanumeric())
        {
            ctx.err(
                "name",
                format!(
                    "`{}` is not an UpperCamelCase action name (A-Z, a-z, 0-9)",
                    op.name
                ),
            );
            continue;
        }
        if RESERVED_CLIENT_METHODS.contains(&snake_case(&op.name).as_str()) {
            ctx.err(
                "name",
                format!(
                    "`{}` would become `Client::{}`, which the client already has",
                    op.name,
                    snake_case(&op.name)
                ),
            );
            continue;
        }
        if op.name != stem {
            ctx.err(
                "name",
                format!("`{}` does not match the file name `{stem}.json`", op.name),
            );
        }
        if let Some(other) = seen_names.insert(op.name.clone(), file.clone()) {
            ctx.err(
                "name",
                format!("duplicate operation `{}` (also in {other})", op.name),
            );
        } else if let Some(other) = seen_snake.insert(snake_case(&op.name), file.clone()) {
            ctx.err(
                "name",
                format!(
                    "`{}` collides with the operation in {other} after case conversion",
                    op.name
                ),
            );
        }
        if let Some(op) = lower_operation(&mut ctx, &file, &service, op) {
            lowered.push(op);
        }
    }
    lowered.sort_by(|a, b| a.name.cmp(&b.name));
    if errors.is_empty() {
        Ok(Product {
            spec_dir: spec_dir.to_string(),
            service,
            operations: lowered,
        })
    } else {
        Err(errors)
    }
}

fn lower_service(ctx: &mut Ctx<'_>, s: ServiceSpec) -> Service {
    if !s.endpoints.fallback.contains("{region}") {
        ctx.err("endpoints.fallback", "must contain `{region}`");
    }
    let common_errors = lower_errors(ctx, "common_errors", &s.common_errors, false);
    Service {
        product: s.product,
        version: s.version,
        crate_name: s.crate_name,
        title: s.title,
        summary: s.summary,
        signature: s.signature,
        style: s.style.unwrap_or(spec::ApiStyle::Rpc),
        endpoints: s.endpoints,
        common_errors,
        emulator_crate: s.emulator_crate,
        api_reference: s.api_reference,
    }
}

fn lower_errors(
    ctx: &mut Ctx<'_>,
    path: &str,
    rows: &[spec::ErrorSpec],
    as_variants: bool,
) -> Vec<ErrorCode> {
    let mut out: Vec<ErrorCode> = Vec::new();
    let mut variants: BTreeMap<String, String> = BTreeMap::new();
    for (i, e) in rows.iter().enumerate() {
        let p = format!("{path}[{i}].code");
        if let Some(v) = e
            .variant
            .as_deref()
            .filter(|v| v.is_empty() || upper_camel(v) != *v)
        {
            ctx.err(
                format!("{path}[{i}].variant"),
                format!("`{v}` is not an UpperCamelCase variant name"),
            );
            continue;
        }
        let variant = e.variant.clone().unwrap_or_else(|| upper_camel(&e.code));
        if e.code.trim().is_empty() {
            ctx.err(&p, "the error code is empty");
            continue;
        }
        if variant.is_empty() {
            ctx.err(
                &p,
                format!(
                    "`{}` has no ASCII letters or digits to name a variant after",
                    e.code
                ),
            );
            continue;
        }
        if let Some(status) = e.http_status.filter(|s| !(100..=599).contains(s)) {
            ctx.err(
                format!("{path}[{i}].http_status"),
                format!("{status} is not an HTTP status"),
            );
        }
        if as_variants && variant == "Unhandled" {
            ctx.err(&p, "`Unhandled` is reserved for the catch-all variant");
        }
        // The same code under another HTTP status is one variant with several statuses.
        if let Some(existing) = out.iter_mut().find(|x| x.code == e.code) {
            let seen = match e.http_status {
                Some(status) => existing.http_statuses.contains(&status),
                None => existing.listed_without_status,
            };
            if seen {
                ctx.err(&p, format!("duplicate error code `{}`", e.code));
            } else {
                match e.http_status {
                    Some(status) => {
                        existing.http_statuses.push(status);
                        existing.http_statuses.sort_unstable();
                    }
                    None => existing.listed_without_status = true,
                }
                if existing.description.is_none() {
                    existing.description = e.description.clone();
                }
            }
            continue;
        }
        if let Some(prev) = variants.insert(variant.clone(), e.code.clone()) {
            ctx.err(
                &p,
                format!(
                    "error codes `{prev}` and `{}` both map to the variant `{variant}`",
                    e.code
                ),
            );
            continue;
        }
        out.push(ErrorCode {
            code: e.code.clone(),
            variant,
            http_statuses: e.http_status.into_iter().collect(),
            listed_without_status: e.http_status.is_none(),
            description: e.description.clone(),
        });
    }
    out
}

fn lower_operation(
    ctx: &mut Ctx<'_>,
    file: &str,
    service: &Service,
    op: OperationSpec,
) -> Option<Operation> {
    let api_reference = service.api_reference.as_deref();
    let n = upper_camel(&op.name);
    if op.summary.as_deref().is_some_and(|s| s.trim().is_empty()) {
        ctx.err("summary", "the summary is empty");
    }
    let mut types = Types {
        reserved: [
            "Input",
            "Output",
            "Error",
            "Builder",
            "Paginator",
            "Client",
            "Waiter",
        ]
        .iter()
        .map(|s| format!("{n}{s}"))
        .chain(["Missing".to_string(), "Client".to_string()])
        .collect(),
        structs: Vec::new(),
        enums: Vec::new(),
    };
    let input = lower_fields(
        ctx,
        &mut types,
        "request",
        &n,
        &op.request,
        Side::Request,
        true,
    );
    let output = lower_fields(
        ctx,
        &mut types,
        "response.fields",
        &n,
        &op.response.fields,
        Side::Response,
        false,
    );
    let output_payload = op.response.payload.as_ref().and_then(|t| {
        let naming = TypeNaming {
            field_name: "Body",
            is_item: false,
            type_name: None,
        };
        lower_type(
            ctx,
            &mut types,
            "response.payload",
            &n,
            naming,
            t,
            Side::Response,
        )
    });
    let route = super::roa::check_route(ctx, service.style, &op, &input);
    check_builder_methods(ctx, &input, &op.waiters);
    let errors = lower_errors(ctx, "errors", &op.errors, true);
    let pagination = op
        .pagination
        .as_ref()
        .and_then(|p| lower_pagination(ctx, p, &input, &output, &types));
    let waiters = op
        .waiters
        .iter()
        .enumerate()
        .filter_map(|(i, w)| lower_waiter(ctx, i, w, &output, &types))
        .collect();
    let client_token = input
        .iter()
        .find(|f| f.wire == rules::CLIENT_TOKEN && f.ty == Ty::String);
    let fills_client_token = client_token.is_some_and(|f| !f.required);
    let idempotent = op.idempotent.unwrap_or_else(|| match &route {
        Some(route) => rules::idempotent_by_method(route.method),
        None => rules::idempotent_by_rule(&op.name, client_token.is_some()),
    });
    let summary = op.summary.clone().unwrap_or_else(|| {
        format!(
            "Calls `{}`. No description of our own yet: see the official API reference.",
            op.name
        )
    });
    // Secrets never appear in docs, not even the metadata's made-up ones.
    let secret_keys: BTreeSet<&str> = output
        .iter()
        .chain(types.structs.iter().flat_map(|s| s.fields.iter()))
        .filter(|f| f.sensitive)
        .map(|f| f.wire.as_str())
        .collect();
    let response_example = op.response.example.as_ref().and_then(|v| {
        let mut v = v.clone();
        redact_example(&mut v, &secret_keys);
        serde_json::to_string_pretty(&v).ok()
    });
    Some(Operation {
        reference_url: api_reference.map(|r| format!("{r}/{}", op.name)),
        snake: snake_case(&op.name),
        name: op.name,
        source: file.to_string(),
        summary,
        description: op.description,
        idempotent,
        auth: op.auth.unwrap_or(Auth::Signed),
        fills_client_token,
        deprecated: op.deprecated,
        input,
        output,
        structs: types.structs,
        enums: types.enums,
        errors,
        pagination,
        waiters,
        response_example,
        route,
        output_payload,
    })
}

/// Replaces the value of every key in `secret_keys`, at any depth, with a redaction mark.
fn redact_example(v: &mut serde_json::Value, secret_keys: &BTreeSet<&str>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, child) in map.iter_mut() {
                if secret_keys.contains(k.as_str()) && !child.is_null() {
                    *child = serde_json::Value::String("** redacted **".into());
                } else {
                    redact_example(child, secret_keys);
                }
            }
        }
        serde_json::Value::Array(items) => {
            for child in items {
                redact_example(child, secret_keys);
            }
        }
        _ => {}
    }
}

#[allow(clippy::too_many_arguments)]
fn lower_fields(
    ctx: &mut Ctx<'_>,
    types: &mut Types,
    path: &str,
    parent: &str,
    fields: &[FieldSpec],
    side: Side,
    top_level_request: bool,
) -> Vec<Field> {
    let mut out = Vec::new();
    // Keyed by (is a JSON body key, wire name): a body key may share its name with a path or
    // query parameter.
    let mut wires: BTreeSet<(bool, &str)> = BTreeSet::new();
    let mut rusts: BTreeMap<String, &str> = BTreeMap::new();
    for (i, f) in fields.iter().enumerate() {
        let p = format!("{path}[{i}]");
        if f.name.trim().is_empty() || !f.name.chars().any(|c| c.is_ascii_alphanumeric()) {
            ctx.err(
                format!("{p}.name"),
                format!(
                    "`{}` has no ASCII letters or digits to name a Rust field after",
                    f.name
                ),
            );
            continue;
        }
        if !wires.insert((f.location == Some(Location::Body), &f.name)) {
            ctx.err(format!("{p}.name"), format!("duplicate field `{}`", f.name));
            continue;
        }
        if let Some(r) = f
            .rust_name
            .as_deref()
            .filter(|r| r.is_empty() || snake_case(r) != *r)
        {
            ctx.err(
                format!("{p}.rust_name"),
                format!("`{r}` is not a snake_case field name"),
            );
            continue;
        }
        let rust = f.rust_name.clone().unwrap_or_else(|| snake_case(&f.name));
        if let Some(other) = rusts.insert(rust.clone(), &f.name) {
            ctx.err(
                format!("{p}.name"),
                format!(
                    "`{}` and `{other}` both become `{rust}` after case conversion",
                    f.name
                ),
            );
            continue;
        }
        if side == Side::Request && top_level_request && f.required.is_none() {
            ctx.err(&p, "missing key `required`");
        }
        // `any` is sent only as JSON (ECS's `RunCommand` `Parameters`); other styles need a shape.
        let styled_shape = matches!(f.ty, TypeName::Object | TypeName::Array | TypeName::Map)
            || (f.ty == TypeName::Any && f.style == Some(Style::Json));
        if f.style.is_some() && !styled_shape {
            ctx.err(
                format!("{p}.style"),
                "`style` applies only to object, array and map parameters (and `json` to `any`)",
            );
        }
        if f.location.is_some() && !(side == Side::Request && top_level_request) {
            ctx.err(
                format!("{p}.in"),
                "`in` applies only to top-level request parameters",
            );
        }
        if f.style == Some(Style::Simple)
            && !f.items.as_ref().is_some_and(|i| {
                !matches!(
                    i.ty,
                    TypeName::Object | TypeName::Array | TypeName::Map | TypeName::Any
                )
            })
        {
            ctx.err(
                format!("{p}.style"),
                "`simple` (comma-joined) applies only to lists of scalars",
            );
        }
        if f.style.is_some() && side == Side::Response {
            ctx.err(
                format!("{p}.style"),
                "`style` applies only to request parameters",
            );
        }
        let shape = TypeSpec {
            ty: f.ty,
            fields: f.fields.clone(),
            items: f.items.clone(),
            values: f.values.clone(),
            enum_values: f.enum_values.clone(),
            format: f.format,
        };
        let naming = TypeNaming {
            field_name: &f.name,
            is_item: false,
            type_name: f.type_name.as_deref(),
        };
        if let Some(t) = f
            .type_name
            .as_deref()
            .filter(|t| t.is_empty() || upper_camel(t) != *t)
        {
            ctx.err(
                format!("{p}.type_name"),
                format!("`{t}` is not an UpperCamelCase type name"),
            );
        }
        let Some(ty) = lower_type(ctx, types, &p, parent, naming, &shape, side) else {
            continue;
        };
        let documented_values = match (&ty, &f.enum_values) {
            (Ty::Enum(_), _) | (_, None) => Vec::new(),
            (_, Some(v)) => v.clone(),
        };
        out.push(Field {
            wire: f.name.clone(),
            rust,
            ty,
            required: f.required.unwrap_or(false) && side == Side::Request,
            json: f.style == Some(Style::Json),
            simple: f.style == Some(Style::Simple),
            description: f.description.clone(),
            example: f.example.clone(),
            default: f.default.clone(),
            documented_values,
            epoch_millis: f.format == Some(Format::EpochMillis),
            deprecated: f.deprecated,
            location: f.location.unwrap_or(Location::Query),
            // Only text can be a secret: `ExistPrivateKey` is a boolean about one.
            sensitive: f
                .sensitive
                .unwrap_or_else(|| f.ty == TypeName::String && rules::sensitive_by_rule(&f.name)),
            format_note: match f.format {
                Some(Format::Iso8601) => Some("an ISO 8601 time"),
                Some(Format::Byte) => Some("Base64 text"),
                _ => None,
            },
        });
    }
    out
}

/// How the type generated for a field is named.
#[derive(Clone, Copy)]
struct TypeNaming<'a> {
    /// The field's wire name.
    field_name: &'a str,
    /// Whether this is the item (or value) type of a list (or map).
    is_item: bool,
    /// A hand-written name, which wins.
    type_name: Option<&'a str>,
}

fn lower_type(
    ctx: &mut Ctx<'_>,
    types: &mut Types,
    path: &str,
    parent: &str,
    naming: TypeNaming<'_>,
    t: &TypeSpec,
    side: Side,
) -> Option<Ty> {
    let TypeNaming {
        field_name,
        is_item,
        type_name,
    } = naming;
    let misplaced = |ctx: &mut Ctx<'_>, key: &str, present: bool| {
        if present {
            ctx.err(
                format!("{path}.{key}"),
                format!("`{key}` does not apply to type {:?}", t.ty).to_lowercase(),
            );
        }
    };
    if t.ty != TypeName::Object {
        misplaced(ctx, "fields", t.fields.is_some());
    }
    if t.ty != TypeName::Array {
        misplaced(ctx, "items", t.items.is_some());
    }
    if t.ty != TypeName::Map {
        misplaced(ctx, "values", t.values.is_some());
    }
    if t.format == Some(Format::EpochMillis) && !matches!(t.ty, TypeName::String | TypeName::Long) {
        ctx.err(
            format!("{path}.format"),
            "`epoch_millis` applies only to string and long fields",
        );
    }
    if matches!(t.format, Some(Format::Iso8601 | Format::Byte)) && t.ty != TypeName::String {
        ctx.err(
            format!("{path}.format"),
            "`iso8601` and `byte` apply only to string fields",
        );
    }
    let base = match type_name {
        Some(name) => name.to_string(),
        None if is_item => format!("{}Item", upper_camel(field_name)),
        None => upper_camel(field_name),
    };
    Some(match t.ty {
        TypeName::String => match &t.enum_values {
            Some(values) if !values.is_empty() => {
                let mut variants = Vec::new();
                let mut seen: BTreeMap<String, String> = BTreeMap::new();
                for (j, v) in values.iter().enumerate() {
                    if variants.iter().any(|(_, w): &(String, String)| w == v) {
                        ctx.err(
                            format!("{path}.enum[{j}]"),
                            format!("`{v}` is listed twice"),
                        );
                        return None;
                    }
                    let base = upper_camel(v);
                    if base.is_empty() {
                        ctx.err(
                            format!("{path}.enum[{j}]"),
                            "the value has no letters or digits",
                        );
                        return None;
                    }
                    let variant = enum_variant_name(&base, &seen);
                    seen.insert(variant.clone(), v.clone());
                    variants.push((variant, v.clone()));
                }
                let def = EnumDef {
                    name: String::new(),
                    origin: path.to_string(),
                    variants,
                };
                Ty::Enum(types.add_enum(&base, parent, def))
            }
            _ => Ty::String,
        },
        TypeName::Integer => Ty::I32,
        TypeName::Long => Ty::I64,
        TypeName::Boolean => Ty::Bool,
        TypeName::Float => Ty::F32,
        TypeName::Double => Ty::F64,
        TypeName::Any => Ty::Any,
        TypeName::Object => {
            let Some(fields) = &t.fields else {
                ctx.err(path, "an object needs `fields`");
                return None;
            };
            let name_hint = base.clone();
            let lowered = lower_fields(
                ctx,
                types,
                &format!("{path}.fields"),
                &name_hint,
                fields,
                side,
                false,
            );
            let def = StructDef {
                name: String::new(),
                origin: path.to_string(),
                side,
                fields: lowered,
            };
            Ty::Struct(types.add_struct(&base, parent, def))
        }
        TypeName::Array => {
            let Some(items) = &t.items else {
                ctx.err(path, "an array needs `items`");
                return None;
            };
            let inner = lower_type(
                ctx,
                types,
                &format!("{path}.items"),
                parent,
                TypeNaming {
                    is_item: true,
                    ..naming
                },
                items,
                side,
            )?;
            Ty::List(Box::new(inner))
        }
        TypeName::Map => {
            let Some(values) = &t.values else {
                ctx.err(path, "a map needs `values`");
                return None;
            };
            let inner = lower_type(
                ctx,
                types,
                &format!("{path}.values"),
                parent,
                TypeNaming {
                    is_item: true,
                    ..naming
                },
                values,
                side,
            )?;
            Ty::Map(Box::new(inner))
        }
    })
}

/// The variant for a value whose UpperCamelCase form is `base`: `base` itself when free, else
/// the first free `base2`, `base3`, … (ECS lists `Finished` beside `finished`; the service
/// compares exactly, so both are kept, in spec order). `Unknown` is the catch-all, so a listed
/// value `unknown` becomes `UnknownValue`.
fn enum_variant_name(base: &str, taken: &BTreeMap<String, String>) -> String {
    let base = if base == "Unknown" {
        "UnknownValue"
    } else {
        base
    };
    if !taken.contains_key(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}{n}"))
        .find(|c| !taken.contains_key(c))
        .unwrap_or_else(|| base.to_string())
}

#[cfg(test)]
mod enum_name_tests {
    use super::enum_variant_name;
    use std::collections::BTreeMap;

    #[test]
    fn colliding_values_get_the_first_free_suffix_and_unknown_is_never_taken() {
        let mut taken = BTreeMap::new();
        for (value, expected) in [
            ("Finished", "Finished"),
            ("finished", "Finished2"),
            ("FINISHED", "Finished3"),
            ("unknown", "UnknownValue"),
            ("Unknown", "UnknownValue2"),
        ] {
            let name = enum_variant_name(&crate::naming::upper_camel(value), &taken);
            assert_eq!(name, expected, "{value}");
            taken.insert(name, value.to_string());
        }
    }
}
