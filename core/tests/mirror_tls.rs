//! A mirror on another listed registry's host (Docker Hub through a Harbor proxy cache)
//! gets that registry's TLS in the mirror's registry's hosts.toml: containerd reads only
//! the image's registry's hosts.toml (operator review H1, reproduced with containerd 1.6.20:
//! without the `ca` the pull through the Harbor fails with `x509: certificate signed by
//! unknown authority`). Every hosts.toml is parsed back and its keys asserted.

use pullfix_core::{parse_form, render, FormFormat, Rendered};
use toml_edit::{DocumentMut, Item};

/// A real certificate: ca_pem is checked down to its DER lengths.
const PEM: &str = "-----BEGIN CERTIFICATE-----\nMIIBjTCCATOgAwIBAgIUZLoLccbkz58hOM9Sa+x7y/lYM0IwCgYIKoZIzj0EAwIw\nHDEaMBgGA1UEAwwRRXhhbXBsZSBIYXJib3IgQ0EwHhcNMjYxMTI1MjEzMzM2WhcN\nMzYxMTIyMjEzMzM2WjAcMRowGAYDVQQDDBFFeGFtcGxlIEhhcmJvciBDQTBZMBMG\nByqGSM49AgEGCCqGSM49AwEHA0IABJ3IU+/pB/kw2dER+ZQA+qgp00SIyyVOH1pF\nIbR/Kyofihm1Gwh1QigTg451W91pAUyYYWymqqj4AeNG9/xghRGjUzBRMB0GA1Ud\nDgQWBBS1jrnlwl4QmE4kZI6I/MMQvdR5wTAfBgNVHSMEGDAWgBS1jrnlwl4QmE4k\nZI6I/MMQvdR5wTAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIEMB\nrMbLTLt2R1Y0uq2OV5cHtL82XGF5f3h8XlqZMkLyAiEA/fmiacwBzfUw/W0jdfFI\n3OhobYBLqc8g8DLTJ3FaG2o=\n-----END CERTIFICATE-----\n";

const DOCKER: &str = "etc/containerd/certs.d/docker.io/hosts.toml";
const HARBOR_CA: &str = "/etc/containerd/certs.d/harbor.example.net/ca.crt";
const PROXY: &str = "https://harbor.example.net/v2/dockerhub-proxy";

/// The Harbor registry of the incident, with `extra` TOML lines.
fn harbor(extra: &str) -> String {
    format!("[[registry]]\nhost = \"harbor.example.net\"\nca_pem = {PEM:?}\n{extra}\n")
}

/// Docker Hub through the Harbor's proxy-cache project, with `extra` lines on the mirror.
fn docker_hub(mirror_only: bool, extra: &str) -> String {
    format!(
        "[[registry]]\nhost = \"docker.io\"\nmirror_only = {mirror_only}\n[[registry.mirror]]\nurl = \"{PROXY}\"\noverride_path = true\n{extra}\n"
    )
}

fn run(form: &str) -> Rendered {
    render(&parse_form(form, FormFormat::Toml).unwrap_or_else(|e| panic!("{e}\n{form}")))
}

#[track_caller]
fn toml(out: &Rendered, path: &str) -> DocumentMut {
    let f = out
        .files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no {path}; files: {:?}", out.files.iter().map(|f| &f.path).collect::<Vec<_>>()));
    f.contents.parse().unwrap_or_else(|e| panic!("{path} does not parse: {e}\n{}", f.contents))
}

/// The mirror's table in a hosts.toml (`[host."<url>"]`).
#[track_caller]
fn host<'a>(doc: &'a DocumentMut, url: &str) -> &'a Item {
    doc.get("host").and_then(|h| h.get(url)).unwrap_or_else(|| panic!("no [host.{url:?}] in\n{doc}"))
}

fn str_at<'a>(item: &'a Item, key: &str) -> Option<&'a str> {
    item.get(key).and_then(Item::as_str)
}

/// `client = [["cert", "key"]]` as its pair.
fn client(item: &Item) -> Option<(String, String)> {
    let pair = item.get("client")?.as_array()?.get(0)?.as_array()?;
    match (pair.len(), pair.get(0)?.as_str(), pair.get(1)?.as_str()) {
        (2, Some(c), Some(k)) => Some((c.to_owned(), k.to_owned())),
        _ => None,
    }
}

