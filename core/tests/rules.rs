//! One diagnostic per rule: each row is a small form, the code it must raise and the
//! field it must be attached to. `every_code_has_a_row` scans the engine's sources so
//! that a new rule cannot land without a row here.

use pullfix_core::{parse_form, render, FormFormat};

/// A real certificate: ca_pem is checked down to its DER lengths.
const PEM: &str = "-----BEGIN CERTIFICATE-----\nMIIBjTCCATOgAwIBAgIUZLoLccbkz58hOM9Sa+x7y/lYM0IwCgYIKoZIzj0EAwIw\nHDEaMBgGA1UEAwwRRXhhbXBsZSBIYXJib3IgQ0EwHhcNMjYxMTI1MjEzMzM2WhcN\nMzYxMTIyMjEzMzM2WjAcMRowGAYDVQQDDBFFeGFtcGxlIEhhcmJvciBDQTBZMBMG\nByqGSM49AgEGCCqGSM49AwEHA0IABJ3IU+/pB/kw2dER+ZQA+qgp00SIyyVOH1pF\nIbR/Kyofihm1Gwh1QigTg451W91pAUyYYWymqqj4AeNG9/xghRGjUzBRMB0GA1Ud\nDgQWBBS1jrnlwl4QmE4kZI6I/MMQvdR5wTAfBgNVHSMEGDAWgBS1jrnlwl4QmE4k\nZI6I/MMQvdR5wTAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIEMB\nrMbLTLt2R1Y0uq2OV5cHtL82XGF5f3h8XlqZMkLyAiEA/fmiacwBzfUw/W0jdfFI\n3OhobYBLqc8g8DLTJ3FaG2o=\n-----END CERTIFICATE-----\n";

/// Renders `form` (TOML) and asserts a diagnostic `code` on `field`, with a message and a fix.
#[track_caller]
fn check(form: &str, code: &str, field: &str) {
    let form = parse_form(form, FormFormat::Toml).unwrap_or_else(|e| panic!("{code}: {e}"));
    let out = render(&form);
    let found = out.diagnostics.iter().find(|d| d.code == code && d.field.as_str() == field);
    let Some(d) = found else {
        let got: Vec<_> = out.diagnostics.iter().map(|d| format!("{} at {}", d.code, d.field)).collect();
        panic!("expected {code} at {field}; got {got:#?}");
    };
    assert!(!d.message.is_empty() && !d.fix.is_empty(), "{code}: message and fix");
}

