//! Share links: the form in the URL fragment (`#f=` + base64url of its JSON), without
//! secrets. A fragment never reaches a server, and what is secret never enters it:
//! passwords and identity tokens are removed before encoding, and again after decoding.
//! Client certificate and key are paths on the node, not keys, so they stay; a CA is
//! public and stays too.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use pullfix_core::Form;

/// The fragment's key: `#f=...`.
const KEY: &str = "f=";

/// The form without anything secret.
pub fn strip_secrets(form: &Form) -> Form {
    let mut form = form.clone();
    for r in &mut form.registries {
        r.password.clear();
        r.identity_token.clear();
    }
    form
}

/// The fragment (with its `#`) that holds `form` without its secrets.
pub fn encode(form: &Form) -> String {
    // Serializing plain data with String keys cannot fail.
    let json = serde_json::to_vec(&strip_secrets(form)).unwrap_or_default();
    format!("#{KEY}{}", URL_SAFE_NO_PAD.encode(json))
}

/// Why a fragment's form could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// Not base64url.
    Base64,
    /// Not a form (the parser's message names the field).
    Json(String),
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::Base64 => f.write_str("the link is cut off or was changed (not base64url)"),
            DecodeError::Json(e) => write!(f, "{e}"),
        }
    }
}

/// Reads the form from a fragment (`#f=...` or `f=...`): `None` when there is none,
/// otherwise the form without secrets, or why it could not be read.
pub fn decode(fragment: &str) -> Option<Result<Form, DecodeError>> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    let data = fragment.split('&').find_map(|part| part.strip_prefix(KEY))?;
    // Tolerate padding that something on the way may have added.
    let Ok(bytes) = URL_SAFE_NO_PAD.decode(data.trim_end_matches('=')) else {
        return Some(Err(DecodeError::Base64));
    };
    Some(
        serde_json::from_slice::<Form>(&bytes).map(|f| strip_secrets(&f)).map_err(|e| DecodeError::Json(e.to_string())),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::Preset;
    use base64::engine::general_purpose::URL_SAFE;
    use pullfix_core::{Mirror, Registry};

    fn full_form() -> Form {
        let mut f = Preset::Harbor.form();
        let r = &mut f.registries[0];
        r.password = "Harbor12345".into();
        r.identity_token = "eyJhbGciOi.token".into();
        r.ca_pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n".into();
        r.client_cert = "/etc/certs/client.cert".into();
        r.client_key = "/etc/certs/client.key".into();
        r.mirrors.push(Mirror { url: "https://m.example/v2/p?x=1&y=é".into(), ..Mirror::default() });
        f.registries.push(Registry {
            host: "10.50.1.104:5000".into(),
            password: "other-secret".into(),
            ..Registry::default()
        });
        f.kubernetes.email = "ops@example.net".into();
        f
    }

    #[test]
    fn round_trip_keeps_everything_but_secrets() {
        let form = full_form();
        let link = encode(&form);
        assert!(link.starts_with("#f="));
        assert!(link[3..].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{link}");
        let back = decode(&link).expect("has a form").expect("reads back");
        assert_eq!(back, strip_secrets(&form));
        assert_eq!(back.registries[0].username, "robot$ci");
        assert_eq!(back.registries[0].ca_pem, form.registries[0].ca_pem, "a CA is public: kept");
        assert_eq!(back.registries[0].client_key, "/etc/certs/client.key", "a path, not a key");
        assert_eq!(back.registries[0].mirrors[0].url, "https://m.example/v2/p?x=1&y=é");
    }

    #[test]
    fn no_secret_is_in_the_link_in_any_spelling() {
        let link = encode(&full_form());
        let json = String::from_utf8(URL_SAFE_NO_PAD.decode(&link[3..]).unwrap()).unwrap();
        for secret in ["Harbor12345", "other-secret", "eyJhbGciOi.token"] {
            assert!(!json.contains(secret), "{secret} leaked into {json}");
        }
        assert!(!json.contains("password") && !json.contains("identity_token"), "{json}");
    }

    #[test]
    fn strip_removes_only_secrets() {
        let form = full_form();
        let s = strip_secrets(&form);
        for r in &s.registries {
            assert!(r.password.is_empty() && r.identity_token.is_empty());
        }
        let mut put_back = s.clone();
        put_back.registries[0].password = form.registries[0].password.clone();
        put_back.registries[0].identity_token = form.registries[0].identity_token.clone();
        put_back.registries[1].password = form.registries[1].password.clone();
        assert_eq!(put_back, form);
    }

    #[test]
    fn a_crafted_link_cannot_plant_a_password() {
        let json = r#"{"containerd":"1.7","registry":[{"host":"h","password":"planted"}]}"#;
        let link = format!("#f={}", URL_SAFE_NO_PAD.encode(json));
        let form = decode(&link).unwrap().unwrap();
        assert_eq!(form.registries[0].host, "h");
        assert!(form.registries[0].password.is_empty());
    }

    #[test]
    fn fragments_without_a_form_or_with_a_broken_one() {
        assert_eq!(decode(""), None);
        assert_eq!(decode("#docs"), None);
        assert_eq!(decode("#f=***"), Some(Err(DecodeError::Base64)));
        let not_a_form = format!("#f={}", URL_SAFE_NO_PAD.encode(r#"{"registries":[]}"#));
        match decode(&not_a_form) {
            Some(Err(DecodeError::Json(e))) => assert!(e.contains("registries"), "{e}"),
            other => panic!("{other:?}"),
        }
        // Padded, and among other fragment parts.
        let padded = format!("#x=1&f={}", URL_SAFE.encode(r#"{"containerd":"2.1"}"#));
        assert_eq!(decode(&padded).unwrap().unwrap().containerd, "2.1");
    }
}
