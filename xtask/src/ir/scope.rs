//! What lowering one spec file shares between its passes: where problems are reported
//! ([`Ctx`]), the type names taken inside one operation's module ([`Types`]), and the method
//! names every generated builder already has.

use std::collections::BTreeSet;

use super::{EnumDef, Side, SpecError, StructDef};

/// Methods every generated builder has; a request parameter may not take their names.
pub(super) const RESERVED_BUILDER_METHODS: &[&str] = &[
    "call_options",
    "build",
    "send",
    "into_paginator",
    "new",
    "clone",
    "fmt",
];

/// Collects the problems of one spec file, each with the file's name.
pub(super) struct Ctx<'a> {
    file: &'a str,
    errors: &'a mut Vec<SpecError>,
}

impl<'a> Ctx<'a> {
    /// Reports problems found in `file` into `errors`.
    pub(super) fn new(file: &'a str, errors: &'a mut Vec<SpecError>) -> Self {
        Self { file, errors }
    }

    pub(super) fn err(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.errors.push(SpecError {
            file: self.file.to_string(),
            path: path.into(),
            message: message.into(),
        });
    }
}

/// What a generated type is to the field it is named after.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Role {
    /// The field's own type: `<Parent><Field>`.
    Field,
    /// The item type of a list field: `<Parent><Field, singular>` (`Tags` → `Tag`,
    /// `Policies` → `Policy`, `CertificateOrderList` → `CertificateOrder`), or
    /// `<Parent><Field>Item` when the field's name is not a plural.
    ListItem,
    /// The item type of the one list of a wrapper object (`Tags { Tag: [...] }`): the list's
    /// key already names one item, so `<Parent><Field>`.
    Wrapped,
    /// The value type of a map field: `<Parent><Field>Value`.
    MapValue,
}

/// Allocates type names inside one operation's module.
///
/// Every name is derived from the type's place: the operation's name, the segment of the
/// structure that holds the field (empty at the top level), and the field's own segment
/// (`DescribeInstances` + `Instance` + `Tag`). So a name says what the type is, never repeats
/// across operations, stays readable in deep answers (the full path reached 104 characters in
/// ECS) and does not change when another field is added. A hand-written `type_name` is used
/// exactly as written.
pub(super) struct Types {
    /// The operation's name, which starts every derived name.
    pub(super) op: String,
    pub(super) reserved: BTreeSet<String>,
    pub(super) structs: Vec<StructDef>,
    pub(super) enums: Vec<EnumDef>,
}

impl Types {
    /// The name of a type for `field` (UpperCamelCase) inside the structure whose segment is
    /// `parent`, and the type's own segment (what its fields' types are named after). Words the
    /// field repeats from its parent are said once: `DedicatedHostCluster` +
    /// `DedicatedHostClusterCapacity` is `DedicatedHostClusterCapacity`.
    ///
    /// The first name is the one to use; the others are what to try, in order, when a
    /// different type already has it: the segments without the shared words, then with
    /// `Input` or `Output` after the operation (a request and a response type at the same
    /// place, or a field named like the operation's `Error`); [`Types::add_struct`] then
    /// numbers the first.
    pub(super) fn derived_names(
        &self,
        parent: &str,
        field: &str,
        role: Role,
        side: Side,
    ) -> (Vec<String>, String) {
        let segment = match role {
            Role::Field | Role::Wrapped => field.to_string(),
            Role::ListItem => singular(field).unwrap_or_else(|| format!("{field}Item")),
            Role::MapValue => format!("{field}Value"),
        };
        let op = &self.op;
        let joined = join_words(parent, &segment);
        let side = match side {
            Side::Request => "Input",
            Side::Response => "Output",
        };
        let mut names = vec![format!("{op}{joined}")];
        if joined != format!("{parent}{segment}") {
            names.push(format!("{op}{parent}{segment}"));
        }
        names.push(format!("{op}{side}{joined}"));
        (names, segment)
    }

    fn taken(&self, name: &str) -> bool {
        self.reserved.contains(name)
            || self.structs.iter().any(|s| s.name == name)
            || self.enums.iter().any(|e| e.name == name)
    }

    /// Holds `name` for a structure whose fields are lowered first, so the structure, not one
    /// of its own fields' types, gets the name it derives (`true` when it was free).
    pub(super) fn claim(&mut self, name: &str) -> bool {
        !self.taken(name) && self.reserved.insert(name.to_string())
    }

    /// Releases a name [`Types::claim`] held, just before the structure takes it.
    pub(super) fn release(&mut self, name: &str) {
        self.reserved.remove(name);
    }

    /// `names`, then (unless the name is hand-written) the first of them numbered from 2 to 99.
    fn candidates(names: &[String], exact: bool) -> Vec<String> {
        let mut c = names.to_vec();
        if let (false, Some(first)) = (exact, names.first()) {
            c.extend((2..100).map(|n| format!("{first}{n}")));
        }
        c
    }

    /// Names a structure: an identical one already under the name is shared; `None` when no
    /// candidate is free.
    pub(super) fn add_struct(
        &mut self,
        names: &[String],
        exact: bool,
        def: StructDef,
    ) -> Option<String> {
        for name in Self::candidates(names, exact) {
            if let Some(existing) = self.structs.iter().find(|s| s.name == name) {
                if existing.fields == def.fields && existing.side == def.side {
                    return Some(name);
                }
                continue;
            }
            if !self.taken(&name) {
                self.structs.push(StructDef {
                    name: name.clone(),
                    ..def
                });
                return Some(name);
            }
        }
        None
    }

