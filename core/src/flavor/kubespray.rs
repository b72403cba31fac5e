//! Kubespray: group vars for its containerd role.
//!
//! Kubespray renders one `certs.d/<prefix>/hosts.toml` per `containerd_registries_mirrors`
//! entry (`prefix`, `server`, and per mirror `host`, `capabilities`, `skip_verify`,
//! `override_path`). Credentials go into `containerd_registry_auth`
//! (`registry`, `username`, `password`), which Kubespray writes into config.toml's
//! `registry.configs` section: Kubespray releases that install containerd 2.x only
//! render it in their legacy (config version 1/2) template, so there the credentials
//! silently do nothing. That caveat is reported when the target is containerd 2.x.
//!
//! Kubespray's templates paste values between double quotes without escaping, and
//! Ansible templates `{{`/`{%`/`{#` inside variables: credentials with such characters
//! are written as `auth` (base64 of `user:password`, which the template also takes).
//! Its hosts.toml template writes `server = "https://<prefix>"` unless `server` is set:
//! Docker Hub gets `server: https://registry-1.docker.io`, and `_default` (whose server
//! must stay unset) is left to the engine's own hosts.toml, rendered beside the vars.

use serde_yaml::{Mapping, Value};

use crate::diagnostic::{Diagnostic, Field};
use crate::form::{Scheme, DEFAULT_MIRROR_CAPABILITIES};
use crate::host::{HostKind, DEFAULT_NAMESPACE};
use crate::output::{AfterApply, FileKind, OutputFile, Placement};
use crate::rollout::s;
use crate::validate::Checked;

/// The group vars file.
pub const VARS_PATH: &str = "kubespray/group_vars/all/containerd.yml";

/// Whether a file the engine rendered stays beside the group vars: the `_default`
/// hosts.toml, which Kubespray cannot write (it would give it `server = "https://_default"`).
pub fn keeps_engine_file(f: &OutputFile) -> bool {
    f.kind == FileKind::HostsToml && f.path.ends_with(&format!("/{DEFAULT_NAMESPACE}/hosts.toml"))
}

