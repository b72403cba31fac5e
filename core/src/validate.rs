//! Field checks shared by every generator.
//!
//! [`check`] copies the form, reports every bad value as a diagnostic on its field, and
//! blanks values that must never be emitted (control characters, unparsable hosts and
//! URLs, duplicates), so generators work on a form they can trust and still render the
//! rest. Rules that relate several fields or depend on the target live in
//! [`crate::rules`], which `check` runs too.

use crate::diagnostic::{clip, quoted, Diagnostic, Field};
use crate::form::{Form, Scheme, DEFAULT_CONTAINERD};
use crate::host::{without_userinfo, Endpoint, EndpointError, Host, HostError, HostKind};
use crate::version::{Target, VersionError, SUPPORTED};

/// Which way the target configures registries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// containerd 1.2: `[plugins.cri.registry]` with `mirrors` and `auths` only (no TLS).
    V1Mirrors,
    /// Inline `registry.mirrors` / `registry.configs` (1.3, 1.4, or 1.5 - 1.7 with
    /// `legacy_config`).
    Inline,
    /// `registry.config_path` plus one `hosts.toml` per registry (1.5+).
    HostsToml,
}

/// A form after the shared checks: what every generator renders from.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The form with unusable values blanked (and unknown capabilities removed).
    pub form: Form,
    /// The target version (the default when the form's is unusable).
    pub target: Target,
    /// The parsed host of each `form.registries[i]`; `None` when it is empty, invalid,
    /// or repeats an earlier registry (then nothing is rendered for it).
    pub hosts: Vec<Option<Host>>,
    /// The parsed URL of each `form.registries[i].mirrors[j]`; `None` when it is empty,
    /// invalid, or repeats an earlier mirror of the same registry (then it is left out).
    pub mirrors: Vec<Vec<Option<Endpoint>>>,
    /// The hosts.toml directory in effect on the node (absolute unless the form's is
    /// relative, which is an error).
    pub config_path: String,
    /// How this target configures registries.
    pub style: Style,
}

impl Checked {
    /// The registries that render, with their index and parsed host.
    pub fn registries(&self) -> impl Iterator<Item = (usize, &crate::form::Registry, &Host)> {
        self.form.registries.iter().enumerate().filter_map(|(i, r)| self.hosts.get(i)?.as_ref().map(|h| (i, r, h)))
    }
}

/// Runs the shared checks.
pub fn check(form: &Form, diags: &mut Vec<Diagnostic>) -> Checked {
    let mut form = form.clone();
    let blanked = strip_control_characters(&mut form, diags);
    crate::value_size::check(&form, diags);
    let target = check_target(&form, diags);
    let hosts = check_hosts(&form, diags);
    let mirrors = check_mirrors(&mut form, diags);
    let config_path = check_config_path(&form, diags);
    let style = if target.config_version() == 1 {
        Style::V1Mirrors
    } else if !target.has_hosts_toml() || (form.legacy_config && target.major < 2) {
        Style::Inline
    } else {
        Style::HostsToml
    };
    let checked = Checked { form, target, hosts, mirrors, config_path, style };
    crate::rules::check(&checked, diags);
    ipv6_table_keys(&checked, diags);
    drop_follow_ups_of_blanked(&blanked, diags);
    checked
}

/// containerd 1.3 - 1.7 read config.toml with go-toml v1, which rejects a table name
/// holding `]` (`configs."[fd00::1]:5000".auth`: "table key cannot contain ']'"), and a
/// config.toml that does not parse stops the whole daemon. Such tables come from node
/// credentials and inline (legacy) mirrors and TLS keyed by an IPv6 literal, in the
/// engine's config.toml block, kind's containerdConfigPatches and Kubespray's template.
fn ipv6_table_keys(checked: &Checked, diags: &mut Vec<Diagnostic>) {
    use crate::flavor::Flavor;
    let t = checked.target;
    let flavor = checked.form.flavor;
    if t.major != 1 || t.minor < 3 || !matches!(flavor, Flavor::Kubeadm | Flavor::Kind | Flavor::Kubespray) {
        return;
    }
    let inline = checked.style != Style::HostsToml && flavor == Flavor::Kubeadm;
    for (i, r, host) in checked.registries() {
        let f = Field::registry(i);
        let contacts = crate::plan::contacts(checked, i);
        let literal = |h: &str| h.starts_with('[');
        let field_of = |c: &crate::plan::Contact| match c.source {
            crate::plan::Source::Mirror(j) => f.index("mirror", j).key("url"),
            crate::plan::Source::Upstream => f.key("host"),
        };
        let mut bad: Vec<(Field, String, &str)> = Vec::new();
        if inline && host.kind == HostKind::Ipv6 && !contacts.is_empty() {
            bad.push((f.key("host"), host.reference(), "its inline mirror entry"));
        }
        for c in contacts.iter().filter(|c| literal(&c.host)) {
            if inline && !c.tls.is_empty() {
                bad.push((field_of(c), c.host.clone(), "its inline TLS settings"));
            }
            if r.node_auth && crate::plan::usable_credentials(r) {
                bad.push((f.key("node_auth"), c.host.clone(), "the node credentials"));
            }
        }
        let mut seen: Vec<Field> = Vec::new();
        for (field, h, what) in bad {
            if seen.contains(&field) {
                continue;
            }
            seen.push(field.clone());
            diags.push(Diagnostic::error(
                field,
                "host.ipv6-config-toml",
                format!(
                    "containerd {t} will not start with this config.toml: for {what} it needs a table named after {h}, and \
                     containerd 1.x's TOML parser rejects the `]` in that name (\"table key cannot contain ']'\"). \
                     A config.toml containerd cannot read stops every pull on the node, not only this registry's."
                ),
                "Give the registry a DNS name (or an /etc/hosts entry on every node) and use it in image references; \
                 or turn node_auth off and rely on the pull Secret, and keep legacy_config off (hosts.toml files are not \
                 affected).",
            ));
        }
    }
}

