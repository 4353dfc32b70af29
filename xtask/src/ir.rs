//! The validated intermediate representation between the JSON specs and `quote!`.
//!
//! [`lower_product`] checks everything the JSON shape cannot express (duplicates, name
//! collisions after case conversion, references between fields) and resolves names, so the
//! emitters never have to make a decision or report an error.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::naming::{snake_case, upper_camel};
use crate::spec::{
    self, FieldSpec, Format, OperationSpec, PaginationSpec, ServiceSpec, Signature, Style,
    TypeName, TypeSpec,
};

/// A spec problem, naming the file and the JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// The spec file, relative to the workspace root.
    pub file: String,
    /// The JSON path inside it, such as `request[0].name`.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}: at `{}`: {}", self.file, self.path, self.message)
        }
    }
}

/// One product: its service facts and its operations, sorted by name.
#[derive(Debug, Clone)]
pub struct Product {
    /// The spec folder, relative to the workspace root (`api-specs/cas`).
    pub spec_dir: String,
    /// Service facts.
    pub service: Service,
    /// Operations, sorted by wire name.
    pub operations: Vec<Operation>,
}

/// Service facts.
#[derive(Debug, Clone)]
pub struct Service {
    /// Product code.
    pub product: String,
    /// API version.
    pub version: String,
    /// Crate name (`alibabacloud-cas`).
    pub crate_name: String,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Default signature.
    pub signature: Signature,
    /// Endpoint map.
    pub endpoints: spec::EndpointsSpec,
    /// Platform-wide codes.
    pub common_errors: Vec<ErrorCode>,
    /// Emulator crate for examples.
    pub emulator_crate: Option<String>,
}

/// A resolved type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ty {
    /// `String`.
    String,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `bool`.
    Bool,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// `serde_json::Value`.
    Any,
    /// A generated structure in the operation's module.
    Struct(String),
    /// A generated string enum in the operation's module.
    Enum(String),
    /// `Vec<T>`.
    List(Box<Ty>),
    /// `BTreeMap<String, T>`.
    Map(Box<Ty>),
}

impl Ty {
    /// Whether values of this type may arrive as strings and need lenient decoding.
    pub fn is_lenient_scalar(&self) -> bool {
        matches!(self, Ty::I32 | Ty::I64 | Ty::Bool | Ty::F32 | Ty::F64)
    }
}

/// A field of a request, response or structure.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Field {
    /// Exact wire name.
    pub wire: String,
    /// Snake-case Rust name (before keyword escaping).
    pub rust: String,
    /// Type.
    pub ty: Ty,
    /// Required (request side only).
    pub required: bool,
    /// Sent as one JSON string.
    pub json: bool,
    /// Documentation.
    pub description: Option<String>,
    /// Example value.
    pub example: Option<String>,
    /// The service's default.
    pub default: Option<String>,
    /// Documented values of a non-string field (documentation only).
    pub documented_values: Vec<String>,
    /// Milliseconds since the epoch.
    pub epoch_millis: bool,
    /// Deprecated.
    pub deprecated: bool,
}

/// Which side a generated structure lives on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Side {
    /// Sent: `Serialize` + `ToParam`.
    Request,
    /// Received: `Deserialize`.
    Response,
}

/// A generated structure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StructDef {
    /// Type name.
    pub name: String,
    /// Where it appears (`request.Tags[]`), for docs.
    pub origin: String,
    /// Side.
    pub side: Side,
    /// Members.
    pub fields: Vec<Field>,
}

/// A generated string enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumDef {
    /// Type name.
    pub name: String,
    /// Where it appears, for docs.
    pub origin: String,
    /// `(variant, wire value)`, in spec order.
    pub variants: Vec<(String, String)>,
}

/// An error code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorCode {
    /// The code.
    pub code: String,
    /// The variant name.
    pub variant: String,
    /// HTTP status.
    pub http_status: u16,
    /// Meaning.
    pub description: Option<String>,
}

/// Resolved pagination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pagination {
    /// Page number + size.
    Page {
        /// Input field (snake).
        page_number: Field,
        /// Input field (snake).
        page_size: Field,
        /// Output field for the total.
        total: Option<Field>,
        /// Path of output fields to the items list; `None` when the pages have no typed list.
        items: Option<(Vec<Field>, Ty)>,
    },
    /// Continuation token.
    Token {
        /// Input token field.
        input_token: Field,
        /// Output token field.
        output_token: Field,
        /// Page size input field.
        page_size: Option<Field>,
        /// Path of output fields to the items list; `None` when the pages have no typed list.
        items: Option<(Vec<Field>, Ty)>,
    },
}

