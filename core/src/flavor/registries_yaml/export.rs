//! registries.yaml from the form.

use serde_yaml::{Mapping, Value};

use super::{default_ca_path, distro, k3s_endpoint, yaml_key, HostConfig, K3S_PATH, RKE2_PATH};
use crate::diagnostic::{Diagnostic, Field};
use crate::flavor::Flavor;
use crate::form::DEFAULT_MIRROR_CAPABILITIES;
use crate::host::{HostKind, DEFAULT_NAMESPACE, DOCKER_HUB};
use crate::output::{AfterApply, FileKind, OutputFile, Placement};
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
            placement: Placement::Node,
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
    let mut configs: Vec<(String, HostConfig, Origin)> = Vec::new();
    let mut ca_files = Vec::new();
    let mut default_cfg = None;
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
                    placement: Placement::Node,
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
        if host.kind == HostKind::Default {
            // `_default` has no upstream contact; its own TLS is k3s's `configs."*"`, which
            // k3s writes as the top-level TLS of `certs.d/_default/hosts.toml`, as the
            // engine does (see import.rs, `report_catch_all`).
            let tls = plan::registry_tls(checked, r, host);
            let ca = if tls.ca == engine_ca { own_ca.clone() } else { tls.ca };
            let (cert_file, key_file) = tls.client.unwrap_or_default();
            let cfg = HostConfig {
                ca_file: ca,
                cert_file,
                key_file,
                insecure_skip_verify: tls.skip_verify,
                ..Default::default()
            };
            if cfg.has_tls() {
                default_cfg = Some((cfg, Origin { field: f.clone(), registry: f.clone() }));
            }
        }
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
                    configs.push((config_key(&c.host), cfg, Origin { field: mf, registry: f.clone() }));
                }
                plan::Source::Upstream => {
                    // Name the registry's own endpoint when it is plain HTTP (the scheme
                    // lives there) or when there is no mirror (keeps the registry in
                    // `mirrors`, in form order, for the import).
                    if c.scheme == "http" || endpoints.is_empty() {
                        endpoints.push(Value::String(c.origin()));
                    }
                    configs.push((ns.clone(), cfg, Origin { field: f.clone(), registry: f.clone() }));
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
    // One entry per host (registries.yaml keys TLS and credentials by host). Entries that
    // agree are merged: a mirror's entry (CA only) and the mirror host's own registry (the
    // same CA, a client certificate and credentials) become one entry with all of them.
    // Only real contradictions are reported, and only the contradicting setting is left out.
    let mut merged: Vec<(String, HostConfig, Origin)> = Vec::new();
    for (host, cfg, origin) in configs {
        if !cfg.has_auth() && !cfg.has_tls() {
            continue;
        }
        match merged.iter_mut().find(|(h, _, _)| *h == host) {
            None => merged.push((host, cfg, origin)),
            Some((_, kept, first)) => {
                for conflict in merge(kept, &cfg) {
                    diags.push(conflict.diagnostic(&host, first, &origin));
                }
            }
        }
    }
    if let Some((cfg, origin)) = default_cfg {
        merged.push((DEFAULT_NAMESPACE.to_owned(), cfg, origin));
    }
    let sensitive = merged.iter().any(|(_, c, _)| c.has_auth());
    let mut doc = Mapping::new();
    doc.insert(Value::from("mirrors"), Value::Mapping(mirrors));
    if !merged.is_empty() {
        let configs: Mapping = merged.iter().map(|(h, c, _)| (Value::String(yaml_key(h)), c.to_yaml())).collect();
        doc.insert(Value::from("configs"), Value::Mapping(configs));
    }
    (crate::yaml::to_string(&Value::Mapping(doc)), sensitive, ca_files)
}

/// Where a `configs` entry comes from: the mirror or registry that contacts the host,
/// and the registry whose client certificate and credentials it carries.
struct Origin {
    field: Field,
    registry: Field,
}

/// A setting two entries for one host disagree on; the later one's is left out.
#[derive(Debug, PartialEq, Eq)]
enum Conflict {
    Ca(String, String),
    SkipVerify {
        skip_first: bool,
    },
    /// Not a contradiction: one side's skip_verify now covers the other (no CA) too.
    SkipVerifyShared {
        skip_first: bool,
    },
    ClientCert,
    Auth,
}

