//! k3s and RKE2 `registries.yaml`: export from the form, and import into a form.
//!
//! k3s and RKE2 write containerd's config.toml and hosts.toml themselves from
//! `/etc/rancher/{k3s,rke2}/registries.yaml`:
//!
//! ```yaml
//! mirrors:
//!   docker.io:
//!     endpoint: ["https://harbor.example.net/v2/dockerhub-proxy"]
//! configs:
//!   harbor.example.net:
//!     auth: {username: robot$ci, password: secret}
//!     tls: {ca_file: /etc/rancher/k3s/certs/harbor.example.net/ca.crt}
//! ```
//!
//! How k3s reads it (its `pkg/agent/containerd/config.go`): an endpoint whose path is
//! empty, `/` or `/v2` gets containerd's default `/v2`; any other path is used as is
//! (`override_path`). `configs` are looked up by the host an endpoint contacts, and by
//! the registry itself for its default endpoint, which is always tried last unless the
//! node runs with `--disable-default-registry-endpoint`. `*` is the catch-all registry.
//!
//! The export is invertible: [`import`] of an export gives the form back, for every
//! form whose settings registries.yaml can hold (see the diagnostics for the rest).

use base64::Engine as _;
use serde_yaml::{Mapping, Value};

use crate::diagnostic::{Diagnostic, Field};
use crate::flavor::Flavor;
use crate::form::{Form, Mirror, Registry, Scheme, DEFAULT_MIRROR_CAPABILITIES};
use crate::host::{Endpoint, Host, HostKind, DEFAULT_NAMESPACE, DOCKER_HUB, DOCKER_HUB_SERVER};
use crate::output::{AfterApply, FileKind, OutputFile};
use crate::validate::Checked;

/// The file k3s reads, without leading slash.
pub const K3S_PATH: &str = "etc/rancher/k3s/registries.yaml";
/// The file RKE2 reads, without leading slash.
pub const RKE2_PATH: &str = "etc/rancher/rke2/registries.yaml";

fn distro(flavor: Flavor) -> &'static str {
    if flavor == Flavor::Rke2 {
        "rke2"
    } else {
        "k3s"
    }
}

/// Where a CA given as PEM text is written for k3s or RKE2 when the form names no path.
pub fn default_ca_path(flavor: Flavor, namespace: &str) -> String {
    format!("/etc/rancher/{}/certs/{}/ca.crt", distro(flavor), namespace.replace(':', "_"))
}

/// One `configs.<host>` entry being built, remembering which form field set it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct HostConfig {
    username: String,
    password: String,
    identity_token: String,
    ca_file: String,
    cert_file: String,
    key_file: String,
    insecure_skip_verify: bool,
}

impl HostConfig {
    fn has_auth(&self) -> bool {
        !self.username.is_empty() || !self.password.is_empty() || !self.identity_token.is_empty()
    }
    fn has_tls(&self) -> bool {
        !self.ca_file.is_empty() || !self.cert_file.is_empty() || !self.key_file.is_empty() || self.insecure_skip_verify
    }
    fn to_yaml(&self) -> Value {
        let mut m = Mapping::new();
        if self.has_auth() {
            let mut a = Mapping::new();
            put(&mut a, "username", &self.username);
            put(&mut a, "password", &self.password);
            put(&mut a, "identity_token", &self.identity_token);
            m.insert(Value::from("auth"), Value::Mapping(a));
        }
        if self.has_tls() {
            let mut t = Mapping::new();
            put(&mut t, "ca_file", &self.ca_file);
            put(&mut t, "cert_file", &self.cert_file);
            put(&mut t, "key_file", &self.key_file);
            if self.insecure_skip_verify {
                t.insert(Value::from("insecure_skip_verify"), Value::Bool(true));
            }
            m.insert(Value::from("tls"), Value::Mapping(t));
        }
        Value::Mapping(m)
    }
}

fn put(m: &mut Mapping, k: &str, v: &str) {
    if !v.is_empty() {
        m.insert(Value::from(k), Value::String(v.to_owned()));
    }
}

/// The registries.yaml key for a hosts.toml namespace (`_default` is `*`).
fn yaml_key(namespace: &str) -> String {
    if namespace == DEFAULT_NAMESPACE {
        "*".to_owned()
    } else {
        namespace.to_owned()
    }
}