fn codes(out: &Rendered) -> Vec<String> {
    out.diagnostics.iter().map(|d| format!("{} at {}", d.code, d.field)).collect()
}

#[test]
fn incident_mirror_only_server_gets_the_harbor_ca() {
    // /work/review2/flav/mirror-ca.json: the form of the incident.
    let form = format!("containerd = \"1.7\"\n{}{}", harbor(""), docker_hub(true, ""));
    let out = run(&form);
    let doc = toml(&out, DOCKER);
    assert_eq!(doc["server"].as_str(), Some(PROXY));
    assert_eq!(doc["override_path"].as_bool(), Some(true));
    assert_eq!(doc["ca"].as_str(), Some(HARBOR_CA), "{doc}");
    assert!(doc.get("client").is_none() && doc.get("skip_verify").is_none(), "{doc}");
    assert!(doc["host"].as_table().is_some_and(|t| t.is_empty()), "{doc}");
    // The CA it points at is a file pullfix writes, so no reminder to copy it.
    assert!(out.files.iter().any(|f| f.path == HARBOR_CA.trim_start_matches('/')));
    assert!(out.diagnostics.is_empty(), "{:?}", codes(&out));
}

#[test]
fn fallback_mirror_table_gets_the_harbor_ca() {
    let form = format!("containerd = \"1.6.20\"\n{}{}", docker_hub(false, ""), harbor(""));
    let out = run(&form);
    let doc = toml(&out, DOCKER);
    assert_eq!(doc["server"].as_str(), Some("https://registry-1.docker.io"));
    assert!(doc.get("ca").is_none(), "Docker Hub itself keeps the system trust: {doc}");
    let t = host(&doc, PROXY);
    assert_eq!(str_at(t, "ca"), Some(HARBOR_CA));
    assert_eq!(t.get("override_path").and_then(Item::as_bool), Some(true));
    // Only the note on 1.6's default pause image (the form sets none).
    assert!(out.diagnostics.iter().all(|d| d.code == "sandbox_image.default"), "{:?}", codes(&out));
}

#[test]
fn client_certificate_pair_is_passed_on() {
    let mtls = "client_cert = \"/etc/certs/client.cert\"\nclient_key = \"/etc/certs/client.key\"";
    let pair = Some(("/etc/certs/client.cert".to_owned(), "/etc/certs/client.key".to_owned()));
    for mirror_only in [true, false] {
        let out = run(&format!("{}{}", harbor(mtls), docker_hub(mirror_only, "")));
        let doc = toml(&out, DOCKER);
        let item = if mirror_only { doc.as_item() } else { host(&doc, PROXY) };
        assert_eq!(client(item), pair, "mirror_only = {mirror_only}: {doc}");
        assert_eq!(str_at(item, "ca"), Some(HARBOR_CA), "{doc}");
        if !mirror_only {
            assert!(doc.get("client").is_none(), "Docker Hub gets no client certificate: {doc}");
        }
    }
}

#[test]
fn skip_verify_is_passed_on() {
    let form = "[[registry]]\nhost = \"registry.internal:8443\"\nskip_verify = true\n\
                [[registry]]\nhost = \"gcr.io\"\n[[registry.mirror]]\nurl = \"https://registry.internal:8443/v2/gcr\"\noverride_path = true\n";
    let out = run(form);
    let doc = toml(&out, "etc/containerd/certs.d/gcr.io/hosts.toml");
    let t = host(&doc, "https://registry.internal:8443/v2/gcr");
    assert_eq!(t.get("skip_verify").and_then(Item::as_bool), Some(true), "{doc}");
    assert!(t.get("ca").is_none(), "{doc}");
    assert!(doc.get("skip_verify").is_none(), "gcr.io itself is verified: {doc}");
}

