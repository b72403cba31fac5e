//! A registries.yaml into a form.

use std::collections::BTreeMap;

use base64::Engine as _;
use serde::Deserialize;
use serde_yaml::{Mapping, Value};

use super::{endpoint_registry, HostConfig};
use crate::diagnostic::{Diagnostic, Field};
use crate::form::{Form, Mirror, Registry, Scheme};
use crate::host::{Endpoint, Host, HostKind, DEFAULT_NAMESPACE, DOCKER_HUB_SERVER};

/// Reads a k3s or RKE2 registries.yaml into a form. Whatever the form cannot hold
/// (rewrites, unknown keys, conflicting entries) is reported, never dropped silently;
/// diagnostics name the place in the YAML (`mirrors."docker.io".rewrite`).
pub fn import(text: &str) -> (Form, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut form = Form::default();
    let doc: Value = match serde_yaml::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            diags.push(Diagnostic::error(
                Field::root("registries.yaml"),
                super::PARSE_ERROR,
                format!("This is not valid YAML: {e}."),
                "Paste the whole /etc/rancher/k3s/registries.yaml (or rke2's) as it is on the node.",
            ));
            return (form, diags);
        }
    };
    // k3s reads registries.yaml with gopkg.in/yaml.v2 into Go strings, which keeps an
    // unquoted `password: 1.10` as the text "1.10"; the Value above has the number 1.1.
    // Read the string fields again as written (best effort: a file whose configs do not
    // fit these shapes is reported below, and non-strings then become errors).
    let raw: RawDoc = serde_yaml::from_str(text).unwrap_or_default();
    let Some(top) = as_map(&doc, Field::root("registries.yaml"), &mut diags) else {
        return (form, diags);
    };
    let mut mirrors_v = None;
    let mut configs_v = None;
    for (k, v) in top {
        match k.as_str() {
            Some("mirrors") => mirrors_v = Some(v),
            Some("configs") => configs_v = Some(v),
            _ => unknown(&mut diags, Field::root(&key_text(k)), "the top level"),
        }
    }
    // mirrors: one registry each, in file order.
    if let Some(m) = mirrors_v.and_then(|v| as_map(v, Field::root("mirrors"), &mut diags)) {
        for (k, v) in m {
            let key = key_text(k);
            let field = Field::root(&format!("mirrors.{key:?}"));
            let Some(host) = parse_key(&key, &field, &mut diags) else { continue };
            let mut reg = Registry { host: host.reference(), ..Default::default() };
            if let Some(entry) = as_map(v, field.clone(), &mut diags) {
                for (ek, ev) in entry {
                    match ek.as_str() {
                        Some("endpoint") => import_endpoints(&host, ev, &field.key("endpoint"), &mut reg, &mut diags),
                        Some("rewrite") => report_rewrites(ev, &field.key("rewrite"), &mut diags),
                        _ => unknown(&mut diags, field.key(&key_text(ek)), "a mirror entry"),
                    }
                }
            }
            if form.registries.iter().any(|r| r.host == reg.host) {
                diags.push(Diagnostic::warning(
                    field,
                    "registries-yaml.duplicate",
                    format!("{} appears twice; the second entry is left out.", reg.host),
                    "Keep one mirrors entry per registry.",
                ));
                continue;
            }
            form.registries.push(reg);
        }
    }
    // configs: on the registry of that name first, then on mirrors that contact that host.
    let mut host_configs: Vec<(String, HostConfig, Field)> = Vec::new();
    if let Some(c) = configs_v.and_then(|v| as_map(v, Field::root("configs"), &mut diags)) {
        for (k, v) in c {
            let key = key_text(k);
            let field = Field::root(&format!("configs.{key:?}"));
            let Some(host) = parse_key(&key, &field, &mut diags) else { continue };
            let raw_cfg = raw.configs.get(&key).and_then(Option::as_ref);
            if let Some(cfg) = read_config(v, &field, raw_cfg, &mut diags) {
                host_configs.push((host.reference(), cfg, field));
            }
        }
    }
    let mut used = vec![false; host_configs.len()];
    for (n, (host, cfg, field)) in host_configs.iter().enumerate() {
        if let Some(r) = form.registries.iter_mut().find(|r| r.host == *host) {
            r.ca_file = cfg.ca_file.clone();
            r.client_cert = cfg.cert_file.clone();
            r.client_key = cfg.key_file.clone();
            r.skip_verify = cfg.insecure_skip_verify;
            set_auth(r, cfg, field, &mut diags);
            used[n] = true;
        }
    }
    // A mirror on another host has its own CA and skip_verify in the form; a mirror on the
    // registry's own host shares the registry's entry (handled above). Its credentials never
    // go onto the registries it mirrors: a registry's node_auth is keyed by every host its
    // pulls contact, its own upstream included, so Harbor's robot account would reach Docker
    // Hub. They stay with the mirror's host: its own registry entry (added when missing).
    let mut own_entry = vec![false; host_configs.len()];
    for (n, (host, cfg, field)) in host_configs.iter().enumerate() {
        let mirrors_host = |m: &Mirror| Endpoint::parse(&m.url).is_ok_and(|e| endpoint_registry(&e) == *host);
        let served: Vec<usize> = (0..form.registries.len())
            .filter(|&k| form.registries[k].host != *host && form.registries[k].mirrors.iter().any(mirrors_host))
            .collect();
        if served.is_empty() {
            continue;
        }
        used[n] = true;
        let has_entry = form.registries.iter().any(|r| r.host == *host);
        // Exported from a registry whose node_auth already sends these to its mirror.
        let same_creds = |r: &Registry| {
            r.node_auth
                && (&r.username, &r.password, &r.identity_token) == (&cfg.username, &cfg.password, &cfg.identity_token)
        };
        // A client certificate also needs the host's own entry: a mirror has no field for it.
        let has_cert = !cfg.cert_file.is_empty() || !cfg.key_file.is_empty();
        let needs_entry =
            !has_entry && (has_cert || cfg.has_auth() && !served.iter().all(|&k| same_creds(&form.registries[k])));
        own_entry[n] = needs_entry;
        for &k in &served {
            let r = &mut form.registries[k];
            for m in r.mirrors.iter_mut().filter(|m| mirrors_host(m)) {
                m.ca_file = cfg.ca_file.clone();
                m.skip_verify = cfg.insecure_skip_verify;
            }
            if !cfg.cert_file.is_empty() || !cfg.key_file.is_empty() {
                diags.push(Diagnostic::info(
                    field.key("tls"),
                    "registries-yaml.mirror-client-cert",
                    format!("{host} is a mirror of {} with its own client certificate; the form has client certificates only for registries, so it is kept on {host}'s registry entry{}.", r.host, if needs_entry { " (added by the import)" } else { "" }),
                    format!(
                        "Nothing to do: every flavour gives it to the mirror. registries.yaml keys TLS by host, and in hosts.toml a mirror on a listed registry's host (here {host}) carries that registry's CA and client certificate, in {}'s hosts.toml too.",
                        r.host
                    ),
                ));
            }
        }
        for r in served.iter().map(|&k| &form.registries[k]) {
            if cfg.has_auth() && r.node_auth && r.has_credentials() && !same_creds(r) {
                diags.push(Diagnostic::warning(
                    field.key("auth"),
                    "registries-yaml.auth-conflict",
                    format!(
                        "{host} is a mirror of {}, which has credentials of its own. A form gives a registry's node \
                         credentials to every host its pulls contact, so {}'s would also be keyed for {host}, and the \
                         first registry naming a host wins: {host}'s own (kept on its registry entry) would be left \
                         out there.",
                        r.host, r.host
                    ),
                    format!(
                        "Move the {host} registry above {} in the form so its credentials win for {host}, or turn \
                         node_auth off for {} and give its pods a pull Secret.",
                        r.host, r.host
                    ),
                ));
            }
        }
        let moved: Vec<&str> =
            served.iter().map(|&k| &form.registries[k]).filter(|r| !same_creds(r)).map(|r| r.host.as_str()).collect();
        if cfg.has_auth() && !moved.is_empty() {
            let names = moved.join(", ");
            diags.push(Diagnostic::info(
                field.key("auth"),
                "registries-yaml.mirror-auth",
                format!(
                    "{host} is a mirror of {names}; its credentials stay with {host}: {} with node_auth, so containerd \
                     sends them only when it contacts {host}. On {names}'s entry they would go to every host its pulls \
                     contact, its own upstream included.",
                    if needs_entry { format!("the import adds a registry entry for {host}") } else { format!("they are on {host}'s own registry entry") }
                ),
                format!(
                    "Nothing to do: this is how a form says an authenticating mirror. Node credentials are keyed by \
                     {host} alone; the pull Secret's entry for {names} carries {host}'s credentials, since the kubelet \
                     picks entries by the image's registry."
                ),
            ));
        }
    }
    if let Some((_, cfg, field)) = host_configs.iter().find(|(h, _, _)| h == DEFAULT_NAMESPACE) {
        report_catch_all(&form, &host_configs, cfg, field, &mut diags);
    }
    for (n, (host, cfg, field)) in host_configs.iter().enumerate() {
        if !used[n] || own_entry[n] {
            let mut r = Registry {
                host: host.clone(),
                ca_file: cfg.ca_file.clone(),
                client_cert: cfg.cert_file.clone(),
                client_key: cfg.key_file.clone(),
                skip_verify: cfg.insecure_skip_verify,
                ..Default::default()
            };
            set_auth(&mut r, cfg, field, &mut diags);
            form.registries.push(r);
        }
    }
    (form, diags)
}

