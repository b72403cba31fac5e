//! Field checks shared by every generator.
//!
//! [`check`] copies the form, reports every bad value as a diagnostic on its field, and
//! blanks values that must never be emitted (control characters, unparsable hosts), so
//! generators work on a form they can trust and still render the rest.

use crate::diagnostic::{Diagnostic, Field};
use crate::form::{Form, DEFAULT_CONTAINERD};
use crate::host::Host;
use crate::version::{Target, VersionError, SUPPORTED};

/// A form after the shared checks: what every generator renders from.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The form with unusable values blanked.
    pub form: Form,
    /// The target version (the default when the form's is unusable).
    pub target: Target,
    /// The parsed host of each `form.registries[i]`; `None` when it is empty or invalid.
    pub hosts: Vec<Option<Host>>,
}

/// Runs the shared checks.
pub fn check(form: &Form, diags: &mut Vec<Diagnostic>) -> Checked {
    let mut form = form.clone();
    strip_control_characters(&mut form, diags);
    let target = check_target(&form, diags);
    let hosts = form
        .registries
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let field = Field::registry(i).key("host");
            let h = r.host.trim();
            match Host::parse(h) {
                Ok(host) => Some(host),
                Err(e) => {
                    diags.push(Diagnostic::error(
                        field,
                        "host.malformed",
                        format!("{e}: {h:?}."),
                        "Write the registry exactly as image references name it, e.g. harbor.example.net, 10.50.1.104:5000 or docker.io.",
                    ));
                    None
                }
            }
        })
        .collect();
    Checked { form, target, hosts }
}

fn check_target(form: &Form, diags: &mut Vec<Diagnostic>) -> Target {
    let fallback = Target::parse(DEFAULT_CONTAINERD).unwrap_or(Target::new(1, 7));
    let field = Field::root("containerd");
    let supported = SUPPORTED.iter().map(|(a, b)| format!("{a}.{b}")).collect::<Vec<_>>().join(", ");
    match Target::parse(&form.containerd) {
        Ok(t) => t,
        Err(VersionError::Malformed) => {
            diags.push(Diagnostic::error(
                field,
                "containerd.malformed",
                format!("{:?} is not a containerd version; showing output for {DEFAULT_CONTAINERD}.", form.containerd),
                format!("Write the version `containerd --version` prints on the node, e.g. 1.6.20 or 2.1 (one of {supported})."),
            ));
            fallback
        }
        Err(VersionError::Unsupported) => {
            diags.push(Diagnostic::error(
                field,
                "containerd.unsupported",
                format!(
                    "containerd {} is not a version pullfix knows; showing output for {DEFAULT_CONTAINERD}.",
                    form.containerd.trim()
                ),
                format!("Pick one of {supported}."),
            ));
            fallback
        }
    }
}

/// Reports and blanks every value with a control character (a newline would break
/// out of the TOML or YAML value it lands in).
fn strip_control_characters(form: &mut Form, diags: &mut Vec<Diagnostic>) {
    let mut check = |field: Field, value: &mut String, multiline_ok: bool| {
        let bad = value.chars().any(|c| c.is_control() && !(multiline_ok && (c == '\n' || c == '\r' || c == '\t')));
        if bad {
            diags.push(Diagnostic::error(
                field,
                "value.control-character",
                "This value contains a newline or another control character; it is left out of every file.",
                "Retype the value on one line; paste only the value itself.",
            ));
            value.clear();
        }
    };
    check(Field::root("containerd"), &mut form.containerd, false);
    check(Field::root("config_path"), &mut form.config_path, false);
    check(Field::root("sandbox_image"), &mut form.sandbox_image, false);
    for (i, r) in form.registries.iter_mut().enumerate() {
        let f = Field::registry(i);
        check(f.key("host"), &mut r.host, false);
        check(f.key("ca_file"), &mut r.ca_file, false);
        check(f.key("ca_pem"), &mut r.ca_pem, true);
        check(f.key("client_cert"), &mut r.client_cert, false);
        check(f.key("client_key"), &mut r.client_key, false);
        check(f.key("username"), &mut r.username, false);
        check(f.key("password"), &mut r.password, false);
        check(f.key("identity_token"), &mut r.identity_token, false);
        for (j, m) in r.mirrors.iter_mut().enumerate() {
            let mf = f.index("mirror", j);
            check(mf.key("url"), &mut m.url, false);
            check(mf.key("ca_file"), &mut m.ca_file, false);
            for (k, c) in m.capabilities.iter_mut().enumerate() {
                check(mf.index("capabilities", k), c, false);
            }
        }
    }
    let k = Field::root("kubernetes");
    check(k.key("secret_name"), &mut form.kubernetes.secret_name, false);
    check(k.key("email"), &mut form.kubernetes.email, false);
    for (i, n) in form.kubernetes.namespaces.iter_mut().enumerate() {
        check(k.index("namespaces", i), n, false);
    }
    for (i, p) in form.kubernetes.patches.iter_mut().enumerate() {
        let pf = k.index("patch", i);
        check(pf.key("kind"), &mut p.kind, false);
        check(pf.key("name"), &mut p.name, false);
        check(pf.key("namespace"), &mut p.namespace, false);
    }
}
