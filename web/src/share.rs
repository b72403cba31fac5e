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

/// What opening a link found besides its form, shown in a banner in the page's language
/// ([`LinkNote::text`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkNote {
    /// `f=` is no format this page reads (an older link, or cut off or changed): the
    /// form is not loaded.
    Unreadable(String),
    /// `f=` is a newer format than this page's (a link from a newer pullfix opened in an
    /// older copy of the page): the form is not loaded.
    Newer(String),
    /// The form was loaded without these pairs (`key` or `key=value`): keys that name
    /// no field of this page or an item out of order (a newer page's field), and values
    /// that the field's control does not offer.
    Ignored(Vec<String>),
}

/// How many ignored pairs a banner lists (a crafted link may hold thousands).
const LISTED: usize = 8;

impl LinkNote {
    /// The banner's text in the page's language.
    pub fn text(&self, t: &crate::i18n::Text) -> String {
        use crate::i18n::fill;
        match self {
            LinkNote::Unreadable(v) => fill(t.share_load_failed, "error", &fill(t.link_unreadable, "v", &short(v))),
            LinkNote::Newer(v) => fill(t.link_newer, "v", &short(v)),
            LinkNote::Ignored(items) => {
                let mut list: Vec<String> = items.iter().take(LISTED).map(|i| short(i)).collect();
                if items.len() > LISTED {
                    list.push(format!("… (+{})", items.len() - LISTED));
                }
                fill(t.link_ignored, "items", &list.join(", "))
            }
        }
    }
}

/// `text` cut to 60 characters (a value in a banner).
fn short(text: &str) -> String {
    match text.char_indices().nth(60) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// A link's form, and what of it the form could not take.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Opened {
    /// The form, without secrets.
    pub form: Form,
    /// The pairs left out ([`LinkNote::Ignored`]).
    pub ignored: Vec<String>,
    /// The values the form holds differently (a list written out otherwise, `-5` seconds
    /// read as the default): shown as in the link, with their errors beside the field
    /// ([`crate::state::State::raw`]).
    pub typed: Vec<(Loc, String)>,
}

/// The form of a link's pairs: `None` when they hold no form (no `f`: `#outputs`),
/// otherwise the form without secrets, or why it was not loaded.
pub fn from_pairs<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> Option<Result<Opened, LinkNote>> {
    let (_, version) = pairs.iter().find(|(k, _)| k.as_ref() == MARK.0)?;
    let version = version.as_ref();
    if version != MARK.1 {
        let newer = version.parse::<u32>().is_ok_and(|v| v > 2);
        let v = version.to_owned();
        return Some(Err(if newer { LinkNote::Newer(v) } else { LinkNote::Unreadable(v) }));
    }
    let mut opened = Opened::default();
    fill(&mut opened, pairs);
    Some(Ok(opened))
}

