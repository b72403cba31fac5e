//! Doctor: checks a node's existing containerd files for what breaks image pulls.
//!
//! Pure: the caller (the CLI) reads config.toml and every `<certs.d>/<host>/hosts.toml`
//! and passes their texts in a [`NodeFiles`]; [`referenced_files`] then names the CA and
//! client files those texts point at, the caller says which of them exist, and [`check`]
//! reports. Nothing here touches the disk.

mod config;
mod hosts;
mod plugins;
mod runtimes;

use serde::Serialize;
use toml_edit::{DocumentMut, Item};

use crate::config_file::display_path;
use crate::diagnostic::Severity;
use crate::node_config::NodeConfig;
use crate::version::Target;

/// The default hosts.toml directory.
pub const DEFAULT_CERTS_DIR: &str = crate::form::DEFAULT_CONFIG_PATH;

/// A node's files, as read by the caller.
#[derive(Debug, Clone, Default)]
pub struct NodeFiles {
    /// The containerd version the node runs (`1.6.20`, `2.1`), when known.
    pub containerd: Option<String>,
    /// Where config.toml is (for messages).
    pub config_file: String,
    /// Its text; `None` when the file does not exist.
    pub config: Option<String>,
    /// The hosts.toml directory that was read.
    pub certs_dir: String,
    /// Every `<certs_dir>/<namespace>/hosts.toml`.
    pub hosts: Vec<HostsFile>,
    /// The files named by [`referenced_files`] that exist on the node.
    pub existing: Vec<String>,
    /// For a colon-separated config_path list (1.x reads every entry): each directory in the
    /// list's order with its subdirectory names (`<host>`, `_default`: containerd takes any
    /// such directory). Empty for one directory.
    pub list_dirs: Vec<(String, Vec<String>)>,
}

/// One hosts.toml.
#[derive(Debug, Clone, Default)]
pub struct HostsFile {
    /// Its full path.
    pub path: String,
    /// Its text.
    pub text: String,
}

/// One problem in a node's files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// Error: pulls break. Warning: they may. Info: worth knowing.
    pub severity: Severity,
    /// A stable identifier (`config.mixed_styles`).
    pub code: &'static str,
    /// The file it is about.
    pub file: String,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub fix: String,
}

impl From<crate::merge::imports::Finding> for Check {
    /// A drop-in finding (`imports`), reported on the drop-in's path.
    fn from(f: crate::merge::imports::Finding) -> Check {
        Check {
            severity: f.diagnostic.severity,
            code: f.diagnostic.code,
            file: f.file,
            message: f.diagnostic.message,
            fix: f.diagnostic.fix,
        }
    }
}

/// True when a check says pulls will break (the CLI then exits non-zero).
pub fn breaks_pulls(checks: &[Check]) -> bool {
    checks.iter().any(|c| c.severity == Severity::Error)
}

/// The hosts.toml directory config.toml enables (its `config_path`, the first when it is
/// a colon-separated list); `None` when it sets none or cannot be read.
pub fn certs_dir(config: &str) -> Option<String> {
    certs_dirs(config).into_iter().next()
}

/// Every directory of config.toml's `config_path`, in order (one unless it is a
/// colon-separated list); empty when it sets none or cannot be read.
pub fn certs_dirs(config: &str) -> Vec<String> {
    let Ok(c) = NodeConfig::parse(config) else { return Vec::new() };
    c.config_path()
        .map(|p| p.split(':').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect())
        .unwrap_or_default()
}

/// Every CA, client certificate and key file the config and hosts.toml files name,
/// as absolute paths (hosts.toml paths are relative to the file's directory).
pub fn referenced_files(files: &NodeFiles) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if let Some(c) = files.config.as_deref().and_then(|t| NodeConfig::parse(t).ok()) {
        for r in &c.registries {
            for t in &r.tls {
                out.extend(t.files.iter().map(|(_, p)| p.clone()));
            }
        }
    }
    for h in &files.hosts {
        out.extend(hosts_file_refs(h).into_iter().map(|(_, p)| p));
    }
    out.sort();
    out.dedup();
    out
}

