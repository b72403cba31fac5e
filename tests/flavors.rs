//! Other distributions: k3s/RKE2 registries.yaml (round trip and real-world imports),
//! kind, Talos, Kubespray and minikube outputs parsed back and their keys checked.

#[path = "fleet/support.rs"]
mod support;

use std::path::Path;
use std::process::Command;

use base64::Engine as _;
use pullfix_core::flavor::{registries_yaml, Flavor};
use pullfix_core::{render, Form, Mirror, Registry, Rendered, Scheme};
use serde_yaml::Value;
use support::*;

const PEM: &str = "-----BEGIN CERTIFICATE-----\nMIIBjTCCATOgAwIBAgIUZLoLccbkz58hOM9Sa+x7y/lYM0IwCgYIKoZIzj0EAwIw\nHDEaMBgGA1UEAwwRRXhhbXBsZSBIYXJib3IgQ0EwHhcNMjYxMTI1MjEzMzM2WhcN\nMzYxMTIyMjEzMzM2WjAcMRowGAYDVQQDDBFFeGFtcGxlIEhhcmJvciBDQTBZMBMG\nByqGSM49AgEGCCqGSM49AwEHA0IABJ3IU+/pB/kw2dER+ZQA+qgp00SIyyVOH1pF\nIbR/Kyofihm1Gwh1QigTg451W91pAUyYYWymqqj4AeNG9/xghRGjUzBRMB0GA1Ud\nDgQWBBS1jrnlwl4QmE4kZI6I/MMQvdR5wTAfBgNVHSMEGDAWgBS1jrnlwl4QmE4k\nZI6I/MMQvdR5wTAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIEMB\nrMbLTLt2R1Y0uq2OV5cHtL82XGF5f3h8XlqZMkLyAiEA/fmiacwBzfUw/W0jdfFI\n3OhobYBLqc8g8DLTJ3FaG2o=\n-----END CERTIFICATE-----\n";

fn file<'a>(out: &'a Rendered, path: &str) -> &'a str {
    match out.files.iter().find(|f| f.path == path) {
        Some(f) => &f.contents,
        None => panic!("no {path} in {:?}", out.files.iter().map(|f| &f.path).collect::<Vec<_>>()),
    }
}

fn codes(d: &[pullfix_core::Diagnostic]) -> Vec<&'static str> {
    d.iter().map(|d| d.code).collect()
}

fn mirror(url: &str) -> Mirror {
    Mirror { url: url.into(), ..Mirror::default() }
}

/// Forms registries.yaml can hold entirely.
fn round_trip_forms() -> Vec<Form> {
    let harbor = Registry {
        host: "harbor.example.net".into(),
        ca_file: "/etc/pki/harbor-ca.crt".into(),
        client_cert: "/etc/pki/client.crt".into(),
        client_key: "/etc/pki/client.key".into(),
        username: "robot$ci".into(),
        password: "p'w $(x) `y` \"z\" ü".into(),
        node_auth: true,
        ..Registry::default()
    };
    let docker = Registry {
        host: "docker.io".into(),
        mirrors: vec![
            Mirror { override_path: true, ..mirror("https://mirror.example.com:5000/v2/dockerhub-proxy") },
            mirror("https://cache.example.org/proxy"),
            Mirror { ca_file: "/etc/pki/mirror.crt".into(), skip_verify: true, ..mirror("https://10.0.0.5:8443") },
        ],
        ..Registry::default()
    };
    let quay = Registry {
        host: "quay.io".into(),
        username: "quay-user".into(),
        password: "quay-pass".into(),
        node_auth: true,
        mirrors: vec![mirror("https://quay-mirror.example.net")],
        ..Registry::default()
    };
    let http = Registry { host: "10.50.1.104:5000".into(), scheme: Scheme::Http, ..Registry::default() };
    let token = Registry {
        host: "registry.example.org".into(),
        identity_token: "eyJ0b2tlbiI6".into(),
        node_auth: true,
        skip_verify: true,
        ..Registry::default()
    };
    let catch_all =
        Registry { host: "_default".into(), mirrors: vec![mirror("https://all.example.net")], ..Registry::default() };
    vec![
        Form { registries: vec![harbor.clone(), docker.clone(), quay, http, token, catch_all], ..Form::default() },
        Form { containerd: "2.1".into(), registries: vec![docker, harbor], ..Form::default() },
        Form {
            registries: vec![Registry { host: "plain.example.net".into(), ..Registry::default() }],
            ..Form::default()
        },
    ]
}

#[test]
fn registries_yaml_export_then_import_gives_the_form_back() {
    for flavor in [Flavor::K3s, Flavor::Rke2] {
        for form in round_trip_forms() {
            let form = Form { flavor, ..form };
            let out = render(&form);
            // The engine's warnings (skip_verify, plain HTTP) stay; nothing is lost in the export.
            assert!(!pullfix_core::diagnostic::has_errors(&out.diagnostics), "{:?}", out.diagnostics);
            assert!(codes(&out.diagnostics).iter().all(|c| !c.starts_with("registries-yaml")), "{:?}", out.diagnostics);
            let path = if flavor == Flavor::K3s { registries_yaml::K3S_PATH } else { registries_yaml::RKE2_PATH };
            let yaml = file(&out, path);
            assert!(
                out.files.iter().all(|f| !f.path.starts_with("etc/containerd/")),
                "containerd's own files are k3s's job"
            );
            let (back, diags) = registries_yaml::import(yaml);
            assert!(diags.is_empty(), "{diags:?}\n{yaml}");
            assert_eq!(back.registries, form.registries, "\n{yaml}");
            assert_eq!(Form { registries: Vec::new(), ..back }, Form::default());
        }
    }
}

