//! Share links: the form in the URL fragment as `(field path, value)` pairs,
//! `#f=2&containerd=1.7&registry%5B0%5D.host=...`, without secrets. The browser's
//! `URLSearchParams` does the encoding; opening a link replays the pairs through the
//! setter the inputs use ([`crate::value::set`]), so no form parser ships in the page.
//!
//! A fragment never reaches a server, and what is secret never enters it: passwords and
//! identity tokens are left out when encoding and ignored when decoding; of a pasted CA
//! only its `CERTIFICATE` blocks go in (a private key pasted with it stays out), and a
//! host or URL goes in without `user:password@`. Client certificate and key are paths on
//! the node, not keys, so they stay; a CA's certificates are public and stay too.

use pullfix_core::{Form, Mirror, PatchTarget, Registry};

use crate::key::{Key, Kind, Loc, Scope};
use crate::value;

/// The fragment's marker and format version: `#f=2&...`. (Version 1 held base64 JSON.)
const MARK: (&str, &str) = ("f", "2");

/// Every field of `form`, in page order.
pub fn locs(form: &Form) -> Vec<Loc> {
    let mut out = Vec::new();
    let mut add = |scope: Scope, i: usize, j: usize| out.extend(Key::of(scope).map(|k| k.at(i, j)));
    add(Scope::Top, 0, 0);
    for (i, r) in form.registries.iter().enumerate() {
        add(Scope::Registry, i, 0);
        for j in 0..r.mirrors.len() {
            add(Scope::Mirror, i, j);
        }
    }
    add(Scope::Kubernetes, 0, 0);
    for i in 0..form.kubernetes.patches.len() {
        add(Scope::Patch, i, 0);
    }
    add(Scope::Rollout, 0, 0);
    out
}

/// The link's pairs for `form`: the marker, then every non-secret field that is not
/// empty or at its default. The first field of a registry, mirror or patch target is
/// always there, so that an empty one is kept too.
pub fn pairs(form: &Form) -> Vec<(String, String)> {
    let mut out = vec![(MARK.0.to_owned(), MARK.1.to_owned())];
    for loc in locs(form) {
        let v = value::get(form, loc).unwrap_or_default();
        let first = matches!(loc.key, Key::Host | Key::MirrorUrl | Key::PatchKind);
        let default =
            v.is_empty() || v == "https" && loc.key == Key::Scheme || v == "kubeadm" && loc.key == Key::Flavor;
        if loc.key.kind() != Kind::Secret && (first || !default) {
            out.push((loc.path(), shareable(loc.key, &v)));
        }
    }
    out
}

/// What of a field's value may go into a link: a CA's certificates without anything
/// else pasted with them (a private key), a host or URL without its credentials; any
/// other value as it is, unless it holds a PEM block (a key pasted into the wrong field).
fn shareable(key: Key, v: &str) -> String {
    match key {
        Key::CaPem => certificates_only(v),
        Key::Host | Key::MirrorUrl => pullfix_core::host::without_userinfo(v),
        _ if v.contains("-----BEGIN") => certificates_only(v),
        _ => v.to_owned(),
    }
}

/// The lines of `text`'s `-----BEGIN CERTIFICATE-----` ... `-----END CERTIFICATE-----`
/// blocks (a block cut off at the end included, as typed): every other block (a
/// `PRIVATE KEY`, even one without its END line) and text outside blocks is left out.
fn certificates_only(text: &str) -> String {
    let mut out = String::new();
    // Inside a block: `Some(true)` a certificate, `Some(false)` anything else.
    let mut inside: Option<bool> = None;
    for line in text.lines() {
        let l = line.trim();
        let cert = if let Some(label) = l.strip_prefix("-----BEGIN ") {
            inside = Some(label == "CERTIFICATE-----");
            inside == Some(true)
        } else if l.starts_with("-----END ") {
            let was = inside == Some(true) && l == "-----END CERTIFICATE-----";
            inside = None;
            was
        } else {
            inside == Some(true)
        };
        if cert {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Why a link's form could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkError {
    /// `f=` is not this page's format (an older link, or cut off or changed).
    Version(String),
    /// A pair that names no form field (or an item out of order).
    Field(String),
    /// A value the field's control does not offer.
    Value(String, String),
}

impl std::fmt::Display for LinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LinkError::Version(v) => write!(
                f,
                "it is not a form link of this page (f={v:?}): it was made by an older version, or cut off or changed"
            ),
            LinkError::Field(p) => write!(f, "{p:?} is not a field of the form: the link was cut off or changed"),
            LinkError::Value(p, v) => write!(f, "{v:?} is not a value of {p}: the link was cut off or changed"),
        }
    }
}