#[test]
fn the_mirrors_own_ca_file_wins_and_the_client_certificate_stays() {
    let mtls = "client_cert = \"/etc/certs/client.cert\"\nclient_key = \"/etc/certs/client.key\"";
    let own = "/etc/pki/harbor-proxy.pem";
    for mirror_only in [true, false] {
        let out = run(&format!("{}{}", harbor(mtls), docker_hub(mirror_only, &format!("ca_file = {own:?}"))));
        let doc = toml(&out, DOCKER);
        let item = if mirror_only { doc.as_item() } else { host(&doc, PROXY) };
        assert_eq!(str_at(item, "ca"), Some(own), "{doc}");
        assert_eq!(client(item).map(|p| p.0), Some("/etc/certs/client.cert".to_owned()), "{doc}");
        // pullfix does not write that file: the reminder stays.
        let reminder = out.diagnostics.iter().find(|d| d.code == "ca_file.mirror-not-written").expect("reminder");
        assert_eq!(reminder.field.as_str(), "registry[1].mirror[0].ca_file");
        assert!(reminder.fix.contains("clear this ca_file"), "{}", reminder.fix);
    }
}

#[test]
fn the_mirrors_own_skip_verify_adds_to_the_registrys_ca() {
    let out = run(&format!("{}{}", harbor(""), docker_hub(false, "skip_verify = true")));
    let doc = toml(&out, DOCKER);
    let t = host(&doc, PROXY);
    assert_eq!(str_at(t, "ca"), Some(HARBOR_CA), "{doc}");
    assert_eq!(t.get("skip_verify").and_then(Item::as_bool), Some(true), "{doc}");
}

#[test]
fn hosts_compare_without_case_and_with_the_port() {
    let form = "[[registry]]\nhost = \"harbor.example.net:8443\"\nca_file = \"/etc/pki/harbor.pem\"\n\
                [[registry]]\nhost = \"quay.io\"\n\
                [[registry.mirror]]\nurl = \"https://HARBOR.Example.NET:8443/v2/quay-proxy\"\noverride_path = true\n\
                [[registry.mirror]]\nurl = \"https://harbor.example.net/v2/quay-proxy\"\noverride_path = true\n";
    let out = run(form);
    let doc = toml(&out, "etc/containerd/certs.d/quay.io/hosts.toml");
    // pullfix writes the host in lower case, as the registry's.
    assert_eq!(str_at(host(&doc, "https://harbor.example.net:8443/v2/quay-proxy"), "ca"), Some("/etc/pki/harbor.pem"));
    // Port 443 is another name than :8443: no registry of the form lives there.
    assert!(host(&doc, "https://harbor.example.net/v2/quay-proxy").get("ca").is_none(), "{doc}");
}

#[test]
fn an_explicit_443_is_the_same_tls_server() {
    let form = "[[registry]]\nhost = \"harbor.example.net\"\nca_file = \"/etc/pki/harbor.pem\"\n\
                [[registry]]\nhost = \"quay.io\"\n\
                [[registry.mirror]]\nurl = \"https://harbor.example.net:443/v2/quay-proxy\"\noverride_path = true\n";
    let out = run(form);
    let doc = toml(&out, "etc/containerd/certs.d/quay.io/hosts.toml");
    assert_eq!(str_at(host(&doc, "https://harbor.example.net:443/v2/quay-proxy"), "ca"), Some("/etc/pki/harbor.pem"));
}

#[test]
fn relative_paths_resolve_in_the_owners_directory() {
    let form = "[[registry]]\nhost = \"harbor.example.net\"\nca_file = \"ca.pem\"\n\
                client_cert = \"client.cert\"\nclient_key = \"/abs/client.key\"\n"
        .to_owned()
        + &docker_hub(true, "");
    let out = run(&form);
    let dir = "/etc/containerd/certs.d/harbor.example.net";
    // The Harbor's own hosts.toml keeps them relative (to its own directory).
    let own = toml(&out, "etc/containerd/certs.d/harbor.example.net/hosts.toml");
    assert_eq!(own["ca"].as_str(), Some("ca.pem"));
    let doc = toml(&out, DOCKER);
    assert_eq!(doc["ca"].as_str(), Some(format!("{dir}/ca.pem").as_str()), "{doc}");
    assert_eq!(client(doc.as_item()), Some((format!("{dir}/client.cert"), "/abs/client.key".to_owned())));
}