#[test]
fn registries_yaml_keys_and_sensitivity() {
    let form = Form { flavor: Flavor::K3s, ..round_trip_forms().remove(0) };
    let out = render(&form);
    let f = out.files.iter().find(|f| f.path == registries_yaml::K3S_PATH).unwrap();
    assert!(f.sensitive && f.mode() == 0o600);
    let v: Value = serde_yaml::from_str(&f.contents).unwrap();
    assert_eq!(v["mirrors"]["docker.io"]["endpoint"][1].as_str(), Some("https://cache.example.org/proxy/v2"));
    assert_eq!(v["mirrors"]["*"]["endpoint"][0].as_str(), Some("https://all.example.net"));
    assert_eq!(v["mirrors"]["10.50.1.104:5000"]["endpoint"][0].as_str(), Some("http://10.50.1.104:5000"));
    assert_eq!(v["configs"]["harbor.example.net"]["auth"]["password"].as_str(), Some("p'w $(x) `y` \"z\" ü"));
    assert_eq!(v["configs"]["harbor.example.net"]["tls"]["cert_file"].as_str(), Some("/etc/pki/client.crt"));
    assert_eq!(v["configs"]["10.0.0.5:8443"]["tls"]["insecure_skip_verify"].as_bool(), Some(true));
    // Node credentials go to every host containerd contacts: the mirror and quay.io itself.
    assert_eq!(v["configs"]["quay-mirror.example.net"]["auth"]["username"].as_str(), Some("quay-user"));
    assert_eq!(v["configs"]["quay.io"]["auth"]["username"].as_str(), Some("quay-user"));
}

#[test]
fn registries_yaml_reports_what_it_cannot_say() {
    let form = form(&format!(
        r#"flavor = "k3s"
           sandbox_image = "harbor.example.net/library/pause:3.9"
           [[registry]]
           host = "docker.io"
           mirror_only = true
           username = "u"
           password = "p"
           [[registry.mirror]]
           url = "https://harbor.example.net/v2/proxy"
           override_path = true
           capabilities = ["pull"]
           [[registry]]
           host = "harbor.example.net"
           ca_pem = """{PEM}"""
        "#
    ));
    let out = render(&form);
    let c = codes(&out.diagnostics);
    for code in [
        "registries-yaml.mirror-only",
        "registries-yaml.capabilities",
        "registries-yaml.auth-in-secret-only",
        "flavor.sandbox-image-flag",
    ] {
        assert!(c.contains(&code), "{code} missing from {c:?}");
    }
    // The CA given as text lands where k3s's registries.yaml points.
    let yaml: Value = serde_yaml::from_str(file(&out, registries_yaml::K3S_PATH)).unwrap();
    let ca = yaml["configs"]["harbor.example.net"]["tls"]["ca_file"].as_str().unwrap();
    assert_eq!(ca, "/etc/rancher/k3s/certs/harbor.example.net/ca.crt");
    assert_eq!(file(&out, ca.trim_start_matches('/')), PEM);
    assert!(yaml["configs"]["docker.io"].is_null(), "no credentials without node_auth");
}

fn import_fixture(name: &str) -> (Form, Vec<&'static str>) {
    let text = std::fs::read_to_string(Path::new("tests/fixtures/registries-yaml").join(name)).unwrap();
    let (form, d) = registries_yaml::import(&text);
    (form, codes(&d))
}

#[test]
fn imports_the_k3s_docs_rewrite_example_and_reports_the_rewrite() {
    let (form, codes) = import_fixture("k3s-docs-mirror-rewrite.yaml");
    assert_eq!(
        form.registries,
        vec![Registry {
            host: "docker.io".into(),
            mirrors: vec![mirror("https://registry.example.com:5000")],
            ..Registry::default()
        }]
    );
    assert_eq!(codes, ["registries-yaml.rewrite"]);
}

#[test]
fn imports_the_k3s_docs_tls_example() {
    let (form, codes) = import_fixture("k3s-docs-tls-auth.yaml");
    let ca = "/usr/local/share/ca-certificates/registry-ca.crt";
    let docker = Registry {
        host: "docker.io".into(),
        mirrors: vec![Mirror { ca_file: ca.into(), ..mirror("https://registry.example.com:5000") }],
        ..Registry::default()
    };
    // The mirror's credentials stay with the mirror's host, on an entry of its own.
    let mirror_host = Registry {
        host: "registry.example.com:5000".into(),
        ca_file: ca.into(),
        client_cert: "/etc/ssl/certs/registry-client.crt".into(),
        client_key: "/etc/ssl/private/registry-client.key".into(),
        username: "xxxxxx".into(),
        password: "xxxxxx".into(),
        node_auth: true,
        ..Registry::default()
    };
    assert_eq!(form.registries, vec![docker, mirror_host]);
    assert_eq!(
        codes,
        ["registries-yaml.mirror-client-cert", "registries-yaml.mirror-auth"],
        "the mirror's client certificate and where its credentials went are reported"
    );
}

