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
use crate::plan;
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

/// The endpoint URL for a mirror (`origin` = `scheme://host[:port]`), spelled so that
/// k3s contacts the same URLs containerd would: a path is the API root only with
/// `override_path`, otherwise containerd appends `/v2` and so must the endpoint.
fn k3s_endpoint(origin: &str, path: &str, override_path: bool) -> Option<String> {
    match (override_path, path) {
        (false, "") => Some(origin.to_owned()),
        (false, p) => Some(format!("{origin}{p}/v2")),
        (true, "" | "/v2") => None,
        (true, p) => Some(format!("{origin}{p}")),
    }
}

/// Renders registries.yaml (and the CA files it points at) for k3s or RKE2.
pub fn render(checked: &Checked, files: &[OutputFile], diags: &mut Vec<Diagnostic>) -> Vec<OutputFile> {
    let flavor = checked.form.flavor;
    let (text, sensitive, mut out) = export(checked, files, diags);
    let d = distro(flavor);
    let path = if flavor == Flavor::Rke2 { RKE2_PATH } else { K3S_PATH };
    let (server, agent) = if flavor == Flavor::Rke2 { ("rke2-server", "rke2-agent") } else { ("k3s", "k3s-agent") };
    out.insert(
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
    out
}

/// Exports the checked form as registries.yaml text; also returns whether it holds
/// credentials and the CA files it refers to (the engine's, moved to the
/// distribution's directory when the form names no `ca_file`).
///
/// Every host containerd would contact ([`crate::plan::contacts`]) gets its TLS, and
/// with `node_auth` the credentials, under `configs`, as the engine's config.toml does.
pub fn export(checked: &Checked, files: &[OutputFile], diags: &mut Vec<Diagnostic>) -> (String, bool, Vec<OutputFile>) {
    let flavor = checked.form.flavor;
    let d = distro(flavor);
    let mut mirrors = Mapping::new();
    let mut configs: Vec<(String, HostConfig, Field)> = Vec::new();
    let mut ca_files = Vec::new();
    for (i, r, host) in checked.registries() {
        let f = Field::registry(i);
        let ns = host.reference();
        // A CA given only as PEM text goes to /etc/rancher/<distro>/certs/<ns>/ca.crt.
        let engine_ca = plan::registry_ca_path(checked, r, host);
        let own_ca = if r.ca_file.trim().is_empty() && !engine_ca.is_empty() {
            let path = default_ca_path(flavor, &ns);
            match files.iter().find(|f| f.kind == FileKind::Certificate && f.path == engine_ca.trim_start_matches('/'))
            {
                Some(cert) => ca_files.push(OutputFile {
                    path: path.trim_start_matches('/').to_owned(),
                    instructions: format!("Put it at {path} on every node (mode 0644); registries.yaml points at it."),
                    after: AfterApply::SeeNotes,
                    ..cert.clone()
                }),
                None => continue_without_ca(diags, &f),
            }
            path
        } else {
            engine_ca.clone()
        };
        let creds = if r.node_auth && plan::usable_credentials(r) {
            HostConfig {
                username: r.username.clone(),
                password: r.password.clone(),
                identity_token: r.identity_token.clone(),
                ..Default::default()
            }
        } else {
            if r.has_credentials() && !r.node_auth {
                diags.push(Diagnostic::info(
                    f.key("node_auth"),
                    "registries-yaml.auth-in-secret-only",
                    format!("The credentials for {ns} go into the pull Secret only, not into registries.yaml."),
                    "Set node_auth = true to put them into registries.yaml too (needed for the pause image and pods without imagePullSecrets).",
                ));
            }
            HostConfig::default()
        };
        let mut endpoints = Vec::new();
        for c in plan::contacts(checked, i) {
            let tls = &c.tls;
            let ca = if tls.ca == engine_ca { own_ca.clone() } else { tls.ca.clone() };
            let (cert_file, key_file) = tls.client.clone().unwrap_or_default();
            let cfg =
                HostConfig { ca_file: ca, cert_file, key_file, insecure_skip_verify: tls.skip_verify, ..creds.clone() };
            match c.source {
                plan::Source::Mirror(j) => {
                    let mf = f.index("mirror", j);
                    let url = match k3s_endpoint(&c.origin(), &c.path, c.override_path) {
                        Some(url) => url,
                        None => {
                            diags.push(Diagnostic::warning(
                                mf.key("override_path"),
                                "registries-yaml.override-path",
                                format!("{} has no path besides /v2, so override_path changes nothing in registries.yaml.", c.url()),
                                "Turn override_path off, or give the mirror's API root path (e.g. /v2/dockerhub-proxy).",
                            ));
                            c.origin()
                        }
                    };
                    endpoints.push(Value::String(url));
                    let caps: Vec<&str> = c.capabilities.iter().map(|c| c.trim()).collect();
                    if caps != DEFAULT_MIRROR_CAPABILITIES {
                        diags.push(Diagnostic::warning(
                            mf.key("capabilities"),
                            "registries-yaml.capabilities",
                            format!(
                                "{d} gives every mirror pull and resolve; capabilities {caps:?} cannot be expressed."
                            ),
                            "Leave capabilities empty, or use flavor = \"kubeadm\" with hosts.toml.",
                        ));
                    }
                    configs.push((config_key(&c.host), cfg, mf));
                }
                plan::Source::Upstream => {
                    // Name the registry's own endpoint when it is plain HTTP (the scheme
                    // lives there) or when there is no mirror (keeps the registry in
                    // `mirrors`, in form order, for the import).
                    if c.scheme == "http" || endpoints.is_empty() {
                        endpoints.push(Value::String(c.origin()));
                    }
                    configs.push((ns.clone(), cfg, f.clone()));
                }
            }
        }
        if r.mirror_only {
            diags.push(Diagnostic::info(
                f.key("mirror_only"),
                "registries-yaml.mirror-only",
                format!("registries.yaml cannot stop {d} from falling back to {ns} itself."),
                format!(
                    "Start {d} with --disable-default-registry-endpoint (k3s v1.26.13+, v1.27.10+, v1.28.6+, v1.29.1+), or disable-default-registry-endpoint: true in /etc/rancher/{d}/config.yaml."
                ),
            ));
        }
        let mut entry = Mapping::new();
        entry.insert(Value::from("endpoint"), Value::Sequence(endpoints));
        mirrors.insert(Value::String(yaml_key(&ns)), Value::Mapping(entry));
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
                format!("registries.yaml has one TLS and auth entry per host, and {host} already has a different one from an earlier registry or mirror; this one is left out."),
                format!("Give everything that reaches {host} the same CA, skip_verify, client certificate and credentials."),
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

fn continue_without_ca(diags: &mut Vec<Diagnostic>, f: &Field) {
    diags.push(Diagnostic::warning(
        f.key("ca_pem"),
        "registries-yaml.no-ca-file",
        "The CA text was not usable (see the ca_pem diagnostic), so no CA file is rendered; registries.yaml still points at where it belongs.",
        "Fix ca_pem, or set ca_file to a CA already on the nodes.",
    ));
}

/// The `configs` key for a contacted host: Docker Hub's server is keyed `docker.io`.
fn config_key(host: &str) -> String {
    if host == "registry-1.docker.io" || host == "index.docker.io" {
        DOCKER_HUB.to_owned()
    } else {
        host.to_owned()
    }
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
        // A mirror on another host has its own CA and skip_verify in the form; a mirror
        // on the registry's own host shares the registry's entry (handled above).
        for r in form.registries.iter_mut().filter(|r| r.host != *host) {
            let mut hit = false;
            for m in
                r.mirrors.iter_mut().filter(|m| Endpoint::parse(&m.url).is_ok_and(|e| endpoint_registry(&e) == *host))
            {
                hit = true;
                m.ca_file = cfg.ca_file.clone();
                m.skip_verify = cfg.insecure_skip_verify;
            }
            if hit {
                used[n] = true;
                if !cfg.cert_file.is_empty() || !cfg.key_file.is_empty() {
                    diags.push(Diagnostic::warning(
                        field.key("tls"),
                        "registries-yaml.mirror-client-cert",
                        format!("{host} is a mirror of {} with its own client certificate; the form has client certificates only for registries (and mirrors on the same host), so it is not carried over.", r.host),
                        format!("Add {host} as a registry of its own with client_cert and client_key, and check that containerd uses it for {}'s pulls.", r.host),
                    ));
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