fn rows() -> Vec<(String, &'static str, &'static str)> {
    let r = |s: &str| format!("[[registry]]\n{s}\n");
    let pem = |extra: &str| r(&format!("host = \"a.example\"\nca_pem = {PEM:?}\n{extra}"));
    vec![
        ("containerd = \"one\"".into(), "containerd.malformed", "containerd"),
        ("containerd = \"1.8\"".into(), "containerd.unsupported", "containerd"),
        (r("host = \"a b\""), "host.malformed", "registry[0].host"),
        (r("host = \"a.example\"") + &r("host = \"a.example\""), "host.duplicate", "registry[1].host"),
        (r("host = \"[fd00::1]:5000\""), "host.ipv6", "registry[0].host"),
        (r("host = \"10.50.1.104_5000_\""), "host.underscore", "registry[0].host"),
        (r("host = \"index.docker.io\""), "host.docker-hub-alias", "registry[0].host"),
        (r("host = \"harbor.example.net:443\""), "host.default-port", "registry[0].host"),
        (r("host = \"Harbor.Example.NET\""), "host.uppercase", "registry[0].host"),
        (r(&format!("host = \"a.example\"\nca_pem = {:?}", PEM.repeat(6))), "ca_pem.bundle", "registry[0].ca_pem"),
        (
            r(&format!("host = \"a.example\"\nusername = \"{}\"\npassword = \"p\"", "u".repeat(300))),
            "username.too-long",
            "registry[0].username",
        ),
        (
            r(&format!("host = \"a.example\"\nusername = \"u\"\npassword = \"{}\"", "p".repeat(20_000))),
            "credentials.too-long",
            "registry[0].password",
        ),
        (
            "containerd = \"1.6\"\n".to_owned() + &r("host = \"[fd00::1]:5000\"\nusername = \"u\"\npassword = \"p\"\nnode_auth = true"),
            "host.ipv6-config-toml",
            "registry[0].node_auth",
        ),
        (r("host = \"a.example\"\n[[registry.mirror]]\nurl = \"\""), "mirror.url-empty", "registry[0].mirror[0].url"),
        (r("host = \"a.example\"\n[[registry.mirror]]\nurl = \"m.example\""), "mirror.url-malformed", "registry[0].mirror[0].url"),
        (
            r("host = \"a.example\"\n[[registry.mirror]]\nurl = \"https://m.example\"\n[[registry.mirror]]\nurl = \"https://m.example/\""),
            "mirror.duplicate",
            "registry[0].mirror[1].url",
        ),
        (r("host = \"a.example\"\n[[registry.mirror]]\nurl = \"https://[fd00::2]:5000\""), "mirror.ipv6", "registry[0].mirror[0].url"),
        (
            r("host = \"a.example\"\n[[registry.mirror]]\nurl = \"https://m.example\"\ncapabilities = [\"fetch\"]"),
            "mirror.capability-unknown",
            "registry[0].mirror[0].capabilities[0]",
        ),
        (
            r("host = \"a.example\"\n[[registry.mirror]]\nurl = \"https://m.example\"\ncapabilities = [\"pull\"]"),
            "mirror.capabilities-no-resolve",
            "registry[0].mirror[0].capabilities",
        ),
        ("config_path = \"/a:/b\"".into(), "config_path.list", "config_path"),
        (
            "[kubernetes]\nsecret_name = \"Bad_Name\"\n".to_owned() + &r("host = \"a.example\"\nusername = \"u\"\npassword = \"p\""),
            "kubernetes.secret-name",
            "kubernetes.secret_name",
        ),
        ("config_path = \"certs.d\"".into(), "config_path.relative", "config_path"),
        ("config_path = \"/etc/../x\"".into(), "config_path.parent", "config_path"),
        (r("host = \"a.example\"\nusername = \"a\\tb\""), "value.control-character", "registry[0].username"),
        (
            "containerd = \"2.0\"\nlegacy_config = true\n".to_owned() + &r("host = \"a.example\"\nskip_verify = true"),
            "legacy_config.tls-ignored",
            "legacy_config",
        ),
        ("containerd = \"2.0\"\nlegacy_config = true".into(), "legacy_config.deprecated-2x", "legacy_config"),
        ("containerd = \"1.7\"\nlegacy_config = true".into(), "legacy_config.deprecated", "legacy_config"),
        ("containerd = \"1.4\"\nconfig_path = \"/x\"".into(), "config_path.unused", "config_path"),
        (r("host = \"docker.io\"\nscheme = \"http\""), "registry.scheme-ignored", "registry[0].scheme"),
        (r("host = \"a.example\"\nscheme = \"http\""), "registry.http", "registry[0].scheme"),
        (r("host = \"a.example\"\nscheme = \"http\"\nskip_verify = true"), "registry.http-tls", "registry[0].scheme"),
        (r("host = \"a.example\"\nskip_verify = true"), "registry.skip-verify", "registry[0].skip_verify"),
        (r("host = \"harbor.example.net\""), "registry.private-ca", "registry[0].ca_pem"),
        (r("host = \"127.0.0.1:5000\""), "registry.loopback-https", "registry[0].scheme"),
        (r("host = \"localhost:5000\"\nscheme = \"http\""), "registry.http-loopback", "registry[0].scheme"),
        (r("host = \"a.example\"\nca_file = \"ca.crt\""), "path.relative", "registry[0].ca_file"),
        (pem("ca_file = \"/etc/../ca.crt\""), "path.parent", "registry[0].ca_file"),
        (r("host = \"a.example\"\nclient_cert = \"/c\""), "client.key-missing", "registry[0].client_key"),
        (r("host = \"a.example\"\nclient_key = \"/k\""), "client.cert-missing", "registry[0].client_cert"),
        (r("host = \"a.example\"\npassword = \"p\""), "credentials.username-missing", "registry[0].username"),
        (r("host = \"a.example\"\nusername = \"u\""), "credentials.password-missing", "registry[0].password"),
        (r("host = \"a.example\"\nusername = \"dom:u\"\npassword = \"p\""), "credentials.username-colon", "registry[0].username"),
        (
            r("host = \"a.example\"\nusername = \"u\"\npassword = \"p\"\nidentity_token = \"t\""),
            "credentials.token-and-password",
            "registry[0].identity_token",
        ),
        ("containerd = \"1.2\"\n".to_owned() + &r("host = \"a.example\"\nca_file = \"/ca.crt\""), "v1.tls-unsupported", "registry[0].ca_file"),
        ("containerd = \"1.2\"\n".to_owned() + &pem(""), "v1.ca-trust-store", "registry[0].ca_pem"),
        ("containerd = \"1.2\"\n".to_owned() + &r("host = \"_default\""), "default.unsupported", "registry[0].host"),
        (
            "containerd = \"1.2\"\n".to_owned() + &r("host = \"docker.io\"\n[[registry.mirror]]\nurl = \"https://m.example/v2/p\""),
            "v1.mirror-path-ignored",
            "registry[0].mirror[0].url",
        ),
        ("containerd = \"1.4\"\n".to_owned() + &r("host = \"_default\"\nskip_verify = true"), "default.inline-tls", "registry[0].host"),
        (
            "containerd = \"1.4\"\n".to_owned() + &r("host = \"docker.io\"\nmirror_only = true\n[[registry.mirror]]\nurl = \"https://m.example\""),
            "mirror_only.inline",
            "registry[0].mirror_only",
        ),
        (
            "containerd = \"1.4\"\n".to_owned() + &r("host = \"docker.io\"\n[[registry.mirror]]\nurl = \"https://m.example\"\ncapabilities = [\"pull\"]"),
            "mirror.capabilities-ignored",
            "registry[0].mirror[0].capabilities",
        ),
        ("containerd = \"1.6\"\n".to_owned() + &r("host = \"_default\""), "default.needs-patch", "registry[0].host"),
        (r("host = \"_default\""), "default.empty", "registry[0].host"),
        ("containerd = \"1.6.16\"\n".to_owned() + &r("host = \"_default\""), "default.unsupported", "registry[0].host"),
        (
            "containerd = \"1.5\"\n".to_owned()
                + &r("host = \"docker.io\"\n[[registry.mirror]]\nurl = \"https://m.example/v2/p\"\noverride_path = true"),
            "mirror.override-path-unsupported",
            "registry[0].mirror[0].override_path",
        ),
        (r("host = \"docker.io\"\nmirror_only = true"), "mirror_only.no-mirror", "registry[0].mirror_only"),
        (r("host = \"docker.io\"\n[[registry.mirror]]\nurl = \"http://m.example\""), "mirror.http", "registry[0].mirror[0].url"),
        (
            r("host = \"docker.io\"\n[[registry.mirror]]\nurl = \"http://m.example\"\nca_file = \"/ca\""),
            "mirror.http-tls",
            "registry[0].mirror[0].ca_file",
        ),
        (
            r("host = \"docker.io\"\n[[registry.mirror]]\nurl = \"https://m.example\"\nskip_verify = true"),
            "mirror.skip-verify",
            "registry[0].mirror[0].skip_verify",
        ),
        (
            r("host = \"docker.io\"\n[[registry.mirror]]\nurl = \"https://m.example\"\noverride_path = true"),
            "mirror.override-path-no-path",
            "registry[0].mirror[0].override_path",
        ),
        (
            r("host = \"docker.io\"\n[[registry.mirror]]\nurl = \"https://m.example/v2/proxy\""),
            "mirror.v2-path-needs-override",
            "registry[0].mirror[0].url",
        ),
        (r("host = \"a.example\"\nnode_auth = true"), "node_auth.no-credentials", "registry[0].node_auth"),
        (
            r("host = \"_default\"\nusername = \"u\"\npassword = \"p\"\nnode_auth = true\n[[registry.mirror]]\nurl = \"https://m.example\""),
            "node_auth.default",
            "registry[0].node_auth",
        ),
        (
            r("host = \"docker.io\"\nusername = \"u\"\npassword = \"p\"\nnode_auth = true\n[[registry.mirror]]\nurl = \"https://m.example\""),
            "node_auth.upstream-gets-credentials",
            "registry[0].node_auth",
        ),
        (
            r("host = \"docker.io\"\nusername = \"u\"\npassword = \"p\"\nnode_auth = true\nmirror_only = true\n[[registry.mirror]]\nurl = \"https://m.example\""),
            "node_auth.hosts",
            "registry[0].node_auth",
        ),
        (
            "containerd = \"2.1\"\n".to_owned() + &r("host = \"a.example\"\nusername = \"u\"\npassword = \"p\"\nnode_auth = true"),
            "node_auth.deprecated-2x",
            "registry[0].node_auth",
        ),
        ("sandbox_image = \"a b\"".into(), "sandbox_image.malformed", "sandbox_image"),
        ("containerd = \"1.4\"".into(), "sandbox_image.default", "sandbox_image"),
        (
            "sandbox_image = \"a.example/pause:3.10\"\n".to_owned() + &r("host = \"a.example\"\nusername = \"u\"\npassword = \"p\""),
            "sandbox_image.needs-node-auth",
            "sandbox_image",
        ),
        (
            "sandbox_image = \"pause:3.10\"\n".to_owned() + &r("host = \"_default\"\nusername = \"u\"\npassword = \"p\""),
            "sandbox_image.needs-node-auth",
            "sandbox_image",
        ),
        (r("host = \"a.example\"\nca_pem = \"hello\""), "ca_pem.no-certificate", "registry[0].ca_pem"),
        (
            r("host = \"a.example\"\nca_pem = \"-----BEGIN PRIVATE KEY-----\\nAA\\n-----END PRIVATE KEY-----\""),
            "ca_pem.private-key",
            "registry[0].ca_pem",
        ),
        (r("host = \"a.example\"\nca_pem = \"-----BEGIN CERTIFICATE-----\\nAA\""), "ca_pem.malformed", "registry[0].ca_pem"),
        (
            r("host = \"a.example\"\nca_pem = \"-----BEGIN CERTIFICATE REQUEST-----\\nAA\\n-----END CERTIFICATE REQUEST-----\""),
            "ca_pem.not-a-certificate",
            "registry[0].ca_pem",
        ),
        (r("host = \"a.example\"\nca_pem = \"-----BEGIN CERTIFICATE-----\\nA.A\\n-----END CERTIFICATE-----\""), "ca_pem.not-base64", "registry[0].ca_pem"),
        (
            r("host = \"a.example\"\nca_pem = \"-----BEGIN CERTIFICATE-----\\nMIIBszCCAVmgAwIBAgIUQ4z\\n-----END CERTIFICATE-----\""),
            "ca_pem.truncated",
            "registry[0].ca_pem",
        ),
        (r("host = \"a.example\"\nca_pem = \"-----BEGIN CERTIFICATE-----\\naGVsbG8=\\n-----END CERTIFICATE-----\""), "ca_pem.not-der", "registry[0].ca_pem"),
        (r("host = \"a.example\"\nca_file = \"/etc/containerd/certs.d/a.example/ca.crt\""), "ca_file.not-written", "registry[0].ca_file"),
        (
            r("host = \"docker.io\"\n[[registry.mirror]]\nurl = \"https://m.example\"\nca_file = \"/etc/pki/m.crt\""),
            "ca_file.mirror-not-written",
            "registry[0].mirror[0].ca_file",
        ),
        (
            "containerd = \"1.4\"\n".to_owned()
                + &r("host = \"a.example\"\nca_file = \"/one.crt\"")
                + &r("host = \"docker.io\"\n[[registry.mirror]]\nurl = \"https://a.example\"\nca_file = \"/two.crt\""),
            "tls.conflict",
            "registry[1].ca_file",
        ),
        (
            r("host = \"a.example\"\nusername = \"u\"\npassword = \"p\"\nnode_auth = true")
                + &r("host = \"docker.io\"\nusername = \"v\"\npassword = \"q\"\nnode_auth = true\nmirror_only = true\n[[registry.mirror]]\nurl = \"https://a.example/v2/p\"\noverride_path = true"),
            "node_auth.conflict",
            "registry[1].node_auth",
        ),
        (pem("ca_file = \"/etc/containerd/config.toml\""), "ca_file.collides", "registry[0].ca_file"),
        (
            pem("ca_file = \"/etc/containerd/certs.d/a.example/hosts.toml\""),
            "ca_file.collides",
            "registry[0].ca_file",
        ),
    ]
}

