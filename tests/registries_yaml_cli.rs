//! `pullfix import-registries-yaml` and `generate --flavor k3s` run as programs: what a
//! k3s registries.yaml says survives import and export, and errors still print the form.

use std::path::Path;
use std::process::{Command, Output};

use pullfix_core::{parse_form, Form, FormFormat};
use serde_yaml::Value;

const BIN: &str = env!("CARGO_BIN_EXE_pullfix");
const FIXTURES: &str = "tests/fixtures/registries-yaml";

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().expect("pullfix runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `import-registries-yaml FIXTURE`: the exit code, the printed form (parsed back) and stderr.
fn import(name: &str) -> (Option<i32>, Form, String) {
    let path = Path::new(FIXTURES).join(name);
    let out = run(&["import-registries-yaml", path.to_str().unwrap()]);
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    let form = parse_form(&text, FormFormat::Toml).unwrap_or_else(|e| panic!("{e:?}\n{text}\n{}", stderr(&out)));
    (out.status.code(), form, stderr(&out))
}

/// `generate --format json --flavor k3s` on a form file: registries.yaml parsed, and stderr.
fn k3s_registries_yaml(form_file: &Path) -> (Value, String) {
    let out = run(&["generate", "--format", "json", "--flavor", "k3s", "--form", form_file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let file = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "etc/rancher/k3s/registries.yaml")
        .expect("registries.yaml rendered");
    (serde_yaml::from_str(file["contents"].as_str().unwrap()).unwrap(), stderr(&out))
}

/// Writes `form` as the operator saves it after the import's note: with the nodes'
/// containerd version set (the import leaves it empty; k3s 1.31+ ships 2.x).
fn write_form(dir: &Path, form: &Form) -> std::path::PathBuf {
    let path = dir.join("form.toml");
    let form = Form { containerd: "2.0".into(), ..form.clone() };
    std::fs::write(&path, pullfix_core::form_io::write_form(&form, FormFormat::Toml)).unwrap();
    path
}

#[test]
fn k3s_docs_tls_example_keeps_auth_ca_cert_and_key_through_import_and_export() {
    let (code, form, err) = import("k3s-docs-tls-auth.yaml");
    assert_eq!(code, Some(0), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let (yaml, err) = k3s_registries_yaml(&write_form(dir.path(), &form));
    assert!(!err.contains("one TLS and auth entry per host"), "no conflict reported: {err}");
    let c = &yaml["configs"]["registry.example.com:5000"];
    assert_eq!(c["auth"]["username"].as_str(), Some("xxxxxx"), "{yaml:?}");
    assert_eq!(c["auth"]["password"].as_str(), Some("xxxxxx"));
    assert_eq!(c["tls"]["ca_file"].as_str(), Some("/usr/local/share/ca-certificates/registry-ca.crt"));
    assert_eq!(c["tls"]["cert_file"].as_str(), Some("/etc/ssl/certs/registry-client.crt"));
    assert_eq!(c["tls"]["key_file"].as_str(), Some("/etc/ssl/private/registry-client.key"));
    assert_eq!(yaml["mirrors"]["docker.io"]["endpoint"][0].as_str(), Some("https://registry.example.com:5000"));
}

#[test]
fn a_ca_only_mirror_and_its_hosts_mtls_registry_export_one_whole_entry() {
    let form = Path::new(FIXTURES).join("form-mirror-ca-registry-mtls.toml");
    let (yaml, err) = k3s_registries_yaml(&form);
    assert!(!err.contains("registries.yaml has one TLS and auth entry per host"), "{err}");
    let configs = yaml["configs"].as_mapping().unwrap();
    assert_eq!(configs.len(), 1, "{yaml:?}");
    let c = &yaml["configs"]["harbor.example.net"];
    assert_eq!(c["auth"]["username"].as_str(), Some("robot$ci"));
    assert_eq!(c["auth"]["password"].as_str(), Some("s3cret"));
    assert_eq!(c["tls"]["ca_file"].as_str(), Some("/etc/rancher/k3s/certs/harbor-ca.crt"));
    assert_eq!(c["tls"]["cert_file"].as_str(), Some("/etc/rancher/k3s/certs/client.crt"));
    assert_eq!(c["tls"]["key_file"].as_str(), Some("/etc/rancher/k3s/certs/client.key"));
}

#[test]
fn configs_star_goes_to_default_and_comes_back_as_configs_star() {
    let (code, form, err) = import("catch-all-rewrite-http.yaml");
    assert_eq!(code, Some(0), "{err}");
    let default = form.registries.iter().find(|r| r.host == "_default").expect("_default registry");
    assert!(default.skip_verify);
    assert!(err.contains("configs.\"*\": k3s writes configs.\"*\" as the TLS of certs.d/_default/hosts.toml"), "{err}");
    assert!(err.contains("hosts without an entry of their own: docker.io, gcr.io;"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let (yaml, _) = k3s_registries_yaml(&write_form(dir.path(), &form));
    assert_eq!(yaml["configs"]["*"]["tls"]["insecure_skip_verify"].as_bool(), Some(true), "{yaml:?}");
    assert_eq!(yaml["configs"]["cache.internal:5000"]["auth"]["identity_token"].as_str(), Some("eyJhbGciOi"));
    assert!(yaml["configs"]["cache.internal:5000"]["tls"].is_null(), "k3s gives mirrors only their own entry");
}

#[test]
fn yaml_1_1_boolean_words_are_read_as_k3s_reads_them() {
    let (code, form, err) = import("yaml11-bool-words.yaml");
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("which takes yes as true for a true/false setting"), "{err}");
    let mirror_host = form.registries.iter().find(|r| r.host == "quay-mirror.example.net:8443").unwrap();
    assert!(mirror_host.skip_verify);
    // String fields keep the words as written: `password: on` is "on", not true.
    assert_eq!((mirror_host.username.as_str(), mirror_host.password.as_str()), ("yes", "on"));
    let quay = form.registries.iter().find(|r| r.host == "quay.io").unwrap();
    assert!(quay.mirrors[0].skip_verify);
}

#[test]
fn unquoted_credentials_are_imported_as_written() {
    let (code, form, err) = import("unquoted-credentials.yaml");
    assert_eq!(code, Some(0), "{err}");
    let creds: Vec<(&str, &str, &str)> =
        form.registries.iter().map(|r| (r.host.as_str(), r.username.as_str(), r.password.as_str())).collect();
    assert_eq!(
        creds,
        [
            ("a.example.net", "admin", "0123456"),
            ("b.example.net", "admin", "1.10"),
            ("c.example.net", "admin", "True"),
            ("d.example.net", "admin", "0x1F"),
            ("e.example.net", "007", "1e3"),
            ("f.example.net", "admin", ""),
        ]
    );
}

#[test]
fn errors_print_the_form_without_what_they_leave_out_and_exit_1() {
    let (code, form, err) = import("errors-scheme-in-configs-key.yaml");
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("error: configs.\"https://quay-mirror.example.net:8443\""), "{err}");
    assert!(err.contains("the printed form leaves out what they name"), "{err}");
    let hosts: Vec<&str> = form.registries.iter().map(|r| r.host.as_str()).collect();
    assert_eq!(hosts, ["Harbor.Example.NET", "quay.io"]);
    // The repeated endpoint (trailing slash) is skipped as k3s does; the bad entry's
    // insecure_skip_verify is left out, so verification stays on.
    let mirrors: Vec<(&str, bool)> =
        form.registries[1].mirrors.iter().map(|m| (m.url.as_str(), m.skip_verify)).collect();
    assert_eq!(mirrors, [("https://quay-mirror.example.net:8443", false)]);
    assert!(err.contains("is the same endpoint as an earlier one; k3s skips it"), "{err}");

    // Not YAML: nothing to print.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("registries.yaml");
    std::fs::write(&bad, "mirrors: [").unwrap();
    let out = run(&["import-registries-yaml", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("no form was printed"), "{}", stderr(&out));
}

#[test]
fn a_default_registrys_ca_pem_is_exported_as_configs_star_with_its_file_under_rancher() {
    let pem = std::fs::read_to_string("tests/fixtures/certs/example-harbor-ca.pem").unwrap();
    let form = Form {
        registries: vec![pullfix_core::Registry {
            host: "_default".into(),
            ca_pem: pem.clone(),
            mirrors: vec![pullfix_core::Mirror { url: "https://cache.internal:5000".into(), ..Default::default() }],
            ..Default::default()
        }],
        ..Form::default()
    };
    let dir = tempfile::tempdir().unwrap();
    let form_file = write_form(dir.path(), &form);
    let (yaml, _) = k3s_registries_yaml(&form_file);
    let ca = "/etc/rancher/k3s/certs/_default/ca.crt";
    assert_eq!(yaml["configs"]["*"]["tls"]["ca_file"].as_str(), Some(ca), "{yaml:?}");
    assert!(yaml["configs"]["cache.internal:5000"].is_null());
    let out = run(&["generate", "--format", "json", "--flavor", "k3s", "--form", form_file.to_str().unwrap()]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let file = json["files"].as_array().unwrap().iter().find(|f| f["path"] == ca.trim_start_matches('/'));
    assert_eq!(file.and_then(|f| f["contents"].as_str()).map(str::trim), Some(pem.trim()));
}

// ---- the containerd version registries.yaml does not name (review round 6, L4) ------------

/// The import's note on stderr, in the diagnostics' own format.
const NOTE: &str = "info: containerd: registries.yaml does not say which containerd the nodes run, so the printed \
                    form leaves `containerd` empty (no version is assumed";

#[test]
fn the_import_leaves_containerd_empty_and_says_how_to_find_it() {
    for fixture in ["k3s-docs-tls-auth.yaml", "rke2-harbor-proxy-cache.yaml", "errors-scheme-in-configs-key.yaml"] {
        let path = Path::new(FIXTURES).join(fixture);
        for format in ["toml", "yaml", "json"] {
            let out = run(&["import-registries-yaml", path.to_str().unwrap(), "--format", format]);
            let text = String::from_utf8(out.stdout.clone()).unwrap();
            let ff = match format {
                "yaml" => FormFormat::Yaml,
                "json" => FormFormat::Json,
                _ => FormFormat::Toml,
            };
            let form = parse_form(&text, ff).unwrap_or_else(|e| panic!("{fixture} {format}: {e:?}\n{text}"));
            assert_eq!(form.containerd, "", "{fixture} {format}: no version assumed:\n{text}");
            assert!(!text.contains("1.7"), "{fixture} {format}: no 1.7 default in the form:\n{text}");
            let err = stderr(&out);
            assert!(err.contains(NOTE), "{fixture} {format}: {err}");
            for how in ["`containerd --version`", "`k3s --version`", "`k3s ctr version`", "containerd 2.x"] {
                assert!(err.contains(how), "{fixture}: {how:?} missing in {err}");
            }
            assert_eq!(err.matches(NOTE).count(), 1, "{fixture}: once: {err}");
        }
    }
    // With the import's own diagnostics (errors here) the note is one of them, after them.
    let (code, _, err) = import("errors-scheme-in-configs-key.yaml");
    assert_eq!(code, Some(1));
    assert!(err.find("error: configs.").unwrap() < err.find(NOTE).unwrap(), "{err}");
    // Not YAML: no form, so no note about it.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("registries.yaml");
    std::fs::write(&bad, "mirrors: [").unwrap();
    assert!(!stderr(&run(&["import-registries-yaml", bad.to_str().unwrap()])).contains(NOTE));
}

#[test]
fn generate_refuses_the_imported_form_until_the_version_is_set_then_renders_it() {
    let (code, form, err) = import("k3s-docs-tls-auth.yaml");
    assert_eq!(code, Some(0), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let as_printed = dir.path().join("as-printed.toml");
    std::fs::write(&as_printed, pullfix_core::form_io::write_form(&form, FormFormat::Toml)).unwrap();
    let out = run(&["generate", "--flavor", "kubeadm", "--form", as_printed.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "no version, no files: {}", stderr(&out));
    assert!(stderr(&out).contains("No containerd version is set"), "{}", stderr(&out));
    // Set as the note says (a k3s 1.31+ node: containerd 2.x): version-3 files.
    let set = write_form(dir.path(), &form);
    let out = run(&["generate", "--flavor", "kubeadm", "--form", set.to_str().unwrap(), "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let config = json["files"].as_array().unwrap().iter().find(|f| f["path"] == "etc/containerd/config.toml");
    let config: toml_edit::DocumentMut = config.unwrap()["contents"].as_str().unwrap().parse().unwrap();
    assert_eq!(config["version"].as_integer(), Some(3), "{config}");
}
