//! The golden cases: one test each, with the key paths that matter asserted on the
//! parsed TOML. `every_case_is_listed` keeps this file and the case directories in step.

use super::*;

const HARBOR_HOSTS: &str = "etc/containerd/certs.d/harbor.example.net/hosts.toml";
const HARBOR_CA: &str = "etc/containerd/certs.d/harbor.example.net/ca.crt";
const HARBOR_CA_NODE: &str = "/etc/containerd/certs.d/harbor.example.net/ca.crt";
const DOCKER_HOSTS: &str = "etc/containerd/certs.d/docker.io/hosts.toml";
const V2: &str = "io.containerd.grpc.v1.cri";
const V3: &str = "io.containerd.cri.v1.images";

const CASES: &[&str] = &[
    "containerd-1.2",
    "default-1.6-without-patch",
    "default-namespace",
    "diagnostics-1.5",
    "diagnostics-misc",
    "dockerhub-harbor-proxy-fallback",
    "dockerhub-harbor-proxy-mirror-only",
    "dockerhub-harbor-proxy-secret-only",
    "harbor-ca-auth-1.4",
    "harbor-ca-auth-1.6",
    "harbor-ca-auth-1.7",
    "harbor-ca-auth-2.0",
    "harbor-ca-auth-2.3",
    "harbor-proxy-cache-listed",
    "hostile-escaped",
    "hostile-rejected",
    "inline-1.4-mixed",
    "ip-port-skip-verify",
    "k8s-pause-mirror",
    "legacy-config-1.6",
    "legacy-config-2.1",
    "loopback-local-registry",
    "mtls",
    "plain-http",
];

#[test]
fn every_case_is_listed() {
    let mut dirs: Vec<String> = fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden"))
        .expect("cases")
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    assert_eq!(dirs, CASES);
}

/// The seed on a hosts.toml target: CA in hosts.toml, robot credentials keyed by the host.
#[track_caller]
fn harbor_hosts_toml(name: &str, version: i64, section: &str) {
    let g = check(name);
    g.errors(false)
        .files(&[CONFIG, HARBOR_HOSTS, HARBOR_CA])
        .int(CONFIG, &["version"], version)
        .str(CONFIG, &["plugins", section, "registry", "config_path"], "/etc/containerd/certs.d")
        .str(CONFIG, &["plugins", section, "registry", "configs", "harbor.example.net", "auth", "username"], "robot$ci")
        .str(CONFIG, &["plugins", section, "registry", "configs", "harbor.example.net", "auth", "password"], "S3cret")
        .absent(CONFIG, &["plugins", section, "registry", "mirrors"])
        .absent(CONFIG, &["plugins", section, "registry", "configs", "harbor.example.net", "tls"])
        .mode(CONFIG, 0o600)
        .str(HARBOR_HOSTS, &["server"], "https://harbor.example.net")
        .str(HARBOR_HOSTS, &["ca"], HARBOR_CA_NODE)
        .absent(HARBOR_HOSTS, &["skip_verify"])
        .hosts(HARBOR_HOSTS, &[])
        .mode(HARBOR_HOSTS, 0o644);
    if version >= 3 {
        g.str(
            CONFIG,
            &["plugins", section, "pinned_images", "sandbox"],
            "registry.aliyuncs.com/google_containers/pause:3.10",
        )
        .absent(CONFIG, &["plugins", section, "sandbox_image"]);
    } else {
        g.str(CONFIG, &["plugins", section, "sandbox_image"], "registry.aliyuncs.com/google_containers/pause:3.10");
    }
    let ca = g.rendered.files.iter().find(|f| f.path == HARBOR_CA).expect("CA file");
    assert!(
        ca.contents.starts_with("-----BEGIN CERTIFICATE-----\n")
            && ca.contents.ends_with("-----END CERTIFICATE-----\n")
    );
}

#[test]
fn harbor_ca_auth_1_6() {
    harbor_hosts_toml("harbor-ca-auth-1.6", 2, V2);
}

#[test]
fn harbor_ca_auth_1_7() {
    harbor_hosts_toml("harbor-ca-auth-1.7", 2, V2);
}

#[test]
fn harbor_ca_auth_2_0() {
    harbor_hosts_toml("harbor-ca-auth-2.0", 3, V3);
}