#[test]
fn each_rule_raises_its_diagnostic_on_its_field() {
    for (form, code, field) in rows() {
        check(&form, code, field);
    }
}

#[test]
fn every_code_has_a_row() {
    let covered: Vec<&str> = rows().iter().map(|(_, c, _)| *c).collect();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let engine = [
        "validate.rs",
        "rules.rs",
        "rules/sandbox.rs",
        "rules/style.rs",
        "plan.rs",
        "containerd_config.rs",
        "hosts_toml.rs",
        "ca_file.rs",
        "output.rs",
        "host_spelling.rs",
        "value_size.rs",
    ];
    let mut missing = Vec::new();
    for file in engine {
        let text = std::fs::read_to_string(dir.join(file)).expect("source");
        let text = text.split("#[cfg(test)]").next().unwrap_or("");
        for lit in text.split('"').skip(1).step_by(2) {
            let is_code = lit.split_once('.').is_some_and(|(a, b)| {
                !a.is_empty()
                    && !b.is_empty()
                    && !b.contains('.')
                    && lit
                        .bytes()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'.' | b'_' | b'-'))
            });
            let hostname = lit.contains("example") || lit == "docker.io" || lit == "certs.d";
            if is_code && !hostname && !covered.contains(&lit) {
                missing.push(format!("{file}: {lit}"));
            }
        }
    }
    assert!(missing.is_empty(), "diagnostic codes without a row: {missing:#?}");
}