/// A resolved waiter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiter {
    /// UpperCamel name.
    pub name: String,
    /// Docs.
    pub description: Option<String>,
    /// Polled output field.
    pub field: Field,
    /// Success values.
    pub success: Vec<String>,
    /// Failure values.
    pub failure: Vec<String>,
    /// First delay (ms).
    pub min_delay_ms: u64,
    /// Longest delay (ms).
    pub max_delay_ms: u64,
    /// Default total wait (ms).
    pub max_wait_ms: u64,
}

/// One operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The Action.
    pub name: String,
    /// The spec file.
    pub source: String,
    /// Module / method name.
    pub snake: String,
    /// One sentence.
    pub summary: String,
    /// Usage rules.
    pub description: Option<String>,
    /// Safe to re-send.
    pub idempotent: bool,
    /// Deprecated.
    pub deprecated: bool,
    /// Request parameters.
    pub input: Vec<Field>,
    /// Response fields.
    pub output: Vec<Field>,
    /// Nested structures.
    pub structs: Vec<StructDef>,
    /// String enums.
    pub enums: Vec<EnumDef>,
    /// Error table.
    pub errors: Vec<ErrorCode>,
    /// Pagination.
    pub pagination: Option<Pagination>,
    /// Waiters.
    pub waiters: Vec<Waiter>,
    /// A success body.
    pub response_example: Option<String>,
}

/// Methods every generated `Client` has; an operation may not take their names.
const RESERVED_CLIENT_METHODS: &[&str] = &["config", "new", "from_env", "runtime", "clone", "fmt"];

/// Methods every generated builder has; a request parameter may not take their names.
const RESERVED_BUILDER_METHODS: &[&str] = &[
    "call_options",
    "build",
    "send",
    "into_paginator",
    "into_parts",
    "new",
    "clone",
    "fmt",
];

struct Ctx<'a> {
    file: &'a str,
    errors: &'a mut Vec<SpecError>,
}

impl Ctx<'_> {
    fn err(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.errors.push(SpecError {
            file: self.file.to_string(),
            path: path.into(),
            message: message.into(),
        });
    }
}