    /// Names a string enum, as [`Types::add_struct`] does.
    pub(super) fn add_enum(
        &mut self,
        names: &[String],
        exact: bool,
        def: EnumDef,
    ) -> Option<String> {
        for name in Self::candidates(names, exact) {
            if let Some(existing) = self.enums.iter().find(|e| e.name == name) {
                if existing.variants == def.variants {
                    return Some(name);
                }
                continue;
            }
            if !self.taken(&name) {
                self.enums.push(EnumDef {
                    name: name.clone(),
                    ..def
                });
                return Some(name);
            }
        }
        None
    }
}

/// `parent` then `child`, with the longest run of whole words that ends `parent` and starts
/// `child` said once, provided `child` keeps a word of its own.
fn join_words(parent: &str, child: &str) -> String {
    let starts: Vec<usize> = child
        .char_indices()
        .filter(|&(i, c)| i > 0 && c.is_ascii_uppercase())
        .map(|(i, _)| i)
        .collect();
    for &end in starts.iter().rev() {
        let head = &child[..end];
        let at_word = parent.strip_suffix(head).is_some_and(|rest| {
            rest.is_empty() || head.starts_with(|c: char| c.is_ascii_uppercase())
        });
        if at_word && parent.ends_with(head) {
            return format!("{parent}{}", &child[end..]);
        }
    }
    format!("{parent}{child}")
}

/// The singular of an UpperCamelCase list name, or `None` when it does not look like a plural.
/// Only the regular English endings are undone; anything else keeps its name plus `Item`.
fn singular(name: &str) -> Option<String> {
    if let Some(stem) = name.strip_suffix("List").filter(|s| !s.is_empty()) {
        return Some(stem.to_string());
    }
    // The last word: from the last uppercase letter.
    let start = name.rfind(|c: char| c.is_ascii_uppercase()).unwrap_or(0);
    let word = &name[start..];
    let head = &name[..start];
    const NOT_PLURAL: &[&str] = &["Series", "Species", "News", "Alias", "Canvas", "Os"];
    if NOT_PLURAL.contains(&word) || word.len() < 3 {
        return None;
    }
    let one = if let Some(stem) = word.strip_suffix("ies") {
        format!("{stem}y")
    } else if word.ends_with("sses") || word.ends_with("xes") || word.ends_with("zzes") {
        word[..word.len() - 2].to_string()
    } else if word.ends_with("ches") || word.ends_with("shes") {
        // `Matches` or `Caches`: no way to tell.
        return None;
    } else if word.ends_with("ss") || word.ends_with("us") || word.ends_with("is") {
        return None;
    } else if let Some(stem) = word.strip_suffix('s') {
        stem.to_string()
    } else {
        return None;
    };
    Some(format!("{head}{one}"))
}

#[cfg(test)]
mod tests {
    use super::{Role, Side, Types, singular};

    #[test]
    fn plurals_become_singular_and_other_names_get_item() {
        for (plural, one) in [
            ("Tags", Some("Tag")),
            ("InstanceIds", Some("InstanceId")),
            ("Policies", Some("Policy")),
            ("IpAddresses", Some("IpAddress")),
            ("Boxes", Some("Box")),
            ("CertificateOrderList", Some("CertificateOrder")),
            ("Quotas", Some("Quota")),
            ("Status", None),
            ("Address", None),
            ("Analysis", None),
            ("Matches", None),
            ("Series", None),
            ("DataDisk", None),
            ("Data", None),
            ("List", None),
        ] {
            assert_eq!(singular(plural).as_deref(), one, "{plural}");
        }
    }

    fn types(op: &str) -> Types {
        Types {
            op: op.to_string(),
            reserved: Default::default(),
            structs: Vec::new(),
            enums: Vec::new(),
        }
    }

    #[test]
    fn names_follow_the_path() {
        let name = |op: &str, parent: &str, field: &str, role| {
            types(op)
                .derived_names(parent, field, role, Side::Response)
                .0[0]
                .clone()
        };
        assert_eq!(
            name("ListOrders", "", "Status", Role::Field),
            "ListOrdersStatus"
        );
        assert_eq!(
            name("RunInstances", "", "Tags", Role::ListItem),
            "RunInstancesTag"
        );
        assert_eq!(
            name("RunInstances", "", "DataDisk", Role::ListItem),
            "RunInstancesDataDiskItem"
        );
        assert_eq!(
            name("DescribeInstances", "Instance", "Tag", Role::Wrapped),
            "DescribeInstancesInstanceTag"
        );
        assert_eq!(name("Op", "", "Labels", Role::MapValue), "OpLabelsValue");
        // Words repeated from the parent are said once, but a field keeps a word of its own.
        assert_eq!(
            name(
                "Op",
                "DedicatedHostCluster",
                "DedicatedHostClusterCapacity",
                Role::Field
            ),
            "OpDedicatedHostClusterCapacity"
        );
        assert_eq!(
            name("Op", "Instance", "Instance", Role::Field),
            "OpInstanceInstance"
        );
        assert_eq!(
            name("Op", "PublicIp", "IpAddress", Role::Field),
            "OpPublicIpAddress"
        );
        assert_eq!(
            name("Op", "Tip", "IpAddress", Role::Field),
            "OpTipIpAddress"
        );
        assert_eq!(
            types("Op").derived_names("Vpc", "PrivateIps", Role::ListItem, Side::Request),
            (
                vec![
                    "OpVpcPrivateIp".to_string(),
                    "OpInputVpcPrivateIp".to_string()
                ],
                "PrivateIp".to_string()
            )
        );
        // When the shorter name is taken: the full segments, then the side.
        assert_eq!(
            types("Op")
                .derived_names(
                    "PluginStatus",
                    "PluginStatusSet",
                    Role::Field,
                    Side::Response
                )
                .0,
            [
                "OpPluginStatusSet",
                "OpPluginStatusPluginStatusSet",
                "OpOutputPluginStatusSet"
            ]
        );
    }
}