#[test]
fn imports_plain_http_wildcard_and_insecure_samples() {
    let (form, codes) = import_fixture("k3s-docs-plain-http.yaml");
    assert!(codes.is_empty(), "{codes:?}");
    assert_eq!(
        form.registries,
        vec![Registry {
            host: "registry.example.com:5000".into(),
            scheme: Scheme::Http,
            username: "xxxxxx".into(),
            password: "xxxxxx".into(),
            node_auth: true,
            ..Registry::default()
        }]
    );

    let (form, codes) = import_fixture("k3s-docs-wildcard.yaml");
    assert!(codes.is_empty(), "{codes:?}");
    assert_eq!(
        form.registries,
        vec![
            Registry {
                host: "_default".into(),
                mirrors: vec![mirror("https://registry.example.com:5000")],
                ..Registry::default()
            },
            Registry {
                host: "docker.io".into(),
                mirrors: vec![mirror("https://mirror.example.net")],
                ..Registry::default()
            },
        ]
    );

    let (form, codes) = import_fixture("edge-insecure.yaml");
    assert!(codes.is_empty(), "{codes:?}");
    assert_eq!(
        form.registries,
        vec![Registry {
            host: "internal-registry-service.edge-registry.svc.cluster.local:5000".into(),
            skip_verify: true,
            username: "docker_user".into(),
            password: "docker_password".into(),
            node_auth: true,
            ..Registry::default()
        }]
    );
}

#[test]
fn imports_an_rke2_harbor_proxy_cache_file() {
    let (form, codes) = import_fixture("rke2-harbor-proxy-cache.yaml");
    assert_eq!(
        codes,
        ["registries-yaml.unknown-key", "registries-yaml.mirror-auth"],
        "the typo'd `insecure` is reported, and where Harbor's credentials went"
    );
    let ca = "/etc/rancher/rke2/certs/harbor-ca.crt";
    let proxied = |host: &str, url: &str| Registry {
        host: host.into(),
        mirrors: vec![Mirror { override_path: true, ca_file: ca.into(), ..mirror(url) }],
        ..Registry::default()
    };
    // Harbor's robot account stays on Harbor's entry: node credentials are keyed by the
    // contacted host, so on docker.io or quay.io they would also reach Docker Hub and Quay.
    assert_eq!(
        form.registries,
        vec![
            proxied("docker.io", "https://harbor.example.net/v2/dockerhub-proxy"),
            proxied("quay.io", "https://harbor.example.net/v2/quay-proxy"),
            Registry {
                host: "harbor.example.net".into(),
                ca_file: ca.into(),
                username: "robot$ci".into(),
                password: "s3cr3t'".into(),
                node_auth: true,
                ..Registry::default()
            },
        ]
    );
    // And what the import made renders for kubeadm nodes without errors.
    let out = render(&form);
    assert!(!pullfix_core::diagnostic::has_errors(&out.diagnostics), "{:?}", out.diagnostics);
    assert!(out.files.iter().any(|f| f.path == "etc/containerd/certs.d/quay.io/hosts.toml"));
}

/// The `configs` tables of a rendered config.toml's CRI registry (version 2 paths).
fn node_configs(out: &Rendered) -> toml_edit::Table {
    let doc: toml_edit::DocumentMut = file(out, "etc/containerd/config.toml").parse().unwrap();
    doc["plugins"]["io.containerd.grpc.v1.cri"]["registry"]["configs"].as_table().cloned().unwrap_or_default()
}

#[test]
fn a_mirrors_credentials_stay_with_the_mirror_host() {
    let (form, codes) = import_fixture("k3s-dockerhub-via-harbor-auth.yaml");
    let ca = "/etc/rancher/k3s/certs/harbor-ca.crt";
    assert_eq!(
        form.registries,
        vec![
            Registry {
                host: "docker.io".into(),
                mirrors: vec![Mirror {
                    override_path: true,
                    ca_file: ca.into(),
                    ..mirror("https://harbor.example.net/v2/dockerhub-proxy")
                }],
                ..Registry::default()
            },
            Registry {
                host: "harbor.example.net".into(),
                ca_file: ca.into(),
                username: "robot$dockerhub-pull".into(),
                password: "Harb0r-s3cret".into(),
                node_auth: true,
                ..Registry::default()
            },
        ]
    );
    assert_eq!(codes, ["registries-yaml.mirror-auth"]);

    // kubeadm nodes, hosts.toml and inline styles: node credentials keyed by Harbor only.
    for (containerd, legacy_config) in [("1.7", false), ("1.6", true)] {
        let out = render(&Form { containerd: containerd.into(), legacy_config, ..form.clone() });
        assert!(!pullfix_core::diagnostic::has_errors(&out.diagnostics), "{:?}", out.diagnostics);
        let configs = node_configs(&out);
        let hosts: Vec<&str> = configs.iter().filter(|(_, v)| v.get("auth").is_some()).map(|(k, _)| k).collect();
        assert_eq!(hosts, ["harbor.example.net"], "{containerd}");
        assert_eq!(configs["harbor.example.net"]["auth"]["username"].as_str(), Some("robot$dockerhub-pull"));
    }

    // k3s: registries.yaml gives the credentials to Harbor, none to docker.io.
    let out = render(&Form { flavor: Flavor::K3s, ..form });
    let yaml: Value = serde_yaml::from_str(file(&out, registries_yaml::K3S_PATH)).unwrap();
    let auth_hosts: Vec<&str> = yaml["configs"]
        .as_mapping()
        .unwrap()
        .iter()
        .filter(|(_, v)| !v["auth"].is_null())
        .map(|(k, _)| k.as_str().unwrap())
        .collect();
    assert_eq!(auth_hosts, ["harbor.example.net"]);
    assert_eq!(yaml["configs"]["harbor.example.net"]["auth"]["password"].as_str(), Some("Harb0r-s3cret"));
    assert_eq!(
        yaml["mirrors"]["docker.io"]["endpoint"][0].as_str(),
        Some("https://harbor.example.net/v2/dockerhub-proxy")
    );
}