/// The form of a link's pairs: `None` when they hold no form (no `f`: `#outputs`),
/// otherwise the form without secrets, or why it could not be read.
pub fn from_pairs<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> Option<Result<Form, LinkError>> {
    let (_, version) = pairs.iter().find(|(k, _)| k.as_ref() == MARK.0)?;
    if version.as_ref() != MARK.1 {
        return Some(Err(LinkError::Version(version.as_ref().to_owned())));
    }
    let mut form = Form::default();
    Some(fill(&mut form, pairs).map(|()| form))
}

/// Sets every `(path, value)` of `pairs` but the marker and secrets, adding registries,
/// mirrors and patch targets as their first field comes.
pub fn fill<K: AsRef<str>, V: AsRef<str>>(form: &mut Form, pairs: &[(K, V)]) -> Result<(), LinkError> {
    for (path, v) in pairs {
        let (path, v) = (path.as_ref(), v.as_ref());
        if path == MARK.0 {
            continue;
        }
        let Some(loc) = Loc::parse(path).filter(|loc| make_room(form, *loc)) else {
            return Err(LinkError::Field(path.to_owned()));
        };
        // A crafted link cannot plant a password.
        if loc.key.kind() != Kind::Secret && !value::set(form, loc, v) {
            return Err(LinkError::Value(path.to_owned(), v.to_owned()));
        }
    }
    Ok(())
}

/// Adds the registry, mirror or patch target `loc` is in when it is the next one; false
/// when it is further on (links list items in order).
fn make_room(form: &mut Form, loc: Loc) -> bool {
    fn next<T: Default>(items: &mut Vec<T>, i: usize) -> bool {
        if i == items.len() {
            items.push(T::default());
        }
        i < items.len()
    }
    match loc.key.scope() {
        Scope::Registry => next::<Registry>(&mut form.registries, loc.i),
        Scope::Mirror => {
            next::<Registry>(&mut form.registries, loc.i) && next::<Mirror>(&mut form.registries[loc.i].mirrors, loc.j)
        }
        Scope::Patch => next::<PatchTarget>(&mut form.kubernetes.patches, loc.i),
        _ => true,
    }
}

/// The fragment (with its `#`) that holds `form` without its secrets.
pub fn encode(form: &Form) -> String {
    format!("#{}", crate::browser::query_string(&pairs(form)))
}