#[test]
fn plain_http_passes_no_tls() {
    // A plain-HTTP registry on the host, or a plain-HTTP mirror: no TLS to pass on.
    let form = "[[registry]]\nhost = \"10.0.0.9:5000\"\nscheme = \"http\"\n\
                [[registry]]\nhost = \"docker.io\"\n[[registry.mirror]]\nurl = \"https://10.0.0.9:5000\"\n\
                [[registry]]\nhost = \"harbor.example.net\"\nca_file = \"/etc/pki/harbor.pem\"\n\
                [[registry]]\nhost = \"quay.io\"\n[[registry.mirror]]\nurl = \"http://harbor.example.net\"\n";
    let out = run(form);
    let docker = toml(&out, DOCKER);
    assert!(host(&docker, "https://10.0.0.9:5000").get("ca").is_none(), "{docker}");
    let quay = toml(&out, "etc/containerd/certs.d/quay.io/hosts.toml");
    assert!(host(&quay, "http://harbor.example.net").get("ca").is_none(), "{quay}");
}

#[test]
fn ca_not_written_names_the_mirrors_that_use_it() {
    let form = "[[registry]]\nhost = \"harbor.example.net\"\nca_file = \"/etc/pki/harbor.pem\"\n".to_owned()
        + &docker_hub(true, "");
    let out = run(&form);
    assert_eq!(toml(&out, DOCKER)["ca"].as_str(), Some("/etc/pki/harbor.pem"));
    let w = out.diagnostics.iter().find(|d| d.code == "ca_file.not-written").expect("warning");
    assert_eq!(w.field.as_str(), "registry[0].ca_file");
    assert!(w.message.contains("mirrors on its host (registry[1].mirror[0])"), "{}", w.message);
    // The mirror itself names no CA: no second reminder.
    assert!(!out.diagnostics.iter().any(|d| d.code == "ca_file.mirror-not-written"), "{:?}", codes(&out));
}

#[test]
fn kind_mounts_the_same_hosts_toml() {
    let form = format!("flavor = \"kind\"\ncontainerd = \"1.7\"\n{}{}", harbor(""), docker_hub(true, ""));
    let out = run(&form);
    let doc = toml(&out, "kind/certs.d/docker.io/hosts.toml");
    assert_eq!(doc["ca"].as_str(), Some(HARBOR_CA), "{doc}");
    assert!(out.files.iter().any(|f| f.path == "kind/certs.d/harbor.example.net/ca.crt"));
}

#[test]
fn legacy_inline_config_keys_the_ca_by_host() {
    // 1.5-1.7 with legacy_config: `configs."<host>".tls` is looked up by the host contacted,
    // so the Harbor's own entry covers the mirror, once.
    let form = format!("containerd = \"1.6.20\"\nlegacy_config = true\n{}{}", docker_hub(false, ""), harbor(""));
    let out = run(&form);
    let doc = toml(&out, "etc/containerd/config.toml");
    let reg = &doc["plugins"]["io.containerd.grpc.v1.cri"]["registry"];
    assert_eq!(reg["configs"]["harbor.example.net"]["tls"]["ca_file"].as_str(), Some(HARBOR_CA), "{doc}");
    assert_eq!(reg["configs"].as_table().map(|t| t.len()), Some(1), "{doc}");
    let endpoint = reg["mirrors"]["docker.io"]["endpoint"].as_array().and_then(|a| a.get(0)?.as_str());
    assert_eq!(endpoint, Some(PROXY));
    assert!(!out.diagnostics.iter().any(|d| d.code == "tls.conflict"), "{:?}", codes(&out));
}

#[test]
fn per_host_flavours_keep_one_entry_for_the_harbor() {
    // registries.yaml and Talos key TLS by host: the Harbor's own entry covers the mirror,
    // with the flavour's own CA path, and the mirror adds no conflicting entry.
    for flavor in ["k3s", "talos"] {
        let mtls = "skip_verify = true";
        let form = format!("flavor = \"{flavor}\"\n{}{}", docker_hub(false, ""), harbor(mtls));
        let out = run(&form);
        let conflicts: Vec<String> = codes(&out).into_iter().filter(|c| c.contains("conflict")).collect();
        assert!(conflicts.is_empty(), "{flavor}: {conflicts:?}");
    }
    let out = run(&format!("flavor = \"k3s\"\n{}{}", docker_hub(false, ""), harbor("")));
    let yaml = out.files.iter().find(|f| f.path == "etc/rancher/k3s/registries.yaml").expect("registries.yaml");
    assert!(yaml.contents.contains("/etc/rancher/k3s/certs/harbor.example.net/ca.crt"), "{}", yaml.contents);
    assert!(!yaml.contents.contains("/etc/containerd/certs.d"), "{}", yaml.contents);
}
