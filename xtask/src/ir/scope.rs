//! What lowering one spec file shares between its passes: where problems are reported
//! ([`Ctx`]), the type names taken inside one operation's module ([`Types`]), and the method
//! names every generated builder already has.

use std::collections::BTreeSet;

use super::{EnumDef, SpecError, StructDef};

/// Methods every generated builder has; a request parameter may not take their names.
pub(super) const RESERVED_BUILDER_METHODS: &[&str] = &[
    "call_options",
    "build",
    "send",
    "into_paginator",
    "into_parts",
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

/// Allocates type names inside one operation's module.
pub(super) struct Types {
    pub(super) reserved: BTreeSet<String>,
    pub(super) structs: Vec<StructDef>,
    pub(super) enums: Vec<EnumDef>,
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

    pub(super) fn add_struct(&mut self, base: &str, parent: &str, def: StructDef) -> String {
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

    pub(super) fn add_enum(&mut self, base: &str, parent: &str, def: EnumDef) -> String {
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
