//! The `kubernetes.io/dockerconfigjson` Secret, byte for byte as
//! `kubectl create secret docker-registry ... --dry-run=client -o yaml` writes it.
//!
//! kubectl marshals `{"auths":{SERVER:{username,password,email,auth}}}` with Go's
//! `encoding/json`: compact, map keys sorted, every field `omitempty` (so an empty
//! email disappears), `auth` the standard padded base64 of `user:pass`, and strings
//! escaped the Go way: `<`, `>`, `&` as `\u003c`, `\u003e`, `\u0026` and U+2028 / U+2029
//! as `\u2028` / `\u2029` (serde_json leaves all five as they are, so [`GoFormatter`]
//! adds them). Control characters are escaped alike by both (`\n`, `\t`, `\b`, `\f`,
//! `\r`, else `\u00XX`, lowercase). Go writes invalid UTF-8 as `\ufffd`; a Rust `&str`
//! cannot hold it, and the CLI refuses such input rather than corrupt a password.
//!
//! kubectl 1.37 no longer prints `metadata.creationTimestamp: null`; neither do we.

use std::collections::BTreeMap;
use std::io;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::Serialize as _;
use serde_yaml::{Mapping, Value};

use crate::host::{Host, HostKind};

/// The Secret `type` kubectl gives docker-registry Secrets.
pub const SECRET_TYPE: &str = "kubernetes.io/dockerconfigjson";
/// The one data key of such a Secret.
pub const DATA_KEY: &str = ".dockerconfigjson";
/// Docker Hub's key in a docker config, and kubectl's `--docker-server` default.
pub const DOCKER_HUB_KEY: &str = "https://index.docker.io/v1/";

/// One registry's credentials in `auths`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthEntry {
    /// User name (`robot$ci`).
    pub username: String,
    /// Password or token.
    pub password: String,
    /// As `--docker-email`; left out when empty.
    pub email: String,
}

/// The `auth` field: standard padded base64 of `username:password`.
pub fn auth_field(username: &str, password: &str) -> String {
    let mut plain = String::with_capacity(username.len() + password.len() + 1);
    plain.push_str(username);
    plain.push(':');
    plain.push_str(password);
    STANDARD.encode(plain.as_bytes())
}

/// Why a user name cannot travel in `auth`, or `None` when it can. `auth` is the base64
/// of `user:password`, and its readers split it at the first `:` (the kubelet's
/// `decodeDockerConfigFieldAuth`, containerd's CRI plugin), so a user name with a colon
/// arrives cut short at it, the rest glued to the password; RFC 7617 allows no colon in
/// a user-id. One wording for every place that checks it: the form's
/// `registry[].username`, `pullfix secret --docker-username` and Kubespray's `auth`.
pub fn username_breaks_auth(username: &str) -> Option<String> {
    let (user, _) = username.split_once(':')?;
    Some(format!(
        "the user name contains a colon, and `auth` (the base64 of user:password) is split at the first colon (by the kubelet and by containerd), so the registry is sent the user name {} and a wrong password (RFC 7617 allows no colon in a user name)",
        crate::diagnostic::quoted(user)
    ))
}

/// The fix for [`username_breaks_auth`].
pub const USERNAME_COLON_FIX: &str =
    "Use the account's user name without a colon, as the registry's UI shows it (Harbor robot accounts look like robot$ci).";

/// The `.dockerconfigjson` text kubectl would write for these `auths` (keys sorted by
/// bytes, as Go sorts map keys).
pub fn docker_config_json(auths: &BTreeMap<String, AuthEntry>) -> String {
    let sorted: Vec<(&str, &AuthEntry)> = auths.iter().map(|(k, e)| (k.as_str(), e)).collect();
    docker_config_json_sorted(&sorted)
}

/// [`docker_config_json`] for entries already sorted by key and without repeated keys
/// (as a `BTreeMap` iterates them).
pub(crate) fn docker_config_json_sorted(auths: &[(&str, &AuthEntry)]) -> String {
    // A `serde_yaml::Value` (its map keeps insertion order) rather than derived structs:
    // serde_json then writes one document type for the Secret and the patches, which
    // keeps the web page's wasm smaller. Fields in the order and with the `omitempty` of
    // kubectl's `DockerConfigEntry`: username, password, email, auth.
    let mut map = Mapping::new();
    for &(key, e) in auths {
        let auth = auth_field(&e.username, &e.password);
        let mut entry = Mapping::new();
        for (name, value) in
            [("username", e.username.as_str()), ("password", &e.password), ("email", &e.email), ("auth", &auth)]
        {
            if !value.is_empty() {
                entry.insert(Value::from(name), Value::from(value));
            }
        }
        map.insert(Value::from(key), Value::Mapping(entry));
    }
    let mut doc = Mapping::new();
    doc.insert(Value::from("auths"), Value::Mapping(map));
    to_go_json(&Value::Mapping(doc))
}

/// Serializes like Go's `json.Marshal`: compact, with Go's extra escapes.
pub fn to_go_json(value: &Value) -> String {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, GoFormatter);
    // Serializing plain structs and maps of strings into a Vec cannot fail; an empty
    // string would be the visible result if it ever did.
    if value.serialize(&mut ser).is_err() {
        return String::new();
    }
    String::from_utf8(out).unwrap_or_default()
}

/// A compact [`serde_json`] formatter that also escapes what Go's `encoding/json`
/// escapes by default: `<`, `>`, `&`, U+2028 and U+2029.
#[derive(Debug, Clone, Copy, Default)]
pub struct GoFormatter;

