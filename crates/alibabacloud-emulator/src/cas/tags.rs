//! The tag limits of `TagResources`, as Alibaba Cloud's tag service enforces them.
//!
//! `cas` publishes no error table for its tag operations; they go through the platform's tag
//! service, whose codes the ECS `TagResources` table lists (`NumberExceed.Tags`,
//! `NumberExceed.ResourceIds`, `Duplicate.TagKey`, `InvalidTagKey.Malformed`,
//! `InvalidTagValue.Malformed`, `QuotaExceed.Tags`); the emulator answers with those.

use std::collections::{BTreeMap, HashSet};

use crate::error::ApiError;

/// The most resource ids one tag call takes.
pub(crate) const MAX_RESOURCE_IDS: usize = 50;
/// The most tags one call takes, and the most tags one resource carries.
pub(crate) const MAX_TAGS: usize = 20;
/// The longest tag key or value, in characters.
pub(crate) const MAX_TAG_LENGTH: usize = 128;

/// `NumberExceed.ResourceIds` past [`MAX_RESOURCE_IDS`].
pub(crate) fn check_resource_count(count: usize) -> Result<(), ApiError> {
    if count > MAX_RESOURCE_IDS {
        return Err(ApiError::new(
            400,
            "NumberExceed.ResourceIds",
            format!("At most {MAX_RESOURCE_IDS} resource ids can be given; {count} were."),
        ));
    }
    Ok(())
}

/// Checks the tags of one `TagResources` call: how many, duplicates, key and value shape.
pub(crate) fn check_tags(tags: &[(String, Option<String>)]) -> Result<(), ApiError> {
    if tags.len() > MAX_TAGS {
        return Err(ApiError::new(
            400,
            "NumberExceed.Tags",
            format!("At most {MAX_TAGS} tags can be given; {} were.", tags.len()),
        ));
    }
    let mut seen = HashSet::new();
    for (key, value) in tags {
        if !seen.insert(key.as_str()) {
            return Err(ApiError::new(
                400,
                "Duplicate.TagKey",
                "The same tag key is given twice.",
            ));
        }
        let reserved = key.starts_with("aliyun") || key.starts_with("acs:");
        if key.chars().count() > MAX_TAG_LENGTH || reserved || has_url(key) {
            return Err(ApiError::new(
                400,
                "InvalidTagKey.Malformed",
                format!(
                    "A tag key has 1 to {MAX_TAG_LENGTH} characters, does not start with aliyun or acs: and contains no http:// or https://."
                ),
            ));
        }
        let value = value.as_deref().unwrap_or("");
        if value.chars().count() > MAX_TAG_LENGTH || value.starts_with("acs:") || has_url(value) {
            return Err(ApiError::new(
                400,
                "InvalidTagValue.Malformed",
                format!(
                    "A tag value has at most {MAX_TAG_LENGTH} characters, does not start with acs: and contains no http:// or https://."
                ),
            ));
        }
    }
    Ok(())
}

/// `QuotaExceed.Tags` when binding `tags` would leave a resource with more than
/// [`MAX_TAGS`] tags (keys it already has are overwritten, not added).
pub(crate) fn check_quota(
    bound: Option<&BTreeMap<String, String>>,
    tags: &[(String, Option<String>)],
) -> Result<(), ApiError> {
    let existing = bound.map_or(0, BTreeMap::len);
    let added = tags
        .iter()
        .filter(|(key, _)| bound.is_none_or(|b| !b.contains_key(key)))
        .count();
    if existing + added > MAX_TAGS {
        return Err(ApiError::new(
            403,
            "QuotaExceed.Tags",
            format!("A resource carries at most {MAX_TAGS} tags."),
        ));
    }
    Ok(())
}

fn has_url(text: &str) -> bool {
    text.contains("http://") || text.contains("https://")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(k: &str, v: &str) -> (String, Option<String>) {
        (k.to_string(), Some(v.to_string()))
    }

    #[test]
    fn limits_and_codes() {
        let code = |r: Result<(), ApiError>| r.err().map(|e| e.code).unwrap_or_default();
        let twenty: Vec<_> = (0..20).map(|i| tag(&format!("k{i}"), "v")).collect();
        assert!(check_tags(&twenty).is_ok());
        let mut many = twenty.clone();
        many.push(tag("k20", "v"));
        assert_eq!(code(check_tags(&many)), "NumberExceed.Tags");
        assert_eq!(
            code(check_tags(&[tag("a", "1"), tag("a", "2")])),
            "Duplicate.TagKey"
        );
        let long = "é".repeat(129);
        assert!(check_tags(&[tag(&"é".repeat(128), &"é".repeat(128))]).is_ok());
        assert_eq!(
            code(check_tags(&[tag(&long, "v")])),
            "InvalidTagKey.Malformed"
        );
        assert_eq!(
            code(check_tags(&[tag("aliyun-x", "v")])),
            "InvalidTagKey.Malformed"
        );
        assert_eq!(
            code(check_tags(&[tag("k", &long)])),
            "InvalidTagValue.Malformed"
        );
        assert_eq!(
            code(check_tags(&[tag("k", "see https://x")])),
            "InvalidTagValue.Malformed"
        );
        assert_eq!(code(check_resource_count(51)), "NumberExceed.ResourceIds");
        let mut bound: BTreeMap<String, String> = (0..19)
            .map(|i| (format!("k{i}"), "v".to_string()))
            .collect();
        assert!(check_quota(Some(&bound), &[tag("k0", "new"), tag("new", "v")]).is_ok());
        bound.insert("k19".into(), "v".into());
        assert_eq!(
            code(check_quota(Some(&bound), &[tag("another", "v")])),
            "QuotaExceed.Tags"
        );
    }
}
