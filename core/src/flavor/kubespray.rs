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
//! Every string in the vars is tagged `!unsafe` (Ansible's marker for data it must never
//! template), so a `{{ lookup('pipe', …) }}` in a mirror URL, a user name or a password is
//! used as text instead of running on the Ansible controller (see `ansible_str`).
//! Its hosts.toml template writes `server = "https://<prefix>"` unless `server` is set:
//! Docker Hub gets `server: https://registry-1.docker.io`, and `_default` (whose server
//! must stay unset) is left to the engine's own hosts.toml, rendered beside the vars.

use serde_yaml::value::{Tag, TaggedValue};
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
            if holds_jinja(&m.url) {
                jinja_literal(diags, mf.key("url"));
            }
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
            entry.insert(s("prefix"), ansible_str(&ns));
            // Kubespray's default server is https://<prefix>: right for most hosts, but
            // not for plain HTTP nor for Docker Hub (whose API is registry-1.docker.io).
            if let Some(server) = host.server_url(r.scheme.as_str()).filter(|u| *u != format!("https://{ns}")) {
                entry.insert(s("server"), ansible_str(&server));
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
                    a.insert(s("registry"), ansible_str(&h));
                    for (k, v) in &creds {
                        a.insert(s(k), ansible_str(v));
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
    m.insert(s("host"), ansible_str(url));
    m.insert(s("capabilities"), Value::Sequence(caps.iter().map(|c| ansible_str(c)).collect()));
    m.insert(s("skip_verify"), Value::Bool(skip_verify));
    if override_path {
        m.insert(s("override_path"), Value::Bool(true));
    }
    Value::Mapping(m)
}

/// Whether Ansible would read `v` as a Jinja2 template: it holds `{{`, `{%` or `{#`.
fn holds_jinja(v: &str) -> bool {
    v.contains("{{") || v.contains("{%") || v.contains("{#")
}

fn jinja_literal(diags: &mut Vec<Diagnostic>, field: Field) {
    diags.push(Diagnostic::warning(
        field,
        "kubespray.jinja-literal",
        "This value holds {{, {% or {#: Ansible would have evaluated it as a template on the controller (a lookup('pipe', ...) \
         runs a command there). pullfix marks every value in the group vars !unsafe, so Ansible uses it literally.",
        "Check that the value is what you meant (a share link or a pasted form can carry it); if it is, nothing to do.",
    ));
}

/// A string for Ansible's variables, tagged `!unsafe` (Ansible's marker for data it must never
/// template: `{{ lookup('pipe', ...) }}` in a value would otherwise run on the controller).
///
/// Ansible 2.19 reads an `!unsafe` scalar as if it were plain, whatever its quotes
/// (`!unsafe 'on'` is `True`, `!unsafe '8080'` an int, `!unsafe ''` null; tests/ansible_oracle.rs
/// shows a user name `no` turning into `False`). So the strings a YAML 1.1 parser could read as
/// a boolean, null, number or date (and any starting with a digit, a sign or a dot) stay
/// untagged, double-quoted by [`crate::yaml::to_string`] where needed, as before. That is safe:
/// Jinja2's delimiters all start with `{`, and a string with a `{` is always tagged.
fn ansible_str(v: &str) -> Value {
    let maybe_not_a_string = v.is_empty()
        || crate::yaml::read_as_non_string_by_yaml_1_1(v)
        || v.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '.'));
    if maybe_not_a_string && !v.contains('{') {
        return s(v);
    }
    Value::Tagged(Box::new(TaggedValue { tag: Tag::new(UNSAFE_TAG), value: s(v) }))
}

/// Ansible's YAML tag for values it must not template, without its `!`.
pub const UNSAFE_TAG: &str = "unsafe";