/// A value blanked for a control character is reported once: the rules that then see
/// it empty ("a user name without a password") would only mislead.
fn drop_follow_ups_of_blanked(blanked: &[Field], diags: &mut Vec<Diagnostic>) {
    const FOLLOW_UPS: [&str; 2] = ["credentials.password-missing", "credentials.username-missing"];
    diags.retain(|d| !(FOLLOW_UPS.contains(&d.code) && blanked.contains(&d.field)));
}

fn check_target(form: &Form, diags: &mut Vec<Diagnostic>) -> Target {
    let fallback = Target::parse(DEFAULT_CONTAINERD).unwrap_or(Target::new(1, 7));
    let field = Field::root("containerd");
    let supported = || SUPPORTED.iter().map(|(a, b)| format!("{a}.{b}")).collect::<Vec<_>>().join(", ");
    match Target::parse(&form.containerd) {
        Ok(t) => t,
        Err(VersionError::Malformed) => {
            diags.push(Diagnostic::error(
                field,
                "containerd.malformed",
                if form.containerd.trim().is_empty() {
                    // `diagnose --form-out` leaves it empty when the text does not show it.
                    format!("No containerd version is set; no files until it is (a preview assumes {DEFAULT_CONTAINERD}).")
                } else {
                    format!("{} is not a containerd version; no files until it is fixed (a preview assumes {DEFAULT_CONTAINERD}).", quoted(&form.containerd))
                },
                format!(
                    "Write the version `containerd --version` prints on the node, e.g. 1.6.20 or 2.1 (one of {}).",
                    supported()
                ),
            ));
            fallback
        }
        Err(VersionError::Unsupported) => {
            diags.push(Diagnostic::error(
                field,
                "containerd.unsupported",
                format!(
                    "containerd {} is not a version pullfix knows; no files until it is fixed (a preview assumes {DEFAULT_CONTAINERD}).",
                    clip(form.containerd.trim())
                ),
                format!("Pick one of {}.", supported()),
            ));
            fallback
        }
    }
}

fn check_hosts(form: &Form, diags: &mut Vec<Diagnostic>) -> Vec<Option<Host>> {
    let mut seen: Vec<(String, usize)> = Vec::new();
    form.registries
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let field = Field::registry(i).key("host");
            let h = r.host.trim();
            let host = match Host::parse(h) {
                Ok(host) => host,
                Err(e) => {
                    diags.push(Diagnostic::error(
                        field,
                        "host.malformed",
                        format!("{e}: {}.", quoted(&without_userinfo(h))),
                        host_fix(e, h, r.scheme),
                    ));
                    return None;
                }
            };
            if host.kind == HostKind::Name && host.name.contains('_') {
                // The reference grammar's domain components are letters, digits and `-`.
                diags.push(Diagnostic::error(
                    field,
                    "host.underscore",
                    format!(
                        "{} has a `_`, which image references never have in a registry name (only letters, digits, \
                         `-` and `.`): no pull would use this registry's files, so they are left out.",
                        quoted(h)
                    ),
                    underscore_fix(&host),
                ));
                return None;
            }
            let reference = host.reference();
            if let Some((_, first)) = seen.iter().find(|(s, _)| *s == reference) {
                diags.push(Diagnostic::error(
                    field,
                    "host.duplicate",
                    format!("registry[{first}] already configures {reference}; this entry is left out."),
                    "Configure each registry once: merge the two entries (mirrors, TLS and credentials) into one.",
                ));
                return None;
            }
            seen.push((reference, i));
            docker_hub_alias(&host, &field, diags);
            default_port(&host, r.scheme, &field, diags);
            crate::host_spelling::uppercase(&host, &field, diags);
            if host.kind == HostKind::Ipv6 {
                diags.push(Diagnostic::warning(
                    field,
                    "host.ipv6",
                    "IPv6 literals as registry names are reported broken in containerd (and k3s): the hosts.toml directory and the image reference may not match.",
                    "Give the registry a DNS name (or an /etc/hosts entry on every node) and use that in image references.",
                ));
            }
            Some(host)
        })
        .collect()
}