#[test]
fn cli_import_then_generate_keeps_harbors_credentials_off_docker_hub() {
    let bin = env!("CARGO_BIN_EXE_pullfix");
    let fixture = "tests/fixtures/registries-yaml/k3s-dockerhub-via-harbor-auth.yaml";
    let out = Command::new(bin).args(["import-registries-yaml", fixture]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("the import adds a registry entry for harbor.example.net"), "says what it did: {stderr}");
    let dir = tempdir();
    let form_file = dir.path().join("form.toml");
    std::fs::write(&form_file, &out.stdout).unwrap();
    for flavor in ["kubeadm", "k3s"] {
        let out = Command::new(bin)
            .args(["generate", "--format", "json", "--flavor", flavor, "--containerd", "1.6", "--form"])
            .arg(&form_file)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let contents = |path: &str| {
            json["files"].as_array().unwrap().iter().find(|f| f["path"] == path).unwrap()["contents"]
                .as_str()
                .unwrap()
                .to_owned()
        };
        // Hosts with credentials, and each one's user.
        let users: Vec<(String, String)> = if flavor == "k3s" {
            let yaml: Value = serde_yaml::from_str(&contents(registries_yaml::K3S_PATH)).unwrap();
            yaml["configs"]
                .as_mapping()
                .unwrap()
                .iter()
                .filter_map(|(k, v)| Some((k.as_str()?.to_owned(), v["auth"]["username"].as_str()?.to_owned())))
                .collect()
        } else {
            let doc: toml_edit::DocumentMut = contents("etc/containerd/config.toml").parse().unwrap();
            doc["plugins"]["io.containerd.grpc.v1.cri"]["registry"]["configs"]
                .as_table()
                .unwrap()
                .iter()
                .filter_map(|(k, v)| Some((k.to_owned(), v.get("auth")?.get("username")?.as_str()?.to_owned())))
                .collect()
        };
        assert_eq!(users, [("harbor.example.net".to_owned(), "robot$dockerhub-pull".to_owned())], "{flavor}");
    }
}

#[test]
fn import_reports_broken_input_instead_of_dropping_it() {
    let (form, d) = registries_yaml::import("mirrors: [oops");
    assert!(form.registries.is_empty());
    assert_eq!(codes(&d), ["registries-yaml.parse"]);
    let (form, d) = registries_yaml::import(
        "mirror:\n  docker.io: {}\nmirrors:\n  \"https://bad\":\n    endpoint: [\"ftp://x\"]\n  ok.example.net:\n    endpoints: [\"https://m\"]\nconfigs:\n  ok.example.net:\n    auth:\n      auth: \"!!!\"\n",
    );
    assert_eq!(form.registries.len(), 1);
    assert_eq!(
        codes(&d),
        [
            "registries-yaml.unknown-key",
            "registries-yaml.host",
            "registries-yaml.unknown-key",
            "registries-yaml.auth-decode"
        ]
    );
    assert!(d.iter().all(|d| !d.message.is_empty() && !d.fix.is_empty()));
    assert_eq!(d[0].field.as_str(), "mirror");
    assert_eq!(d[2].field.as_str(), "mirrors.\"ok.example.net\".endpoints");
}

#[test]
fn cli_import_prints_the_form_and_generate_takes_a_flavor() {
    let bin = env!("CARGO_BIN_EXE_pullfix");
    let fixture = "tests/fixtures/registries-yaml/rke2-harbor-proxy-cache.yaml";
    let out = Command::new(bin).args(["import-registries-yaml", fixture]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("tls.insecure"), "{stderr}");
    let printed =
        pullfix_core::parse_form(&String::from_utf8(out.stdout).unwrap(), pullfix_core::FormFormat::Toml).unwrap();
    let (imported, _) = registries_yaml::import(&std::fs::read_to_string(fixture).unwrap());
    // The CLI leaves the version empty (registries.yaml names none; review round 6, L4).
    assert_eq!(printed, Form { containerd: String::new(), ..imported });

    let bad = tempdir();
    let bad_file = bad.path().join("registries.yaml");
    std::fs::write(&bad_file, "mirrors: [").unwrap();
    let out = Command::new(bin).arg("import-registries-yaml").arg(&bad_file).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());

    // The imported form, re-rendered for k3s by `generate --flavor`.
    let form_file = bad.path().join("form.toml");
    let out = Command::new(bin).args(["import-registries-yaml", fixture, "--flavor", "k3s"]).output().unwrap();
    // As printed (no containerd version): generate refuses until the operator sets it.
    std::fs::write(&form_file, &out.stdout).unwrap();
    let generate = || {
        Command::new(bin).args(["generate", "--print", "--flavor", "rke2", "--form"]).arg(&form_file).output().unwrap()
    };
    let refused = generate();
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("No containerd version is set"));
    let printed = String::from_utf8(out.stdout).unwrap();
    assert!(printed.contains("containerd = \"\""), "{printed}");
    std::fs::write(&form_file, printed.replacen("containerd = \"\"", "containerd = \"2.0\"", 1)).unwrap();
    let out = generate();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("==> etc/rancher/rke2/registries.yaml <=="), "{text}");
    assert!(!text.contains("==> etc/containerd/"), "{text}");
}

fn kind_form(containerd: &str) -> Form {
    form(&format!(
        r#"containerd = "{containerd}"
           flavor = "kind"
           sandbox_image = "harbor.example.net/library/pause:3.9"
           [[registry]]
           host = "harbor.example.net"
           ca_pem = """{PEM}"""
           username = "robot$ci"
           password = "pw"
           node_auth = true
           [[registry]]
           host = "docker.io"
           [[registry.mirror]]
           url = "https://harbor.example.net/v2/dockerhub-proxy"
           override_path = true
           [[registry]]
           host = "quay.io"
           ca_pem = """{PEM}"""
           ca_file = "/etc/pki/quay-ca.crt"
        "#
    ))
}