/// Renders the group vars.
// Kept out of the first render's code (compiled on first call): ARCHITECTURE.md, "Start-up".
#[inline(never)]
pub fn render(checked: &Checked, diags: &mut Vec<Diagnostic>) -> Vec<OutputFile> {
    let target = checked.target;
    let mut entries = Vec::new();
    let mut auths = Vec::new();
    for (i, (r, host)) in checked.form.registries.iter().zip(&checked.hosts).enumerate() {
        let Some(host) = host else { continue };
        let f = Field::registry(i);
        let ns = host.reference();
        let mut mirrors = Vec::new();
        for (j, m) in r.mirrors.iter().enumerate() {
            let mf = f.index("mirror", j);
            let Some(e) = super::mirror_endpoint(checked, i, j) else { continue };
            let caps: Vec<String> = if m.capabilities.is_empty() {
                DEFAULT_MIRROR_CAPABILITIES.iter().map(|c| (*c).to_owned()).collect()
            } else {
                m.capabilities.iter().map(|c| c.trim().to_owned()).collect()
            };
            if !m.ca_file.trim().is_empty() {
                ca_caveat(diags, mf.key("ca_file"));
            }
            // A mirror on another listed registry (a Harbor proxy cache) verifies as that registry does.
            let skip = crate::plan::mirror_with(checked, i, j, e, crate::plan::Inherit::AnyRegistry).tls.skip_verify;
            mirrors.push(mirror(&e.url(), &caps, skip, m.override_path));
        }
        if mirrors.is_empty() && host.kind != HostKind::Default && (r.skip_verify || r.scheme == Scheme::Http) {
            // The registry itself as its only host, for its scheme and skip_verify.
            let url = host.server_url(r.scheme.as_str()).unwrap_or_default();
            let caps = ["pull", "resolve"].map(str::to_owned);
            mirrors.push(mirror(&url, &caps, r.skip_verify, false));
        }
        if !r.ca_file.trim().is_empty() || !r.ca_pem.trim().is_empty() {
            ca_caveat(diags, f.key("ca_file"));
        }
        if !r.client_cert.trim().is_empty() {
            diags.push(Diagnostic::warning(
                f.key("client_cert"),
                "kubespray.client-cert",
                "Kubespray's containerd_registries_mirrors has no client certificate field; it is left out.",
                "Use containerd_custom_hosts_conf (or the node script) for mTLS registries.",
            ));
        }
        if r.mirror_only && host.kind != HostKind::Default {
            diags.push(Diagnostic::info(
                f.key("mirror_only"),
                "kubespray.mirror-only",
                "Kubespray always writes a server line for the registry itself, so containerd may fall back to the registry.",
                "Accept the fallback, or block the upstream at the network level.",
            ));
        }
        if !mirrors.is_empty() && host.kind == HostKind::Default {
            diags.push(Diagnostic::warning(
                f.key("host"),
                "kubespray.default-server",
                "Kubespray writes server = \"https://<prefix>\" into every hosts.toml it renders, which for _default is \
                 https://_default, a host that does not exist: every image the mirror lacks would fail. So _default is \
                 left out of containerd_registries_mirrors; its hosts.toml is rendered as a separate file instead.",
                format!(
                    "Copy {}/_default/hosts.toml (beside the group vars) to every node, e.g. with an Ansible copy task after the containerd role.",
                    checked.config_path
                ),
            ));
        } else if !mirrors.is_empty() {
            let mut entry = Mapping::new();
            entry.insert(s("prefix"), s(&ns));
            // Kubespray's default server is https://<prefix>: right for most hosts, but
            // not for plain HTTP nor for Docker Hub (whose API is registry-1.docker.io).
            if let Some(server) = host.server_url(r.scheme.as_str()).filter(|u| *u != format!("https://{ns}")) {
                entry.insert(s("server"), s(&server));
            }
            entry.insert(s("mirrors"), Value::Sequence(mirrors));
            entries.push(Value::Mapping(entry));
        }
        if r.node_auth && crate::plan::usable_credentials(r) {
            if !r.identity_token.is_empty() {
                diags.push(Diagnostic::warning(
                    f.key("identity_token"),
                    "kubespray.identity-token",
                    "containerd_registry_auth has no identity token field; the token is left out.",
                    "Use a username and password (a Harbor robot account), or the pull Secret.",
                ));
            }
            if let Some(creds) = credentials(r, &f, diags) {
                for h in crate::plan::contacts(checked, i).into_iter().map(|c| c.host) {
                    let mut a = Mapping::new();
                    a.insert(s("registry"), s(&h));
                    for (k, v) in &creds {
                        a.insert(s(k), s(v));
                    }
                    auths.push(Value::Mapping(a));
                }
            }
            if target.major >= 2 {
                diags.push(Diagnostic::warning(
                    f.key("node_auth"),
                    "kubespray.auth-containerd-2",
                    format!(
                        "With containerd {target}, Kubespray's config.toml template does not render containerd_registry_auth, so these node credentials would silently do nothing."
                    ),
                    "Rely on the pull Secret and imagePullSecrets (rendered under k8s/), or on a Kubespray release whose template still writes registry.configs for your containerd.",
                ));
            }
        }
    }
    if !checked.form.sandbox_image.trim().is_empty() {
        diags.push(Diagnostic::info(
            Field::root("sandbox_image"),
            "kubespray.sandbox-image",
            "Kubespray builds the sandbox image from pod_infra_image_repo and pod_infra_image_tag.",
            "Set pod_infra_image_repo and pod_infra_image_tag in group_vars to your mirror's pause image.",
        ));
    }
    let mut doc = Mapping::new();
    doc.insert(s("containerd_registries_mirrors"), Value::Sequence(entries));
    if !auths.is_empty() {
        doc.insert(s("containerd_registry_auth"), Value::Sequence(auths.clone()));
    }
    vec![OutputFile {
        path: VARS_PATH.to_owned(),
        contents: crate::yaml::to_string(&Value::Mapping(doc)),
        kind: FileKind::Other,
        title: "Kubespray group vars: containerd_registries_mirrors".to_owned(),
        instructions: "Merge into inventory/<cluster>/group_vars/all/containerd.yml, then run the cluster playbook \
             (ansible-playbook -i inventory/<cluster>/hosts.yaml -b cluster.yml --tags containerd). \
             Kubespray writes /etc/containerd/certs.d from it; CA files (and a _default hosts.toml) below etc/ still have to be placed on the nodes."
            .to_owned(),
        after: AfterApply::SeeNotes,
        placement: Placement::AnsibleController,
        sensitive: !auths.is_empty(),
    }]
}

