//! registries.yaml from the form.

use serde_yaml::{Mapping, Value};

use super::{default_ca_path, distro, k3s_endpoint, yaml_key, HostConfig, K3S_PATH, RKE2_PATH};
use crate::diagnostic::{Diagnostic, Field};
use crate::flavor::Flavor;
use crate::form::DEFAULT_MIRROR_CAPABILITIES;
use crate::host::DOCKER_HUB;
use crate::output::{AfterApply, FileKind, OutputFile};
use crate::per_host::keep_first;
use crate::plan;
use crate::validate::Checked;

/// Renders registries.yaml (and the CA files it points at) for k3s or RKE2.
// Kept out of the first render's code (compiled on first call): ARCHITECTURE.md, "Start-up".
#[inline(never)]
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
    // Credentials join an entry that has the same TLS and none of its own: a mirror's entry
    // (TLS only) and the mirror host's own registry (the same TLS and node credentials).
    let mut merged: Vec<(String, HostConfig)> = Vec::new();
    for (host, cfg, field) in configs {
        if !cfg.has_auth() && !cfg.has_tls() {
            continue;
        }
        if let Some((_, kept)) = merged.iter_mut().find(|(h, _)| *h == host) {
            if same_tls(kept, &cfg) && !kept.has_auth() && cfg.has_auth() {
                kept.username = cfg.username.clone();
                kept.password = cfg.password.clone();
                kept.identity_token = cfg.identity_token.clone();
                continue;
            }
            if same_tls(kept, &cfg) && !cfg.has_auth() {
                continue;
            }
        }
        if keep_first(&mut merged, host.clone(), cfg, PartialEq::eq).is_some() {
            diags.push(Diagnostic::warning(
                field,
                "registries-yaml.config-conflict",
                format!("registries.yaml has one TLS and auth entry per host, and {host} already has a different one from an earlier registry or mirror; this one is left out."),
                format!("Give everything that reaches {host} the same CA, skip_verify, client certificate and credentials."),
            ));
        }
    }
    let sensitive = merged.iter().any(|(_, c)| c.has_auth());
    let mut doc = Mapping::new();
    doc.insert(Value::from("mirrors"), Value::Mapping(mirrors));
    if !merged.is_empty() {
        let configs: Mapping = merged.iter().map(|(h, c)| (Value::String(yaml_key(h)), c.to_yaml())).collect();
        doc.insert(Value::from("configs"), Value::Mapping(configs));
    }
    (crate::yaml::to_string(&Value::Mapping(doc)), sensitive, ca_files)
}

fn same_tls(a: &HostConfig, b: &HostConfig) -> bool {
    (&a.ca_file, &a.cert_file, &a.key_file, a.insecure_skip_verify)
        == (&b.ca_file, &b.cert_file, &b.key_file, b.insecure_skip_verify)
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