/// The registry a mirror endpoint URL contacts, as configs keys name it.
fn endpoint_registry(e: &Endpoint) -> String {
    let r = e.host.reference();
    if r == "registry-1.docker.io" || r == "index.docker.io" {
        DOCKER_HUB.to_owned()
    } else {
        r
    }
}

/// The endpoint URL for a form mirror, spelled so that k3s contacts the same URLs
/// containerd would: a path is the API root only with `override_path`.
fn k3s_endpoint(e: &Endpoint, override_path: bool) -> Option<String> {
    let base = format!("{}://{}", e.scheme, e.host.reference());
    match (override_path, e.path.as_str()) {
        (false, "") => Some(base),
        (false, p) => Some(format!("{base}{p}/v2")),
        (true, "" | "/v2") => None,
        (true, p) => Some(format!("{base}{p}")),
    }
}

/// Renders registries.yaml (and the CA files it points at) for k3s or RKE2.
pub fn render(checked: &Checked, _files: &[OutputFile], diags: &mut Vec<Diagnostic>) -> Vec<OutputFile> {
    let flavor = checked.form.flavor;
    let (text, sensitive, mut files) = export(checked, diags);
    let d = distro(flavor);
    let path = if flavor == Flavor::Rke2 { RKE2_PATH } else { K3S_PATH };
    let (server, agent) = if flavor == Flavor::Rke2 { ("rke2-server", "rke2-agent") } else { ("k3s", "k3s-agent") };
    files.insert(
        0,
        OutputFile {
            path: path.to_owned(),
            contents: text,
            kind: FileKind::Other,
            title: format!("{d} registries.yaml: mirrors, TLS and credentials for every node"),
            instructions: format!(
                "Put it at /{path} on every node (servers too when they run pods), mode 0600, then restart {d}: \
                 systemctl restart {server} on servers, systemctl restart {agent} on agents. \
                 {d} writes containerd's config.toml and certs.d from it; do not edit those by hand."
            ),
            after: AfterApply::SeeNotes,
            sensitive,
        },
    );
    if !checked.form.sandbox_image.trim().is_empty() {
        diags.push(Diagnostic::info(
            Field::root("sandbox_image"),
            "flavor.sandbox-image-flag",
            format!("{d} sets the sandbox (pause) image with its own option, not in registries.yaml."),
            format!(
                "Start {d} with --pause-image {} (or pause-image: in /etc/rancher/{d}/config.yaml).",
                crate::shell::quote(checked.form.sandbox_image.trim())
            ),
        ));
    }
    files
}