/// Whether a value breaks Kubespray's `password = "{{ registry['password'] }}"`: a `"`
/// or `\` ends or escapes the TOML string (containerd then refuses config.toml on every
/// node), and Ansible templates `{{`, `{%` and `{#` inside variable values.
pub fn template_unsafe(v: &str) -> bool {
    v.contains('"') || v.contains('\\') || v.contains("{{") || v.contains("{%") || v.contains("{#")
}

/// The `containerd_registry_auth` fields for a registry's user name and password:
/// `username`/`password` when Kubespray's template can copy them verbatim, otherwise
/// `auth`, the base64 of `user:password` (only `A-Za-z0-9+/=`), which the same template
/// writes as `auth = "..."` and containerd's CRI plugin decodes. `None` (with an error)
/// when neither works, and when there is no user name and password.
fn credentials(
    r: &crate::form::Registry,
    f: &Field,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<(&'static str, String)>> {
    use base64::Engine as _;
    if r.username.is_empty() || r.password.is_empty() {
        return None;
    }
    if !template_unsafe(&r.username) && !template_unsafe(&r.password) {
        return Some(vec![("username", r.username.clone()), ("password", r.password.clone())]);
    }
    let field = if template_unsafe(&r.password) { f.key("password") } else { f.key("username") };
    if let Some(why) = crate::secret::username_breaks_auth(&r.username) {
        diags.push(Diagnostic::error(
            field,
            "kubespray.credentials-unsafe",
            format!(
                "Kubespray's config.toml template copies the user name and password between double quotes without escaping \
                 (a \", a \\ or Ansible's {{{{ {{% {{# would make a config.toml containerd refuses on every node), and the base64 \
                 `auth` form cannot carry this user name: {why}. The node credentials are left out."
            ),
            "Use a password without \", \\, {{, {% and {# (regenerate the robot token), or a user name without a colon; or rely on the pull Secret.",
        ));
        return None;
    }
    diags.push(Diagnostic::info(
        field,
        "kubespray.credentials-as-auth",
        "Kubespray's config.toml template copies username and password between double quotes without escaping, and \
         Ansible templates {{ {% {# inside variables; this value has one of \" \\ {{ {% {#. So the credentials are written \
         as auth, the base64 of user:password, which the template writes unchanged and containerd decodes.",
        "Nothing to do; to read the credentials back: echo <auth> | base64 -d.",
    ));
    let plain = format!("{}:{}", r.username, r.password);
    Some(vec![("auth", base64::engine::general_purpose::STANDARD.encode(plain.as_bytes()))])
}

fn mirror(url: &str, caps: &[String], skip_verify: bool, override_path: bool) -> Value {
    let mut m = Mapping::new();
    m.insert(s("host"), s(url));
    m.insert(s("capabilities"), Value::Sequence(caps.iter().map(|c| s(c)).collect()));
    m.insert(s("skip_verify"), Value::Bool(skip_verify));
    if override_path {
        m.insert(s("override_path"), Value::Bool(true));
    }
    Value::Mapping(m)
}

fn ca_caveat(diags: &mut Vec<Diagnostic>, field: Field) {
    diags.push(Diagnostic::info(
        field,
        "kubespray.ca",
        "Kubespray's mirror entries have no CA field in every release; the CA file is rendered separately.",
        "Place the CA file on every node (the etc/ file beside the group vars) and add it to the node trust store, or use skip_verify only for testing.",
    ));
}
