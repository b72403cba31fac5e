//! The engine on wasm32 (what the web page runs), in Node through wasm-bindgen-test:
//! representative forms render, and their TOML parses back with the expected keys.
//!
//! `cargo test -p pullfix-core --target wasm32-unknown-unknown` (the runner comes from
//! `scripts/env.sh`).
#![cfg(target_arch = "wasm32")]

use pullfix_core::{parse_form, render, FormFormat, Severity};
use toml_edit::DocumentMut;
use wasm_bindgen_test::wasm_bindgen_test;

fn rendered(form: &str) -> pullfix_core::Rendered {
    render(&parse_form(form, FormFormat::Toml).expect("form parses"))
}

fn doc(out: &pullfix_core::Rendered, path: &str) -> DocumentMut {
    let f = out.files.iter().find(|f| f.path == path).unwrap_or_else(|| panic!("no {path}"));
    f.contents.parse().expect("TOML parses")
}

#[wasm_bindgen_test]
fn harbor_on_1_7_with_ca_and_node_credentials() {
    let out = rendered(
        "containerd = \"1.7\"\n[[registry]]\nhost = \"harbor.example.net:8443\"\nca_pem = \"-----BEGIN CERTIFICATE-----\\nMIIBjTCCATOgAwIBAgIUZLoLccbkz58hOM9Sa+x7y/lYM0IwCgYIKoZIzj0EAwIw\\nHDEaMBgGA1UEAwwRRXhhbXBsZSBIYXJib3IgQ0EwHhcNMjYxMTI1MjEzMzM2WhcN\\nMzYxMTIyMjEzMzM2WjAcMRowGAYDVQQDDBFFeGFtcGxlIEhhcmJvciBDQTBZMBMG\\nByqGSM49AgEGCCqGSM49AwEHA0IABJ3IU+/pB/kw2dER+ZQA+qgp00SIyyVOH1pF\\nIbR/Kyofihm1Gwh1QigTg451W91pAUyYYWymqqj4AeNG9/xghRGjUzBRMB0GA1Ud\\nDgQWBBS1jrnlwl4QmE4kZI6I/MMQvdR5wTAfBgNVHSMEGDAWgBS1jrnlwl4QmE4k\\nZI6I/MMQvdR5wTAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIEMB\\nrMbLTLt2R1Y0uq2OV5cHtL82XGF5f3h8XlqZMkLyAiEA/fmiacwBzfUw/W0jdfFI\\n3OhobYBLqc8g8DLTJ3FaG2o=\\n-----END CERTIFICATE-----\"\nusername = \"robot$ci\"\npassword = \"S3cret\"\nnode_auth = true\n",
    );
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    let config = doc(&out, "etc/containerd/config.toml");
    assert_eq!(config["version"].as_integer(), Some(2));
    let reg = &config["plugins"]["io.containerd.grpc.v1.cri"]["registry"];
    assert_eq!(reg["config_path"].as_str(), Some("/etc/containerd/certs.d"));
    assert_eq!(reg["configs"]["harbor.example.net:8443"]["auth"]["username"].as_str(), Some("robot$ci"));
    let hosts = doc(&out, "etc/containerd/certs.d/harbor.example.net:8443/hosts.toml");
    assert_eq!(hosts["server"].as_str(), Some("https://harbor.example.net:8443"));
    assert_eq!(hosts["ca"].as_str(), Some("/etc/containerd/certs.d/harbor.example.net:8443/ca.crt"));
    assert!(out
        .files
        .iter()
        .any(|f| f.path.ends_with("ca.crt") && f.contents.ends_with("-----END CERTIFICATE-----\n")));
}

#[wasm_bindgen_test]
fn docker_hub_mirror_only_on_2_1() {
    let out = rendered(
        "containerd = \"2.1\"\nsandbox_image = \"registry.k8s.io/pause:3.10\"\n[[registry]]\nhost = \"docker.io\"\nmirror_only = true\n[[registry.mirror]]\nurl = \"https://harbor.example.net/v2/dockerhub-proxy\"\noverride_path = true\n",
    );
    let config = doc(&out, "etc/containerd/config.toml");
    assert_eq!(config["version"].as_integer(), Some(3));
    let images = &config["plugins"]["io.containerd.cri.v1.images"];
    assert_eq!(images["pinned_images"]["sandbox"].as_str(), Some("registry.k8s.io/pause:3.10"));
    let hosts = doc(&out, "etc/containerd/certs.d/docker.io/hosts.toml");
    assert_eq!(hosts["server"].as_str(), Some("https://harbor.example.net/v2/dockerhub-proxy"));
    assert_eq!(hosts["override_path"].as_bool(), Some(true));
}

#[wasm_bindgen_test]
fn legacy_1_4_and_hostile_values() {
    let out = rendered(
        "containerd = \"1.4\"\n[[registry]]\nhost = \"h.example.net\"\nskip_verify = true\nusername = \"u\\\"$\"\npassword = \"p'\\\\ü\"\nnode_auth = true\n",
    );
    let config = doc(&out, "etc/containerd/config.toml");
    let configs = &config["plugins"]["io.containerd.grpc.v1.cri"]["registry"]["configs"]["h.example.net"];
    assert_eq!(configs["tls"]["insecure_skip_verify"].as_bool(), Some(true));
    assert_eq!(configs["auth"]["username"].as_str(), Some("u\"$"));
    assert_eq!(configs["auth"]["password"].as_str(), Some("p'\\ü"));
}

#[wasm_bindgen_test]
fn a_half_typed_form_still_renders_with_diagnostics() {
    let out = rendered("containerd = \"1.9\"\n[[registry]]\nhost = \"\"\n[[registry]]\nhost = \"ok.example.net\"\n");
    assert!(out.diagnostics.iter().any(|d| d.code == "containerd.unsupported" && d.severity == Severity::Error));
    assert!(out.diagnostics.iter().any(|d| d.field.as_str() == "registry[0].host"));
    assert!(out.files.iter().any(|f| f.path == "etc/containerd/certs.d/ok.example.net/hosts.toml"));
}