/// Lowers a parsed service and its operations `(file, spec)` into the IR, or returns every
/// problem found.
pub fn lower_product(
    spec_dir: &str,
    service_file: &str,
    service: ServiceSpec,
    operations: Vec<(String, OperationSpec)>,
) -> Result<Product, Vec<SpecError>> {
    let mut errors = Vec::new();
    let service = lower_service(
        &mut Ctx {
            file: service_file,
            errors: &mut errors,
        },
        service,
    );
    let mut seen_names: BTreeMap<String, String> = BTreeMap::new();
    let mut seen_snake: BTreeMap<String, String> = BTreeMap::new();
    let mut lowered = Vec::new();
    for (file, op) in operations {
        let mut ctx = Ctx {
            file: &file,
            errors: &mut errors,
        };
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

/// Allocates type names inside one operation's module.
struct Types {
    reserved: BTreeSet<String>,
    structs: Vec<StructDef>,
    enums: Vec<EnumDef>,
}

impl Types {
    fn taken(&self, name: &str) -> bool {
        self.reserved.contains(name)
            || self.structs.iter().any(|s| s.name == name)
            || self.enums.iter().any(|e| e.name == name)
    }

    fn candidates(base: &str, parent: &str) -> Vec<String> {
        let mut c = vec![base.to_string(), format!("{parent}{base}")];
        for n in 2..100 {
            c.push(format!("{parent}{base}{n}"));
        }
        c
    }

    fn add_struct(&mut self, base: &str, parent: &str, def: StructDef) -> String {
        for name in Self::candidates(base, parent) {
            if let Some(existing) = self.structs.iter().find(|s| s.name == name) {
                if existing.fields == def.fields && existing.side == def.side {
                    return name;
                }
                continue;
            }
            if !self.taken(&name) {
                self.structs.push(StructDef {
                    name: name.clone(),
                    ..def
                });
                return name;
            }
        }
        unreachable_name(base)
    }

    fn add_enum(&mut self, base: &str, parent: &str, def: EnumDef) -> String {
        for name in Self::candidates(base, parent) {
            if let Some(existing) = self.enums.iter().find(|e| e.name == name) {
                if existing.variants == def.variants {
                    return name;
                }
                continue;
            }
            if !self.taken(&name) {
                self.enums.push(EnumDef {
                    name: name.clone(),
                    ..def
                });
                return name;
            }
        }
        unreachable_name(base)
    }
}

fn unreachable_name(base: &str) -> String {
    // 100 candidates cannot all be taken by one operation's few dozen types.
    format!("{base}Overflow")
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

/// The builder has a setter `x` and `set_x` per parameter, a few fixed methods, and one
/// `wait_until_x` per waiter: none may collide.
fn check_builder_methods(ctx: &mut Ctx<'_>, input: &[Field], waiters: &[spec::WaiterSpec]) {
    let mut methods: BTreeMap<String, String> = RESERVED_BUILDER_METHODS
        .iter()
        .map(|m| (m.to_string(), "a method every builder has".to_string()))
        .collect();
    for (i, f) in input.iter().enumerate() {
        let mut names = vec![f.rust.clone()];
        if !f.required {
            names.push(format!("set_{}", f.rust));
        }
        for name in names {
            if let Some(other) = methods.insert(name.clone(), format!("parameter `{}`", f.wire)) {
                ctx.err(
                    format!("request[{i}].name"),
                    format!(
                        "`{}` needs the builder method `{name}`, which is already {other}",
                        f.wire
                    ),
                );
            }
        }
    }
    for (i, w) in waiters.iter().enumerate() {
        let name = format!("wait_until_{}", snake_case(&w.name));
        if let Some(other) = methods.insert(name.clone(), format!("waiter `{}`", w.name)) {
            ctx.err(
                format!("waiters[{i}].name"),
                format!("`{name}` is already {other}"),
            );
        }
    }
}

fn find<'a>(fields: &'a [Field], wire: &str) -> Option<&'a Field> {
    fields.iter().find(|f| f.wire == wire)
}

fn resolve_items(
    ctx: &mut Ctx<'_>,
    path: &str,
    dotted: &str,
    output: &[Field],
    types: &Types,
) -> Option<(Vec<Field>, Ty)> {
    let mut chain = Vec::new();
    let mut fields: &[Field] = output;
    let parts: Vec<&str> = dotted.split('.').collect();
    for (i, part) in parts.iter().enumerate() {
        let Some(f) = find(fields, part) else {
            ctx.err(
                path,
                format!("`{dotted}`: the response has no field `{part}` there"),
            );
            return None;
        };
        chain.push(f.clone());
        if i + 1 == parts.len() {
            return match &f.ty {
                Ty::List(inner) => Some((chain, (**inner).clone())),
                _ => {
                    ctx.err(path, format!("`{dotted}` is not an array"));
                    None
                }
            };
        }
        match &f.ty {
            Ty::Struct(name) => match types.structs.iter().find(|s| &s.name == name) {
                Some(s) => fields = &s.fields,
                None => return None,
            },
            _ => {
                ctx.err(path, format!("`{part}` in `{dotted}` is not an object"));
                return None;
            }
        }
    }
    None
}

fn integer_field(
    ctx: &mut Ctx<'_>,
    path: &str,
    fields: &[Field],
    wire: &str,
    side: &str,
) -> Option<Field> {
    match find(fields, wire) {
        Some(f) if matches!(f.ty, Ty::I32 | Ty::I64) => Some(f.clone()),
        Some(_) => {
            ctx.err(path, format!("the {side} field `{wire}` is not an integer"));
            None
        }
        None => {
            ctx.err(path, format!("the {side} has no field `{wire}`"));
            None
        }
    }
}

fn string_field(
    ctx: &mut Ctx<'_>,
    path: &str,
    fields: &[Field],
    wire: &str,
    side: &str,
) -> Option<Field> {
    match find(fields, wire) {
        Some(f) if f.ty == Ty::String => Some(f.clone()),
        Some(_) => {
            ctx.err(path, format!("the {side} field `{wire}` is not a string"));
            None
        }
        None => {
            ctx.err(path, format!("the {side} has no field `{wire}`"));
            None
        }
    }
}

fn lower_pagination(
    ctx: &mut Ctx<'_>,
    p: &PaginationSpec,
    input: &[Field],
    output: &[Field],
    types: &Types,
) -> Option<Pagination> {
    match p {
        PaginationSpec::Page {
            page_number,
            page_size,
            total,
            items,
        } => {
            let pn = integer_field(ctx, "pagination.page_number", input, page_number, "request");
            let ps = integer_field(ctx, "pagination.page_size", input, page_size, "request");
            let tot = total
                .as_ref()
                .map(|t| integer_field(ctx, "pagination.total", output, t, "response"));
            let items = items
                .as_ref()
                .map(|i| resolve_items(ctx, "pagination.items", i, output, types));
            for (key, f) in [("page_number", &pn), ("page_size", &ps)] {
                if f.as_ref().is_some_and(|f| f.required) {
                    ctx.err(
                        format!("pagination.{key}"),
                        "the paginator sets this parameter: it must not be required",
                    );
                }
            }
            Some(Pagination::Page {
                page_number: pn?,
                page_size: ps?,
                total: tot.map_or(Some(None), |t| t.map(Some))?,
                items: items.map_or(Some(None), |i| i.map(Some))?,
            })
        }
        PaginationSpec::Token {
            input_token,
            output_token,
            page_size,
            total: _,
            items,
        } => {
            let it = string_field(ctx, "pagination.input_token", input, input_token, "request");
            let ot = string_field(
                ctx,
                "pagination.output_token",
                output,
                output_token,
                "response",
            );
            let ps = page_size
                .as_ref()
                .map(|s| integer_field(ctx, "pagination.page_size", input, s, "request"));
            let items = items
                .as_ref()
                .map(|i| resolve_items(ctx, "pagination.items", i, output, types));
            if it.as_ref().is_some_and(|f| f.required) {
                ctx.err(
                    "pagination.input_token",
                    "the paginator sets this parameter: it must not be required",
                );
            }
            Some(Pagination::Token {
                input_token: it?,
                output_token: ot?,
                page_size: ps.map_or(Some(None), |p| p.map(Some))?,
                items: items.map_or(Some(None), |i| i.map(Some))?,
            })
        }
    }
}

fn lower_waiter(
    ctx: &mut Ctx<'_>,
    i: usize,
    w: &spec::WaiterSpec,
    output: &[Field],
    types: &Types,
) -> Option<Waiter> {
    let path = format!("waiters[{i}]");
    if upper_camel(&w.name) != w.name {
        ctx.err(
            format!("{path}.name"),
            format!("`{}` is not UpperCamelCase", w.name),
        );
    }
    let Some(field) = find(output, &w.field) else {
        ctx.err(
            format!("{path}.field"),
            format!("the response has no field `{}`", w.field),
        );
        return None;
    };
    if let Ty::Enum(name) = &field.ty {
        let known: BTreeSet<&str> = types
            .enums
            .iter()
            .find(|e| &e.name == name)
            .map(|e| e.variants.iter().map(|(_, v)| v.as_str()).collect())
            .unwrap_or_default();
        for (key, list) in [("success", &w.success), ("failure", &w.failure)] {
            for (j, v) in list.iter().enumerate() {
                if !known.contains(v.as_str()) {
                    ctx.err(
                        format!("{path}.{key}[{j}]"),
                        format!("`{v}` is not a documented value of `{}`", w.field),
                    );
                }
            }
        }
    } else if field.ty != Ty::String {
        ctx.err(
            format!("{path}.field"),
            format!("`{}` is not a string field", w.field),
        );
        return None;
    }
    if w.success.is_empty() {
        ctx.err(
            format!("{path}.success"),
            "at least one success value is needed",
        );
    }
    let min = w.min_delay_ms.unwrap_or(2_000);
    let max = w.max_delay_ms.unwrap_or(30_000);
    if min > max {
        ctx.err(
            format!("{path}.min_delay_ms"),
            "is larger than max_delay_ms",
        );
    }
    Some(Waiter {
        name: w.name.clone(),
        description: w.description.clone(),
        field: field.clone(),
        success: w.success.clone(),
        failure: w.failure.clone(),
        min_delay_ms: min,
        max_delay_ms: max,
        max_wait_ms: w.max_wait_ms.unwrap_or(600_000),
    })
}
