//! Checks that reach across fields: builder method names, pagination and waiter references.

use std::collections::{BTreeMap, BTreeSet};

use super::scope::{Ctx, RESERVED_BUILDER_METHODS, Types};
use super::{Field, Pagination, Ty, Waiter};
use crate::naming::{snake_case, upper_camel};
use crate::spec::{self, PaginationSpec};

/// The builder has a setter `x` and `set_x` per parameter, a few fixed methods, and one
/// `wait_until_x` per waiter: none may collide.
pub(super) fn check_builder_methods(
    ctx: &mut Ctx<'_>,
    input: &[Field],
    waiters: &[spec::WaiterSpec],
) {
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

pub(super) fn lower_pagination(
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

pub(super) fn lower_waiter(
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
    // `KeyMetadata.KeyState`: objects down to the polled field.
    let mut parents = Vec::new();
    let mut fields: &[Field] = output;
    let parts: Vec<&str> = w.field.split('.').collect();
    let (last, objects) = parts.split_last()?;
    for part in objects {
        let Some(f) = find(fields, part) else {
            ctx.err(
                format!("{path}.field"),
                format!("`{}`: the response has no field `{part}` there", w.field),
            );
            return None;
        };
        let Ty::Struct(name) = &f.ty else {
            ctx.err(
                format!("{path}.field"),
                format!("`{part}` in `{}` is not an object", w.field),
            );
            return None;
        };
        parents.push(f.clone());
        fields = &types.structs.iter().find(|s| &s.name == name)?.fields;
    }
    let Some(field) = find(fields, last) else {
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
        parents,
        field: field.clone(),
        success: w.success.clone(),
        failure: w.failure.clone(),
        min_delay_ms: min,
        max_delay_ms: max,
        max_wait_ms: w.max_wait_ms.unwrap_or(600_000),
    })
}