/// `configs."*"`: what k3s does with it, and what the form keeps.
///
/// k3s (pkg/agent/containerd/config.go, getHostConfigs) writes `configs."*"` as the
/// default (top-level) TLS of `certs.d/_default/hosts.toml`; containerd reads `_default`
/// only for registries without a hosts.toml directory of their own, i.e. those with no
/// `mirrors` or `configs` entry. Each mirror endpoint gets the config of its own host
/// (configForHost: the exact host, or Docker Hub's registry-1 name) and no `*` fallback.
/// So for pods, `*` is the form's `_default` registry's own TLS, where the import puts
/// it. rancher/wharfie, which reads registries.yaml for pulls outside containerd (RKE2's
/// runtime image), looks up `[host, "*"]` for every endpoint and uses the first entry
/// found: there `*` also covers mirror and registry hosts without an entry of their own.
/// A form cannot say "wharfie only", so those hosts are named.
fn report_catch_all(
    form: &Form,
    host_configs: &[(String, HostConfig, Field)],
    cfg: &HostConfig,
    field: &Field,
    diags: &mut Vec<Diagnostic>,
) {
    if !cfg.has_tls() && !cfg.has_auth() {
        return;
    }
    let has_own = |h: &str| host_configs.iter().any(|(k, _, _)| k == h);
    let mut hosts: Vec<String> = Vec::new();
    for r in &form.registries {
        if r.host != DEFAULT_NAMESPACE && r.scheme == Scheme::Https {
            hosts.push(r.host.clone());
        }
        for m in &r.mirrors {
            if let Ok(e) = Endpoint::parse(&m.url) {
                if e.scheme == "https" {
                    hosts.push(endpoint_registry(&e));
                }
            }
        }
    }
    let mut seen = Vec::new();
    hosts.retain(|h| {
        !has_own(h) && !seen.contains(h) && {
            seen.push(h.clone());
            true
        }
    });
    let base = "k3s writes configs.\"*\" as the TLS of certs.d/_default/hosts.toml, which containerd uses for every registry without a mirrors or configs entry of its own; mirror endpoints get only their own host's entry. The form's _default registry means the same, and the import puts these settings there.";
    if hosts.is_empty() {
        diags.push(Diagnostic::info(
            field.clone(),
            "registries-yaml.catch-all",
            base,
            "Nothing to do: registries listed in the form keep their own settings, as in k3s.",
        ));
        return;
    }
    let names = hosts.join(", ");
    diags.push(Diagnostic::warning(
        field.clone(),
        "registries-yaml.catch-all",
        format!("{base} Tools that read registries.yaml through rancher/wharfie (RKE2 pulling its runtime image) also apply it to hosts without an entry of their own: {names}; a form cannot say that, so it is not carried over to them (containerd, and so pods, never used it for them)."),
        format!("If those pulls need it, add a configs entry for each of {names} to registries.yaml with the same settings, or add them as registries to the form with the same ca_file / skip_verify."),
    ));
}

