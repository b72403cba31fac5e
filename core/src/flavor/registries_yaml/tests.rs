//! Import and export together: what k3s reads must survive a trip through the form.

use serde_yaml::Value;

use super::{import, K3S_PATH};
use crate::diagnostic::{has_errors, Severity};
use crate::flavor::Flavor;
use crate::form::{Form, Registry};

/// registries.yaml as rendered for k3s from `form`, parsed, with the diagnostics.
fn k3s_yaml(form: &Form) -> (Value, Vec<crate::Diagnostic>) {
    let out = crate::render(&Form { flavor: Flavor::K3s, ..form.clone() });
    let f = out.files.iter().find(|f| f.path == K3S_PATH).expect("registries.yaml is rendered");
    (serde_yaml::from_str(&f.contents).expect("valid YAML"), out.diagnostics)
}

fn codes(d: &[crate::Diagnostic]) -> Vec<&'static str> {
    d.iter().map(|d| d.code).collect()
}

/// The k3s documentation's "With TLS" example (docs.k3s.io, private registry).
const K3S_DOCS_TLS: &str = r#"
mirrors:
  docker.io:
    endpoint:
      - "https://mycustomreg.com:5000"
configs:
  "mycustomreg.com:5000":
    auth:
      username: xxxxxx
      password: xxxxxx
    tls:
      cert_file: /etc/rancher/k3s/certs/client.crt
      key_file: /etc/rancher/k3s/certs/client.key
      ca_file: /etc/rancher/k3s/certs/ca.crt
"#;

#[test]
fn the_k3s_docs_tls_example_keeps_auth_ca_cert_and_key_through_the_form() {
    let (form, d) = import(K3S_DOCS_TLS);
    assert!(!has_errors(&d), "{d:?}");
    let (yaml, diags) = k3s_yaml(&form);
    assert!(!codes(&diags).contains(&"registries-yaml.config-conflict"), "{diags:?}");
    let c = &yaml["configs"]["mycustomreg.com:5000"];
    assert_eq!(c["auth"]["username"].as_str(), Some("xxxxxx"));
    assert_eq!(c["auth"]["password"].as_str(), Some("xxxxxx"));
    assert_eq!(c["tls"]["ca_file"].as_str(), Some("/etc/rancher/k3s/certs/ca.crt"));
    assert_eq!(c["tls"]["cert_file"].as_str(), Some("/etc/rancher/k3s/certs/client.crt"));
    assert_eq!(c["tls"]["key_file"].as_str(), Some("/etc/rancher/k3s/certs/client.key"));
    assert_eq!(yaml["configs"].as_mapping().map(|m| m.len()), Some(1), "{yaml:?}");
    assert_eq!(yaml["mirrors"]["docker.io"]["endpoint"][0].as_str(), Some("https://mycustomreg.com:5000"));
    // And the export imports back to the same form.
    let text = serde_yaml::to_string(&yaml).unwrap();
    let (back, d) = import(&text);
    assert!(!has_errors(&d), "{d:?}");
    assert_eq!(back.registries, form.registries);
}

#[test]
fn a_real_ca_contradiction_is_still_reported_with_a_fix_the_form_can_do() {
    let form: Form = crate::parse_form(
        r#"
        [[registry]]
        host = "docker.io"
        [[registry.mirror]]
        url = "https://harbor.example.net/v2/proxy"
        override_path = true
        ca_file = "/etc/rancher/k3s/certs/old-ca.crt"
        [[registry]]
        host = "harbor.example.net"
        ca_file = "/etc/rancher/k3s/certs/harbor-ca.crt"
        username = "robot$ci"
        password = "s3cret"
        node_auth = true
        "#,
        crate::FormFormat::Toml,
    )
    .unwrap();
    let (yaml, diags) = k3s_yaml(&form);
    let conflict: Vec<_> = diags.iter().filter(|d| d.code == "registries-yaml.config-conflict").collect();
    assert_eq!(conflict.len(), 1, "{diags:?}");
    assert_eq!(conflict[0].field.as_str(), "registry[1].ca_file");
    assert!(conflict[0].fix.contains("same ca_file on registry[0].mirror[0] and registry[1]"), "{}", conflict[0].fix);
    // The credentials are not lost with the contradicting CA.
    let c = &yaml["configs"]["harbor.example.net"];
    assert_eq!(c["tls"]["ca_file"].as_str(), Some("/etc/rancher/k3s/certs/old-ca.crt"));
    assert_eq!(c["auth"]["username"].as_str(), Some("robot$ci"));
}