/// Docker Hub under another of its names. Image references normalise `index.docker.io` to
/// `docker.io`, so no pull ever reads `certs.d/index.docker.io`: an error, as the files are
/// dead. `registry-1.docker.io` is the server containerd contacts for `docker.io`; an image
/// may spell it out (`registry-1.docker.io/library/nginx`), and then reads its files, but
/// Docker Hub images (`nginx`, `docker.io/library/nginx`) never do: a warning, since the
/// files work for the rare image named that way.
fn docker_hub_alias(host: &Host, field: &Field, diags: &mut Vec<Diagnostic>) {
    let name = host.name.to_ascii_lowercase();
    if host.port.is_some() || !matches!(name.as_str(), "index.docker.io" | "registry-1.docker.io") {
        return;
    }
    let fix = "Use docker.io as the host: that is how Docker Hub images are named (nginx and docker.io/library/nginx alike), \
               and pullfix already points its hosts.toml at https://registry-1.docker.io and keys its pull Secret \
               https://index.docker.io/v1/.";
    if name == "index.docker.io" {
        diags.push(Diagnostic::error(
            field.clone(),
            "host.docker-hub-alias",
            "index.docker.io is Docker Hub's old name: image references rewrite it to docker.io, so containerd looks \
             up certs.d/docker.io and never reads the files written for index.docker.io (its mirrors and TLS settings \
             would silently not apply).",
            fix,
        ));
    } else {
        diags.push(Diagnostic::warning(
            field.clone(),
            "host.docker-hub-alias",
            "registry-1.docker.io is the server behind docker.io, not the name images use: Docker Hub images (nginx, \
             docker.io/library/nginx) make containerd read certs.d/docker.io, so these files (mirrors, TLS) apply only \
             to images spelled registry-1.docker.io/..., and the pull Secret entry only to those.",
            fix,
        ));
    }
}

/// A registry written with its scheme's default port (`:443` for HTTPS, `:80` for plain
/// HTTP): images naming it without the port are a different namespace (certs.d directory
/// and pull Secret key), so the files reach only images that spell the port.
fn default_port(host: &Host, scheme: Scheme, field: &Field, diags: &mut Vec<Diagnostic>) {
    let default = match scheme {
        Scheme::Https => 443,
        Scheme::Http => 80,
    };
    if host.port != Some(default) || host.kind == HostKind::Default {
        return;
    }
    let with = host.reference();
    let without = &host.name;
    diags.push(Diagnostic::warning(
        field.clone(),
        "host.default-port",
        format!(
            "{with} and {without} are different registries to containerd and the kubelet, although {} uses port \
             {default} either way: these files go to certs.d/{with}/ and a pull Secret entry is keyed {with}, so only \
             images named {with}/... use them. Images named {without}/... (without the port, the usual spelling) \
             read certs.d/{without}/ and match no such Secret entry.",
            scheme.as_str().to_ascii_uppercase()
        ),
        format!(
            "Write the host exactly as your image references do: {without} if they leave the port out (the common \
             case). If some images spell {with} and others {without}, add a second registry for the other spelling."
        ),
    ));
}

