//! The written-down rules that decide what the metadata does not state. A value written in a
//! spec always wins over a rule; the rules only fill what a spec leaves out.

/// Action prefixes of operations that only read, and are therefore safe to re-send.
pub const IDEMPOTENT_PREFIXES: &[&str] = &["Describe", "List", "Get", "Query", "Check"];

/// Whether an operation is safe to re-send after it may have reached the service, when its
/// spec does not say.
///
/// * `Describe*`, `List*`, `Get*`, `Query*` and `Check*` only read: idempotent. The prefix
///   must end at a word boundary (`GetUser`, not `Getaway`).
/// * An operation with a `ClientToken` parameter is idempotent: the SDK fills an unset token
///   with a fresh UUID once per call and sends the same token on every retry, so the service
///   runs it at most once.
/// * Everything else is not.
pub fn idempotent_by_rule(action: &str, has_client_token: bool) -> bool {
    has_client_token
        || IDEMPOTENT_PREFIXES.iter().any(|p| {
            action.strip_prefix(p).is_some_and(|rest| {
                rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_uppercase())
            })
        })
}

/// Whether an ROA operation is safe to re-send, when its spec does not say: the method
/// decides, as HTTP defines it. `GET`, `PUT` and `DELETE` are idempotent; `POST` and `PATCH`
/// are not.
pub fn idempotent_by_method(method: crate::spec::HttpMethod) -> bool {
    use crate::spec::HttpMethod;
    matches!(
        method,
        HttpMethod::Get | HttpMethod::Put | HttpMethod::Delete
    )
}

/// The wire name of the idempotency token parameter.
pub const CLIENT_TOKEN: &str = "ClientToken";

/// Name endings (compared without case and without `.`, `_` and `-`) that mark a secret.
pub const SENSITIVE_SUFFIXES: &[&str] = &[
    "accesskeysecret",
    "secret",
    "securitytoken",
    "password",
    "privatekey",
    "secretdata",
    "oidctoken",
    "samlassertion",
    "plaintext",
    "passphrase",
];

/// Names that end like a secret but are not one (compared the same way).
pub const NOT_SENSITIVE: &[&str] = &[
    // Listings of secrets by name: the name is not the secret.
    "secretname",
    // Paging and idempotency tokens are not credentials.
    "nexttoken",
    "clienttoken",
];

/// Whether a field is a secret, when its spec does not say. Only string fields are candidates
/// (the IR checks the type: `ExistPrivateKey` is a boolean about a key, not a key); then its
/// name ends with one of
/// [`SENSITIVE_SUFFIXES`] and is not one of [`NOT_SENSITIVE`]. A suffix rule keeps
/// `SecretName`, `MinimumPasswordLength`, `HttpTokens`, `NextToken` and `ClientToken` out
/// by construction; the exclusion list states the intent.
pub fn sensitive_by_rule(wire_name: &str) -> bool {
    let last = wire_name.rsplit('.').next().unwrap_or(wire_name);
    let folded: String = last
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    !NOT_SENSITIVE.contains(&folded.as_str())
        && SENSITIVE_SUFFIXES.iter().any(|s| folded.ends_with(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_idempotent_writes_are_not() {
        for a in [
            "DescribeInstances",
            "ListUsers",
            "GetCallerIdentity",
            "QueryX",
            "CheckY",
        ] {
            assert!(idempotent_by_rule(a, false), "{a}");
        }
        for a in [
            "CreateInstance",
            "DeleteUser",
            "Getaway",
            "Listen",
            "AssumeRole",
        ] {
            assert!(!idempotent_by_rule(a, false), "{a}");
        }
        assert!(idempotent_by_rule("CreateInstance", true));
    }

    #[test]
    fn roa_idempotency_follows_the_method() {
        use crate::spec::HttpMethod;
        assert!(idempotent_by_method(HttpMethod::Get));
        assert!(idempotent_by_method(HttpMethod::Put));
        assert!(idempotent_by_method(HttpMethod::Delete));
        assert!(!idempotent_by_method(HttpMethod::Post));
        assert!(!idempotent_by_method(HttpMethod::Patch));
    }

    #[test]
    fn secrets_by_name() {
        for n in [
            "AccessKeySecret",
            "SecurityToken",
            "Password",
            "PrivateKey",
            "EncryptPrivateKey",
            "OIDCToken",
            "SAMLAssertion",
            "SecretData",
            "Credentials.AccessKeySecret",
            "Plaintext",
        ] {
            assert!(sensitive_by_rule(n), "{n}");
        }
        for n in [
            "NextToken",
            "ClientToken",
            "SecretName",
            "MinimumPasswordLength",
            "HttpTokens",
            "AccessKeyId",
            "PasswordInherit",
            "KeyPairName",
        ] {
            assert!(!sensitive_by_rule(n), "{n}");
        }
    }
}