/// `(key, absolute path)` of every `ca` / `client` file in a hosts.toml.
fn hosts_file_refs(h: &HostsFile) -> Vec<(String, String)> {
    let Ok(doc) = h.text.parse::<DocumentMut>() else {
        return Vec::new();
    };
    let dir = h.path.rsplit_once('/').map_or("", |(d, _)| d);
    let abs = |p: &str| if p.starts_with('/') { p.to_owned() } else { format!("{dir}/{p}") };
    let mut out = Vec::new();
    let mut collect = |prefix: &[&str], t: &dyn toml_edit::TableLike| {
        for key in ["ca", "client"] {
            let Some(item) = t.get(key) else { continue };
            let mut paths = Vec::new();
            crate::toml_table::strings(item, &mut paths);
            let name = display_path(&[prefix, &[key]].concat());
            out.extend(paths.into_iter().map(|p| (name.clone(), abs(&p))));
        }
    };
    collect(&[], doc.as_table());
    if let Some(hosts) = doc.get("host").and_then(Item::as_table_like) {
        for (url, v) in hosts.iter() {
            if let Some(t) = v.as_table_like() {
                collect(&["host", url], t);
            }
        }
    }
    out
}

/// Runs every check.
pub fn check(files: &NodeFiles) -> Vec<Check> {
    let mut out = Vec::new();
    let target = files.containerd.as_deref().and_then(|v| Target::parse(v).ok());
    let cfg = match files.config.as_deref() {
        None => {
            out.push(Check {
                severity: Severity::Warning,
                code: "config.missing",
                file: files.config_file.clone(),
                message: "There is no config.toml: containerd runs on its defaults (no config_path, so hosts.toml \
                          files are not used by the kubelet's pulls, and the default pause image)."
                    .into(),
                fix: "Generate one for this containerd version with pullfix and restart containerd.".into(),
            });
            None
        }
        Some(text) => match NodeConfig::parse(text) {
            Ok(c) => Some(c),
            // A k3s/RKE2 template is no TOML until k3s renders it; containerd never reads it
            // (review 11 N8).
            Err(_) if crate::merge::is_go_template(text) => {
                out.push(Check {
                    severity: Severity::Info,
                    code: "config.k3s_template",
                    file: files.config_file.clone(),
                    message: "This is a k3s/RKE2 config.toml.tmpl (Go template markers `{{ ... }}`), not the \
                              config.toml containerd reads: k3s/RKE2 render it into config.toml at every start."
                        .into(),
                    fix:
                        "Run doctor on the config.toml k3s renders from it (/var/lib/rancher/k3s/agent/etc/containerd/\
                          config.toml, or rke2's), and configure registries in registries.yaml (`pullfix generate \
                          --flavor k3s` or `--flavor rke2`)."
                            .into(),
                });
                None
            }
            Err(e) => {
                out.push(Check {
                    severity: Severity::Error,
                    code: "config.unparsable",
                    file: files.config_file.clone(),
                    message: format!("config.toml is not valid TOML, containerd will not start: {e}"),
                    fix: "Fix the line the parser names (a duplicated table, a missing quote).".into(),
                });
                None
            }
        },
    };
    if let Some(c) = &cfg {
        config::check_config(c, files, target, &mut out);
        if let Some(text) = files.config.as_deref() {
            plugins::check_plugins(text, files, target, None, &mut out);
        }
    }
    hosts::check_hosts(cfg.as_ref(), files, target, &mut out);
    out.sort_by_key(|c| std::cmp::Reverse(c.severity));
    masked(out)
}

/// `checks` with the credentials their messages quote from the node's files masked
/// (a `[host."https://u:pw@…"]` table, a legacy `user:pw@` endpoint: review 13 I-3).
fn masked(mut checks: Vec<Check>) -> Vec<Check> {
    for c in &mut checks {
        c.message = crate::redact::mask_secrets(&c.message);
        c.fix = crate::redact::mask_secrets(&c.fix);
    }
    checks
}