/// The fix for a registry host that does not parse. A pasted URL (`http://10.50.1.104:5000`)
/// gets the host to write, and for `http://` the Protocol (scheme) to pick, since the form
/// keeps the scheme in its own field.
fn host_fix(e: HostError, h: &str, scheme: Scheme) -> String {
    if matches!(e, HostError::HasScheme | HostError::HasPath) {
        let (given, rest) = match h.split_once("://") {
            Some((s, rest)) => (Some(s.to_ascii_lowercase()), rest),
            None => (None, h),
        };
        let bare = rest.split('/').next().unwrap_or(rest);
        let suggested = Host::parse(bare).ok().map(|b| b.reference());
        let write = match &suggested {
            Some(b) => format!("Write only the host part, as image references name the registry: {b}"),
            None => "Write the registry exactly as image references name it, e.g. harbor.example.net, \
                     10.50.1.104:5000 or docker.io"
                .to_owned(),
        };
        return match given.as_deref() {
            Some("http") if scheme == Scheme::Https => format!(
                "{write}, and set Protocol to HTTP (scheme = \"http\" in a form file): the registry speaks plain \
                 HTTP, and that is chosen in its own field, not in the host."
            ),
            Some("http") => {
                format!("{write}; Protocol is already HTTP (scheme = \"http\"), which is where the http:// goes.")
            }
            Some("https") if scheme == Scheme::Http => {
                format!("{write}, and set Protocol back to HTTPS (remove scheme = \"http\" in a form file).")
            }
            Some("https") => format!("{write}; HTTPS is the default Protocol, so nothing else is needed."),
            _ if e == HostError::HasPath => format!(
                "{write}. A path (a Harbor project) belongs in the image reference, or for a proxy-cache project \
                 in a mirror URL with override_path."
            ),
            _ => format!("{write}."),
        };
    }
    match e {
        HostError::Ipv6NeedsBrackets => crate::host_spelling::ipv6_fix(h),
        HostError::Idn(_) | HostError::NonAscii(_) => crate::host_spelling::non_ascii_fix(e, h, crate::host_spelling::HostField::Registry).unwrap_or_default(),
        HostError::TooLong(_) | HostError::LabelTooLong(_) => {
            "Use the registry's real DNS name: at most 253 characters, and at most 63 between two dots.".to_owned()
        }
        HostError::Credentials => format!("{} Then write the host alone: {}.", CREDENTIALS_FIX, clip(&without_userinfo(h))),
        _ => "Write the registry exactly as image references name it, e.g. harbor.example.net, 10.50.1.104:5000 or docker.io.".to_owned(),
    }
}

/// The fix for a registry name with `_`: `10.50.1.104_5000` (or `..._5000_`) is a certs.d
/// directory's spelling of `10.50.1.104:5000`.
fn underscore_fix(host: &Host) -> String {
    let name = host.name.strip_suffix('_').unwrap_or(&host.name);
    match name.rsplit_once('_') {
        Some((n, p)) if host.port.is_none() && !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => format!(
            "That is how a certs.d directory spells a registry with a port; write the registry as image references \
             do: {n}:{p}."
        ),
        _ => "Write the registry's name exactly as image references use it (no `_`).".to_owned(),
    }
}

/// Where credentials written into a host or URL (`user:password@`) go instead.
const CREDENTIALS_FIX: &str = "Remove `user:password@` and enter them in the registry's username and password fields: \
     they go into the pull Secret (and, with node_auth, into config.toml), never into a URL.";

/// The fix for a mirror URL that does not parse.
fn mirror_url_fix(e: EndpointError, url: &str) -> String {
    match e {
        EndpointError::Host(HostError::Ipv6NeedsBrackets) => crate::host_spelling::ipv6_url_fix(url),
        EndpointError::Host(h @ (HostError::Idn(_) | HostError::NonAscii(_))) => {
            let host = url.split_once("://").map_or(url, |(_, r)| r.split('/').next().unwrap_or(r));
            crate::host_spelling::non_ascii_fix(h, host, crate::host_spelling::HostField::MirrorUrl).unwrap_or_default()
        }
        EndpointError::Host(HostError::TooLong(_) | HostError::LabelTooLong(_)) => {
            "Use the mirror's real DNS name: at most 253 characters, and at most 63 between two dots.".to_owned()
        }
        EndpointError::Host(HostError::Credentials) => {
            format!("{} Then write the URL without them: {}.", CREDENTIALS_FIX, without_userinfo(url))
        }
        _ => "Write the full URL with its scheme, e.g. https://mirror.example.net or http://10.50.1.104:5000 (a path is allowed: a Harbor proxy-cache project is https://harbor.example.net/v2/dockerhub-proxy with override_path = true).".to_owned(),
    }
}

