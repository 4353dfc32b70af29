//! Stage 3, dispatch: runs the operation a request was routed to. Stateful handlers (the CAS
//! order lifecycle and tags, STS credentials) take their actions; every other operation of every
//! served product gets the generic handler: validation against the operation table, then the
//! table's success body. Every run is recorded in the audit log.

use std::time::SystemTime;

use serde_json::Value;

use crate::auth::Caller;
use crate::context::Context;
use crate::error::ApiError;
use crate::request::Incoming;
use crate::route::Target;
use crate::state::AuditEntry;
use crate::validate::{Received, check};

/// An authenticated request with its operation.
#[derive(Debug)]
pub(crate) struct Call {
    /// Who called, and the parameters the signature covered.
    pub caller: Caller,
    /// The request as parsed.
    pub incoming: Incoming,
    /// The operation.
    pub target: Target,
}

/// Runs the operation and records it in the audit log.
pub(crate) fn dispatch(ctx: &Context, call: &Call) -> Result<Value, ApiError> {
    let op = &call.target.op;
    let product = call.target.product.product.as_str();
    tracing::debug!(
        product,
        action = %op.action,
        access_key_id = %call.caller.access_key_id,
        scheme = ?call.caller.scheme,
        from_example = op.from_example,
        "executing"
    );
    let stateful = match product {
        "cas" => crate::cas::run(ctx, &op.action, &call.caller),
        _ => None,
    };
    let (result, order_id) = match stateful {
        Some((result, order_id)) => (result.map(Value::Object), order_id),
        None => (run(ctx, call, product), None),
    };
    let outcome = match &result {
        Ok(_) => "OK".to_string(),
        Err(e) => e.code.clone(),
    };
    ctx.lock().record(AuditEntry {
        product: product.to_string(),
        action: op.action.clone(),
        order_id,
        outcome,
    });
    result
}

/// Validation, then the STS handlers or the table's answer.
fn run(ctx: &Context, call: &Call, product: &str) -> Result<Value, ApiError> {
    let op = &call.target.op;
    check(
        op,
        &Received {
            params: &call.caller.params,
            headers: &call.incoming.headers,
            path_values: &call.target.path_values,
            body: &call.incoming.body,
        },
    )?;
    if product == "sts" {
        let params = crate::sts::Params(&call.caller.params);
        let account = ctx.settings.account_id.as_str();
        match op.action.as_str() {
            "AssumeRole" | "AssumeRoleWithOIDC" => {
                let mut st = ctx.lock();
                return crate::sts::assume_role(
                    &mut st.sessions,
                    account,
                    &op.action,
                    &params,
                    SystemTime::now(),
                )
                .map(Value::Object);
            }
            "GetCallerIdentity" => {
                if let Some(identity) = &call.caller.identity {
                    return Ok(Value::Object(crate::sts::caller_identity(
                        account, identity,
                    )));
                }
            }
            _ => {}
        }
    }
    Ok(op.response.clone())
}