#[test]
fn kind_config_parses_and_mounts_the_engine_files() {
    // kind's node config stays at version 2 (containerd 2.x migrates it), so the patch
    // uses the version 2 paths for every target.
    for (containerd, table, sandbox) in [
        ("1.7", "io.containerd.grpc.v1.cri", vec!["sandbox_image"]),
        ("2.1", "io.containerd.grpc.v1.cri", vec!["sandbox_image"]),
    ] {
        let form = kind_form(containerd);
        let out = render(&form);
        assert!(!pullfix_core::diagnostic::has_errors(&out.diagnostics), "{:?}", out.diagnostics);
        let kubeadm = render(&Form { flavor: Flavor::Kubeadm, ..form.clone() });
        let v: Value = serde_yaml::from_str(file(&out, "kind/cluster.yaml")).unwrap();
        assert_eq!(v["kind"].as_str(), Some("Cluster"));
        assert_eq!(v["apiVersion"].as_str(), Some("kind.x-k8s.io/v1alpha4"));
        let patch: toml_edit::DocumentMut = v["containerdConfigPatches"][0].as_str().unwrap().parse().unwrap();
        let cri = &patch["plugins"][table];
        assert_eq!(cri["registry"]["config_path"].as_str(), Some("/etc/containerd/certs.d"));
        let mut item = cri;
        for k in &sandbox {
            item = &item[k];
        }
        assert_eq!(item.as_str(), Some("harbor.example.net/library/pause:3.9"));
        assert_eq!(cri["registry"]["configs"]["harbor.example.net"]["auth"]["username"].as_str(), Some("robot$ci"));
        let mounts = v["nodes"][0]["extraMounts"].as_sequence().unwrap();
        assert_eq!(mounts[0]["hostPath"].as_str(), Some("./certs.d"));
        assert_eq!(mounts[0]["containerPath"].as_str(), Some("/etc/containerd/certs.d"));
        assert_eq!(mounts[1]["containerPath"].as_str(), Some("/etc/pki/quay-ca.crt"));
        let extra = mounts[1]["hostPath"].as_str().unwrap().trim_start_matches("./");
        assert_eq!(file(&out, &format!("kind/{extra}")), file(&kubeadm, "etc/pki/quay-ca.crt"));
        // Every certs.d file of the kubeadm rendering is there, byte for byte.
        for f in kubeadm.files.iter().filter(|f| f.path.starts_with("etc/containerd/certs.d/")) {
            let rel = f.path.trim_start_matches("etc/containerd/");
            assert_eq!(file(&out, &format!("kind/{rel}")), f.contents);
        }
        assert!(out.files.iter().all(|f| !f.path.starts_with("etc/")));
    }
}

#[test]
fn talos_patch_parses_with_the_ca_inline() {
    let form = form(&format!(
        r#"flavor = "talos"
           [[registry]]
           host = "harbor.example.net"
           ca_pem = """{PEM}"""
           skip_verify = true
           username = "robot$ci"
           password = "pw"
           node_auth = true
           [[registry]]
           host = "docker.io"
           mirror_only = true
           [[registry.mirror]]
           url = "https://harbor.example.net/v2/dockerhub-proxy"
           override_path = true
           [[registry]]
           host = "quay.io"
           ca_file = "/etc/pki/quay.crt"
        "#
    ));
    let out = render(&form);
    let v: Value = serde_yaml::from_str(file(&out, "talos/registries-patch.yaml")).unwrap();
    let reg = &v["machine"]["registries"];
    assert_eq!(
        reg["mirrors"]["docker.io"]["endpoints"][0].as_str(),
        Some("https://harbor.example.net/v2/dockerhub-proxy")
    );
    assert_eq!(reg["mirrors"]["docker.io"]["overridePath"].as_bool(), Some(true));
    assert_eq!(reg["mirrors"]["docker.io"]["skipFallback"].as_bool(), Some(true));
    let tls = &reg["config"]["harbor.example.net"]["tls"];
    let ca = base64::engine::general_purpose::STANDARD.decode(tls["ca"].as_str().unwrap()).unwrap();
    assert_eq!(String::from_utf8(ca).unwrap(), PEM);
    assert_eq!(tls["insecureSkipVerify"].as_bool(), Some(true));
    assert_eq!(reg["config"]["harbor.example.net"]["auth"]["username"].as_str(), Some("robot$ci"));
    assert!(codes(&out.diagnostics).contains(&"talos.ca-inline"), "quay.io's CA path cannot go inline");
    assert!(out.files.iter().all(|f| !f.path.starts_with("etc/")));
}

#[test]
fn kubespray_vars_parse_and_carry_the_auth_caveat() {
    let text = r#"[[registry]]
           host = "docker.io"
           [[registry.mirror]]
           url = "https://mirror.gcr.io"
           [[registry.mirror]]
           url = "https://harbor.example.net/v2/dockerhub-proxy"
           override_path = true
           [[registry]]
           host = "10.50.1.104:5000"
           scheme = "http"
           username = "admin"
           password = "Harbor12345"
           node_auth = true
        "#;
    for (containerd, caveat) in [("1.7", false), ("2.1", true)] {
        let form = Form { containerd: containerd.into(), flavor: Flavor::Kubespray, ..form(text) };
        let out = render(&form);
        let v: Value = serde_yaml::from_str(file(&out, "kubespray/group_vars/all/containerd.yml")).unwrap();
        let m = &v["containerd_registries_mirrors"];
        assert_eq!(m[0]["prefix"].as_str(), Some("docker.io"));
        assert_eq!(m[0]["server"].as_str(), Some("https://registry-1.docker.io"));
        assert_eq!(m[0]["mirrors"][0]["host"].as_str(), Some("https://mirror.gcr.io"));
        assert_eq!(m[0]["mirrors"][1]["override_path"].as_bool(), Some(true));
        assert_eq!(m[1]["server"].as_str(), Some("http://10.50.1.104:5000"));
        assert_eq!(v["containerd_registry_auth"][0]["registry"].as_str(), Some("10.50.1.104:5000"));
        assert_eq!(v["containerd_registry_auth"][0]["password"].as_str(), Some("Harbor12345"));
        assert_eq!(codes(&out.diagnostics).contains(&"kubespray.auth-containerd-2"), caveat);
    }
}

