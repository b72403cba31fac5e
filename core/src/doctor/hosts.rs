//! Doctor rules for hosts.toml files.

use toml_edit::{DocumentMut, Item};

use super::{hosts_file_refs, Check, HostsFile, NodeFiles};
use crate::config_file::display_path;
use crate::diagnostic::Severity;
use crate::host::{Host, DEFAULT_NAMESPACE};
use crate::node_config::NodeConfig;
use crate::version::Target;

fn same_dir(a: &str, b: &str) -> bool {
    a.trim_end_matches('/') == b.trim_end_matches('/')
}

/// The namespace directory of a hosts.toml (`harbor.example.net`, `10.50.1.104:5000`).
fn namespace(path: &str) -> &str {
    path.trim_end_matches("/hosts.toml").rsplit('/').next().unwrap_or("")
}

pub(super) fn check_hosts(cfg: Option<&NodeConfig>, files: &NodeFiles, target: Option<Target>, out: &mut Vec<Check>) {
    if files.hosts.is_empty() {
        check_shadowed(files, target, out);
        return;
    }
    check_enabled(cfg, files, out);
    for h in &files.hosts {
        check_file(h, files, target, out);
    }
    check_shadowed(files, target, out);
    let mut seen: Vec<(String, &str)> = Vec::new();
    for h in &files.hosts {
        let reg = registry_of(namespace(&h.path));
        // The same registry in two directories of a config_path list is check_shadowed's.
        let parent = |p: &str| p.rsplitn(3, '/').nth(2).unwrap_or("").to_owned();
        if let Some((_, first)) = seen.iter().find(|(r, f)| *r == reg && parent(f) == parent(&h.path)) {
            out.push(Check {
                severity: Severity::Warning,
                code: "hosts.duplicate_namespace",
                file: h.path.clone(),
                message: format!(
                    "This file and {first} both configure {reg}; containerd reads only one of the two directories, \
                     so the other's settings are silently unused."
                ),
                fix: format!("Keep one directory for {reg} (the `host:port` spelling) and merge the settings into it."),
            });
        } else {
            seen.push((reg, h.path.as_str()));
        }
    }
}

/// The registry a namespace directory stands for: `10.50.1.104_5000_` is `10.50.1.104:5000`.
fn registry_of(ns: &str) -> String {
    match ns.strip_suffix('_').and_then(|s| s.rsplit_once('_')) {
        Some((n, p)) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => format!("{n}:{p}"),
        _ => ns.to_owned(),
    }
}

