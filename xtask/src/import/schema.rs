//! Metadata schemas to spec types: `$ref` resolution through `components.schemas`, the shape
//! of a schema (type, members, items, example, default, flags) and the field a named schema
//! becomes. Used by the operation mapper (`map`) and the ROA additions (`roa`) alike.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::node::{Child, Node, Problem, kind, scalar_text};
use crate::naming::snake_case;
use crate::spec::{FieldSpec, Format, Location, Style, TypeName, TypeSpec};

/// `components.schemas`, for `$ref`, and the notes taken while mapping.
pub struct Schemas<'a> {
    /// Name → schema node.
    pub by_name: BTreeMap<&'a str, Child<'a>>,
    /// Facts that could not be used as they are, and what was done instead: never silent.
    pub notes: RefCell<Vec<Problem>>,
}

impl Schemas<'_> {
    pub(super) fn note(&self, path: impl Into<String>, message: impl Into<String>) {
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

pub(super) fn list_of_scalars(t: &TypeSpec) -> bool {
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

impl<'a> Node<'a> {
    /// The items of this node, which must be an array.
    pub(super) fn array_self(&self) -> Result<Vec<Child<'a>>, Problem> {
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

/// Names that become the same Rust name after case conversion (`Key` and `key`) cannot both
/// be fields as they are: the later one (in metadata order) gets a `rust_name` with the first
/// free suffix `_2`, `_3`, … A name without letters or digits is refused.
pub(super) fn name_fields(path: &str, key: &str, fields: &mut [FieldSpec]) -> Result<(), Problem> {
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