/// Parses mirror URLs, drops duplicates and unknown capabilities (each with a diagnostic).
fn check_mirrors(form: &mut Form, diags: &mut Vec<Diagnostic>) -> Vec<Vec<Option<Endpoint>>> {
    let mut out = Vec::with_capacity(form.registries.len());
    for (i, r) in form.registries.iter_mut().enumerate() {
        let mut parsed: Vec<Option<Endpoint>> = Vec::with_capacity(r.mirrors.len());
        for (j, m) in r.mirrors.iter_mut().enumerate() {
            let field = Field::registry(i).index("mirror", j);
            check_capabilities(&field, &mut m.capabilities, diags);
            let url = m.url.trim();
            if url.is_empty() {
                diags.push(Diagnostic::error(
                    field.key("url"),
                    "mirror.url-empty",
                    "This mirror has no URL; it is left out.",
                    "Enter the mirror's URL with its scheme, e.g. https://mirror.example.net (a Harbor proxy-cache project: https://harbor.example.net/v2/dockerhub-proxy with override_path = true), or remove the mirror.",
                ));
                parsed.push(None);
                continue;
            }
            let endpoint = match Endpoint::parse(url) {
                Ok(e) => e,
                Err(e) => {
                    diags.push(Diagnostic::error(
                        field.key("url"),
                        "mirror.url-malformed",
                        format!("{e}: {}; this mirror is left out.", quoted(&without_userinfo(url))),
                        mirror_url_fix(e, url),
                    ));
                    parsed.push(None);
                    continue;
                }
            };
            let normal = endpoint.url();
            if let Some(first) = parsed.iter().position(|p| p.as_ref().is_some_and(|p| p.url() == normal)) {
                diags.push(Diagnostic::warning(
                    field.key("url"),
                    "mirror.duplicate",
                    format!("The same URL as mirror[{first}] ({normal}); this copy is left out, because containerd ignores a whole hosts.toml whose [host] tables repeat."),
                    "Remove the repeated mirror.",
                ));
                parsed.push(None);
                continue;
            }
            if endpoint.host.kind == HostKind::Ipv6 {
                diags.push(Diagnostic::warning(
                    field.key("url"),
                    "mirror.ipv6",
                    "IPv6 literals in mirror URLs are reported broken in containerd.",
                    "Give the mirror a DNS name (or an /etc/hosts entry on every node).",
                ));
            }
            parsed.push(Some(endpoint));
        }
        out.push(parsed);
    }
    out
}

/// The capabilities hosts.toml knows (containerd's `parseHostConfig`).
pub const CAPABILITIES: [&str; 3] = ["pull", "resolve", "push"];

fn check_capabilities(field: &Field, caps: &mut Vec<String>, diags: &mut Vec<Diagnostic>) {
    let mut kept: Vec<String> = Vec::with_capacity(caps.len());
    for (k, c) in caps.iter().enumerate() {
        let lower = c.trim().to_ascii_lowercase();
        if !CAPABILITIES.contains(&lower.as_str()) {
            diags.push(Diagnostic::error(
                field.index("capabilities", k),
                "mirror.capability-unknown",
                format!(
                    "{} is not a capability; containerd rejects the whole hosts.toml for it. It is left out.",
                    quoted(c)
                ),
                "Use only \"pull\", \"resolve\" and \"push\" (a mirror usually gets [\"pull\", \"resolve\"]).",
            ));
        } else if !kept.contains(&lower) {
            kept.push(lower);
        }
    }
    if kept.iter().any(|c| c == "pull") && !kept.iter().any(|c| c == "resolve") {
        // containerd resolves tags only at a host with `resolve` (real 1.7.24 and 2.1.9 went
        // upstream for the tag; review 10 L4).
        diags.push(Diagnostic::warning(
            field.key("capabilities"),
            "mirror.capabilities-no-resolve",
            "Without \"resolve\" containerd never asks this mirror for a tag: tags resolve at the next host (the \
             upstream registry when there is no other mirror), and only the layers come from the mirror.",
            "Add \"resolve\" (a mirror usually gets [\"pull\", \"resolve\"]), unless tags must come from upstream.",
        ));
    }
    *caps = kept;
}