/// Exports the checked form as registries.yaml text; also returns whether it holds
/// credentials and the CA files it refers to.
pub fn export(checked: &Checked, diags: &mut Vec<Diagnostic>) -> (String, bool, Vec<OutputFile>) {
    let flavor = checked.form.flavor;
    let mut mirrors = Mapping::new();
    let mut configs: Vec<(String, HostConfig, Field)> = Vec::new();
    let mut ca_files = Vec::new();
    for (i, (r, host)) in checked.form.registries.iter().zip(&checked.hosts).enumerate() {
        let Some(host) = host else { continue };
        let f = Field::registry(i);
        let ns = host.reference();
        let ca_file = if !r.ca_file.trim().is_empty() {
            r.ca_file.trim().to_owned()
        } else if !r.ca_pem.trim().is_empty() {
            default_ca_path(flavor, &ns)
        } else {
            String::new()
        };
        if !r.ca_pem.trim().is_empty() {
            ca_files.push(OutputFile {
                path: ca_file.trim_start_matches('/').to_owned(),
                contents: r.ca_pem.clone(),
                kind: FileKind::Certificate,
                title: format!("CA certificate for {ns}"),
                instructions: format!("Put it at {ca_file} on every node; registries.yaml points at it."),
                after: AfterApply::SeeNotes,
                sensitive: false,
            });
        }
        let creds = if r.node_auth {
            HostConfig {
                username: r.username.clone(),
                password: r.password.clone(),
                identity_token: r.identity_token.clone(),
                ..Default::default()
            }
        } else {
            if r.has_credentials() {
                diags.push(Diagnostic::info(
                    f.key("node_auth"),
                    "registries-yaml.auth-in-secret-only",
                    format!("The credentials for {ns} go into the pull Secret only, not into registries.yaml."),
                    "Set node_auth = true to put them into registries.yaml too (needed for the pause image and pods without imagePullSecrets).",
                ));
            }
            HostConfig::default()
        };
        let own = HostConfig {
            ca_file: ca_file.clone(),
            cert_file: r.client_cert.trim().to_owned(),
            key_file: r.client_key.trim().to_owned(),
            insecure_skip_verify: r.skip_verify,
            ..creds.clone()
        };
        let mut endpoints = Vec::new();
        let mut mirror_configs = Vec::new();
        for (j, m) in r.mirrors.iter().enumerate() {
            let mf = f.index("mirror", j);
            let e = match Endpoint::parse(m.url.trim()) {
                Ok(e) => e,
                Err(err) => {
                    diags.push(Diagnostic::error(
                        mf.key("url"),
                        "registries-yaml.mirror-url",
                        format!("{err}: {:?}; this mirror is left out of registries.yaml.", m.url),
                        "Write the mirror as a full URL, e.g. https://harbor.example.net/v2/dockerhub-proxy.",
                    ));
                    continue;
                }
            };
            let Some(url) = k3s_endpoint(&e, m.override_path) else {
                diags.push(Diagnostic::warning(
                    mf.key("override_path"),
                    "registries-yaml.override-path",
                    format!("{} has no path besides /v2, so override_path changes nothing in registries.yaml.", m.url),
                    "Turn override_path off, or give the mirror's API root path (e.g. /v2/dockerhub-proxy).",
                ));
                endpoints.push(Value::String(format!("{}://{}", e.scheme, e.host.reference())));
                continue;
            };
            endpoints.push(Value::String(url));
            let caps: Vec<&str> = m.capabilities.iter().map(|c| c.trim()).collect();
            if !caps.is_empty() && caps != DEFAULT_MIRROR_CAPABILITIES {
                diags.push(Diagnostic::warning(
                    mf.key("capabilities"),
                    "registries-yaml.capabilities",
                    format!(
                        "{} gives every mirror pull and resolve; capabilities {caps:?} cannot be expressed.",
                        distro(flavor)
                    ),
                    "Leave capabilities empty, or use flavor = \"kubeadm\" with hosts.toml.",
                ));
            }
            let mirror_cfg = HostConfig {
                ca_file: if m.ca_file.trim().is_empty() { ca_file.clone() } else { m.ca_file.trim().to_owned() },
                insecure_skip_verify: m.skip_verify || r.skip_verify,
                ..own.clone()
            };
            mirror_configs.push((endpoint_registry(&e), mirror_cfg, mf));
        }
        if r.mirror_only {
            diags.push(Diagnostic::info(
                f.key("mirror_only"),
                "registries-yaml.mirror-only",
                format!("registries.yaml cannot stop {} from falling back to {ns} itself.", distro(flavor)),
                format!(
                    "Start {d} with --disable-default-registry-endpoint (k3s v1.26.13+, v1.27.10+, v1.28.6+, v1.29.1+), or disable-default-registry-endpoint: true in /etc/rancher/{d}/config.yaml.",
                    d = distro(flavor)
                ),
            ));
        } else if host.kind != HostKind::Default && (endpoints.is_empty() || r.scheme == Scheme::Http) {
            // Name the registry's own endpoint: it carries the scheme, and keeps the
            // registry in `mirrors` so that the import finds it in order.
            let server = host.server_url(r.scheme.as_str()).unwrap_or_default();
            endpoints.push(Value::String(server));
        }
        let mut entry = Mapping::new();
        entry.insert(Value::from("endpoint"), Value::Sequence(endpoints));
        mirrors.insert(Value::String(yaml_key(&ns)), Value::Mapping(entry));
        configs.push((ns.clone(), own, f.clone()));
        configs.extend(mirror_configs);
    }
    // One entry per host; the first registry that names a host wins, conflicts are reported.
    let mut merged: Vec<(String, HostConfig)> = Vec::new();
    for (host, cfg, field) in configs {
        if !cfg.has_auth() && !cfg.has_tls() {
            continue;
        }
        match merged.iter().find(|(h, _)| *h == host) {
            Some((_, existing)) if *existing != cfg => diags.push(Diagnostic::warning(
                field,
                "registries-yaml.config-conflict",
                format!("registries.yaml has one TLS and auth entry per host, and {host} already has a different one from an earlier registry; this one is left out."),
                format!("Give every registry that reaches {host} the same CA, skip_verify and credentials."),
            )),
            Some(_) => {}
            None => merged.push((host, cfg)),
        }
    }
    let sensitive = merged.iter().any(|(_, c)| c.has_auth());
    let mut doc = Mapping::new();
    doc.insert(Value::from("mirrors"), Value::Mapping(mirrors));
    if !merged.is_empty() {
        let configs: Mapping = merged.iter().map(|(h, c)| (Value::String(yaml_key(h)), c.to_yaml())).collect();
        doc.insert(Value::from("configs"), Value::Mapping(configs));
    }
    (serde_yaml::to_string(&Value::Mapping(doc)).unwrap_or_default(), sensitive, ca_files)
}

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
                "registries-yaml.parse",
                format!("This is not valid YAML: {e}."),
                "Paste the whole /etc/rancher/k3s/registries.yaml (or rke2's) as it is on the node.",
            ));
            return (form, diags);
        }
    };
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
            if let Some(cfg) = read_config(v, &field, &mut diags) {
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
    for (n, (host, cfg, field)) in host_configs.iter().enumerate() {
        for r in form.registries.iter_mut().filter(|r| r.host != *host) {
            let (ca, skip, cert, key) = (r.ca_file.clone(), r.skip_verify, r.client_cert.clone(), r.client_key.clone());
            let mut hit = false;
            for m in
                r.mirrors.iter_mut().filter(|m| Endpoint::parse(&m.url).is_ok_and(|e| endpoint_registry(&e) == *host))
            {
                hit = true;
                m.ca_file = if cfg.ca_file == ca { String::new() } else { cfg.ca_file.clone() };
                m.skip_verify = cfg.insecure_skip_verify && !skip;
            }
            if hit {
                used[n] = true;
                if (cfg.cert_file.clone(), cfg.key_file.clone()) != (cert.clone(), key.clone()) {
                    if cert.is_empty() && key.is_empty() {
                        r.client_cert = cfg.cert_file.clone();
                        r.client_key = cfg.key_file.clone();
                    } else {
                        diags.push(Diagnostic::warning(
                            field.key("tls"),
                            "registries-yaml.mirror-client-cert",
                            format!("{host} has its own client certificate, but the form has one per registry; {}'s is kept.", r.host),
                            "Use the same client certificate for the registry and its mirrors, or configure this mirror as a registry of its own.",
                        ));
                    }
                }
                set_auth(r, cfg, field, &mut diags);
            }
        }
    }
    for (n, (host, cfg, field)) in host_configs.iter().enumerate() {
        if !used[n] {
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
            && (e.host.reference() == host.reference()
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

fn read_config(v: &Value, field: &Field, diags: &mut Vec<Diagnostic>) -> Option<HostConfig> {
    let m = as_map(v, field.clone(), diags)?;
    let mut c = HostConfig::default();
    for (k, v) in m {
        match k.as_str() {
            Some("auth") => {
                let Some(a) = as_map(v, field.key("auth"), diags) else { continue };
                let mut auth = String::new();
                for (ak, av) in a {
                    let f = field.key("auth").key(&key_text(ak));
                    match ak.as_str() {
                        Some("username") => c.username = text(av, &f, diags),
                        Some("password") => c.password = text(av, &f, diags),
                        Some("identity_token") => c.identity_token = text(av, &f, diags),
                        Some("auth") => auth = text(av, &f, diags),
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
                        Some("ca_file") => c.ca_file = text(tv, &f, diags),
                        Some("cert_file") => c.cert_file = text(tv, &f, diags),
                        Some("key_file") => c.key_file = text(tv, &f, diags),
                        Some("insecure_skip_verify") => match tv {
                            Value::Bool(b) => c.insecure_skip_verify = *b,
                            Value::String(s) if s == "true" || s == "false" => c.insecure_skip_verify = s == "true",
                            _ => diags.push(Diagnostic::error(
                                f,
                                "registries-yaml.type",
                                "insecure_skip_verify must be true or false; it is read as false.",
                                "Write insecure_skip_verify: true or false.",
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

fn text(v: &Value, field: &Field, diags: &mut Vec<Diagnostic>) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => String::new(),
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
