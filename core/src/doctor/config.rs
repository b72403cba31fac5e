//! Doctor rules for config.toml.

use super::{Check, NodeFiles};
use crate::config_file::{display_path, Dialect};
use crate::diagnostic::Severity;
use crate::node_config::NodeConfig;
use crate::version::Target;

const GRPC_CRI: &str = Dialect::V2.cri_plugin();
const IMAGES_CRI: &str = Dialect::V3.cri_plugin();

pub(super) fn check_config(c: &NodeConfig, files: &NodeFiles, target: Option<Target>, out: &mut Vec<Check>) {
    let file = files.config_file.clone();
    let mut push = |severity, code, message: String, fix: String| {
        out.push(Check { severity, code, file: file.clone(), message, fix });
    };
    let version_1_node = target.is_some_and(|t| t.config_version() == 1);
    let on_2x = target.is_some_and(|t| t.major >= 2);
    let grpc_tables = c.dialects.contains(&Dialect::V2);
    let v1_tables = c.dialects.contains(&Dialect::V1);
    match c.version {
        // Version 2's tables without the line: every containerd reads the file as version 1
        // and ignores them (1.6.20; 2.1.9 logs `Ignoring unknown key in TOML for plugin`).
        None if grpc_tables && !version_1_node => push(
            Severity::Error,
            "config.no_version",
            "config.toml has no `version` line, so containerd reads it as version 1 and silently ignores every \
             plugins.\"io.containerd.grpc.v1.cri\" table (registry, sandbox image)."
                .into(),
            if on_2x {
                "Add `version = 2` as the first line (containerd 2.x migrates a version 2 file at every start; \
                 under `version = 3` these tables would be ignored too) and restart containerd."
                    .into()
            } else {
                "Add `version = 2` as the first line and restart containerd.".into()
            },
        ),
        // A real version 1 file (`[plugins.cri]`): 1.x reads it; 2.x renames its plugins but
        // does not move their keys, so 2.1.9 ignores every CRI setting of it.
        None | Some(1) if v1_tables && on_2x => push(
            Severity::Error,
            "config.version_1_on_2x",
            "config.toml is a version 1 file ([plugins.cri]): containerd 2.x ignores every CRI setting in it \
             (registry, sandbox image; it logs `Ignoring unknown key in TOML for plugin`) and runs with its defaults."
                .into(),
            "Run `pullfix apply` with the form (it rewrites the file as version 2 with the plugins' full names, which \
             containerd 2.x migrates), or rename every [plugins.cri...] table to [plugins.\"io.containerd.grpc.v1.cri\"...] \
             and add `version = 2` as the first line, then restart containerd. (`containerd config migrate` drops \
             these settings too, verified on 2.1.9.)"
                .into(),
        ),
        None if v1_tables && !version_1_node => push(
            Severity::Warning,
            "config.no_version",
            "config.toml has no `version` line: containerd reads it as version 1 ([plugins.cri]), which containerd \
             1.x still reads (deprecated), but containerd 2.x ignores all its CRI settings."
                .into(),
            "Before upgrading to containerd 2.x, run `pullfix apply` with the form: it writes `version = 2` with the \
             plugins' full names."
                .into(),
        ),
        None if !version_1_node => push(
            Severity::Warning,
            "config.no_version",
            "config.toml has no `version` line (containerd reads it as version 1).".into(),
            "Add the version line for this containerd (2 for 1.3 - 1.7, 3 for 2.x).".into(),
        ),
        _ => {}
    }
    if let (Some(v), Some(t)) = (c.version, target) {
        let max = t.max_config_version();
        if v > max && t.major >= 2 {
            push(
                Severity::Error,
                "config.version_too_new",
                format!(
                    "config.toml says version = {v}, containerd {t} reads at most {max}: it refuses to start \
                     (`expected containerd config version equal to or less than `{max}`, got `{v}``)."
                ),
                format!("Write `version = {max}` with that version's sections (or regenerate with pullfix)."),
            );
        } else if v > max && t.minor >= 7 {
            // Verified on 1.7.24: it logs the first line and exits with the second.
            push(
                Severity::Error,
                "config.version_too_new",
                format!(
                    "config.toml says version = {v}, containerd {t} reads at most {max}: it refuses to start \
                     (`containerd config version `{v}` is not supported, the max version is `{max}``, then \
                     `failed to load TOML from ...: unsupported config version `{v}``), so the kubelet sees no runtime."
                ),
                format!("Write `version = {max}` with plugins.\"{GRPC_CRI}\" sections (or regenerate with pullfix)."),
            );
        } else if v > max {
            push(
                Severity::Error,
                "config.version_too_new",
                format!(
                    "config.toml says version = {v}, containerd {t} knows at most {max}. It starts anyway (verified \
                     on 1.6.20 with version = 99; 1.7 refuses to start), but a 2.x file's plugins.\"{IMAGES_CRI}\" \
                     tables mean nothing to it: registry and sandbox settings are ignored."
                ),
                format!("Write `version = {max}` with plugins.\"{GRPC_CRI}\" sections (or regenerate with pullfix)."),
            );
        }
    }
    let legacy_in_v3 = c.registries.iter().any(|r| r.dialect == Dialect::V2)
        || c.sandbox_image.as_ref().is_some_and(|(k, _)| k.contains(GRPC_CRI));
    // Any `sandbox_image` key of a version 3+ file, also beside the `pinned_images.sandbox`
    // every 2.x default file has: 2.1.9 ignores it (review 9, M5).
    let pinned = c.sandbox_image.as_ref().filter(|(k, _)| k.ends_with(".pinned_images.sandbox"));
    if c.version.is_some_and(|v| v >= 3) && (pinned.is_some() || !legacy_in_v3) {
        for (key, image) in &c.sandbox_image_keys {
            let used = match (pinned, target) {
                (Some((_, p)), _) => format!("{p:?} ({IMAGES_CRI}'s pinned_images.sandbox)"),
                (None, Some(t)) => format!("containerd {t}'s default {}", t.default_pause_image()),
                (None, None) => "containerd's default".to_owned(),
            };
            push(
                Severity::Error,
                "config.sandbox_image_ignored",
                format!(
                    "{key} = {image:?} in a version {} config: containerd 2.x ignores it (`Ignoring unknown key in \
                     TOML for plugin`, key=sandbox_image); pods use {used}.",
                    c.version.unwrap_or(3)
                ),
                format!(
                    "Set the image as `sandbox` under [plugins.\"{IMAGES_CRI}\".pinned_images] (replace the value \
                     there) and delete {key}, then restart containerd."
                ),
            );
        }
    }
    if c.version.is_some_and(|v| v >= 3) && legacy_in_v3 {
        push(
            Severity::Error,
            "config.legacy_keys_in_v3",
            format!(
                "A version {} config with registry or sandbox_image settings under plugins.\"{GRPC_CRI}\": \
                 containerd 2.x ignores them (`Ignoring unknown key in TOML for plugin`), so TLS, mirrors and the \
                 pause image fall back to the defaults.",
                c.version.unwrap_or(3)
            ),
            format!(
                "Move them to plugins.\"{IMAGES_CRI}\".registry (config_path, TLS in hosts.toml) and \
                 plugins.\"{IMAGES_CRI}\".pinned_images.sandbox, or set `version = 2` so containerd migrates them."
            ),
        );
    }
    // Review 11, N7: on 1.x a version 2 file's `plugins.cri` stops containerd (merge's
    // merge.import-short-plugin-ids says so); only another dialect is merely ignored there.
    let other = c.dialects.iter().find(|d| **d != Dialect::V2);
    let one_x = target.is_some_and(|t| t.major == 1);
    if let Some(other) = other.filter(|d| c.version == Some(2) && !(one_x && **d == Dialect::V1)) {
        let fix = match target {
            Some(t) if t.major == 1 => format!("Use plugins.\"{GRPC_CRI}\" (containerd {t} reads version 2 at most)."),
            Some(t) => format!(
                "Use plugins.\"{GRPC_CRI}\" (containerd {t} migrates a version 2 file at every start) or write `version = 3` with plugins.\"{IMAGES_CRI}\"."
            ),
            None => format!(
                "Use plugins.\"{GRPC_CRI}\" (1.x, and 2.x migrates it) or, on containerd 2.x only, write `version = 3` with plugins.\"{IMAGES_CRI}\"."
            ),
        };
        push(
            Severity::Error,
            "config.wrong_dialect",
            format!(
                "A version 2 config names the CRI plugin `{}`; version 2 files use plugins.\"{GRPC_CRI}\", so \
                 those settings are ignored.",
                other.cri_plugin()
            ),
            fix,
        );
    }
    // A 2.x node: the target says so, or (without one) a version 3+ file.
    let on_2x = target.map_or(c.version.is_some_and(|v| v >= 3), |t| t.major >= 2);
    for r in &c.registries {
        let key = r.key_path();
        let has_tls = !r.tls.is_empty();
        if let Some(cp) = &r.config_path {
            // 1.x refuses both beside config_path; 2.x refuses only `mirrors` (its
            // `ValidateImageConfig`) and ignores `configs.tls` (config.legacy_tls_ignored below).
            let tls_refused = has_tls && !on_2x;
            if !r.mirrors.is_empty() || tls_refused {
                let (what, quote) = match (r.mirrors.is_empty(), tls_refused) {
                    (false, true) => (
                        "`mirrors` and `configs.\"…\".tls`",
                        "verified on 1.6.20: `configs.tls cannot be set when config_path is provided`",
                    ),
                    (false, false) => ("`mirrors`", "`mirrors` cannot be set when `config_path` is provided"),
                    _ => (
                        "`configs.\"…\".tls`",
                        "verified on 1.6.20: `configs.tls cannot be set when config_path is provided`",
                    ),
                };
                push(
                    Severity::Error,
                    "config.mixed_styles",
                    format!(
                        "{key} sets both config_path and {what}: the CRI plugin refuses to load ({quote}); the \
                         kubelet sees the runtime as down."
                    ),
                    "Keep config_path, move mirrors and TLS into hosts.toml files, delete the `mirrors` and \
                     `configs.\"…\".tls` tables (`configs.\"…\".auth` may stay), restart containerd."
                        .into(),
                );
            }
            if cp.contains(':') {
                let breaks = target.is_some_and(|t| (t.major, t.minor) >= (2, 1));
                push(
                    if breaks { Severity::Error } else { Severity::Warning },
                    "config.colon_config_path",
                    format!(
                        "{key}.config_path is a colon-separated list ({cp:?}); containerd 2.1+ transfer-service \
                         pulls treat it as one directory, so no hosts.toml is found."
                    ),
                    "Use one directory (e.g. /etc/containerd/certs.d) and put every hosts.toml under it.".into(),
                );
            }
        }
        if has_tls && target.is_some_and(|t| t.major >= 2) {
            push(
                Severity::Error,
                "config.legacy_tls_ignored",
                format!(
                    "{key}.configs.\"…\".tls is set for {}: containerd 2.x ignores it without any error (verified), so \
                     the CA or skip-verify no longer applies and pulls fail with x509.",
                    r.tls.iter().map(|t| t.host.as_str()).collect::<Vec<_>>().join(", ")
                ),
                "Put the CA (`ca = ...`) or `skip_verify = true` into <config_path>/<host>/hosts.toml.".into(),
            );
        }
        for t in &r.tls {
            for (k, p) in &t.files {
                if !files.existing.iter().any(|e| e == p) {
                    push(
                        Severity::Error,
                        "config.file_missing",
                        format!(
                            "{key}.{} names {p}, which does not exist on this node.",
                            display_path(&["configs", t.host.as_str(), "tls", k])
                        ),
                        format!("Copy the file to {p} (or fix the path) and restart containerd."),
                    );
                }
            }
        }
        for (host, eps) in &r.mirrors {
            for ep in eps.iter().filter(|e| !e.contains("://")) {
                let scheme = default_scheme(ep);
                let (other, symptom) = if scheme == "https" {
                    ("http", "`server gave HTTP response to HTTPS client`")
                } else {
                    ("https", "an HTTP request to a TLS port")
                };
                push(
                    Severity::Warning,
                    "config.endpoint_without_scheme",
                    format!(
                        "{key}.{} has {ep:?} without a scheme: containerd's CRI plugin adds one (`addDefaultScheme`: \
                         http for localhost and loopback addresses, https for any other host), so it contacts \
                         \"{scheme}://{ep}\". That works only while the mirror speaks {scheme}; an {other} mirror \
                         fails ({symptom}). Spelled out, the scheme says what is contacted, and hosts.toml, where \
                         these settings move (inline mirrors are deprecated since 1.5), needs plain HTTP spelled out.",
                        display_path(&["mirrors", host.as_str(), "endpoint"])
                    ),
                    format!(
                        "Write the scheme the mirror speaks: \"{scheme}://{ep}\" (what containerd uses now) or \
                         \"{other}://{ep}\"."
                    ),
                );
            }
        }
        // 1.x keys in a version 3+ file are neither honoured nor migrated, only ignored:
        // config.legacy_keys_in_v3 says so, and they change no pull path.
        let ignored_in_v3 = c.version.is_some_and(|v| v >= 3) && r.dialect == Dialect::V2;
        let on_2_2 = target.is_some_and(|t| (t.major, t.minor) == (2, 2));
        let honoured_mirrors = !r.mirrors.is_empty() && !ignored_in_v3;
        if honoured_mirrors && r.config_path.is_none() && on_2_2 {
            // containerd#12612: 2.2.0 moved the default config_path into the image config, so a
            // migrated version 2 file has both and the CRI plugin fails; containerd#12617 fixed
            // it on main and in a later 2.2 patch release (which one is not pinned down here).
            let early = target.is_some_and(|t| t.patch.is_some_and(|p| p <= 1));
            push(
                if early { Severity::Error } else { Severity::Warning },
                "config.mirrors_refused_2_2",
                format!(
                    "{key}.mirrors on containerd {}: 2.2.0 and 2.2.1 set a default config_path \
                     (/etc/containerd/certs.d:/etc/docker/certs.d) when they migrate this file, then refuse \
                     their own result, so the CRI plugin does not load (`mirrors` cannot be set when \
                     `config_path` is provided; containerd#12612), even with `config_path = \"\"`. Later 2.2 \
                     patch releases carry the fix (containerd#12617).",
                    target.map(|t| t.to_string()).unwrap_or_default()
                ),
                "Move the mirrors into hosts.toml files under one config_path directory (pullfix generate \
                 writes them) and delete the `mirrors` tables; or upgrade to a 2.2 patch release with the fix."
                    .into(),
            );
        } else if honoured_mirrors && target.is_some_and(|t| t.major >= 2) {
            push(
                Severity::Info,
                "config.deprecated_mirrors",
                format!("{key}.mirrors is deprecated on 2.x (removal planned for 2.4) and makes 2.1+ use the older pull path."),
                "Move mirrors into hosts.toml files.".into(),
            );
        }
    }
    check_sandbox(c, target, &mut push);
}

