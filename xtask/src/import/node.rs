//! Walking the official metadata (`api-docs.json`) as untyped JSON, keeping the JSON path of
//! every value so that each problem names exactly where it is.

use serde_json::{Map, Value};

/// Why one operation (or the whole file) cannot be imported: the JSON path and the message,
/// which names the construct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The JSON path inside the metadata file, such as `apis.AssumeRole.parameters[2].style`.
    pub path: String,
    /// What is wrong or unsupported.
    pub message: String,
}

impl Problem {
    /// A problem at `path`.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// A JSON value and where it sits in the file.
#[derive(Clone, Copy)]
pub struct Node<'a> {
    /// The value.
    pub value: &'a Value,
    path: &'a str,
}

/// An owned path plus a borrowed value, for children.
pub struct Child<'a> {
    /// The value.
    pub value: &'a Value,
    /// Its path.
    pub path: String,
}

impl<'a> Child<'a> {
    /// This child as a [`Node`].
    pub fn node(&self) -> Node<'_> {
        Node {
            value: self.value,
            path: &self.path,
        }
    }
}

/// The JSON path of key `key` under `path`.
pub fn join(path: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    match (path.is_empty(), plain) {
        (true, true) => key.to_string(),
        (true, false) => format!("[{key:?}]"),
        (false, true) => format!("{path}.{key}"),
        (false, false) => format!("{path}[{key:?}]"),
    }
}

/// A short name of a JSON value's type, for messages.
pub fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl<'a> Node<'a> {
    /// The root of a file.
    pub fn root(value: &'a Value) -> Self {
        Node { value, path: "" }
    }

    /// The path of this node.
    pub fn path(&self) -> &str {
        self.path
    }

    /// A problem at this node.
    pub fn problem(&self, message: impl Into<String>) -> Problem {
        Problem::new(self.path, message)
    }

    /// This node as an object.
    pub fn object(&self) -> Result<&'a Map<String, Value>, Problem> {
        self.value
            .as_object()
            .ok_or_else(|| self.problem(format!("expected an object, found {}", kind(self.value))))
    }

    /// The child `key`, if present and not null.
    pub fn get(&self, key: &str) -> Option<Child<'a>> {
        self.value
            .as_object()
            .and_then(|m| m.get(key))
            .filter(|v| !v.is_null())
            .map(|value| Child {
                value,
                path: join(self.path, key),
            })
    }

    /// The child `key`, which must be present.
    pub fn need(&self, key: &str) -> Result<Child<'a>, Problem> {
        self.object()?;
        self.get(key)
            .ok_or_else(|| Problem::new(join(self.path, key), "missing"))
    }

    /// The optional string child `key`.
    pub fn opt_str(&self, key: &str) -> Result<Option<&'a str>, Problem> {
        match self.get(key) {
            None => Ok(None),
            Some(c) => c.value.as_str().map(Some).ok_or_else(|| {
                Problem::new(
                    c.path,
                    format!("expected a string, found {}", kind(c.value)),
                )
            }),
        }
    }

    /// The string child `key`, which must be present.
    pub fn need_str(&self, key: &str) -> Result<&'a str, Problem> {
        self.opt_str(key)?
            .ok_or_else(|| Problem::new(join(self.path, key), "missing"))
    }

    /// The optional boolean child `key`. The metadata sometimes writes `"true"`.
    pub fn opt_bool(&self, key: &str) -> Result<Option<bool>, Problem> {
        match self.get(key) {
            None => Ok(None),
            Some(c) => match c.value {
                Value::Bool(b) => Ok(Some(*b)),
                Value::String(s) if s == "true" => Ok(Some(true)),
                Value::String(s) if s == "false" => Ok(Some(false)),
                other => Err(Problem::new(
                    c.path,
                    format!("expected a boolean, found {}", kind(other)),
                )),
            },
        }
    }

    /// The items of the array child `key` (an absent key is an empty list).
    pub fn array(&self, key: &str) -> Result<Vec<Child<'a>>, Problem> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(c) => match c.value {
                Value::Array(items) => Ok(items
                    .iter()
                    .enumerate()
                    .map(|(i, value)| Child {
                        value,
                        path: format!("{}[{i}]", c.path),
                    })
                    .collect()),
                other => Err(Problem::new(
                    c.path,
                    format!("expected an array, found {}", kind(other)),
                )),
            },
        }
    }

    /// The entries of the object child `key` (an absent key is an empty list), in key order.
    pub fn entries(&self, key: &str) -> Result<Vec<(&'a str, Child<'a>)>, Problem> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(c) => match c.value {
                Value::Object(map) => Ok(map
                    .iter()
                    .map(|(k, value)| {
                        (
                            k.as_str(),
                            Child {
                                value,
                                path: join(&c.path, k),
                            },
                        )
                    })
                    .collect()),
                other => Err(Problem::new(
                    c.path,
                    format!("expected an object, found {}", kind(other)),
                )),
            },
        }
    }
}

/// A scalar as the text our specs keep (`example`, `default`, `enum` values).
pub fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}