/// Merges `new` into `kept` where they agree or one leaves a setting unset; returns what
/// contradicts (kept's value stays). A CA adds to the system roots and a client
/// certificate is only sent when a server asks, so widening either to the other's
/// contacts changes no pull; `insecure_skip_verify` joins only an entry without a CA.
fn merge(kept: &mut HostConfig, new: &HostConfig) -> Vec<Conflict> {
    let mut out = Vec::new();
    let skip_conflict = kept.insecure_skip_verify != new.insecure_skip_verify
        && if kept.insecure_skip_verify { !new.ca_file.is_empty() } else { !kept.ca_file.is_empty() };
    if skip_conflict {
        out.push(Conflict::SkipVerify { skip_first: kept.insecure_skip_verify });
    } else if kept.insecure_skip_verify != new.insecure_skip_verify {
        out.push(Conflict::SkipVerifyShared { skip_first: kept.insecure_skip_verify });
        kept.insecure_skip_verify = true;
    }
    if !new.ca_file.is_empty() && !skip_conflict {
        if kept.ca_file.is_empty() {
            kept.ca_file = new.ca_file.clone();
        } else if kept.ca_file != new.ca_file {
            out.push(Conflict::Ca(kept.ca_file.clone(), new.ca_file.clone()));
        }
    }
    let pair = |c: &HostConfig| (c.cert_file.clone(), c.key_file.clone());
    if !new.cert_file.is_empty() || !new.key_file.is_empty() {
        if kept.cert_file.is_empty() && kept.key_file.is_empty() {
            (kept.cert_file, kept.key_file) = pair(new);
        } else if pair(kept) != pair(new) {
            out.push(Conflict::ClientCert);
        }
    }
    if new.has_auth() {
        if !kept.has_auth() {
            kept.username = new.username.clone();
            kept.password = new.password.clone();
            kept.identity_token = new.identity_token.clone();
        } else if (&kept.username, &kept.password, &kept.identity_token)
            != (&new.username, &new.password, &new.identity_token)
        {
            out.push(Conflict::Auth);
        }
    }
    out
}

