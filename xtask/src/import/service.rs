//! The product: code, version, crate, endpoint map and API reference link.
//!
//! Endpoint rule: the metadata lists `[{regionId, endpoint}]`. The host most regions share
//! (ties: the one named `<code>.aliyuncs.com`, then the alphabetically first) becomes the
//! default host with its regions; every other region keeps its own host; any other region
//! falls back to `<code>.<region>.aliyuncs.com`.

use std::collections::BTreeMap;

use super::node::{Node, Problem};
use crate::spec::{EndpointsSpec, ServiceSpec, Signature};

/// The service facts of the metadata.
pub fn service(
    product: &str,
    version: &str,
    root: Node<'_>,
    folder: Option<&str>,
) -> Result<ServiceSpec, Problem> {
    let code = product.to_ascii_lowercase();
    if code.is_empty()
        || !code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    {
        return Err(Problem::new(
            "info.product",
            format!("unsupported product code `{product}` (letters and digits only)"),
        ));
    }
    let valid_version = version.len() == 10
        && version.chars().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !valid_version {
        return Err(Problem::new(
            "info.version",
            format!("`{version}` is not an API version (YYYY-MM-DD)"),
        ));
    }
    let mut by_region: BTreeMap<String, String> = BTreeMap::new();
    for e in root.array("endpoints")? {
        let region = e.node().need_str("regionId")?;
        let host = e.node().need_str("endpoint")?;
        if host.is_empty() || host.contains(['/', ' ']) {
            return Err(Problem::new(
                format!("{}.endpoint", e.path),
                format!("`{host}` is not a host name"),
            ));
        }
        by_region.insert(region.to_string(), host.to_string());
    }
    let endpoints = endpoint_map(&code, &by_region);
    let folder = folder.unwrap_or(&code);
    Ok(ServiceSpec {
        schema: Some("../schema/service.schema.json".into()),
        product: code.clone(),
        version: version.to_string(),
        crate_name: format!("alibabacloud-{folder}"),
        title: product.to_string(),
        summary: format!(
            "The `{product}` API, version {version}, imported from Alibaba Cloud's official API metadata."
        ),
        signature: Signature::V3,
        style: None,
        endpoints,
        common_errors: Vec::new(),
        emulator_crate: None,
        api_reference: Some(format!("https://api.aliyun.com/api/{product}/{version}")),
    })
}

/// The endpoint rule (see the module docs).
pub fn endpoint_map(code: &str, by_region: &BTreeMap<String, String>) -> EndpointsSpec {
    let global = format!("{code}.aliyuncs.com");
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for host in by_region.values() {
        *counts.entry(host.as_str()).or_default() += 1;
    }
    let best = counts.values().copied().max().unwrap_or(0);
    let default_host = if counts.get(global.as_str()) == Some(&best) || counts.is_empty() {
        global.clone()
    } else {
        counts
            .iter()
            .find(|(_, n)| **n == best)
            .map(|(h, _)| h.to_string())
            .unwrap_or(global)
    };
    let mut default_host_regions = Vec::new();
    let mut regional_hosts = BTreeMap::new();
    for (region, host) in by_region {
        if *host == default_host {
            default_host_regions.push(region.clone());
        } else if *host != format!("{code}.{region}.aliyuncs.com") {
            // Hosts that follow the fallback template need no entry.
            regional_hosts.insert(region.clone(), host.clone());
        }
    }
    EndpointsSpec {
        default_host,
        default_host_regions,
        regional_hosts,
        fallback: format!("{code}.{{region}}.aliyuncs.com"),
    }
}

/// The service file as the importer writes it: fresh facts, hand-written title, summary,
/// signature, platform error codes and emulator crate kept from the existing file.
pub fn merged_service(fresh: ServiceSpec, existing: Option<&ServiceSpec>) -> ServiceSpec {
    match existing {
        None => fresh,
        Some(old) => ServiceSpec {
            schema: old.schema.clone().or(fresh.schema),
            title: old.title.clone(),
            summary: old.summary.clone(),
            signature: old.signature,
            common_errors: old.common_errors.clone(),
            emulator_crate: old.emulator_crate.clone(),
            // The crate name is the folder's: keep what the folder was created with.
            crate_name: old.crate_name.clone(),
            ..fresh
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_shared_host_is_the_default() {
        let m: BTreeMap<String, String> = [
            ("cn-hangzhou", "sts.aliyuncs.com"),
            ("cn-beijing", "sts.aliyuncs.com"),
            ("cn-qingdao", "sts.cn-qingdao.aliyuncs.com"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let e = endpoint_map("sts", &m);
        assert_eq!(e.default_host, "sts.aliyuncs.com");
        assert_eq!(e.default_host_regions, ["cn-beijing", "cn-hangzhou"]);
        // cn-qingdao follows the fallback template, so it needs no entry.
        assert!(e.regional_hosts.is_empty());
        assert_eq!(e.fallback, "sts.{region}.aliyuncs.com");
    }
}