/// Credentials from a configs entry onto a registry: taken when it has none, a
/// warning when it already has different ones.
fn set_auth(r: &mut Registry, cfg: &HostConfig, field: &Field, diags: &mut Vec<Diagnostic>) {
    if !cfg.has_auth() {
        return;
    }
    if !r.has_credentials() {
        r.username = cfg.username.clone();
        r.password = cfg.password.clone();
        r.identity_token = cfg.identity_token.clone();
        r.node_auth = true;
    } else if (&r.username, &r.password, &r.identity_token) != (&cfg.username, &cfg.password, &cfg.identity_token) {
        diags.push(Diagnostic::warning(
            field.key("auth"),
            "registries-yaml.auth-conflict",
            format!("These credentials differ from the ones {} already has; the form holds one set per registry, so these are left out.", r.host),
            "Check which account the mirror needs; configure it as a registry of its own if it differs.",
        ));
    }
}

fn import_endpoints(host: &Host, v: &Value, field: &Field, reg: &mut Registry, diags: &mut Vec<Diagnostic>) {
    let list: Vec<&Value> = match v {
        Value::Sequence(s) => s.iter().collect(),
        Value::Null => Vec::new(),
        other => vec![other],
    };
    for (i, item) in list.into_iter().enumerate() {
        let f = Field::root(&format!("{field}[{i}]"));
        let Some(raw) = item.as_str() else {
            diags.push(Diagnostic::error(
                f,
                "registries-yaml.endpoint",
                "An endpoint must be a URL string; it is left out.",
                "Write it as \"https://host[:port][/path]\".",
            ));
            continue;
        };
        let url = with_scheme(raw.trim());
        let e = match Endpoint::parse(&url) {
            Ok(e) => e,
            Err(err) => {
                diags.push(Diagnostic::error(
                    f,
                    "registries-yaml.endpoint",
                    format!("{err}: {raw:?}; this endpoint is left out."),
                    "Write it as \"https://host[:port][/path]\".",
                ));
                continue;
            }
        };
        let is_upstream = matches!(e.path.as_str(), "" | "/v2")
            && (e.host.reference().eq_ignore_ascii_case(&host.reference())
                || (host.kind == HostKind::DockerHub
                    && format!("{}://{}", e.scheme, e.host.reference()) == DOCKER_HUB_SERVER)
                || (host.kind == HostKind::DockerHub && e.host.reference() == "index.docker.io"));
        if is_upstream {
            reg.scheme = if e.scheme == "http" { Scheme::Http } else { Scheme::Https };
            continue;
        }
        let base = format!("{}://{}", e.scheme, e.host.reference());
        let (url, override_path) = match e.path.as_str() {
            "" | "/v2" => (base, false),
            p => match p.strip_suffix("/v2") {
                Some(root) => (format!("{base}{root}"), false),
                None => (format!("{base}{p}"), true),
            },
        };
        if reg.mirrors.iter().any(|m| m.url == url && m.override_path == override_path) {
            diags.push(Diagnostic::warning(
                f,
                "registries-yaml.duplicate-endpoint",
                format!("{raw:?} is the same endpoint as an earlier one; k3s skips it, and so does the import."),
                "Remove the repeated endpoint from registries.yaml.",
            ));
            continue;
        }
        reg.mirrors.push(Mirror { url, override_path, ..Default::default() });
    }
}

