//! The service errors the emulator answers with, as the real service words them.

/// One error answer: HTTP status, code and message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status} {code}: {message}")]
pub(crate) struct ApiError {
    pub status: u16,
    pub code: String,
    pub message: String,
}

impl ApiError {
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            code: code.to_string(),
            message: message.into(),
        }
    }

    /// No signature, a signing part missing, or a malformed `Authorization` header.
    pub fn incomplete_signature(detail: &str) -> Self {
        let mut message =
            String::from("The request signature does not conform to Aliyun standards.");
        if !detail.is_empty() {
            message.push(' ');
            message.push_str(detail);
        }
        Self::new(400, "IncompleteSignature", message)
    }

    pub fn access_key_not_found() -> Self {
        Self::new(
            404,
            "InvalidAccessKeyId.NotFound",
            "Specified access key is not found.",
        )
    }

    pub fn signature_mismatch(server_string_to_sign: &str) -> Self {
        Self::new(
            400,
            "SignatureDoesNotMatch",
            format!(
                "Specified signature is not matched with our calculation. server string to sign is:{server_string_to_sign}"
            ),
        )
    }

    pub fn timestamp_format(name: &str) -> Self {
        Self::new(
            400,
            "InvalidTimeStamp.Format",
            format!("Specified time stamp or date value is not well formatted. ({name})"),
        )
    }

    pub fn timestamp_expired() -> Self {
        Self::new(
            400,
            "InvalidTimeStamp.Expired",
            "Specified time stamp or date value is expired.",
        )
    }

    pub fn nonce_used() -> Self {
        Self::new(
            400,
            "SignatureNonceUsed",
            "Specified signature nonce was used already.",
        )
    }

    pub fn missing(name: &str) -> Self {
        Self::new(
            400,
            "MissingParameter",
            format!(
                "The input parameter \"{name}\" that is mandatory for processing this request is not supplied."
            ),
        )
    }

    pub fn invalid(name: &str, detail: &str) -> Self {
        let mut message = format!("The specified parameter \"{name}\" is not valid.");
        if !detail.is_empty() {
            message.push(' ');
            message.push_str(detail);
        }
        Self::new(400, "InvalidParameter", message)
    }

    pub fn invalid_version() -> Self {
        Self::new(
            400,
            "InvalidVersion",
            "Specified parameter Version is not valid.",
        )
    }

    pub fn action_not_found() -> Self {
        Self::new(
            404,
            "InvalidAction.NotFound",
            "Specified api is not found, please check your url and method.",
        )
    }

    pub fn order_not_found() -> Self {
        Self::new(404, "NotFoundOrder", "The certificate order is not found.")
    }

    pub fn order_state(state: &str) -> Self {
        Self::new(
            403,
            "OrderStateError",
            format!(
                "The certificate order is in state {state}, which does not allow this operation."
            ),
        )
    }

    pub fn no_package() -> Self {
        Self::new(
            404,
            "NotFoundPackage",
            "No certificate resource plan was found. Buy a resource plan first.",
        )
    }

    pub fn no_remaining_count() -> Self {
        Self::new(
            404,
            "NotRemainCount",
            "The certificate quota of the resource plan is used up.",
        )
    }
}