#[test]
fn minikube_flags_where_they_suffice() {
    let form = form(&format!(
        r#"flavor = "minikube"
           [[registry]]
           host = "docker.io"
           [[registry.mirror]]
           url = "https://mirror.gcr.io"
           [[registry]]
           host = "10.50.1.104:5000"
           scheme = "http"
           [[registry]]
           host = "harbor.example.net"
           ca_pem = """{PEM}"""
           [[registry.mirror]]
           url = "https://harbor-mirror.example.net"
        "#
    ));
    let out = render(&form);
    let script = file(&out, "minikube/start.sh");
    assert!(script.contains("minikube start --container-runtime=containerd --registry-mirror=https://mirror.gcr.io --insecure-registry=10.50.1.104:5000"), "{script}");
    let dir = tempdir();
    std::fs::write(dir.path().join("start.sh"), script).unwrap();
    assert!(Command::new("sh").arg("-n").arg(dir.path().join("start.sh")).status().unwrap().success());
    let c = codes(&out.diagnostics);
    assert!(c.contains(&"minikube.ca") && c.contains(&"minikube.mirror"), "{c:?}");
}

/// Kubespray's `config.toml.j2` auth block (roles/container-engine/containerd/templates,
/// kubernetes-sigs/kubespray 011828a), rendered as Jinja2 would from the group vars: the
/// values are pasted between double quotes as they are, without escaping.
fn kubespray_auth_block(vars: &Value) -> String {
    let mut out = String::from("version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\n");
    for r in vars["containerd_registry_auth"].as_sequence().into_iter().flatten() {
        let (Some(reg), user, pass, auth) =
            (r["registry"].as_str(), r["username"].as_str(), r["password"].as_str(), r["auth"].as_str())
        else {
            continue;
        };
        if !(user.is_some() && pass.is_some() || auth.is_some()) {
            continue;
        }
        out.push_str(&format!("      [plugins.\"io.containerd.grpc.v1.cri\".registry.configs.\"{reg}\".auth]\n"));
        match (user, pass) {
            (Some(u), Some(p)) => out.push_str(&format!("        password = \"{p}\"\n        username = \"{u}\"\n")),
            _ => out.push_str(&format!("        auth = \"{}\"\n", auth.unwrap_or_default())),
        }
    }
    out
}

/// Every string in a YAML document (Ansible templates each one that holds a Jinja2 delimiter).
fn yaml_strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Sequence(s) => s.iter().for_each(|v| yaml_strings(v, out)),
        Value::Mapping(m) => m.iter().for_each(|(k, v)| {
            yaml_strings(k, out);
            yaml_strings(v, out);
        }),
        Value::Tagged(t) => yaml_strings(&t.value, out),
        _ => {}
    }
}

#[test]
fn kubespray_credentials_survive_its_unescaped_template_and_ansible() {
    // The review's password (a `"` ends Kubespray's TOML string) and one Ansible would template.
    for (user, password) in [("robot$ci", "S3c'r\"et$x"), ("robot$ci", "a\"b'c\\d{{x}}%"), ("admin", "p{%w{#")] {
        let form = Form {
            containerd: "1.6".into(),
            flavor: Flavor::Kubespray,
            registries: vec![Registry {
                host: "harbor.example.net".into(),
                username: user.into(),
                password: password.into(),
                node_auth: true,
                ..Registry::default()
            }],
            ..Form::default()
        };
        let out = render(&form);
        assert!(!pullfix_core::diagnostic::has_errors(&out.diagnostics), "{:?}", out.diagnostics);
        let d = out.diagnostics.iter().find(|d| d.code == "kubespray.credentials-as-auth").expect("explained");
        assert_eq!(d.field.as_str(), "registry[0].password");
        let vars: Value = serde_yaml::from_str(file(&out, "kubespray/group_vars/all/containerd.yml")).unwrap();
        let mut strings = Vec::new();
        yaml_strings(&vars, &mut strings);
        for s in &strings {
            assert!(!s.contains("{{") && !s.contains("{%") && !s.contains("{#"), "Ansible would template {s:?}");
        }
        assert!(vars["containerd_registry_auth"][0]["password"].is_null(), "{vars:?}");
        // containerd itself reads what Kubespray's template makes of the vars.
        let tmp = tempdir();
        let path = tmp.path().join("config.toml");
        std::fs::write(&path, kubespray_auth_block(&vars)).unwrap();
        let o = Command::new("containerd").arg("--config").arg(&path).args(["config", "dump"]).output().unwrap();
        assert!(o.status.success(), "containerd refuses it: {}", String::from_utf8_lossy(&o.stderr));
        let dump: toml_edit::DocumentMut = String::from_utf8(o.stdout).unwrap().parse().unwrap();
        let auth = &dump["plugins"]["io.containerd.grpc.v1.cri"]["registry"]["configs"]["harbor.example.net"]["auth"];
        let decoded = base64::engine::general_purpose::STANDARD.decode(auth["auth"].as_str().unwrap()).unwrap();
        assert_eq!(String::from_utf8(decoded).unwrap(), format!("{user}:{password}"));
    }
    // Plain credentials stay readable; a user name with a colon cannot go into `auth`.
    let plain = Registry {
        host: "harbor.example.net".into(),
        username: "robot$ci".into(),
        password: "S3c'ret$x".into(),
        node_auth: true,
        ..Registry::default()
    };
    let out = render(&Form { flavor: Flavor::Kubespray, registries: vec![plain.clone()], ..Form::default() });
    let vars: Value = serde_yaml::from_str(file(&out, "kubespray/group_vars/all/containerd.yml")).unwrap();
    assert_eq!(vars["containerd_registry_auth"][0]["password"].as_str(), Some("S3c'ret$x"));
    let colon = Registry { username: "a:b".into(), password: "x\"y".into(), ..plain };
    let out = render(&Form { flavor: Flavor::Kubespray, registries: vec![colon], ..Form::default() });
    let d = out.diagnostics.iter().find(|d| d.code == "kubespray.credentials-unsafe").expect("an error");
    assert_eq!((d.severity, d.field.as_str()), (pullfix_core::Severity::Error, "registry[0].password"));
}