/// k3s's own default: no scheme means https, except localhost on another port than 443.
fn with_scheme(raw: &str) -> String {
    if raw.contains("://") {
        return raw.to_owned();
    }
    let hostport = raw.split('/').next().unwrap_or("");
    let local = hostport.starts_with("localhost:") || hostport.starts_with("127.") || hostport.starts_with("[::1]:");
    let port = hostport.rsplit_once(':').map(|(_, p)| p).unwrap_or("");
    if local && !port.is_empty() && port != "443" {
        format!("http://{raw}")
    } else {
        format!("https://{raw}")
    }
}

/// YAML 1.1's boolean words (gopkg.in/yaml.v2, which k3s uses), beyond true/false.
fn yaml11_bool(s: &str) -> Option<bool> {
    match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "True" | "TRUE" => Some(true),
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

fn report_rewrites(v: &Value, field: &Field, diags: &mut Vec<Diagnostic>) {
    let Value::Mapping(m) = v else {
        unknown(diags, field.clone(), "a mirror entry");
        return;
    };
    for (from, to) in m {
        diags.push(Diagnostic::warning(
            field.clone(),
            "registries-yaml.rewrite",
            format!(
                "The rewrite {:?} -> {:?} cannot be expressed in a pullfix form (containerd's hosts.toml has no rewrites); it is not carried over.",
                key_text(from),
                key_text(to)
            ),
            "Keep using k3s/RKE2 for this registry, or move the images so the mirror's paths match the upstream's (a Harbor proxy-cache project with override_path does).",
        ));
    }
}

/// The string fields of `configs` entries as written in the file (scalars unresolved).
#[derive(Debug, Default, Deserialize)]
struct RawDoc {
    #[serde(default)]
    configs: BTreeMap<String, Option<RawConfig>>,
}

#[derive(Debug, Default, Deserialize)]
struct RawConfig {
    #[serde(default)]
    auth: Option<RawFields>,
    #[serde(default)]
    tls: Option<RawFields>,
}

#[derive(Debug, Default, Deserialize)]
struct RawFields {
    username: Option<String>,
    password: Option<String>,
    identity_token: Option<String>,
    auth: Option<String>,
    ca_file: Option<String>,
    cert_file: Option<String>,
    key_file: Option<String>,
}

impl RawFields {
    fn get(&self, key: &str) -> Option<&str> {
        match key {
            "username" => self.username.as_deref(),
            "password" => self.password.as_deref(),
            "identity_token" => self.identity_token.as_deref(),
            "auth" => self.auth.as_deref(),
            "ca_file" => self.ca_file.as_deref(),
            "cert_file" => self.cert_file.as_deref(),
            "key_file" => self.key_file.as_deref(),
            _ => None,
        }
    }
}

fn read_config(v: &Value, field: &Field, raw: Option<&RawConfig>, diags: &mut Vec<Diagnostic>) -> Option<HostConfig> {
    let m = as_map(v, field.clone(), diags)?;
    let raw_auth = raw.and_then(|r| r.auth.as_ref());
    let raw_tls = raw.and_then(|r| r.tls.as_ref());
    let mut c = HostConfig::default();
    for (k, v) in m {
        match k.as_str() {
            Some("auth") => {
                let Some(a) = as_map(v, field.key("auth"), diags) else { continue };
                let mut auth = String::new();
                for (ak, av) in a {
                    let f = field.key("auth").key(&key_text(ak));
                    match ak.as_str() {
                        Some("username") => c.username = text(av, &f, raw_auth.and_then(|r| r.get("username")), diags),
                        Some("password") => c.password = text(av, &f, raw_auth.and_then(|r| r.get("password")), diags),
                        Some("identity_token") => {
                            c.identity_token = text(av, &f, raw_auth.and_then(|r| r.get("identity_token")), diags)
                        }
                        Some("auth") => auth = text(av, &f, raw_auth.and_then(|r| r.get("auth")), diags),
                        _ => unknown(diags, f, "auth"),
                    }
                }
                if !auth.is_empty() {
                    decode_auth(&auth, &mut c, &field.key("auth").key("auth"), diags);
                }
            }
            Some("tls") => {
                let Some(t) = as_map(v, field.key("tls"), diags) else { continue };
                for (tk, tv) in t {
                    let f = field.key("tls").key(&key_text(tk));
                    match tk.as_str() {
                        Some("ca_file") => c.ca_file = text(tv, &f, raw_tls.and_then(|r| r.get("ca_file")), diags),
                        Some("cert_file") => c.cert_file = text(tv, &f, raw_tls.and_then(|r| r.get("cert_file")), diags),
                        Some("key_file") => c.key_file = text(tv, &f, raw_tls.and_then(|r| r.get("key_file")), diags),
                        Some("insecure_skip_verify") => match tv {
                            Value::Bool(b) => c.insecure_skip_verify = *b,
                            Value::String(s) if s == "true" || s == "false" => c.insecure_skip_verify = s == "true",
                            Value::String(s) if yaml11_bool(s).is_some() => {
                                let b = yaml11_bool(s).unwrap_or_default();
                                c.insecure_skip_verify = b;
                                diags.push(Diagnostic::warning(
                                    f,
                                    "registries-yaml.yaml11-bool",
                                    format!("k3s reads registries.yaml with gopkg.in/yaml.v2, which takes {s} as {b} for a true/false setting (YAML 1.1), and so does the import; YAML 1.2 tools read it as the text {s:?}."),
                                    format!("Write insecure_skip_verify: {b} so every tool reads it the same way."),
                                ));
                            }
                            _ => diags.push(Diagnostic::error(
                                f,
                                "registries-yaml.type",
                                "insecure_skip_verify must be true or false; the form leaves skip_verify off (certificates are verified).",
                                "Write insecure_skip_verify: true or false, unquoted, in registries.yaml and import again; or set skip_verify in the form.",
                            )),
                        },
                        _ => unknown(diags, f, "tls"),
                    }
                }
            }
            _ => unknown(diags, field.key(&key_text(k)), "a configs entry"),
        }
    }
    Some(c)
}

/// `auth:` is base64 of `user:password`; it wins over username and password, as in containerd.
fn decode_auth(auth: &str, c: &mut HostConfig, field: &Field, diags: &mut Vec<Diagnostic>) {
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(auth.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.split_once(':').map(|(u, p)| (u.to_owned(), p.to_owned())));
    match decoded {
        Some((u, p)) => {
            if (!c.username.is_empty() && c.username != u) || (!c.password.is_empty() && c.password != p) {
                diags.push(Diagnostic::warning(
                    field.clone(),
                    "registries-yaml.auth-overrides",
                    "auth and username/password disagree; containerd uses auth, and so does the form.",
                    "Remove the stale username/password (or auth) from registries.yaml.",
                ));
            }
            c.username = u;
            c.password = p;
        }
        None => diags.push(Diagnostic::error(
            field.clone(),
            "registries-yaml.auth-decode",
            "auth is not the base64 of user:password; it is left out.",
            "Replace it with username and password.",
        )),
    }
}

fn as_map<'a>(v: &'a Value, field: Field, diags: &mut Vec<Diagnostic>) -> Option<&'a Mapping> {
    match v {
        Value::Mapping(m) => Some(m),
        Value::Null => None,
        _ => {
            diags.push(Diagnostic::error(
                field,
                "registries-yaml.type",
                "Expected a mapping (key: value lines) here; it is left out.",
                "Indent the entries under this key as in the k3s documentation.",
            ));
            None
        }
    }
}