/// Sets every `(path, value)` of `pairs` but the marker and secrets, adding registries,
/// mirrors and patch targets as their first field comes; notes what it left out and
/// what the form holds differently.
pub fn fill<K: AsRef<str>, V: AsRef<str>>(opened: &mut Opened, pairs: &[(K, V)]) {
    let form = &mut opened.form;
    for (path, v) in pairs {
        let (path, v) = (path.as_ref(), v.as_ref());
        if path == MARK.0 {
            continue;
        }
        let Some(loc) = Loc::parse(path).filter(|loc| make_room(form, *loc)) else {
            opened.ignored.push(path.to_owned());
            continue;
        };
        // A crafted link cannot plant a password.
        if loc.key.kind() == Kind::Secret {
            continue;
        }
        if !value::set(form, loc, v) {
            opened.ignored.push(format!("{path}={v}"));
        } else if value::get(form, loc).as_deref() != Some(v) {
            opened.typed.push((loc, v.to_owned()));
        }
    }
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
/// form without secrets, or why it was not loaded.
pub fn decode(fragment: &str) -> Option<Result<Opened, LinkNote>> {
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
        let opened = from_pairs(&pairs(&form)).expect("has a form").expect("reads back");
        assert_eq!((opened.ignored, opened.typed), (vec![], vec![]));
        let back = opened.form;
        assert_eq!(back, strip_secrets(&form));
        assert_eq!(back.registries[0].username, "robot$ci");
        assert_eq!(back.registries[0].ca_pem, form.registries[0].ca_pem, "a CA is public: kept");
        assert_eq!(back.registries[0].client_key, "/etc/certs/client.key", "a path, not a key");
        assert_eq!(back.registries[0].mirrors[0].url, "https://m.example/v2/p?x=1&y=é");
        assert_eq!((back.registries.len(), back.registries[0].mirrors.len()), (3, 2), "empty items are kept");
        assert_eq!(from_pairs(&pairs(&Form::default())), Some(Ok(Opened::default())));
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
        let back = from_pairs(&pairs(&form)).unwrap().unwrap().form;
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
        let opened = from_pairs(&link).unwrap().unwrap();
        assert!(opened.ignored.is_empty(), "{opened:?}");
        let form = opened.form;
        assert_eq!(form.registries[0].host, "h");
        assert!(form.registries[0].password.is_empty());
    }

    #[test]
    fn fragments_without_a_form_or_with_another_format() {
        let none: [(&str, &str); 0] = [];
        assert_eq!(from_pairs(&none), None);
        assert_eq!(from_pairs(&[("docs", "")]), None);
        let note = |pairs: &[(&str, &str)]| from_pairs(pairs).expect("a form link").expect_err("not loaded");
        // A version 1 link (base64 JSON), a cut-off marker.
        assert_eq!(
            note(&[("f", "eyJjb250YWluZXJkIjoiMS43In0")]),
            LinkNote::Unreadable("eyJjb250YWluZXJkIjoiMS43In0".into())
        );
        assert_eq!(note(&[("f", "1")]), LinkNote::Unreadable("1".into()));
        // Review 12 S1: the next format is a newer pullfix's, not an older one's.
        assert_eq!(note(&[("f", "3"), ("containerd", "1.7.24")]), LinkNote::Newer("3".into()));
        for lang in [crate::i18n::Lang::En, crate::i18n::Lang::Zh] {
            let t = lang.text();
            let newer = LinkNote::Newer("3".into()).text(t);
            assert!(newer.contains("f=3") && !newer.contains("older") && !newer.contains("旧版本"), "{newer}");
            let old = LinkNote::Unreadable("1".into()).text(t);
            assert!(old.contains("f=1") && !old.contains("{"), "{old}");
        }
        assert!(LinkNote::Newer("3".into()).text(crate::i18n::Lang::En.text()).contains("newer version of pullfix"));
        assert!(LinkNote::Newer("3".into()).text(crate::i18n::Lang::Zh.text()).contains("较新版本"));
    }

    /// Review 12 S1: a newer page's link (a field this page does not know, a value its
    /// control does not offer, an item out of order) loads every field this page knows
    /// and lists the rest; a value the form reads differently stays as in the link.
    #[test]
    fn a_link_with_unknown_parts_loads_the_rest_and_lists_them() {
        let link = [
            ("f", "2"),
            ("containerd", "1.7.24"),
            ("theme", "dark"),
            ("registry[0].host", "harbor.example.net"),
            ("registry[0].dial_timeout", "5s"),
            ("registry[0].scheme", "ftp"),
            ("registry[0].username", "admin"),
            ("registry[2].host", "skipped.example"),
            ("rollout.sync_seconds", "-5"),
            ("kubernetes.namespaces", "a,b"),
        ];
        let opened = from_pairs(&link).expect("a form link").expect("loaded");
        let f = &opened.form;
        assert_eq!((f.containerd.as_str(), f.registries.len()), ("1.7.24", 1));
        let r = &f.registries[0];
        assert_eq!(
            (r.host.as_str(), r.username.as_str(), r.scheme),
            ("harbor.example.net", "admin", pullfix_core::Scheme::Https)
        );
        assert_eq!(f.kubernetes.namespaces, ["a", "b"]);
        assert_eq!(opened.ignored, ["theme", "registry[0].dial_timeout", "registry[0].scheme=ftp", "registry[2].host"]);
        assert_eq!(
            opened.typed,
            [(Key::SyncSeconds.into(), "-5".to_owned()), (Key::Namespaces.into(), "a,b".to_owned())]
        );
        for lang in [crate::i18n::Lang::En, crate::i18n::Lang::Zh] {
            let text = LinkNote::Ignored(opened.ignored.clone()).text(lang.text());
            assert!(
                text.contains("theme, registry[0].dial_timeout, registry[0].scheme=ftp, registry[2].host"),
                "{text}"
            );
        }
        // A crafted link with thousands of unknown keys lists a few.
        let many: Vec<String> = (0..1000).map(|i| format!("k{i}")).collect();
        let text = LinkNote::Ignored(many).text(crate::i18n::Lang::En.text());
        assert!(text.ends_with("k7, … (+992)") && text.len() < 400, "{text}");
        assert!(short(&"x".repeat(1000)).chars().count() == 61);
    }
}