/// Reads the form from a fragment (`#f=2&...`): `None` when there is none, otherwise the
/// form without secrets, or why it could not be read.
pub fn decode(fragment: &str) -> Option<Result<Form, LinkError>> {
    from_pairs(&crate::browser::query_pairs(fragment))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::Preset;

    /// What a link keeps of `form`: everything but passwords and identity tokens.
    fn strip_secrets(form: &Form) -> Form {
        let mut form = form.clone();
        for r in &mut form.registries {
            r.password.clear();
            r.identity_token.clear();
        }
        form
    }

    fn full_form() -> Form {
        let mut f = Preset::Harbor.form();
        let r = &mut f.registries[0];
        r.password = "Harbor12345".into();
        r.identity_token = "eyJhbGciOi.token".into();
        r.ca_pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n".into();
        r.client_cert = "/etc/certs/client.cert".into();
        r.client_key = "/etc/certs/client.key".into();
        r.mirrors.push(Mirror { url: "https://m.example/v2/p?x=1&y=é".into(), ..Mirror::default() });
        r.mirrors.push(Mirror::default());
        f.registries.push(Registry {
            host: "10.50.1.104:5000".into(),
            password: "other-secret".into(),
            scheme: pullfix_core::Scheme::Http,
            ..Registry::default()
        });
        f.registries.push(Registry::default());
        f.kubernetes.email = "ops@example.net".into();
        f.kubernetes.patches.push(PatchTarget::default());
        f.flavor = pullfix_core::flavor::Flavor::Talos;
        f.rollout.daemonset = true;
        f.rollout.sync_seconds = 30;
        for (k, v) in [(Key::NodeSelector, "b=1, a="), (Key::Tolerations, "x=y:NoSchedule, *")] {
            assert!(value::set(&mut f, k.into(), v));
        }
        f
    }

    #[test]
    fn round_trip_keeps_everything_but_secrets() {
        let form = full_form();
        let back = from_pairs(&pairs(&form)).expect("has a form").expect("reads back");
        assert_eq!(back, strip_secrets(&form));
        assert_eq!(back.registries[0].username, "robot$ci");
        assert_eq!(back.registries[0].ca_pem, form.registries[0].ca_pem, "a CA is public: kept");
        assert_eq!(back.registries[0].client_key, "/etc/certs/client.key", "a path, not a key");
        assert_eq!(back.registries[0].mirrors[0].url, "https://m.example/v2/p?x=1&y=é");
        assert_eq!((back.registries.len(), back.registries[0].mirrors.len()), (3, 2), "empty items are kept");
        assert_eq!(from_pairs(&pairs(&Form::default())), Some(Ok(Form::default())));
    }

    #[test]
    fn no_secret_is_in_the_pairs() {
        let all = format!("{:?}", pairs(&full_form()));
        for secret in ["Harbor12345", "other-secret", "eyJhbGciOi.token", "password", "identity_token"] {
            assert!(!all.contains(secret), "{secret} leaked into {all}");
        }
    }

    /// A CA pasted with its key (`cat harbor.crt harbor.key`), a key alone without its END
    /// line, credentials in the host and in a mirror URL: none of them reaches the link.
    #[test]
    fn no_private_key_and_no_url_credentials_are_in_the_pairs() {
        const CERT: &str = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ4z\n-----END CERTIFICATE-----\n";
        let key = "-----BEGIN PRIVATE KEY-----\nMIIEvwIBADANBgkqhkiG9w0BAQEFAASCBKkw\n-----END PRIVATE KEY-----\n";
        let ec = "-----BEGIN EC PRIVATE KEY-----\r\nMHcCAQEEIKeyBodyOnly\r\n";
        let mut form = Preset::Harbor.form();
        let r = &mut form.registries[0];
        r.ca_pem = format!("subject=CN=Harbor CA\n{CERT}{key}{CERT}{ec}");
        r.host = "robot:Harbor12345@harbor.example.net".into();
        r.mirrors.push(Mirror { url: "https://admin:Mirror999@mirror.example.net/v2/p".into(), ..Mirror::default() });
        form.sandbox_image = key.to_owned();
        let all = format!("{:?}", pairs(&form));
        for leak in ["PRIVATE KEY", "MIIEvwIBADAN", "KeyBodyOnly", "Harbor12345", "Mirror999", "robot:", "admin:"] {
            assert!(!all.contains(leak), "{leak} leaked into {all}");
        }
        let back = from_pairs(&pairs(&form)).unwrap().unwrap();
        assert_eq!(back.registries[0].ca_pem, format!("{CERT}{CERT}"), "the certificates stay");
        assert_eq!(back.registries[0].host, "harbor.example.net");
        assert_eq!(back.registries[0].mirrors[0].url, "https://mirror.example.net/v2/p");
        // A certificate cut off at the end stays as typed (the receiver sees the same error).
        assert_eq!(certificates_only("-----BEGIN CERTIFICATE-----\nMIIB"), "-----BEGIN CERTIFICATE-----\nMIIB\n");
        // A key block opened inside an unfinished certificate ends the certificate.
        assert_eq!(
            certificates_only(&format!("-----BEGIN CERTIFICATE-----\nMIIB\n{key}")),
            "-----BEGIN CERTIFICATE-----\nMIIB\n"
        );
    }

    #[test]
    fn a_crafted_link_cannot_plant_a_password() {
        let link = [("f", "2"), ("registry[0].host", "h"), ("registry[0].password", "planted")];
        let form = from_pairs(&link).unwrap().unwrap();
        assert_eq!(form.registries[0].host, "h");
        assert!(form.registries[0].password.is_empty());
    }

    #[test]
    fn fragments_without_a_form_or_with_a_broken_one() {
        let none: [(&str, &str); 0] = [];
        assert_eq!(from_pairs(&none), None);
        assert_eq!(from_pairs(&[("docs", "")]), None);
        let err = |pairs: &[(&str, &str)]| from_pairs(pairs).expect("a form link").expect_err("broken").to_string();
        // A version 1 link (base64 JSON).
        assert!(err(&[("f", "eyJjb250YWluZXJkIjoiMS43In0")]).contains("older version"));
        assert!(err(&[("f", "2"), ("registry[0].hots", "x")]).contains("registry[0].hots"));
        assert!(err(&[("f", "2"), ("registry[1].host", "x")]).contains("registry[1].host"), "out of order");
        assert!(err(&[("f", "2"), ("registry[0].host", "h"), ("registry[0].scheme", "ftp")]).contains("ftp"));
        // Other fragment parts next to the form are not fields either.
        assert!(err(&[("x", "1"), ("f", "2")]).contains("\"x\""));
    }
}