impl Conflict {
    /// The warning for `later`'s setting, left out because `first`'s is kept. Fixes name
    /// form fields only: a mirror has `ca_file` and `skip_verify`; client certificates and
    /// credentials are its registry's.
    fn diagnostic(&self, host: &str, first: &Origin, later: &Origin) -> Diagnostic {
        let (a, b) = (first.field.as_str(), later.field.as_str());
        let (ra, rb) = (first.registry.as_str(), later.registry.as_str());
        let (field, what, fix) = match self {
            Conflict::Ca(kept, left) => (
                later.field.key("ca_file"),
                format!("the CA {kept:?} (from {a}) and {left:?} (from {b}) differ; {kept:?} is kept"),
                format!("Set the same ca_file on {a} and {b}: one file that holds the CA (or CAs) {host} presents."),
            ),
            Conflict::SkipVerify { skip_first } => {
                let (skip, ca) = if *skip_first { (a, b) } else { (b, a) };
                (
                    later.field.key("skip_verify"),
                    format!("{skip} sets skip_verify while {ca} verifies against a CA; {a}'s setting is kept"),
                    format!("Turn skip_verify off on {skip} and give it {ca}'s ca_file, or remove the CA from {ca} and set skip_verify there too."),
                )
            }
            Conflict::SkipVerifyShared { skip_first } => {
                let (skip, other) = if *skip_first { (a, b) } else { (b, a) };
                return Diagnostic::info(
                    later.field.key("skip_verify"),
                    "registries-yaml.skip-verify-shared",
                    format!("registries.yaml has one TLS entry per host, so {skip}'s skip_verify also turns off certificate checks for {other}, which reaches {host} too."),
                    format!("Give {skip} the CA of {host} (ca_file) and turn skip_verify off, so both verify it."),
                );
            }
            Conflict::ClientCert => (
                later.registry.key("client_cert"),
                format!("{ra} and {rb} present different client certificates to it; {ra}'s is kept"),
                format!("Give {ra} and {rb} the same client_cert and client_key (a mirror presents its registry's)."),
            ),
            Conflict::Auth => (
                later.registry.key("node_auth"),
                format!("{ra} and {rb} send it different credentials; {ra}'s are kept"),
                format!("Give {ra} and {rb} the same username and password (or identity_token), or turn node_auth off on {rb} so its pods use the pull Secret instead."),
            ),
        };
        Diagnostic::warning(
            field,
            "registries-yaml.config-conflict",
            format!("registries.yaml has one TLS and auth entry per host, and for {host} {what}."),
            fix,
        )
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn tls(ca: &str, cert: &str, skip: bool) -> HostConfig {
        let key = if cert.is_empty() { "" } else { "/client.key" };
        HostConfig {
            ca_file: ca.into(),
            cert_file: cert.into(),
            key_file: key.into(),
            insecure_skip_verify: skip,
            ..HostConfig::default()
        }
    }

    fn with_auth(c: HostConfig, user: &str) -> HostConfig {
        HostConfig { username: user.into(), password: "pw".into(), ..c }
    }

    #[test]
    fn a_ca_only_entry_merges_with_the_same_ca_plus_client_cert_and_credentials() {
        let full = with_auth(tls("/ca.crt", "/client.crt", false), "u");
        // Either order: the mirror's entry (CA only) first, or the registry's.
        for (first, second) in [(tls("/ca.crt", "", false), full.clone()), (full.clone(), tls("/ca.crt", "", false))] {
            let mut kept = first;
            assert_eq!(merge(&mut kept, &second), []);
            assert_eq!(kept, full);
        }
        // Nothing set on one side at all: the other's CA joins.
        let mut kept = with_auth(HostConfig::default(), "u");
        assert_eq!(merge(&mut kept, &tls("/ca.crt", "", false)), []);
        assert_eq!(kept.ca_file, "/ca.crt");
        assert_eq!(kept.username, "u");
    }

    #[test]
    fn contradictions_keep_the_first_value_and_merge_the_rest() {
        let mut kept = tls("/a.crt", "", false);
        let later = with_auth(tls("/b.crt", "/client.crt", false), "u");
        assert_eq!(merge(&mut kept, &later), [Conflict::Ca("/a.crt".into(), "/b.crt".into())]);
        assert_eq!(kept.ca_file, "/a.crt");
        assert_eq!((kept.cert_file.as_str(), kept.username.as_str()), ("/client.crt", "u"), "the rest is merged");

        let mut kept = tls("", "", true);
        assert_eq!(merge(&mut kept, &tls("/a.crt", "", false)), [Conflict::SkipVerify { skip_first: true }]);
        assert!(kept.insecure_skip_verify && kept.ca_file.is_empty());

        let mut kept = tls("", "/one.crt", false);
        assert_eq!(merge(&mut kept, &tls("", "/two.crt", false)), [Conflict::ClientCert]);
        assert_eq!(kept.cert_file, "/one.crt");

        let mut kept = with_auth(HostConfig::default(), "a");
        assert_eq!(merge(&mut kept, &with_auth(HostConfig::default(), "b")), [Conflict::Auth]);
        assert_eq!(kept.username, "a");
    }

    #[test]
    fn skip_verify_without_a_ca_on_the_other_side_is_shared_and_said() {
        let mut kept = with_auth(HostConfig::default(), "u");
        assert_eq!(merge(&mut kept, &tls("", "", true)), [Conflict::SkipVerifyShared { skip_first: false }]);
        assert!(kept.insecure_skip_verify);
        let first = Origin { field: Field::registry(0), registry: Field::registry(0) };
        let later = Origin { field: Field::registry(1).index("mirror", 0), registry: Field::registry(1) };
        let d = Conflict::SkipVerifyShared { skip_first: false }.diagnostic("h.example", &first, &later);
        assert_eq!(d.severity, crate::diagnostic::Severity::Info);
        assert!(d.message.contains("registry[1].mirror[0]'s skip_verify"), "{}", d.message);
    }

    #[test]
    fn conflict_fixes_name_fields_the_form_has() {
        let first = Origin { field: Field::registry(0).index("mirror", 0), registry: Field::registry(0) };
        let later = Origin { field: Field::registry(1), registry: Field::registry(1) };
        let ca = Conflict::Ca("/a.crt".into(), "/b.crt".into()).diagnostic("h.example", &first, &later);
        assert_eq!(ca.field.as_str(), "registry[1].ca_file");
        assert!(ca.fix.contains("same ca_file on registry[0].mirror[0] and registry[1]"), "{}", ca.fix);
        // A mirror has no client certificate field: the fix names the registries.
        let cert = Conflict::ClientCert.diagnostic("h.example", &first, &later);
        assert_eq!(cert.field.as_str(), "registry[1].client_cert");
        assert!(cert.fix.contains("Give registry[0] and registry[1] the same client_cert"), "{}", cert.fix);
        assert!(!cert.fix.contains("mirror[0] the same"), "{}", cert.fix);
        let auth = Conflict::Auth.diagnostic("h.example", &first, &later);
        assert!(auth.fix.contains("turn node_auth off on registry[1]"), "{}", auth.fix);
        let skip = Conflict::SkipVerify { skip_first: false }.diagnostic("h.example", &first, &later);
        assert!(skip.fix.starts_with("Turn skip_verify off on registry[1]"), "{}", skip.fix);
    }
}