fn check_sandbox(
    c: &NodeConfig,
    target: Option<Target>,
    push: &mut impl FnMut(Severity, &'static str, String, String),
) {
    match &c.sandbox_image {
        None => {
            let default = target.map(|t| t.default_pause_image());
            push(
                Severity::Warning,
                "sandbox.default",
                format!(
                    "No sandbox (pause) image is set, so containerd uses its default{}. Nodes that cannot reach \
                     k8s.gcr.io / registry.k8s.io cannot start any pod (`failed to get sandbox image`).",
                    default.map(|d| format!(" {d}")).unwrap_or_default()
                ),
                "If the nodes have no internet access, set the sandbox image to a reachable copy (pullfix's form \
                 field `sandbox_image`) or pre-pull it on every node."
                    .into(),
            );
        }
        Some((key, img)) if img.starts_with("k8s.gcr.io/") => push(
            Severity::Warning,
            "sandbox.k8s_gcr_io",
            format!("{key} = {img:?}: k8s.gcr.io is frozen and redirects to registry.k8s.io; unreachable from many networks."),
            "Use registry.k8s.io/pause or a reachable mirror.".into(),
        ),
        Some(_) => {}
    }
}

/// The scheme containerd's CRI plugin gives a mirror endpoint written without one
/// (`defaultScheme` in image_pull.go: `docker.IsLocalhost`, i.e. exactly `localhost` or a loopback IP).
fn default_scheme(endpoint: &str) -> &'static str {
    let hostport = endpoint.split('/').next().unwrap_or("");
    let host = match hostport.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None if hostport.matches(':').count() == 1 => hostport.split(':').next().unwrap_or(""),
        None => hostport,
    };
    let loopback = host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    if host == "localhost" || loopback {
        "http"
    } else {
        "https"
    }
}

#[cfg(test)]
mod tests {
    use super::default_scheme;

    #[test]
    fn default_scheme_is_http_only_for_localhost_and_loopback() {
        for ep in ["localhost:5000", "127.0.0.1:5000/v2", "127.1.2.3", "[::1]:5000", "::1"] {
            assert_eq!(default_scheme(ep), "http", "{ep}");
        }
        for ep in
            ["harbor.example.net", "10.50.1.104:5000", "[fd00::1]:5000", "localhost.example.net", "LOCALHOST:5000"]
        {
            assert_eq!(default_scheme(ep), "https", "{ep}");
        }
    }
}