#[test]
fn harbor_ca_auth_2_3() {
    // 2.3's `config default` prints version 4, with the tables of 3.
    harbor_hosts_toml("harbor-ca-auth-2.3", 4, V3);
}

#[test]
fn harbor_ca_auth_1_4_uses_inline_keys() {
    let reg = ["plugins", V2, "registry"];
    let at = |rest: &[&'static str]| -> Vec<&'static str> { reg.iter().chain(rest).copied().collect() };
    check("harbor-ca-auth-1.4")
        .errors(false)
        .files(&[CONFIG, HARBOR_CA])
        .int(CONFIG, &["version"], 2)
        .str(CONFIG, &["plugins", V2, "sandbox_image"], "registry.aliyuncs.com/google_containers/pause:3.10")
        .strs(CONFIG, &at(&["mirrors", "harbor.example.net", "endpoint"]), &["https://harbor.example.net"])
        .str(CONFIG, &at(&["configs", "harbor.example.net", "tls", "ca_file"]), HARBOR_CA_NODE)
        .str(CONFIG, &at(&["configs", "harbor.example.net", "auth", "username"]), "robot$ci")
        .absent(CONFIG, &at(&["config_path"]));
}

#[test]
fn containerd_1_2_mirrors_auths_and_trust_store() {
    check("containerd-1.2")
        .errors(false)
        .files(&[CONFIG, "usr/local/share/ca-certificates/harbor.example.net.crt"])
        .int(CONFIG, &["version"], 1)
        .str(CONFIG, &["plugins", "cri", "sandbox_image"], "registry.aliyuncs.com/google_containers/pause:3.1")
        .str(CONFIG, &["plugins", "cri", "registry", "auths", "https://harbor.example.net", "username"], "robot$ci")
        .strs(
            CONFIG,
            &["plugins", "cri", "registry", "mirrors", "10.50.1.104:5000", "endpoint"],
            &["http://10.50.1.104:5000"],
        )
        .strs(
            CONFIG,
            &["plugins", "cri", "registry", "mirrors", "docker.io", "endpoint"],
            &["https://mirror.example.net"],
        )
        .absent(CONFIG, &["plugins", "cri", "registry", "mirrors", "harbor.example.net"])
        .absent(CONFIG, &["plugins", "cri", "registry", "configs"])
        .diags(&[("v1.ca-trust-store", "registry[0].ca_pem"), ("registry.http", "registry[1].scheme")]);
}

#[test]
fn legacy_config_1_6_keeps_config_path_empty() {
    let reg = ["plugins", V2, "registry"];
    let at = |rest: &[&'static str]| -> Vec<&'static str> { reg.iter().chain(rest).copied().collect() };
    check("legacy-config-1.6")
        .errors(false)
        .files(&[CONFIG, HARBOR_CA])
        .str(CONFIG, &at(&["config_path"]), "")
        .strs(CONFIG, &at(&["mirrors", "harbor.example.net", "endpoint"]), &["https://harbor.example.net"])
        // Docker Hub is appended by containerd itself; the proxy path is the API root.
        .strs(CONFIG, &at(&["mirrors", "docker.io", "endpoint"]), &["https://harbor.example.net/v2/dockerhub-proxy"])
        .str(CONFIG, &at(&["configs", "harbor.example.net", "tls", "ca_file"]), HARBOR_CA_NODE)
        .str(CONFIG, &at(&["configs", "harbor.example.net", "auth", "password"]), "S3cret")
        .diags(&[("legacy_config.deprecated", "legacy_config"), ("sandbox_image.default", "sandbox_image")]);
}

#[test]
fn legacy_config_on_2_1_is_an_error_and_uses_hosts_toml() {
    check("legacy-config-2.1")
        .errors(true)
        // The CA is only named by path: pullfix does not write it, and says so.
        .diags(&[("legacy_config.tls-ignored", "legacy_config"), ("ca_file.not-written", "registry[0].ca_file")])
        .str(HARBOR_HOSTS, &["ca"], "/etc/ssl/certs/harbor-ca.pem")
        .absent(CONFIG, &["plugins", V3, "registry", "configs"]);
}

#[test]
fn ip_with_port_and_skip_verify() {
    let hosts = "etc/containerd/certs.d/10.50.1.104:8443/hosts.toml";
    check("ip-port-skip-verify")
        .errors(false)
        .files(&[CONFIG, hosts])
        .str(hosts, &["server"], "https://10.50.1.104:8443")
        .bool(hosts, &["skip_verify"], true)
        .mode(CONFIG, 0o644)
        .diags(&[("registry.skip-verify", "registry[0].skip_verify"), ("kubernetes.defaults", "kubernetes")]);
}

#[test]
fn plain_http_is_explicit() {
    let hosts = "etc/containerd/certs.d/10.50.1.104:5000/hosts.toml";
    check("plain-http")
        .errors(false)
        .str(hosts, &["server"], "http://10.50.1.104:5000")
        .absent(hosts, &["ca"])
        .diags(&[("registry.http", "registry[0].scheme"), ("sandbox_image.default", "sandbox_image")]);
}

#[test]
fn loopback_registries_are_steered_to_plain_http_not_to_a_ca() {
    let https = "etc/containerd/certs.d/127.0.0.1:5000/hosts.toml";
    let http = "etc/containerd/certs.d/localhost:5001/hosts.toml";
    check("loopback-local-registry")
        .errors(false)
        .files(&[CONFIG, https, http])
        // The form says HTTPS, and pullfix does not silently change it: the warning says what to set.
        .str(https, &["server"], "https://127.0.0.1:5000")
        .str(http, &["server"], "http://localhost:5001")
        .absent(http, &["ca"])
        .diags(&[
            ("registry.loopback-https", "registry[0].scheme"),
            ("registry.http-loopback", "registry[1].scheme"),
            ("sandbox_image.default", "sandbox_image"),
        ]);
}

#[test]
fn docker_hub_through_harbor_with_fallback() {
    let proxy = "https://harbor.example.net/v2/dockerhub-proxy";
    check("dockerhub-harbor-proxy-fallback")
        .errors(false)
        .files(&[CONFIG, DOCKER_HOSTS])
        .str(DOCKER_HOSTS, &["server"], "https://registry-1.docker.io")
        .hosts(DOCKER_HOSTS, &[proxy])
        .bool(DOCKER_HOSTS, &["host", proxy, "override_path"], true)
        .strs(DOCKER_HOSTS, &["host", proxy, "capabilities"], &["pull", "resolve"])
        .str(DOCKER_HOSTS, &["host", proxy, "ca"], HARBOR_CA_NODE)
        // Harbor's CA is not in this form: a reminder that pullfix does not write it.
        .diags(&[("ca_file.mirror-not-written", "registry[0].mirror[0].ca_file")]);
}

#[test]
fn docker_hub_through_harbor_with_secret_only_credentials_tests_with_harbors() {
    let proxy = "https://harbor.example.net/v2/dockerhub-proxy";
    let secret = "k8s/secret-regcred-default.yaml";
    let g = check("dockerhub-harbor-proxy-secret-only");
    g.errors(false)
        .files(&[CONFIG, DOCKER_HOSTS, HARBOR_HOSTS])
        .str(DOCKER_HOSTS, &["server"], proxy)
        .absent(CONFIG, &["plugins", V2, "registry", "configs"]);
    let file = |path: &str| g.rendered.files.iter().find(|f| f.path == path).expect(path);
    // The Secret keys Harbor's robot account for Docker Hub's images...
    let yaml: serde_yaml::Value = serde_yaml::from_str(&file(secret).contents).expect("Secret YAML");
    let json = yaml["data"][".dockerconfigjson"].as_str().expect("data");
    use base64::Engine as _;
    let json = base64::engine::general_purpose::STANDARD.decode(json).expect("base64");
    let auths: serde_json::Value = serde_json::from_slice(&json).expect("dockerconfigjson");
    assert_eq!(auths["auths"]["https://index.docker.io/v1/"]["username"], "robot$ci");
    // ...so both test pulls pass it, as the pods' pulls do.
    for (path, image) in [(DOCKER_HOSTS, "docker.io"), (HARBOR_HOSTS, "harbor.example.net")] {
        let note = &file(path).instructions;
        let want = format!("`crictl pull --creds 'robot$ci:<password>' {image}/<image>:<tag>`");
        assert!(note.contains(&want), "{path}: {note}");
        assert!(!note.contains("S3cret"), "{path}: never the password: {note}");
    }
}

#[test]
fn docker_hub_through_harbor_mirror_only_never_contacts_docker_hub() {
    let first = "https://harbor.example.net/v2/dockerhub-proxy";
    let last = "https://harbor-dr.example.net/v2/dockerhub-proxy";
    let g = check("dockerhub-harbor-proxy-mirror-only");
    g.errors(false)
        .str(DOCKER_HOSTS, &["server"], last)
        .bool(DOCKER_HOSTS, &["override_path"], true)
        .strs(DOCKER_HOSTS, &["capabilities"], &["pull", "resolve"])
        .hosts(DOCKER_HOSTS, &[first])
        .str(DOCKER_HOSTS, &["host", first, "ca"], HARBOR_CA_NODE)
        .int(CONFIG, &["version"], 3)
        .str(CONFIG, &["plugins", V3, "registry", "configs", "harbor.example.net", "auth", "username"], "robot$proxy")
        .str(
            CONFIG,
            &["plugins", V3, "registry", "configs", "harbor-dr.example.net", "auth", "username"],
            "robot$proxy",
        )
        .absent(CONFIG, &["plugins", V3, "registry", "configs", "registry-1.docker.io"]);
    for f in &g.rendered.files {
        assert!(!f.contents.contains("docker.io\""), "{}: no Docker Hub host in the output", f.path);
    }
}

#[test]
fn mirrors_on_a_listed_registry_carry_its_tls() {
    let dockerhub = "https://harbor.example.net/v2/dockerhub-proxy";
    let quay = "https://harbor.example.net/v2/quay-proxy";
    let ghcr = "https://harbor.example.net/v2/ghcr-proxy";
    let gcr = "https://registry.internal:8443/v2/gcr-proxy";
    let quay_hosts = "etc/containerd/certs.d/quay.io/hosts.toml";
    let ghcr_hosts = "etc/containerd/certs.d/ghcr.io/hosts.toml";
    let gcr_hosts = "etc/containerd/certs.d/gcr.io/hosts.toml";
    let g = check("harbor-proxy-cache-listed");
    g.errors(false)
        // mirror_only: the Harbor project is the server, with the Harbor's CA and client pair.
        .str(DOCKER_HOSTS, &["server"], dockerhub)
        .str(DOCKER_HOSTS, &["ca"], HARBOR_CA_NODE)
        .hosts(DOCKER_HOSTS, &[])
        .str(quay_hosts, &["server"], "https://quay.io")
        .absent(quay_hosts, &["ca"])
        .hosts(quay_hosts, &[quay])
        .str(quay_hosts, &["host", quay, "ca"], HARBOR_CA_NODE)
        // The mirror's own ca_file wins; pullfix does not write it, hence the reminder.
        .str(ghcr_hosts, &["host", ghcr, "ca"], "/etc/pki/ghcr-proxy-ca.pem")
        .bool(gcr_hosts, &["host", gcr, "skip_verify"], true)
        .absent(gcr_hosts, &["host", gcr, "ca"])
        .absent(gcr_hosts, &["skip_verify"])
        .diags(&[
            ("registry.skip-verify", "registry[4].skip_verify"),
            ("sandbox_image.default", "sandbox_image"),
            ("ca_file.mirror-not-written", "registry[3].mirror[0].ca_file"),
        ]);
    let pair = [
        "/etc/containerd/certs.d/harbor.example.net/client.cert",
        "/etc/containerd/certs.d/harbor.example.net/client.key",
    ];
    for (file, client) in [
        (DOCKER_HOSTS, vec!["client"]),
        (quay_hosts, vec!["host", quay, "client"]),
        (ghcr_hosts, vec!["host", ghcr, "client"]),
    ] {
        let got: Vec<&str> = g
            .item(file, &client)
            .and_then(Item::as_array)
            .and_then(|a| a.get(0))
            .and_then(|p| p.as_array())
            .map(|p| p.iter().filter_map(|v| v.as_str()).collect())
            .unwrap_or_default();
        assert_eq!(got, pair, "{file} {client:?}");
    }
    assert!(g.item(gcr_hosts, &["host", gcr, "client"]).is_none());
}

#[test]
fn registry_k8s_io_mirror_for_the_pause_image() {
    let hosts = "etc/containerd/certs.d/registry.k8s.io/hosts.toml";
    check("k8s-pause-mirror")
        .errors(false)
        .str(CONFIG, &["plugins", V3, "pinned_images", "sandbox"], "registry.k8s.io/pause:3.10")
        .str(hosts, &["server"], "https://registry.k8s.io")
        .hosts(hosts, &["https://k8s-mirror.example.net"]);
}

#[test]
fn default_namespace_has_no_server() {
    let hosts = "etc/containerd/certs.d/_default/hosts.toml";
    check("default-namespace")
        .errors(false)
        .absent(hosts, &["server"])
        .hosts(hosts, &["https://cache.example.net"])
        .str(HARBOR_HOSTS, &["server"], "https://harbor.example.net")
        // harbor.example.net has no CA: where it has a private one, pulls would fail with x509.
        .diags(&[("registry.private-ca", "registry[1].ca_pem")]);
}

#[test]
fn default_namespace_on_1_6_needs_the_patch_release() {
    check("default-1.6-without-patch").errors(false).diags(&[
        ("default.needs-patch", "registry[0].host"),
        // No sandbox image: 1.6's default is on k8s.gcr.io before 1.6.20.
        ("sandbox_image.default", "sandbox_image"),
    ]);
}

#[test]
fn mutual_tls() {
    let hosts = "etc/containerd/certs.d/secure.example.net:5443/hosts.toml";
    let dir = "/etc/containerd/certs.d/secure.example.net:5443";
    let g = check("mtls");
    g.errors(false).str(hosts, &["ca"], &format!("{dir}/ca.crt"));
    let client = g.item(hosts, &["client"]).and_then(|i| i.as_array()).expect("client");
    let pair: Vec<&str> =
        client.get(0).and_then(|p| p.as_array()).expect("pair").iter().filter_map(|v| v.as_str()).collect();
    assert_eq!(pair, [format!("{dir}/client.cert"), format!("{dir}/client.key")]);
}

#[test]
fn hostile_values_are_escaped() {
    let hosts = "etc/containerd/certs \"d\" $HOME ü/harbor.example.net/hosts.toml";
    let auth = ["plugins", V2, "registry", "configs", "harbor.example.net", "auth"];
    let at = |k: &'static str| -> Vec<&'static str> { auth.iter().copied().chain([k]).collect() };
    check("hostile-escaped")
        .errors(false)
        .str(CONFIG, &["plugins", V2, "registry", "config_path"], "/etc/containerd/certs \"d\" $HOME ü")
        .str(CONFIG, &at("username"), "robot$ci\"x")
        .str(CONFIG, &at("password"), "p\"a\\ss$w'ord 🔑 ]]\" = true")
        .str(hosts, &["ca"], "/etc/pki/ca \"quoted\" \\ back$slash ö.crt")
        .hosts(hosts, &["https://mirror.example.net/v2/päth$x"])
        .absent(CONFIG, &["plugins", V2, "registry", "configs", "harbor.example.net", "auth", "true"]);
}

#[test]
fn hostile_control_characters_are_rejected_never_written() {
    let g = check("hostile-rejected");
    g.errors(true)
        .files(&[CONFIG, "etc/containerd/certs.d/ok.example.net/hosts.toml"])
        .absent(CONFIG, &["plugins", V2, "sandbox_image"])
        .absent(CONFIG, &["plugins", V2, "registry", "configs"])
        .absent(CONFIG, &["plugins", "evil"]);
    for f in &g.rendered.files {
        assert!(!f.contents.contains("evil") && !f.contents.contains("line"), "{}", f.path);
    }
}

#[test]
fn many_mistakes_each_on_its_field() {
    check("diagnostics-misc")
        .errors(true)
        .diags(&[
            ("host.duplicate", "registry[1].host"),
            ("host.ipv6", "registry[2].host"),
            ("host.malformed", "registry[4].host"),
            ("mirror.capability-unknown", "registry[5].mirror[0].capabilities[2]"),
            ("mirror.duplicate", "registry[5].mirror[1].url"),
            ("mirror.url-malformed", "registry[5].mirror[2].url"),
            ("config_path.list", "config_path"),
            ("registry.private-ca", "registry[0].ca_pem"),
            ("client.key-missing", "registry[0].client_key"),
            ("registry.private-ca", "registry[2].ca_pem"),
            ("mirror_only.no-mirror", "registry[3].mirror_only"),
            ("credentials.token-and-password", "registry[5].identity_token"),
            ("mirror.http", "registry[5].mirror[3].url"),
            ("mirror.http-tls", "registry[5].mirror[3].skip_verify"),
            ("node_auth.upstream-gets-credentials", "registry[5].node_auth"),
            ("registry.private-ca", "registry[6].ca_pem"),
            ("credentials.username-missing", "registry[6].username"),
            ("registry.private-ca", "registry[7].ca_pem"),
            ("node_auth.no-credentials", "registry[7].node_auth"),
            ("sandbox_image.needs-node-auth", "sandbox_image"),
            ("kubernetes.defaults", "kubernetes"),
        ])
        .str(CONFIG, &["plugins", V2, "registry", "config_path"], "/etc/containerd/certs.d")
        .absent(HARBOR_HOSTS, &["client"])
        .hosts(
            "etc/containerd/certs.d/quay.io/hosts.toml",
            &["https://quay-mirror.example.net", "http://10.0.0.9:5000"],
        )
        .absent("etc/containerd/certs.d/quay.io/hosts.toml", &["host", "http://10.0.0.9:5000", "skip_verify"])
        .strs(
            "etc/containerd/certs.d/quay.io/hosts.toml",
            &["host", "https://quay-mirror.example.net", "capabilities"],
            &["pull", "resolve"],
        );
}

#[test]
fn containerd_1_5_lacks_override_path_and_default() {
    check("diagnostics-1.5").errors(true).diags(&[
        ("config_path.relative", "config_path"),
        ("default.unsupported", "registry[0].host"),
        ("mirror.override-path-unsupported", "registry[1].mirror[0].override_path"),
        // No sandbox image: 1.5's default is k8s.gcr.io/pause:3.5.
        ("sandbox_image.default", "sandbox_image"),
    ]);
}

#[test]
fn inline_1_4_paths_mtls_and_http() {
    let reg = ["plugins", V2, "registry"];
    let at = |rest: &[&'static str]| -> Vec<&'static str> { reg.iter().chain(rest).copied().collect() };
    check("inline-1.4-mixed")
        .errors(false)
        .files(&[CONFIG])
        // override_path: the path is the API root; without it /v2 is added, as hosts.toml would.
        .strs(
            CONFIG,
            &at(&["mirrors", "docker.io", "endpoint"]),
            &["https://harbor.example.net/v2/dockerhub-proxy", "https://mirror.example.net/prefix/v2"],
        )
        .strs(
            CONFIG,
            &at(&["mirrors", "secure.example.net:5443", "endpoint"]),
            &["https://secure-mirror.example.net", "https://secure.example.net:5443"],
        )
        .str(
            CONFIG,
            &at(&["configs", "secure.example.net:5443", "tls", "cert_file"]),
            "/etc/containerd/certs.d/secure.example.net:5443/client.cert",
        )
        .str(
            CONFIG,
            &at(&["configs", "secure.example.net:5443", "tls", "key_file"]),
            "/etc/containerd/certs.d/secure.example.net:5443/client.key",
        )
        .bool(CONFIG, &at(&["configs", "secure-mirror.example.net", "tls", "insecure_skip_verify"]), true)
        .strs(CONFIG, &at(&["mirrors", "10.50.1.104:5000", "endpoint"]), &["http://10.50.1.104:5000"])
        .absent(CONFIG, &at(&["configs", "10.50.1.104:5000"]))
        .absent(CONFIG, &at(&["config_path"]))
        .diags(&[
            ("mirror.skip-verify", "registry[1].mirror[0].skip_verify"),
            ("registry.http", "registry[2].scheme"),
            ("sandbox_image.default", "sandbox_image"),
            ("ca_file.not-written", "registry[1].ca_file"),
        ]);
}