fn check_file(h: &HostsFile, files: &NodeFiles, target: Option<Target>, out: &mut Vec<Check>) {
    let mut push = |severity, code, message: String, fix: String| {
        out.push(Check { severity, code, file: h.path.clone(), message, fix });
    };
    let ns = namespace(&h.path);
    let reg = registry_of(ns);
    // Image references never have `_` in a registry name, so `10.50.1.104_5000` (the
    // port spelling without its trailing `_`) is never looked up (verified on 1.6.20).
    let ns_ok = ns == DEFAULT_NAMESPACE || (Host::parse(&reg).is_ok() && !reg.contains('_'));
    if !ns_ok {
        let port_spelling = ns
            .rsplit_once('_')
            .filter(|(n, p)| !n.is_empty() && !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        let fix = match port_spelling {
            Some((n, p)) => format!(
                "containerd looks for {n}:{p} or {n}_{p}_ (with the trailing `_`): rename the directory to {n}:{p}."
            ),
            None => "Name the directory exactly like the registry in image references (harbor.example.net, \
                     10.50.1.104:5000)."
                .into(),
        };
        push(
            Severity::Warning,
            "hosts.bad_namespace",
            format!("The directory name {ns:?} is not a registry as images name it, so no pull uses this file."),
            fix,
        );
    }
    if ns == DEFAULT_NAMESPACE && target.and_then(|t| t.has_default_namespace()) == Some(false) {
        push(
            Severity::Warning,
            "hosts.default_unsupported",
            "The `_default` namespace needs containerd 1.6.17+ or 1.7+; this containerd ignores it.".into(),
            "Write one directory per registry.".into(),
        );
    }
    let doc = match h.text.parse::<DocumentMut>() {
        Ok(d) => d,
        Err(e) => {
            push(
                Severity::Error,
                "hosts.unparsable",
                format!(
                    "Not valid TOML: {}. containerd logs `failed to decode hosts.toml` and ignores the whole file: \
                     its mirrors, skip_verify and a `ca` it names disappear (2.1.9 still trusts a ca.crt lying in \
                     this directory).",
                    crate::config_file::toml_error(&h.text, &e)
                ),
                "Fix the TOML: each [host.\"URL\"] table once, strings quoted (pullfix generates valid files).".into(),
            );
            return;
        }
    };
    // containerd 1.5-1.7 (`getSortedHosts`) need `host` to be a table: a missing key (or a
    // `host = "..."` value, or `[[host]]`) is "invalid `host` tree" and the file is ignored
    // (verified on 1.6.20 and 1.7.24; 2.1.9 reads such a file).
    // An empty `[host]` table is fine: the file is used with `server` as its only host
    // (verified on 1.6.20), and it is what pullfix writes for a registry without mirrors.
    let hosts = doc.get("host").and_then(Item::as_table_like);
    if hosts.is_none() {
        let old = target.map(|t| t.major == 1 && (5..=7).contains(&t.minor));
        if old != Some(false) {
            let what =
                if doc.contains_key("host") { "Its `host` key is not a table" } else { "The file has no [host] table" };
            push(
                if old == Some(true) { Severity::Error } else { Severity::Warning },
                "hosts.no_host_table",
                format!(
                    "{what}. containerd 1.5 to 1.7 (verified on 1.6.20 and 1.7.24) reject such a file with \
                     ``invalid `host` tree`` and ignore it: its server, CA and skip_verify silently do not apply."
                ),
                "Make `host` a table after the top-level keys: an empty `[host]` (what pullfix writes for a registry \
                 without mirrors), or one `[host.\"https://MIRROR\"]` table per mirror."
                    .into(),
            );
        }
    }
    if let Some(server) = doc.get("server").and_then(Item::as_str) {
        if !server.contains("://") {
            push(
                Severity::Warning,
                "hosts.server_without_scheme",
                format!("server = {server:?} has no scheme: containerd assumes https, so a plain-HTTP registry fails with `server gave HTTP response to HTTPS client`."),
                format!("Write \"https://{server}\", or \"http://{server}\" for a plain-HTTP registry."),
            );
        }
    }
    if let Some(t) = hosts {
        // A mirror without `resolve` is never asked for a tag: containerd resolves tags at the
        // next host that may (upstream), and only fetches by digest from this one (real 1.7.24
        // and 2.1.9 went to registry-1.docker.io with `capabilities = ["pull"]`; review 10 L4).
        for (url, item) in t.iter() {
            let caps = item.as_table_like().and_then(|m| m.get("capabilities")).and_then(Item::as_array);
            let Some(caps) = caps else { continue };
            let has = |c: &str| caps.iter().any(|v| v.as_str() == Some(c));
            if has("pull") && !has("resolve") {
                let table = display_path(&["host", url]);
                push(
                    Severity::Warning,
                    "hosts.mirror_without_resolve",
                    format!(
                        "[{table}] has capabilities without \"resolve\": containerd never asks it for a tag, so image \
                         tags resolve at the next host (the upstream registry, when there is no other mirror) and only \
                         the layers come from this mirror; a node that cannot reach the upstream fails."
                    ),
                    "Use `capabilities = [\"pull\", \"resolve\"]` (what pullfix writes for a mirror).".into(),
                );
            }
        }
        for (url, _) in t.iter().filter(|(u, _)| !u.contains("://")) {
            let table = |u: &str| display_path(&["host", u]);
            push(
                Severity::Warning,
                "hosts.host_without_scheme",
                format!("[{}] has no scheme: containerd assumes https.", table(url)),
                format!("Write [{}] or [{}].", table(&format!("https://{url}")), table(&format!("http://{url}"))),
            );
        }
    }
    check_userinfo(&doc, &mut push);
    for (key, path) in hosts_file_refs(h) {
        if !files.existing.contains(&path) {
            push(
                Severity::Error,
                "hosts.file_missing",
                format!(
                    "{key} names {path}, which does not exist: the TLS setup fails for every pull through this file."
                ),
                format!("Copy the file to {path} (or fix the path; relative paths are relative to this hosts.toml)."),
            );
        }
    }
}

/// hosts.url_credentials: a `server` or `[host."…"]` URL with `user:password@`. containerd
/// reads only the scheme, host and path of these URLs, so the credentials never log in, and
/// they sit in a file any user on the node can read (review 13 I-3). The messages show the
/// password masked.
fn check_userinfo(doc: &DocumentMut, push: &mut impl FnMut(Severity, &'static str, String, String)) {
    let server = doc.get("server").and_then(Item::as_str).map(|s| (true, s.to_owned()));
    let hosts = doc.get("host").and_then(Item::as_table_like);
    let host_urls = hosts.into_iter().flat_map(|t| t.iter()).map(|(u, _)| (false, u.to_owned()));
    for (is_server, url) in server.into_iter().chain(host_urls) {
        let clean = crate::host::without_userinfo(&url);
        if clean == url {
            continue;
        }
        let name = |u: &str| if is_server { format!("server = {u:?}") } else { format!("[host.{u:?}]") };
        let (name, clean_name) = (name(&crate::merge::mask_userinfo(&url)), name(&clean));
        push(
            Severity::Error,
            "hosts.url_credentials",
            format!(
                "{name} has credentials in its URL (before the `@`): containerd uses only the URL's scheme, host and \
                 path, so they never log in (a registry that wants a login answers 401), and hosts.toml is readable \
                 by every user on the node."
            ),
            format!(
                "Write {clean_name} and change that password. Give the node its credentials in config.toml \
                 (containerd 1.x: the CRI registry's `configs.\"<registry>\".auth` username and password, 0600), or \
                 the pods a kubernetes.io/dockerconfigjson Secret in imagePullSecrets (pullfix generates both)."
            ),
        );
    }
}

/// hosts.not_enabled: hosts.toml files in a directory that the config_path of `cfg` (the CRI
/// section containerd uses, in `files.config_file`) does not name.
pub(super) fn check_enabled(cfg: Option<&NodeConfig>, files: &NodeFiles, out: &mut Vec<Check>) {
    if files.hosts.is_empty() {
        return;
    }
    let enabled =
        cfg.and_then(NodeConfig::config_path).is_some_and(|cp| cp.split(':').any(|d| same_dir(d, &files.certs_dir)));
    if enabled {
        return;
    }
    let name = files.config_file.rsplit('/').next().unwrap_or("config.toml");
    out.push(Check {
        severity: Severity::Warning,
        code: "hosts.not_enabled",
        file: files.config_file.clone(),
        message: format!(
            "{} holds hosts.toml files, but {name}'s config_path does not point there: the kubelet's pulls \
             (CRI) do not read them (only `ctr --hosts-dir` does).",
            files.certs_dir
        ),
        fix: format!(
            "Set config_path = {:?} in the CRI registry table of {name} for this containerd version and restart containerd.",
            files.certs_dir
        ),
    });
}

/// A `<host>` directory in a later entry of a colon-separated config_path list that an earlier
/// entry also has, or (1.6.17+, 1.7) an earlier entry's `_default`: containerd 1.x
/// (`hostDirFromRoots`) searches each root for `<host>` and then `_default` before the next
/// root, so the later one (often pullfix's hosts.toml) is never read.
fn check_shadowed(files: &NodeFiles, target: Option<Target>, out: &mut Vec<Check>) {
    // 2.1+ reads the list as one name (config.colon_config_path says so).
    if target.is_some_and(|t| (t.major, t.minor) >= (2, 1)) {
        return;
    }
    let default_ns = target.and_then(|t| t.has_default_namespace()) != Some(false);
    for (i, (dir, hosts)) in files.list_dirs.iter().enumerate() {
        for host in hosts {
            let earlier = &files.list_dirs[..i];
            let found = earlier.iter().find_map(|(d, h)| {
                if h.contains(host) {
                    Some((d, host.as_str()))
                } else if default_ns && h.iter().any(|x| x == DEFAULT_NAMESPACE) {
                    Some((d, DEFAULT_NAMESPACE))
                } else {
                    None
                }
            });
            let Some((first, sub)) = found else { continue };
            let (used, unused) =
                (format!("{}/{sub}", first.trim_end_matches('/')), format!("{}/{host}", dir.trim_end_matches('/')));
            out.push(Check {
                severity: Severity::Warning,
                code: "hosts.shadowed",
                file: unused.clone(),
                message: format!(
                    "{used} is read instead of {unused}: config_path lists {first} before {dir}, and containerd uses the \
                     first directory of the list that has a {host} directory (or, since 1.6.17, a _default one), so the hosts.toml, CA and client files \
                     in {unused} are not used."
                ),
                fix: format!(
                    "If {unused} has the settings you want, put {dir} first in config_path (`pullfix apply` does, unless that \
                     changes the directory of a registry the form does not write) or merge {used} into it and delete {used}, then restart containerd; \
                     otherwise delete {unused}, which is never read."
                ),
            });
        }
    }
}