fn check_config_path(form: &Form, diags: &mut Vec<Diagnostic>) -> String {
    let field = Field::root("config_path");
    let given = form.config_path();
    let mut path = given.to_owned();
    if given.contains([':', ',']) {
        let first = given.split([':', ',']).find(|p| !p.trim().is_empty()).unwrap_or(crate::form::DEFAULT_CONFIG_PATH);
        let why = if given.contains(':') {
            "a colon-separated list; containerd 2.1+ treats config_path as one directory, so the list breaks pulls after an upgrade"
        } else {
            "a comma-separated list; containerd reads config_path as one directory whose name has the comma in it, and finds no hosts.toml"
        };
        diags.push(Diagnostic::error(
            field.clone(),
            "config_path.list",
            format!(
                "{} is {why}. No files until it is fixed (a preview assumes {}).",
                quoted(given),
                quoted(first.trim())
            ),
            format!(
                "Use one directory, e.g. {}; move the other directories' hosts.toml files into it.",
                crate::form::DEFAULT_CONFIG_PATH
            ),
        ));
        path = first.trim().to_owned();
    }
    if !path.starts_with('/') {
        diags.push(Diagnostic::error(
            field.clone(),
            "config_path.relative",
            format!(
                "{} is not an absolute path; containerd would resolve it against its own working directory.",
                quoted(&path)
            ),
            format!("Use an absolute directory such as {}.", crate::form::DEFAULT_CONFIG_PATH),
        ));
    }
    if path.split('/').any(|c| c == "..") {
        diags.push(Diagnostic::error(
            field,
            "config_path.parent",
            format!(
                "{} contains `..`; pullfix writes files under this directory and will not climb out of it.",
                quoted(&path)
            ),
            format!("Write the directory without `..`, e.g. {}.", crate::form::DEFAULT_CONFIG_PATH),
        ));
        path = crate::form::DEFAULT_CONFIG_PATH.to_owned();
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        crate::form::DEFAULT_CONFIG_PATH.to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// What a value with a control character is told (`pullfix secret` says the same).
pub const CONTROL_CHARACTER: &str = "This value contains a newline or another control character";
/// The fix for [`CONTROL_CHARACTER`].
pub const CONTROL_CHARACTER_FIX: &str = "Retype the value on one line; paste only the value itself.";

/// Whether `value` holds a control character (with `multiline_ok`, `\n`, `\r` and `\t`
/// are allowed, as in a pasted PEM).
pub fn has_control_character(value: &str, multiline_ok: bool) -> bool {
    value.chars().any(|c| c.is_control() && !(multiline_ok && (c == '\n' || c == '\r' || c == '\t')))
}

/// Reports and blanks every value with a control character (a newline would break
/// out of the TOML or YAML value it lands in).
fn strip_control_characters(form: &mut Form, diags: &mut Vec<Diagnostic>) -> Vec<Field> {
    let mut blanked = Vec::new();
    let mut check = |field: Field, value: &mut String, multiline_ok: bool| {
        if has_control_character(value, multiline_ok) {
            blanked.push(field.clone());
            diags.push(Diagnostic::error(
                field,
                "value.control-character",
                format!("{CONTROL_CHARACTER}; it is left out of every file."),
                CONTROL_CHARACTER_FIX,
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
    blanked
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::{Mirror, Registry};

    fn codes(form: &Form) -> Vec<&'static str> {
        let mut d = Vec::new();
        check(form, &mut d);
        d.into_iter().map(|d| d.code).collect()
    }

    fn reg(host: &str) -> Registry {
        Registry { host: host.into(), ..Registry::default() }
    }

    #[test]
    fn control_characters_are_blanked() {
        let mut f = Form::default();
        f.registries.push(Registry { password: "a\nb".into(), ..reg("h.example") });
        let mut d = Vec::new();
        let c = check(&f, &mut d);
        assert_eq!(c.form.registries[0].password, "");
        assert_eq!(d[0].field.as_str(), "registry[0].password");
    }

    #[test]
    fn a_blanked_password_is_not_also_a_missing_one() {
        let mut f = Form::default();
        f.registries.push(Registry { username: "u".into(), password: "a\nb".into(), ..reg("h.example") });
        f.registries.push(Registry { username: "u".into(), ..reg("i.example") });
        let mut d = Vec::new();
        check(&f, &mut d);
        let got: Vec<(&str, &str)> = d.iter().map(|d| (d.code, d.field.as_str())).collect();
        assert!(got.contains(&("value.control-character", "registry[0].password")), "{got:?}");
        assert!(!got.contains(&("credentials.password-missing", "registry[0].password")), "{got:?}");
        // A password that is really missing is still reported.
        assert!(got.contains(&("credentials.password-missing", "registry[1].password")), "{got:?}");
    }

    #[test]
    fn duplicate_hosts_keep_the_first() {
        let f = Form { registries: vec![reg("a.example"), reg("a.example")], ..Form::default() };
        let mut d = Vec::new();
        let c = check(&f, &mut d);
        assert!(c.hosts[0].is_some() && c.hosts[1].is_none());
        assert!(d.iter().any(|d| d.code == "host.duplicate" && d.field.as_str() == "registry[1].host"));
    }

    #[test]
    fn mirrors_are_parsed_and_deduplicated() {
        let mut f = Form::default();
        let m = |u: &str| Mirror { url: u.into(), ..Mirror::default() };
        f.registries = vec![Registry {
            mirrors: vec![
                m("https://m.example/"),
                m("https://m.example"),
                m("m.example"),
                m("HTTPS://M.Example"),
                m("https://m.example/P"),
                m("https://m.example/p"),
            ],
            ..reg("docker.io")
        }];
        let mut d = Vec::new();
        let c = check(&f, &mut d);
        assert!(c.mirrors[0][0].is_some() && c.mirrors[0][1].is_none() && c.mirrors[0][2].is_none());
        let codes: Vec<_> = d.iter().map(|d| (d.code, d.field.as_str())).collect();
        assert!(codes.contains(&("mirror.duplicate", "registry[0].mirror[1].url")));
        assert!(codes.contains(&("mirror.url-malformed", "registry[0].mirror[2].url")));
        // Scheme and host are case-insensitive, the path is not.
        assert!(codes.contains(&("mirror.duplicate", "registry[0].mirror[3].url")));
        assert!(c.mirrors[0][3].is_none());
        let kept: Vec<_> = c.mirrors[0].iter().flatten().map(Endpoint::url).collect();
        assert_eq!(kept, ["https://m.example", "https://m.example/P", "https://m.example/p"]);
    }

    #[test]
    fn unbracketed_ipv6_and_overlong_hosts_get_their_own_messages() {
        let m = Mirror { url: "https://fe80::1/v2/p".into(), ..Mirror::default() };
        let f = Form {
            registries: vec![
                reg("fe80::1"),
                Registry { mirrors: vec![m], ..reg("docker.io") },
                reg(&vec!["a".repeat(60); 6].join(".")),
            ],
            ..Form::default()
        };
        let mut d = Vec::new();
        let c = check(&f, &mut d);
        assert!(c.hosts[0].is_none() && c.hosts[2].is_none() && c.mirrors[1][0].is_none());
        let at = |field: &str| d.iter().find(|d| d.field.as_str() == field).expect(field);
        let host = at("registry[0].host");
        assert_eq!(host.code, "host.malformed");
        assert!(host.message.contains("brackets"), "{}", host.message);
        assert!(host.fix.contains("[fe80::1]:5000"), "{}", host.fix);
        let url = at("registry[1].mirror[0].url");
        assert_eq!(url.code, "mirror.url-malformed");
        assert!(url.message.contains("brackets"), "{}", url.message);
        assert!(url.fix.contains("https://[fe80::1]/v2/p"), "{}", url.fix);
        let long = at("registry[2].host");
        assert!(long.message.contains("365 characters") && long.message.contains("253"), "{}", long.message);
        assert!(!long.message.contains("character no host name can have"));
    }

    #[test]
    fn huge_pasted_values_are_quoted_clipped() {
        let huge = "a".repeat(200_000);
        let m = Mirror { url: format!("https://{huge}"), capabilities: vec![huge.clone()], ..Mirror::default() };
        let f = Form {
            containerd: huge.clone(),
            config_path: huge.clone(),
            registries: vec![
                reg(&huge),
                reg(&"::".repeat(100_000)),
                Registry { mirrors: vec![m], ca_file: huge.clone(), ..reg("docker.io") },
            ],
            ..Form::default()
        };
        let mut d = Vec::new();
        check(&f, &mut d);
        assert!(d.len() >= 6, "{d:?}");
        for diag in &d {
            assert!(diag.message.len() + diag.fix.len() < 1000, "{}: {} / {}", diag.code, diag.message, diag.fix);
        }
        let host = d.iter().find(|d| d.field.as_str() == "registry[0].host").expect("host diagnostic");
        assert!(host.message.contains("200000 characters"), "{}", host.message);
        assert!(host.message.contains(&format!("\"{}…\"", "a".repeat(60))), "{}", host.message);
    }

    #[test]
    fn a_pasted_url_as_host_says_what_to_write_and_which_protocol() {
        let http = |scheme| Registry { scheme, ..reg("http://10.50.1.104:5000") };
        let f = Form {
            registries: vec![
                http(Scheme::Https),
                http(Scheme::Http),
                reg("https://harbor.example.net/"),
                reg("harbor.example.net/library"),
            ],
            ..Form::default()
        };
        let mut d = Vec::new();
        check(&f, &mut d);
        let fix = |i: usize| &d.iter().find(|d| d.field.as_str() == format!("registry[{i}].host")).expect("host").fix;
        assert!(fix(0).contains(": 10.50.1.104:5000") && fix(0).contains("set Protocol to HTTP"), "{}", fix(0));
        assert!(fix(1).contains("already HTTP") && !fix(1).contains("set Protocol"), "{}", fix(1));
        assert!(fix(2).contains(": harbor.example.net;") && fix(2).contains("default Protocol"), "{}", fix(2));
        assert!(fix(3).contains(": harbor.example.net.") && fix(3).contains("image reference"), "{}", fix(3));
    }

    #[test]
    fn docker_hub_under_another_name_is_pointed_at_docker_io() {
        let f = Form {
            registries: vec![
                reg("index.docker.io"),
                reg("registry-1.docker.io"),
                reg("docker.io"),
                reg("index.docker.io:5000"),
            ],
            ..Form::default()
        };
        let mut d = Vec::new();
        check(&f, &mut d);
        let got: Vec<_> = d.iter().map(|d| (d.code, d.field.as_str(), d.severity)).collect();
        use crate::diagnostic::Severity;
        assert_eq!(
            got,
            [
                ("host.docker-hub-alias", "registry[0].host", Severity::Error),
                ("host.docker-hub-alias", "registry[1].host", Severity::Warning),
            ]
        );
        assert!(d.iter().all(|d| d.fix.contains("Use docker.io")));
    }

    #[test]
    fn the_default_port_spelled_out_names_both_spellings() {
        let f = Form {
            registries: vec![
                reg("harbor.example.net:443"),
                Registry { scheme: Scheme::Http, ..reg("10.50.1.104:80") },
                reg("a.example.net:8443"),
                Registry { scheme: Scheme::Http, ..reg("b.example.net:443") },
                reg("c.example.net:80"),
            ],
            ..Form::default()
        };
        let mut d = Vec::new();
        check(&f, &mut d);
        let ports: Vec<_> = d.iter().filter(|d| d.code == "host.default-port").collect();
        assert_eq!(
            ports.iter().map(|d| d.field.as_str()).collect::<Vec<_>>(),
            ["registry[0].host", "registry[1].host"]
        );
        let h = ports[0];
        assert!(
            h.message.contains("certs.d/harbor.example.net:443/") && h.message.contains("certs.d/harbor.example.net/"),
            "{}",
            h.message
        );
        assert!(h.fix.contains("harbor.example.net if they leave the port out"), "{}", h.fix);
        assert!(ports[1].message.contains("port 80"), "{}", ports[1].message);
    }

    #[test]
    fn a_certs_d_directory_name_as_registry_host_names_the_registry() {
        let f = Form { registries: vec![reg("10.50.1.104_5000_"), reg("my_registry.example")], ..Form::default() };
        let mut d = Vec::new();
        let c = check(&f, &mut d);
        assert!(c.hosts[0].is_none() && c.hosts[1].is_none());
        assert_eq!(d.iter().map(|d| d.code).collect::<Vec<_>>(), ["host.underscore", "host.underscore"]);
        assert!(d[0].fix.contains("10.50.1.104:5000"), "{}", d[0].fix);
        assert!(d[1].fix.contains("no `_`"), "{}", d[1].fix);
    }

    #[test]
    fn a_mirror_without_resolve_is_a_warning() {
        let mut f = Form::default();
        f.registries.push(Registry {
            host: "docker.io".into(),
            mirrors: vec![Mirror {
                url: "https://m.example.net".into(),
                capabilities: vec!["pull".into()],
                ..Mirror::default()
            }],
            ..Registry::default()
        });
        let mut d = Vec::new();
        check(&f, &mut d);
        let w = d.iter().find(|d| d.code == "mirror.capabilities-no-resolve").expect("warned");
        assert_eq!(w.field.as_str(), "registry[0].mirror[0].capabilities");
        f.registries[0].mirrors[0].capabilities.push("resolve".into());
        let mut d = Vec::new();
        check(&f, &mut d);
        assert!(d.iter().all(|d| d.code != "mirror.capabilities-no-resolve"));
    }

    #[test]
    fn unknown_capabilities_are_dropped() {
        let f = Form {
            registries: vec![Registry {
                mirrors: vec![Mirror {
                    url: "https://m.example".into(),
                    capabilities: vec!["Pull".into(), "fetch".into(), "pull".into()],
                    ..Mirror::default()
                }],
                ..reg("docker.io")
            }],
            ..Form::default()
        };
        let mut d = Vec::new();
        let c = check(&f, &mut d);
        assert_eq!(c.form.registries[0].mirrors[0].capabilities, vec!["pull".to_owned()]);
        assert_eq!(d[0].field.as_str(), "registry[0].mirror[0].capabilities[1]");
    }

    #[test]
    fn config_path_rules() {
        let f = |p: &str| Form { config_path: p.into(), ..Form::default() };
        assert!(codes(&f("/a:/b")).contains(&"config_path.list"));
        assert!(codes(&f("/etc/containerd/certs.d, /etc/docker/certs.d")).contains(&"config_path.list"));
        let mut d = Vec::new();
        assert_eq!(
            check(&f("/etc/containerd/certs.d, /etc/docker/certs.d"), &mut d).config_path,
            "/etc/containerd/certs.d"
        );
        assert!(d[0].message.contains("comma-separated"), "{}", d[0].message);
        assert!(codes(&f("certs.d")).contains(&"config_path.relative"));
        assert!(codes(&f("/etc/../../x")).contains(&"config_path.parent"));
        let mut d = Vec::new();
        assert_eq!(check(&f("/srv/certs.d/:/b"), &mut d).config_path, "/srv/certs.d");
        assert!(codes(&f("/srv/certs.d")).is_empty());
    }

    #[test]
    fn styles_follow_the_target() {
        let s = |v: &str, legacy: bool| {
            let mut d = Vec::new();
            check(&Form { containerd: v.into(), legacy_config: legacy, ..Form::default() }, &mut d).style
        };
        assert_eq!(s("1.2", false), Style::V1Mirrors);
        assert_eq!(s("1.4", false), Style::Inline);
        assert_eq!(s("1.6", false), Style::HostsToml);
        assert_eq!(s("1.6", true), Style::Inline);
        assert_eq!(s("2.1", true), Style::HostsToml);
    }
}