fn ca_caveat(diags: &mut Vec<Diagnostic>, field: Field) {
    diags.push(Diagnostic::info(
        field,
        "kubespray.ca",
        "Kubespray's mirror entries have no CA field in every release; the CA file is rendered separately.",
        "Place the CA file on every node (the etc/ file beside the group vars) and add it to the node trust store, or use skip_verify only for testing.",
    ));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flavor::Flavor;
    use crate::form::{Form, Mirror, Registry};

    const PIPE: &str = "{{lookup('pipe','touch${IFS}/tmp/pf_pwned')}}";

    fn vars(form: &Form) -> (String, Vec<Diagnostic>) {
        let out = crate::render(&Form { flavor: Flavor::Kubespray, ..form.clone() });
        let f = out.files.iter().find(|f| f.path == VARS_PATH).expect("the group vars");
        (f.contents.clone(), out.diagnostics)
    }

    fn mirror(url: &str) -> Mirror {
        Mirror { url: url.into(), ..Mirror::default() }
    }

    /// Every value string in `v` with its path; mapping keys are pullfix's own names.
    fn value_strings(v: &Value, path: &str, out: &mut Vec<(String, Value)>) {
        match v {
            Value::String(_) | Value::Tagged(_) => out.push((path.to_owned(), v.clone())),
            Value::Sequence(s) => {
                s.iter().enumerate().for_each(|(i, v)| value_strings(v, &format!("{path}[{i}]"), out))
            }
            Value::Mapping(m) => m.iter().for_each(|(k, v)| {
                assert!(matches!(k, Value::String(_)), "a key {k:?}");
                value_strings(v, &format!("{path}.{}", k.as_str().unwrap_or_default()), out)
            }),
            _ => {}
        }
    }

    fn is_unsafe(v: &Value) -> bool {
        matches!(v, Value::Tagged(t) if t.tag == Tag::new(UNSAFE_TAG) && matches!(t.value, Value::String(_)))
    }

    fn hostile_form() -> Form {
        Form {
            containerd: "1.7".into(),
            registries: vec![
                Registry {
                    host: "harbor.example.net:8443".into(),
                    username: "robot$ci".into(),
                    password: "S3cret".into(),
                    node_auth: true,
                    skip_verify: true,
                    mirrors: vec![
                        Mirror { override_path: true, ..mirror(&format!("https://mirror.example.net/v2/{PIPE}")) },
                        mirror("https://m3.example.net/{%for(x)in(y)%}x{%endfor%}"),
                    ],
                    ..Registry::default()
                },
                Registry {
                    host: "docker.io".into(),
                    username: format!("u{PIPE}"),
                    password: format!("p{{%x%}}{PIPE}"),
                    node_auth: true,
                    mirrors: vec![mirror(&format!("https://m2.example.net/{PIPE}/{{{{ansible_env}}}}"))],
                    ..Registry::default()
                },
                Registry {
                    host: "10.50.1.104:5000".into(),
                    scheme: crate::form::Scheme::Http,
                    username: "admin".into(),
                    password: "p{{x}}".into(),
                    node_auth: true,
                    ..Registry::default()
                },
            ],
            ..Form::default()
        }
    }

    #[test]
    fn every_string_in_the_vars_is_unsafe_or_cannot_be_a_template() {
        let (text, diags) = vars(&hostile_form());
        let doc: Value = serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let mut strings = Vec::new();
        value_strings(&doc, "", &mut strings);
        let mut tagged = 0;
        for (path, v) in &strings {
            let s = v.as_str().unwrap_or_else(|| panic!("{path}: {v:?}"));
            if is_unsafe(v) {
                tagged += 1;
            } else {
                // Only what YAML 1.1 could read as a number, date, bool or null stays plain.
                assert!(!s.contains('{'), "{path}: {s:?} is not !unsafe\n{text}");
                assert!(s.starts_with(|c: char| c.is_ascii_digit()), "{path}: {s:?} is not !unsafe\n{text}");
            }
        }
        // The Jinja reached the vars, tagged: mirror hosts, prefixes, servers, capabilities, credentials.
        let mirrors = &doc["containerd_registries_mirrors"];
        assert!(is_unsafe(&mirrors[0]["prefix"]), "{text}");
        assert_eq!(mirrors[0]["mirrors"][0]["host"].as_str(), Some(&*format!("https://mirror.example.net/v2/{PIPE}")));
        assert!(is_unsafe(&mirrors[0]["mirrors"][0]["host"]) && is_unsafe(&mirrors[0]["mirrors"][1]["host"]));
        assert!(is_unsafe(&mirrors[0]["mirrors"][0]["capabilities"][0]));
        assert!(is_unsafe(&mirrors[1]["server"]) && is_unsafe(&mirrors[1]["mirrors"][0]["host"]));
        assert_eq!(mirrors[2]["server"].as_str(), Some("http://10.50.1.104:5000"));
        assert!(is_unsafe(&mirrors[2]["server"]));
        let auth = doc["containerd_registry_auth"].as_sequence().expect("credentials");
        assert!(auth
            .iter()
            .any(|a| is_unsafe(&a["username"]) && a["username"] == "robot$ci" && is_unsafe(&a["password"])));
        assert!(auth.iter().filter(|a| a.get("auth").is_some()).all(|a| is_unsafe(&a["auth"])));
        assert!(tagged >= 15, "{tagged} tagged\n{text}");
        // Text: every line with a Jinja delimiter carries the tag, and booleans stay untagged.
        for line in text.lines().filter(|l| l.contains("{{") || l.contains("{%") || l.contains("{#")) {
            assert!(line.contains(": !unsafe ") || line.trim_start().starts_with("- !unsafe "), "{line}\n{text}");
        }
        assert!(text.contains("    skip_verify: false\n    override_path: true\n"), "{text}");
        assert!(!text.contains("!unsafe true") && !text.contains("!unsafe false"), "{text}");
        // A warning on each mirror URL holding Jinja, none on the others.
        let warned: Vec<&str> =
            diags.iter().filter(|d| d.code == "kubespray.jinja-literal").map(|d| d.field.as_str()).collect();
        assert_eq!(warned, ["registry[0].mirror[0].url", "registry[0].mirror[1].url", "registry[1].mirror[0].url"]);
        assert!(diags
            .iter()
            .filter(|d| d.code == "kubespray.jinja-literal")
            .all(|d| d.severity == crate::Severity::Warning));
    }

    #[test]
    fn tagged_values_come_out_as_ansible_reads_them() {
        let form = Form {
            registries: vec![Registry {
                host: "harbor.example.net".into(),
                username: "robot$ci".into(),
                password: "S3c'ret: #x".into(),
                node_auth: true,
                mirrors: vec![mirror(&format!("https://mirror.example.net/v2/{PIPE}"))],
                ..Registry::default()
            }],
            ..Form::default()
        };
        let (text, diags) = vars(&form);
        assert!(text.contains("- prefix: !unsafe harbor.example.net\n"), "{text}");
        assert!(text.contains(&format!("  - host: !unsafe https://mirror.example.net/v2/{PIPE}\n")), "{text}");
        assert!(text.contains("    - !unsafe pull\n"), "{text}");
        assert!(text.contains("  username: !unsafe robot$ci\n"), "{text}");
        assert!(text.contains("  password: !unsafe 'S3c''ret: #x'\n"), "{text}");
        assert!(!diags
            .iter()
            .any(|d| d.code == "kubespray.jinja-literal" && d.field.as_str() != "registry[0].mirror[0].url"));
    }

    #[test]
    fn strings_yaml_1_1_reads_otherwise_stay_quoted_strings() {
        // Ansible 2.19 reads `!unsafe 'on'` as True: such strings (never a template) stay untagged.
        for (password, plain) in [
            ("on", "\"on\""),
            ("8080", "\"8080\""),
            ("1.5", "\"1.5\""),
            ("2001-12-14", "\"2001-12-14\""),
            ("~", "\"~\""),
        ] {
            let form = Form {
                registries: vec![Registry {
                    host: "harbor.example.net".into(),
                    username: "no".into(),
                    password: password.into(),
                    node_auth: true,
                    mirrors: vec![mirror("https://mirror.example.net")],
                    ..Registry::default()
                }],
                ..Form::default()
            };
            let (text, _) = vars(&form);
            assert!(text.contains(&format!("  password: {plain}\n")), "{text}");
            assert!(text.contains("  username: \"no\"\n"), "{text}");
            assert!(text.contains("host: !unsafe https://mirror.example.net\n"), "{text}");
        }
        assert!(is_unsafe(&ansible_str("1{{x}}")) && is_unsafe(&ansible_str("-{%x%}")));
        assert!(!is_unsafe(&ansible_str("")) && !is_unsafe(&ansible_str("0x1F")) && !is_unsafe(&ansible_str(".5")));
    }
}
