//! The one naming function: wire names (`OrderId`, `WHClient`, `domain_verify`,
//! `InvalidTimeStamp.Expired`) to Rust identifiers.
//!
//! Words split at separators (anything not alphanumeric), at a lower-to-upper step
//! (`orderId`), at the end of an acronym (`PCACert` → `PCA` `Cert`) and at a digit-to-upper
//! step (`X509Certificate` → `X509` `Certificate`). Digits stay with the word before them
//! (`Sha2`).

/// Splits a wire name into words.
pub fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        if let Some(prev) = current.chars().last() {
            let next_is_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            let boundary = (prev.is_ascii_lowercase() && c.is_ascii_uppercase())
                || (prev.is_ascii_uppercase() && c.is_ascii_uppercase() && next_is_lower)
                || (prev.is_ascii_digit() && c.is_ascii_uppercase());
            if boundary {
                words.push(std::mem::take(&mut current));
            }
        }
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
];

/// Whether `ident` is a Rust keyword (strict or reserved).
pub fn is_keyword(ident: &str) -> bool {
    KEYWORDS.contains(&ident)
}

/// `snake_case`, for fields, methods and modules. Keywords are not escaped here; see
/// [`field_ident`].
pub fn snake_case(name: &str) -> String {
    let s = words(name)
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_");
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("n{s}")
    } else {
        s
    }
}

/// `UpperCamelCase`, for types and enum variants. A leading digit gets a `V` prefix.
pub fn upper_camel(name: &str) -> String {
    let s: String = words(name)
        .iter()
        .map(|w| {
            let lower = w.to_ascii_lowercase();
            let mut chars = lower.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect();
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{s}")
    } else if s == "Self" {
        "Self_".to_string()
    } else {
        s
    }
}

/// A snake-case identifier that is safe to emit: keywords become raw identifiers
/// (`r#type`), except those that cannot be raw (`self`, `crate`, `super`, `Self`), which get a
/// trailing underscore.
pub fn field_ident(name: &str) -> proc_macro2::Ident {
    let s = snake_case(name);
    match s.as_str() {
        "self" | "crate" | "super" | "Self" | "" => quote::format_ident!("{}_", s),
        k if is_keyword(k) => proc_macro2::Ident::new_raw(k, proc_macro2::Span::call_site()),
        _ => quote::format_ident!("{}", s),
    }
}

/// An `UpperCamelCase` identifier.
pub fn type_ident(name: &str) -> proc_macro2::Ident {
    let s = upper_camel(name);
    match s.as_str() {
        "Self" | "" => quote::format_ident!("{}_", s),
        _ => quote::format_ident!("{}", s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_cases() {
        for (wire, want) in [
            ("OrderId", "order_id"),
            ("CertIds", "cert_ids"),
            ("WHClient", "wh_client"),
            ("PCACert", "pca_cert"),
            ("X509Certificate", "x509_certificate"),
            ("Sha2", "sha2"),
            ("FingerPrint", "finger_print"),
            ("Fingerprint", "fingerprint"),
            ("IdCard", "id_card"),
            ("Idcard", "idcard"),
            ("KeyWord", "key_word"),
            ("Keyword", "keyword"),
            ("Type", "type"),
            ("RequestId", "request_id"),
            ("domain_verify", "domain_verify"),
            ("ACS3Signature", "acs3_signature"),
            ("Tag.N.Key", "tag_n_key"),
            ("DeleteCertificateRequest", "delete_certificate_request"),
        ] {
            assert_eq!(snake_case(wire), want, "{wire}");
        }
    }

    #[test]
    fn camel_cases() {
        for (wire, want) in [
            ("domain_verify", "DomainVerify"),
            ("DNS", "Dns"),
            ("digicert-free-1-free", "DigicertFree1Free"),
            ("M_WILDCARD", "MWildcard"),
            ("unTrustee", "UnTrustee"),
            ("InvalidTimeStamp.Expired", "InvalidTimeStampExpired"),
            ("Throttling.User", "ThrottlingUser"),
            ("1", "V1"),
            ("PCACert", "PcaCert"),
            ("unknow", "Unknow"),
        ] {
            assert_eq!(upper_camel(wire), want, "{wire}");
        }
    }

    #[test]
    fn keywords_are_escaped() {
        assert_eq!(field_ident("Type").to_string(), "r#type");
        assert_eq!(field_ident("Self").to_string(), "self_");
        assert_eq!(field_ident("Match").to_string(), "r#match");
        assert_eq!(field_ident("Domain").to_string(), "domain");
        assert_eq!(type_ident("Self").to_string(), "Self_");
        assert_eq!(upper_camel("self"), "Self_");
    }
}