#[test]
fn a_clean_form_has_no_diagnostics() {
    let form = format!(
        "containerd = \"1.7\"\nsandbox_image = \"registry.k8s.io/pause:3.10\"\n[[registry]]\nhost = \"harbor.example.net:8443\"\nca_pem = {PEM:?}\nusername = \"robot$ci\"\npassword = \"p\"\nnode_auth = true\n"
    );
    let out = render(&parse_form(&form, FormFormat::Toml).expect("form"));
    assert_eq!(out.diagnostics, vec![]);
}

/// An error stops the CLI from writing anything ("nothing was written"), so no error's
/// message may promise output; the page's preview is named as such.
#[test]
fn errors_do_not_promise_output() {
    let mut seen = 0;
    for (form, _, _) in rows() {
        let out = render(&parse_form(&form, FormFormat::Toml).expect("form"));
        for d in out.diagnostics.iter().filter(|d| d.severity == pullfix_core::diagnostic::Severity::Error) {
            seen += 1;
            let m = d.message.to_ascii_lowercase();
            assert!(!m.contains("showing output") && !m.contains("files below"), "{}: {}", d.code, d.message);
        }
    }
    assert!(seen > 10, "the rows raise errors: {seen}");
}

/// A `/v2/...` mirror path is an API root only with `override_path`: without it containerd
/// requests `<path>/v2/...`. A warning while the registry itself is the fallback, an error
/// when it is not; paths ending in `/v2`, `override_path` and 1.2 (path ignored) are fine.
#[test]
fn a_v2_mirror_path_needs_override_path() {
    let severity = |containerd: &str, url: &str, extra: &str| {
        let form = format!(
            "containerd = \"{containerd}\"\n[[registry]]\nhost = \"docker.io\"\n{extra}\n[[registry.mirror]]\nurl = \"{url}\"\n"
        );
        let out = render(&parse_form(&form, FormFormat::Toml).expect("form"));
        let d = out.diagnostics.iter().find(|d| d.code == "mirror.v2-path-needs-override");
        d.map(|d| (d.severity, d.field.as_str().to_owned(), d.message.clone(), d.fix.clone()))
    };
    let (sev, field, message, fix) = severity("1.7", "https://m.example.net/v2/proxy", "").expect("flagged");
    assert_eq!((sev, field.as_str()), (pullfix_core::Severity::Warning, "registry[0].mirror[0].url"));
    assert!(message.contains("https://m.example.net/v2/proxy/v2/"), "{message}");
    assert!(fix.contains("override_path = true") && fix.contains("https://m.example.net."), "{fix}");
    let (sev, ..) = severity("1.7", "https://m.example.net/v2/proxy", "mirror_only = true").expect("flagged");
    assert_eq!(sev, pullfix_core::Severity::Error);
    // 1.4 writes the inline endpoint with the same /v2 appended.
    assert!(severity("1.4", "https://m.example.net/v2/proxy", "").is_some());
    let (_, _, _, fix) = severity("1.5", "https://m.example.net/v2/proxy", "").expect("flagged");
    assert!(fix.contains("legacy_config = true"), "{fix}");
    for (containerd, url) in [
        ("1.7", "https://m.example.net/v2"),
        ("1.7", "https://m.example.net/v2/proxy/v2"),
        ("1.7", "https://m.example.net/v2proxy"),
        ("1.7", "https://m.example.net/proxy"),
        ("1.2", "https://m.example.net/v2/proxy"),
    ] {
        assert_eq!(severity(containerd, url, ""), None, "{containerd} {url}");
    }
    let form = "[[registry]]\nhost = \"docker.io\"\n[[registry.mirror]]\nurl = \"https://m.example.net/v2/proxy\"\noverride_path = true\n";
    let out = render(&parse_form(form, FormFormat::Toml).expect("form"));
    assert!(out.diagnostics.iter().all(|d| d.code != "mirror.v2-path-needs-override"), "{:?}", out.diagnostics);
}