/// [`check`] and [`check_drop_ins`] together, as `pullfix doctor` runs them: when a drop-in's
/// CRI section replaces config.toml's (1.x), config.toml's own CRI-section findings (registry
/// tables, sandbox image) are left out, since containerd does not use that section; the
/// drop-in's are reported instead.
pub fn check_node(files: &NodeFiles, drop_ins: &[crate::merge::imports::DropIn]) -> Vec<Check> {
    let mut out = check(files);
    let replaced = files
        .config
        .as_deref()
        .and_then(|main| crate::merge::imports::cri_owner(files.containerd.as_deref(), main, drop_ins))
        .is_some();
    let owner = files
        .config
        .as_deref()
        .and_then(|main| crate::merge::imports::cri_owner(files.containerd.as_deref(), main, drop_ins));
    if replaced {
        out.retain(|c| c.file != files.config_file || !about_cri_section(c.code));
    }
    // 2.x: a drop-in's config_path wins (merge.import-config-path says so); the hosts.toml
    // files read from its directory are enabled, whatever config.toml's says.
    let eff = files.config.as_deref().and_then(|main| {
        crate::merge::imports::effective_of(files.containerd.as_deref(), &files.config_file, main, drop_ins)
    });
    let from_drop_in = |s: &Option<crate::merge::imports::effective::Setting>| {
        s.as_ref().filter(|s| s.file != files.config_file).map(|s| s.value.trim().to_owned())
    };
    let drop_in_dir = eff.as_ref().and_then(|e| from_drop_in(&e.config_path));
    if drop_in_dir.is_some_and(|d| d.trim_end_matches('/') == files.certs_dir.trim_end_matches('/')) {
        out.retain(|c| c.file != files.config_file || c.code != "hosts.not_enabled");
    }
    // 2.x: a drop-in's sandbox image is the one in effect, not containerd's default.
    if eff.as_ref().and_then(|e| from_drop_in(&e.sandbox)).is_some_and(|s| !s.is_empty()) {
        out.retain(|c| c.file != files.config_file || c.code != "sandbox.default");
    }
    // A drop-in's `version = 2` makes a version-less config.toml version 2 (containerd merges
    // the version lines): config.toml's version 1 findings do not hold; a version 1 plugin
    // name in it is merge.import-short-plugin-ids' (review 10, H2).
    let own_version = files
        .config
        .as_deref()
        .and_then(|t| t.parse::<toml_edit::DocumentMut>().ok())
        .map(|d| d.get("version").and_then(toml_edit::Item::as_integer).unwrap_or(0));
    if own_version.is_some_and(|v| v < 2)
        && files.config.as_deref().is_some_and(|m| crate::merge::imports::merged_version(m, drop_ins) >= 2)
    {
        out.retain(|c| {
            c.file != files.config_file || !matches!(c.code, "config.no_version" | "config.version_1_on_2x")
        });
    }
    runtimes::check_runtime_type(files, owner.as_ref(), drop_ins, &mut out);
    out.extend(check_drop_ins(files, drop_ins));
    out.sort_by_key(|c| std::cmp::Reverse(c.severity));
    masked(out)
}

/// The config.toml checks about what the CRI plugin's own section holds.
fn about_cri_section(code: &str) -> bool {
    code.starts_with("sandbox.")
        || code == "hosts.not_enabled"
        || matches!(
            code,
            "config.mixed_styles"
                | "config.colon_config_path"
                | "config.legacy_tls_ignored"
                | "config.file_missing"
                | "config.endpoint_without_scheme"
                | "config.mirrors_refused_2_2"
                | "config.deprecated_mirrors"
                | "config.legacy_keys_in_v3"
                | "config.wrong_dialect"
        )
}

