//! What ROA metadata adds to an operation: the HTTP method, the path template, and a JSON body
//! whose object properties become `in: body` parameters (any other body is one `in: payload`
//! parameter).

use super::node::{Node, Problem, kind};
use super::schema::{Schemas, field, schema_shape};
use crate::spec::{FieldSpec, HttpMethod, Location, TypeName};

/// The method and path template of an ROA operation.
///
/// When `methods` lists more than one method (two `cs` operations list `post` with `delete`
/// or `put`), the first one is taken: it is the one the official SDKs send.
pub fn route(op: Node<'_>) -> Result<(HttpMethod, String), Problem> {
    let methods = op.array("methods")?;
    let Some(first) = methods.first() else {
        return Err(Problem::new(
            format!("{}.methods", op.path()),
            "an ROA operation lists no HTTP method",
        ));
    };
    let Some(name) = first.value.as_str() else {
        return Err(Problem::new(
            first.path.clone(),
            format!("expected a string, found {}", kind(first.value)),
        ));
    };
    let method = match name.to_ascii_lowercase().as_str() {
        "get" => HttpMethod::Get,
        "post" => HttpMethod::Post,
        "put" => HttpMethod::Put,
        "delete" => HttpMethod::Delete,
        "patch" => HttpMethod::Patch,
        _ => {
            return Err(Problem::new(
                first.path.clone(),
                format!(
                    "unsupported HTTP method `{name}` (GET, POST, PUT, DELETE and PATCH are supported)"
                ),
            ));
        }
    };
    let path = op.need_str("path")?;
    if let Err(message) = crate::ir::placeholders(path) {
        return Err(Problem::new(
            format!("{}.path", op.path()),
            format!("unsupported path: {message}"),
        ));
    }
    Ok((method, path.to_string()))
}

/// The parameters of an `in: body` metadata parameter: the properties of an object body as
/// `in: body` parameters named by their JSON keys, or else the whole body as one
/// `in: payload` parameter named like the metadata parameter.
pub fn body_fields(p: Node<'_>, schemas: &Schemas<'_>) -> Result<Vec<FieldSpec>, Problem> {
    let name = p.need_str("name")?;
    let schema = p.need("schema")?;
    let shape = schema_shape(schema.node(), schemas, &mut Vec::new())?;
    if shape.ty.ty == TypeName::Object {
        let mut fields = shape.ty.fields.unwrap_or_default();
        for f in &mut fields {
            f.location = Some(Location::Body);
            f.required = Some(f.required == Some(true));
        }
        return Ok(fields);
    }
    Ok(vec![field(
        name,
        shape,
        None,
        Some(Location::Payload),
        true,
    )])
}