/// Kubespray's `hosts.toml.j2` (kubernetes-sigs/kubespray 0c4d6b7) for one
/// `containerd_registries_mirrors` entry, as Jinja2 renders it.
fn kubespray_hosts_toml(item: &Value) -> String {
    let prefix = item["prefix"].as_str().unwrap();
    let server = item["server"].as_str().map(str::to_owned).unwrap_or(format!("https://{prefix}"));
    let mut out = format!("server = \"{server}\"\n");
    for m in item["mirrors"].as_sequence().unwrap() {
        let caps: Vec<&str> = m["capabilities"].as_sequence().unwrap().iter().filter_map(|c| c.as_str()).collect();
        out.push_str(&format!(
            "[host.\"{}\"]\n  capabilities = [\"{}\"]\n  skip_verify = {}\n  override_path = {}\n",
            m["host"].as_str().unwrap(),
            caps.join("\",\""),
            m["skip_verify"].as_bool().unwrap_or(false),
            m["override_path"].as_bool().unwrap_or(false)
        ));
    }
    out
}

#[test]
fn kubespray_servers_are_docker_hubs_api_and_never_https_default() {
    let form = Form {
        flavor: Flavor::Kubespray,
        registries: vec![
            Registry {
                host: "docker.io".into(),
                mirrors: vec![mirror("https://harbor.example.net/v2/dockerhub-proxy")],
                ..Registry::default()
            },
            Registry {
                host: "_default".into(),
                mirrors: vec![mirror("https://cache.internal:5000")],
                ..Registry::default()
            },
            Registry {
                host: "quay.io".into(),
                mirrors: vec![mirror("https://quay-mirror.example.net")],
                ..Registry::default()
            },
        ],
        ..Form::default()
    };
    let out = render(&form);
    let vars: Value = serde_yaml::from_str(file(&out, "kubespray/group_vars/all/containerd.yml")).unwrap();
    let entries = vars["containerd_registries_mirrors"].as_sequence().unwrap();
    let servers: Vec<(String, String)> = entries
        .iter()
        .map(|e| {
            let doc: toml_edit::DocumentMut = kubespray_hosts_toml(e).parse().unwrap();
            (e["prefix"].as_str().unwrap().to_owned(), doc["server"].as_str().unwrap().to_owned())
        })
        .collect();
    assert_eq!(
        servers,
        [
            ("docker.io".to_owned(), "https://registry-1.docker.io".to_owned()),
            ("quay.io".to_owned(), "https://quay.io".to_owned())
        ]
    );
    // _default: left to the engine's own hosts.toml (no server line), rendered beside the vars.
    let kubeadm = render(&Form { flavor: Flavor::Kubeadm, ..form.clone() });
    let default = "etc/containerd/certs.d/_default/hosts.toml";
    assert_eq!(file(&out, default), file(&kubeadm, default));
    let doc: toml_edit::DocumentMut = file(&out, default).parse().unwrap();
    assert!(doc.get("server").is_none());
    let d = out.diagnostics.iter().find(|d| d.code == "kubespray.default-server").expect("a warning");
    assert_eq!(d.field.as_str(), "registry[1].host");
    assert!(out.files.iter().all(|f| !f.path.contains("certs.d/docker.io")), "Kubespray writes the others");
}

#[test]
fn kubespray_mirror_on_a_listed_skip_verify_registry_skips_verify_too() {
    let form = Form {
        flavor: Flavor::Kubespray,
        registries: vec![
            Registry { host: "harbor.example.net".into(), skip_verify: true, ..Registry::default() },
            Registry {
                host: "docker.io".into(),
                mirrors: vec![mirror("https://harbor.example.net/v2/dockerhub-proxy")],
                ..Registry::default()
            },
        ],
        ..Form::default()
    };
    let out = render(&form);
    let vars: Value = serde_yaml::from_str(file(&out, "kubespray/group_vars/all/containerd.yml")).unwrap();
    let hub = vars["containerd_registries_mirrors"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|e| e["prefix"] == "docker.io")
        .expect("docker.io's entry");
    assert_eq!(hub["mirrors"][0]["skip_verify"], Value::Bool(true), "{hub:?}");
}