/// Checks the drop-in files config.toml imports (`imports = [...]`, read by the caller in
/// containerd's load order, see [`crate::merge::imports`]): on containerd 1.x a drop-in with a
/// CRI table replaces config.toml's whole CRI section, so that drop-in's CRI section gets the
/// config.toml checks (mixed styles, legacy TLS, sandbox image, disabled plugins); on 2.x a
/// drop-in's own legacy registry keys or config_path still apply. Sorted errors first, like
/// [`check`].
pub fn check_drop_ins(files: &NodeFiles, drop_ins: &[crate::merge::imports::DropIn]) -> Vec<Check> {
    let Some(main) = files.config.as_deref() else { return Vec::new() };
    let cp = certs_dir(main);
    let mut out: Vec<Check> =
        crate::merge::imports::check_at(files.containerd.as_deref(), &files.config_file, main, cp.as_deref(), drop_ins)
            .into_iter()
            .map(Check::from)
            .collect();
    // 1.x: the CRI section containerd uses is the last CRI drop-in's; check it as config.toml's.
    if let Some(owner) = crate::merge::imports::cri_owner(files.containerd.as_deref(), main, drop_ins) {
        let target = files.containerd.as_deref().and_then(|v| Target::parse(v).ok());
        if let Ok(mut c) = NodeConfig::parse(&owner.text) {
            // A drop-in without a `version` line takes the merged one.
            c.version = c.version.or(Some(owner.version).filter(|v| *v != 0));
            let of_drop_in = NodeFiles { config_file: owner.path.clone(), ..files.clone() };
            config::check_config(&c, &of_drop_in, target, &mut out);
            hosts::check_enabled(Some(&c), &of_drop_in, &mut out);
        }
    }
    // containerd merges every file's disabled_plugins and required_plugins.
    let target = files.containerd.as_deref().and_then(|v| Target::parse(v).ok());
    let merged = crate::merge::imports::merged_version(main, drop_ins);
    for d in drop_ins {
        if let Some(text) = &d.text {
            let of_drop_in = NodeFiles { config_file: d.path.clone(), ..files.clone() };
            plugins::check_plugins(text, &of_drop_in, target, Some(merged), &mut out);
        }
    }
    out.sort_by_key(|c| std::cmp::Reverse(c.severity));
    masked(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_references_are_named_by_their_toml_key_paths() {
        let h = HostsFile {
            path: "/etc/containerd/certs.d/harbor.example.net/hosts.toml".into(),
            text: "ca = \"/etc/ca.pem\"\n[host.\"https://harbor.example.net\"]\nclient = [[\"c.pem\", \"k.pem\"]]\n\
                   [host.'https://q\"uote']\nca = \"q.pem\"\n"
                .into(),
        };
        let dir = "/etc/containerd/certs.d/harbor.example.net";
        assert_eq!(
            hosts_file_refs(&h),
            [
                ("ca".to_owned(), "/etc/ca.pem".to_owned()),
                ("host.\"https://harbor.example.net\".client".to_owned(), format!("{dir}/c.pem")),
                ("host.\"https://harbor.example.net\".client".to_owned(), format!("{dir}/k.pem")),
                ("host.'https://q\"uote'.ca".to_owned(), format!("{dir}/q.pem")),
            ]
        );
    }

    #[test]
    fn a_host_without_scheme_is_shown_as_toml() {
        let files = NodeFiles {
            hosts: vec![HostsFile {
                path: "/etc/containerd/certs.d/harbor.example.net/hosts.toml".into(),
                text: "server = \"https://harbor.example.net\"\n[host.\"harbor.example.net\"]\n".into(),
            }],
            ..NodeFiles::default()
        };
        let c = check(&files).into_iter().find(|c| c.code == "hosts.host_without_scheme").expect("reported");
        assert!(c.message.starts_with("[host.\"harbor.example.net\"] has no scheme"), "{}", c.message);
        assert_eq!(c.fix, "Write [host.\"https://harbor.example.net\"] or [host.\"http://harbor.example.net\"].");
    }
}