#[test]
fn configs_star_is_the_default_registrys_tls_both_ways() {
    let text = "mirrors:\n  \"*\":\n    endpoint: [\"https://cache.internal:5000\"]\n  docker.io:\n    endpoint: [\"https://mirror.example.net\"]\nconfigs:\n  \"*\":\n    tls:\n      insecure_skip_verify: true\n";
    let (form, d) = import(text);
    let default = form.registries.iter().find(|r| r.host == "_default").unwrap();
    assert!(default.skip_verify);
    assert!(default.mirrors.iter().all(|m| !m.skip_verify), "k3s gives mirror endpoints only their own host's config");
    let star: Vec<_> = d.iter().filter(|d| d.code == "registries-yaml.catch-all").collect();
    assert_eq!(star.len(), 1, "{d:?}");
    assert_eq!(star[0].severity, Severity::Warning);
    assert_eq!(star[0].field.as_str(), "configs.\"*\"");
    // docker.io (its own mirrors entry) and the two mirror hosts have no config of their own.
    assert!(
        star[0]
            .message
            .contains("hosts without an entry of their own: cache.internal:5000, docker.io, mirror.example.net;"),
        "{}",
        star[0].message
    );
    let (yaml, _) = k3s_yaml(&form);
    assert_eq!(yaml["configs"]["*"]["tls"]["insecure_skip_verify"].as_bool(), Some(true));
    assert!(yaml["configs"]["docker.io"].is_null());
    let (back, _) = import(&serde_yaml::to_string(&yaml).unwrap());
    assert_eq!(back.registries, form.registries);

    // Every host listed has its own entry: said, nothing lost.
    let (_, d) =
        import("configs:\n  \"*\":\n    tls: {ca_file: /ca.crt}\n  a.example.net:\n    tls: {ca_file: /a.crt}\n");
    let star = d.iter().find(|d| d.code == "registries-yaml.catch-all").unwrap();
    assert_eq!(star.severity, Severity::Info);
}

#[test]
fn unquoted_credentials_are_taken_as_written_like_k3s() {
    let text = "configs:\n  a.example.net:\n    auth: {username: 007, password: 1.10}\n  b.example.net:\n    auth: {username: admin, password: True}\n  c.example.net:\n    auth: {username: admin, password: 0x1F}\n    tls: {ca_file: 1e3}\n  d.example.net:\n    auth: {username: admin, password: ~}\n";
    let (form, d) = import(text);
    assert!(d.is_empty(), "{d:?}");
    let creds: Vec<(&str, &str, &str)> =
        form.registries.iter().map(|r| (r.username.as_str(), r.password.as_str(), r.ca_file.as_str())).collect();
    assert_eq!(creds, [("007", "1.10", ""), ("admin", "True", ""), ("admin", "0x1F", "1e3"), ("admin", "", "")]);
}

#[test]
fn a_non_string_that_cannot_be_recovered_is_an_error_and_left_out() {
    // `tls: []` does not fit the shape read as written, so the password's text is not
    // available: it must not become "1.1".
    let (form, d) = import("configs:\n  a.example.net:\n    auth: {username: admin, password: 1.10}\n    tls: []\n");
    let r: &Registry = &form.registries[0];
    assert_eq!((r.username.as_str(), r.password.as_str()), ("admin", ""));
    let e = d.iter().find(|d| d.code == "registries-yaml.not-a-string").expect("reported");
    assert_eq!(e.severity, Severity::Error);
    assert_eq!(e.field.as_str(), "configs.\"a.example.net\".auth.password");
    assert!(e.message.contains("the number 1.1") && e.fix.contains("Quote"), "{e:?}");
}

#[test]
fn a_mirrors_client_certificate_without_credentials_is_kept_on_its_hosts_entry() {
    let text = "mirrors:\n  docker.io:\n    endpoint: [\"https://m.example\"]\nconfigs:\n  m.example:\n    tls: {ca_file: /ca.crt, cert_file: /c.crt, key_file: /c.key}\n";
    let (form, d) = import(text);
    assert_eq!(codes(&d), ["registries-yaml.mirror-client-cert"]);
    let own = form.registries.iter().find(|r| r.host == "m.example").expect("an entry for the mirror's host");
    assert_eq!(
        (own.client_cert.as_str(), own.client_key.as_str(), own.ca_file.as_str()),
        ("/c.crt", "/c.key", "/ca.crt")
    );
    let (yaml, _) = k3s_yaml(&form);
    let tls = &yaml["configs"]["m.example"]["tls"];
    assert_eq!(tls["cert_file"].as_str(), Some("/c.crt"));
    assert_eq!(tls["key_file"].as_str(), Some("/c.key"));
    assert_eq!(tls["ca_file"].as_str(), Some("/ca.crt"));
    // What the note says: hosts.toml flavours give the mirror the same pair.
    let kubeadm = Form { flavor: crate::flavor::Flavor::Kubeadm, ..form.clone() };
    let out = crate::render(&kubeadm);
    let hub = out.files.iter().find(|f| f.path == "etc/containerd/certs.d/docker.io/hosts.toml").expect("docker.io");
    let doc: toml_edit::DocumentMut = hub.contents.parse().unwrap();
    let client = doc["host"]["https://m.example"]["client"].as_array().expect("the client pair").to_string();
    assert!(client.contains("/c.crt") && client.contains("/c.key"), "{}", hub.contents);
}