#[test]
fn kind_mounts_every_file_the_hosts_toml_names_and_says_which_to_copy() {
    // The review's form: a path-only CA and a client certificate outside certs.d.
    let form = form(
        r#"containerd = "1.7"
           flavor = "kind"
           [[registry]]
           host = "harbor.example.net"
           ca_file = "/etc/pki/harbor-ca.pem"
           client_cert = "/etc/pki/client.cert"
           client_key = "/etc/pki/client.key"
           [[registry]]
           host = "quay.io"
           ca_file = "/etc/containerd/certs.d/quay.io/own-ca.crt"
        "#,
    );
    let out = render(&form);
    assert!(!pullfix_core::diagnostic::has_errors(&out.diagnostics), "{:?}", out.diagnostics);
    let v: Value = serde_yaml::from_str(file(&out, "kind/cluster.yaml")).unwrap();
    let mounts = v["nodes"][0]["extraMounts"].as_sequence().unwrap();
    let mounted: Vec<(&str, &str)> =
        mounts.iter().map(|m| (m["containerPath"].as_str().unwrap(), m["hostPath"].as_str().unwrap())).collect();
    for (i, (path, field)) in [
        ("/etc/pki/harbor-ca.pem", "registry[0].ca_file"),
        ("/etc/pki/client.cert", "registry[0].client_cert"),
        ("/etc/pki/client.key", "registry[0].client_key"),
    ]
    .into_iter()
    .enumerate()
    {
        let host = mounted.iter().find(|(c, _)| *c == path).map(|(_, h)| *h);
        let host = host.unwrap_or_else(|| panic!("{path} is not mounted: {mounted:?}"));
        assert!(host.starts_with("./files/ref") && host.ends_with(path.rsplit('/').next().unwrap()), "{host}");
        let d = out.diagnostics.iter().filter(|d| d.code == "kind.file-to-mount").nth(i).expect("a warning per file");
        assert_eq!(d.field.as_str(), field);
        assert!(d.fix.contains(&format!("kind/{}", host.trim_start_matches("./"))), "{}", d.fix);
    }
    // A file inside certs.d is already under the ./certs.d mount: no extra mount, but a warning.
    assert!(mounted.iter().all(|(c, _)| !c.contains("quay.io")), "{mounted:?}");
    let d = out.diagnostics.iter().find(|d| d.field.as_str() == "registry[1].ca_file").unwrap();
    assert_eq!(d.code, "kind.file-to-mount");
    assert!(d.fix.contains("kind/certs.d/quay.io/own-ca.crt"), "{}", d.fix);
    // No advice to `sudo install` on nodes, which kind's node containers would lose.
    assert!(out.diagnostics.iter().all(|d| d.code != "ca_file.not-written"), "{:?}", out.diagnostics);
    assert_eq!(mounts.len(), 4, "certs.d and the three files: {mounted:?}");
}

#[test]
fn talos_mixed_override_path_appends_v2_to_the_other_mirrors() {
    let form = form(
        r#"flavor = "talos"
           [[registry]]
           host = "docker.io"
           [[registry.mirror]]
           url = "https://harbor.example.net/v2/dockerhub-proxy"
           override_path = true
           [[registry.mirror]]
           url = "https://mirror.gcr.io"
           [[registry.mirror]]
           url = "https://cache.example.org/proxy"
           [[registry.mirror]]
           url = "https://n.example.net/v2/"
           [[registry]]
           host = "quay.io"
           [[registry.mirror]]
           url = "https://quay-mirror.example.net/base"
        "#,
    );
    let out = render(&form);
    let v: Value = serde_yaml::from_str(file(&out, "talos/registries-patch.yaml")).unwrap();
    let docker = &v["machine"]["registries"]["mirrors"]["docker.io"];
    assert_eq!(docker["overridePath"].as_bool(), Some(true));
    let endpoints: Vec<&str> = docker["endpoints"].as_sequence().unwrap().iter().filter_map(|e| e.as_str()).collect();
    // The URLs containerd contacts are the same as from the engine's hosts.toml.
    assert_eq!(
        endpoints,
        [
            "https://harbor.example.net/v2/dockerhub-proxy",
            "https://mirror.gcr.io/v2",
            "https://cache.example.org/proxy/v2",
            // A path already ending in /v2 gets none appended, by containerd or here.
            "https://n.example.net/v2"
        ]
    );
    // Without override_path anywhere, nothing changes: containerd appends /v2 itself.
    let quay = &v["machine"]["registries"]["mirrors"]["quay.io"];
    assert!(quay["overridePath"].is_null());
    assert_eq!(quay["endpoints"][0].as_str(), Some("https://quay-mirror.example.net/base"));
    assert!(out.diagnostics.iter().all(|d| d.code != "talos.override-path"), "{:?}", out.diagnostics);
}

#[test]
fn k3s_endpoints_ending_in_v2_get_no_second_v2() {
    let form = form(
        r#"flavor = "k3s"
           [[registry]]
           host = "docker.io"
           [[registry.mirror]]
           url = "https://n.example.net/v2"
           [[registry.mirror]]
           url = "https://o.example.net/v2/"
           [[registry.mirror]]
           url = "https://p.example.net/cache/v2"
           [[registry.mirror]]
           url = "https://q.example.net/cache"
        "#,
    );
    let out = render(&form);
    let v: Value = serde_yaml::from_str(file(&out, "etc/rancher/k3s/registries.yaml")).unwrap();
    let endpoints: Vec<&str> =
        v["mirrors"]["docker.io"]["endpoint"].as_sequence().unwrap().iter().filter_map(|e| e.as_str()).collect();
    assert_eq!(
        endpoints,
        [
            "https://n.example.net/v2",
            "https://o.example.net/v2",
            "https://p.example.net/cache/v2",
            "https://q.example.net/cache/v2"
        ]
    );
}
