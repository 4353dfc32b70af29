//! Lowering: from the JSON shape to the IR, with every check the shape cannot express.

use std::collections::{BTreeMap, BTreeSet};

use super::refs::{check_builder_methods, lower_pagination, lower_waiter};
use super::scope::{Ctx, Types};
use super::{
    EnumDef, ErrorCode, Field, Operation, Product, Service, Side, SpecError, StructDef, Ty,
};
use crate::naming::{snake_case, upper_camel};
use crate::spec::{self, FieldSpec, Format, OperationSpec, ServiceSpec, Style, TypeName, TypeSpec};

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
        if let Some(op) = lower_operation(&mut ctx, &file, op) {
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
        endpoints: s.endpoints,
        common_errors,
        emulator_crate: s.emulator_crate,
    }
}

fn lower_errors(
    ctx: &mut Ctx<'_>,
    path: &str,
    rows: &[spec::ErrorSpec],
    as_variants: bool,
) -> Vec<ErrorCode> {
    let mut out = Vec::new();
    let mut variants: BTreeMap<String, String> = BTreeMap::new();
    for (i, e) in rows.iter().enumerate() {
        let variant = upper_camel(&e.code);
        let p = format!("{path}[{i}].code");
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
        if !(100..=599).contains(&e.http_status) {
            ctx.err(
                format!("{path}[{i}].http_status"),
                format!("{} is not an HTTP status", e.http_status),
            );
        }
        if as_variants && variant == "Unhandled" {
            ctx.err(&p, "`Unhandled` is reserved for the catch-all variant");
        }
        if let Some(prev) = variants.insert(variant.clone(), e.code.clone()) {
            if prev == e.code {
                ctx.err(&p, format!("duplicate error code `{}`", e.code));
            } else {
                ctx.err(
                    &p,
                    format!(
                        "error codes `{prev}` and `{}` both map to the variant `{variant}`",
                        e.code
                    ),
                );
            }
            continue;
        }
        out.push(ErrorCode {
            code: e.code.clone(),
            variant,
            http_status: e.http_status,
            description: e.description.clone(),
        });
    }
    out
}

fn lower_operation(ctx: &mut Ctx<'_>, file: &str, op: OperationSpec) -> Option<Operation> {
    let n = upper_camel(&op.name);
    if op.summary.trim().is_empty() {
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
    let response_example = op
        .response
        .example
        .as_ref()
        .and_then(|v| serde_json::to_string_pretty(v).ok());
    Some(Operation {
        snake: snake_case(&op.name),
        name: op.name,
        source: file.to_string(),
        summary: op.summary,
        description: op.description,
        idempotent: op.idempotent,
        deprecated: op.deprecated,
        input,
        output,
        structs: types.structs,
        enums: types.enums,
        errors,
        pagination,
        waiters,
        response_example,
    })
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
    let mut wires: BTreeSet<&str> = BTreeSet::new();
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
        if !wires.insert(&f.name) {
            ctx.err(format!("{p}.name"), format!("duplicate field `{}`", f.name));
            continue;
        }
        let rust = snake_case(&f.name);
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
        if f.style.is_some() && !matches!(f.ty, TypeName::Object | TypeName::Array | TypeName::Map)
        {
            ctx.err(
                format!("{p}.style"),
                "`style` applies only to object, array and map parameters",
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
        let Some(ty) = lower_type(ctx, types, &p, parent, &f.name, &shape, side, false) else {
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
            description: f.description.clone(),
            example: f.example.clone(),
            default: f.default.clone(),
            documented_values,
            epoch_millis: f.format == Some(Format::EpochMillis),
            deprecated: f.deprecated,
        });
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn lower_type(
    ctx: &mut Ctx<'_>,
    types: &mut Types,
    path: &str,
    parent: &str,
    field_name: &str,
    t: &TypeSpec,
    side: Side,
    is_item: bool,
) -> Option<Ty> {
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
    if t.format.is_some() && !matches!(t.ty, TypeName::String | TypeName::Long) {
        ctx.err(
            format!("{path}.format"),
            "`epoch_millis` applies only to string and long fields",
        );
    }
    let base = if is_item {
        format!("{}Item", upper_camel(field_name))
    } else {
        upper_camel(field_name)
    };
    Some(match t.ty {
        TypeName::String => match &t.enum_values {
            Some(values) if !values.is_empty() => {
                let mut variants = Vec::new();
                let mut seen = BTreeMap::new();
                for (j, v) in values.iter().enumerate() {
                    let variant = upper_camel(v);
                    if variant.is_empty() {
                        ctx.err(
                            format!("{path}.enum[{j}]"),
                            "the value has no letters or digits",
                        );
                        return None;
                    }
                    if variant == "Unknown" {
                        ctx.err(
                            format!("{path}.enum[{j}]"),
                            "`Unknown` is reserved for values the spec does not list",
                        );
                        return None;
                    }
                    if let Some(prev) = seen.insert(variant.clone(), v.clone()) {
                        ctx.err(
                            format!("{path}.enum[{j}]"),
                            format!(
                                "values `{prev}` and `{v}` both become the variant `{variant}`"
                            ),
                        );
                        return None;
                    }
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
                field_name,
                items,
                side,
                true,
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
                field_name,
                values,
                side,
                true,
            )?;
            Ty::Map(Box::new(inner))
        }
    })
}