/// A string field. k3s (yaml.v2 into a Go string) keeps an unquoted scalar as written, so
/// a number or boolean is taken as its source text (`raw`); without it, it is an error and
/// left out, never converted (`1.10` is not `1.1`).
fn text(v: &Value, field: &Field, raw: Option<&str>, diags: &mut Vec<Diagnostic>) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Number(_) | Value::Bool(_) => match raw {
            Some(raw) => raw.to_owned(),
            None => {
                let shown = match v {
                    Value::Bool(b) => b.to_string(),
                    Value::Number(n) => n.to_string(),
                    _ => String::new(),
                };
                diags.push(Diagnostic::error(
                    field.clone(),
                    "registries-yaml.not-a-string",
                    format!(
                        "YAML reads this unquoted value as {} {}, not as text, and pullfix could not recover it as written; it is left out rather than imported changed.",
                        if matches!(v, Value::Bool(_)) { "the boolean" } else { "the number" },
                        shown
                    ),
                    "Quote the value in registries.yaml (password: \"1.10\") and import again.",
                ));
                String::new()
            }
        },
        _ => {
            diags.push(Diagnostic::error(
                field.clone(),
                "registries-yaml.type",
                "Expected a single value here; it is left out.",
                "Write the value on one line.",
            ));
            String::new()
        }
    }
}

fn key_text(k: &Value) -> String {
    match k {
        Value::String(s) => s.clone(),
        other => serde_yaml::to_string(other).unwrap_or_default().trim().to_owned(),
    }
}

fn parse_key(key: &str, field: &Field, diags: &mut Vec<Diagnostic>) -> Option<Host> {
    let k = if key == "*" { DEFAULT_NAMESPACE } else { key };
    match Host::parse(k) {
        Ok(h) => Some(h),
        Err(e) => {
            diags.push(Diagnostic::error(
                field.clone(),
                "registries-yaml.host",
                format!("{e}: {key:?}; this entry is left out."),
                "Name the registry as images do, e.g. harbor.example.net or 10.50.1.104:5000.",
            ));
            None
        }
    }
}

fn unknown(diags: &mut Vec<Diagnostic>, field: Field, place: &str) {
    diags.push(Diagnostic::warning(
        field,
        "registries-yaml.unknown-key",
        format!("This key is not one k3s/RKE2 reads in {place}; it is not carried over."),
        "Check its spelling against the k3s private registry documentation.",
    ));
}