impl serde_json::ser::Formatter for GoFormatter {
    fn write_string_fragment<W: ?Sized + io::Write>(&mut self, writer: &mut W, fragment: &str) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            let escaped = match c {
                '<' => "\\u003c",
                '>' => "\\u003e",
                '&' => "\\u0026",
                '\u{2028}' => "\\u2028",
                '\u{2029}' => "\\u2029",
                _ => continue,
            };
            writer.write_all(&fragment.as_bytes()[start..i])?;
            writer.write_all(escaped.as_bytes())?;
            start = i + c.len_utf8();
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }
}

/// The Secret as YAML, shaped like kubectl's `-o yaml` (keys in kubectl's order:
/// apiVersion, data, kind, metadata, type). `namespace` is printed only when given, as
/// kubectl prints it only with `-n`.
pub fn secret_yaml(name: &str, namespace: Option<&str>, docker_config_json: &str) -> String {
    // A `serde_yaml::Value` rather than derived structs: serde_yaml then serializes one
    // type for every generator, which keeps the web page's wasm smaller.
    let mut data = Mapping::new();
    data.insert(DATA_KEY.into(), STANDARD.encode(docker_config_json.as_bytes()).into());
    let mut metadata = Mapping::new();
    metadata.insert("name".into(), name.into());
    if let Some(ns) = namespace {
        metadata.insert("namespace".into(), ns.into());
    }
    let mut obj = Mapping::new();
    obj.insert("apiVersion".into(), "v1".into());
    obj.insert("data".into(), Value::Mapping(data));
    obj.insert("kind".into(), "Secret".into());
    obj.insert("metadata".into(), Value::Mapping(metadata));
    obj.insert("type".into(), SECRET_TYPE.into());
    crate::yaml::to_string(&Value::Mapping(obj))
}

/// The `auths` key for a registry as images name it: `host[:port]` exactly (the kubelet
/// compares ports, so `10.50.1.104:443` and `10.50.1.104` differ), and Docker Hub's
/// historical `https://index.docker.io/v1/`. `None` for `_default`, which no image names.
pub fn key_for(host: &Host) -> Option<String> {
    match host.kind {
        HostKind::Default => None,
        HostKind::DockerHub => Some(DOCKER_HUB_KEY.to_owned()),
        _ => Some(host.reference()),
    }
}

/// The words of the equivalent `kubectl create secret docker-registry` command for one
/// registry (kubectl takes one `--docker-server` per Secret). Quote them with
/// [`crate::shell::command`].
pub fn kubectl_create_words(name: &str, namespace: Option<&str>, server: &str, entry: &AuthEntry) -> Vec<String> {
    let mut words: Vec<String> =
        ["kubectl", "create", "secret", "docker-registry", name].iter().map(|s| (*s).to_owned()).collect();
    words.push(format!("--docker-server={server}"));
    words.push(format!("--docker-username={}", entry.username));
    words.push(format!("--docker-password={}", entry.password));
    if !entry.email.is_empty() {
        words.push(format!("--docker-email={}", entry.email));
    }
    if let Some(ns) = namespace {
        words.push("-n".to_owned());
        words.push(ns.to_owned());
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(server: &str, u: &str, p: &str, e: &str) -> String {
        let auths = BTreeMap::from([(
            server.to_owned(),
            AuthEntry { username: u.into(), password: p.into(), email: e.into() },
        )]);
        docker_config_json(&auths)
    }

    #[test]
    fn compact_ordered_and_email_omitted() {
        assert_eq!(one("h", "u", "p", ""), r#"{"auths":{"h":{"username":"u","password":"p","auth":"dTpw"}}}"#);
        assert_eq!(
            one("h", "u", "p", "e"),
            r#"{"auths":{"h":{"username":"u","password":"p","email":"e","auth":"dTpw"}}}"#
        );
    }

    #[test]
    fn go_escaping() {
        // Taken from kubectl 1.37.1's output for the same arguments.
        let json = one("h<>&", "robot$ci", "p\u{2028}x\tq\u{1}\u{8}\"\\", "");
        assert_eq!(
            json,
            r#"{"auths":{"h\u003c\u003e\u0026":{"username":"robot$ci","password":"p\u2028x\tq\u0001\b\"\\","auth":"cm9ib3QkY2k6cOKAqHgJcQEIIlw="}}}"#
        );
    }

    #[test]
    fn keys_sorted_and_yaml_shape() {
        let auths = BTreeMap::from([
            ("b".to_owned(), AuthEntry { username: "u".into(), password: "p".into(), email: String::new() }),
            ("a".to_owned(), AuthEntry { username: "u".into(), password: "p".into(), email: String::new() }),
        ]);
        let json = docker_config_json(&auths);
        assert!(json.starts_with(r#"{"auths":{"a":"#), "{json}");
        let yaml = secret_yaml("regcred", Some("ns"), &one("h", "u", "p", "e"));
        assert_eq!(
            yaml,
            "apiVersion: v1\ndata:\n  .dockerconfigjson: eyJhdXRocyI6eyJoIjp7InVzZXJuYW1lIjoidSIsInBhc3N3b3JkIjoicCIsImVtYWlsIjoiZSIsImF1dGgiOiJkVHB3In19fQ==\nkind: Secret\nmetadata:\n  name: regcred\n  namespace: ns\ntype: kubernetes.io/dockerconfigjson\n"
        );
    }

    #[test]
    fn keys() {
        let k = |s: &str| key_for(&Host::parse(s).unwrap());
        assert_eq!(k("docker.io").as_deref(), Some(DOCKER_HUB_KEY));
        assert_eq!(k("10.50.1.104:5000").as_deref(), Some("10.50.1.104:5000"));
        assert_eq!(k("_default"), None);
    }
}
