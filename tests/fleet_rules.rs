//! One row per fleet/flavour diagnostic: a small form (or registries.yaml), the code it
//! must raise and the field it must sit on, with a message and a fix. A source scan
//! keeps the table in step with the code.

use pullfix_core::flavor::registries_yaml;
use pullfix_core::{parse_form, render, Diagnostic, FormFormat};

fn assert_found(diags: &[Diagnostic], code: &str, field: &str) {
    let Some(d) = diags.iter().find(|d| d.code == code && d.field.as_str() == field) else {
        let got: Vec<_> = diags.iter().map(|d| format!("{} at {}", d.code, d.field)).collect();
        panic!("expected {code} at {field}; got {got:#?}");
    };
    assert!(!d.message.is_empty() && !d.fix.is_empty(), "{code}: message and fix");
}

const REG: &str = "[[registry]]\nhost = \"a.example\"\n";
const MIRROR: &str = "[[registry.mirror]]\nurl = \"https://m.example\"\n";

fn form_rows() -> Vec<(String, &'static str, &'static str)> {
    let f = |flavor: &str, rest: &str| format!("flavor = \"{flavor}\"\n{rest}");
    let creds = "username = \"u\"\npassword = \"p\"\n";
    vec![
        (f("k3s", "sandbox_image = \"r.example/pause:3.9\""), "flavor.sandbox-image-flag", "sandbox_image"),
        (f("kind", "containerd = \"1.4\""), "kind.needs-hosts-toml", "containerd"),
        (
            format!("containerd = \"2.1\"\n{}", f("kubespray", &format!("{REG}{creds}node_auth = true"))),
            "kubespray.auth-containerd-2",
            "registry[0].node_auth",
        ),
        (f("kubespray", &format!("{REG}ca_file = \"/ca.crt\"")), "kubespray.ca", "registry[0].ca_file"),
        (
            f("kubespray", &format!("{REG}client_cert = \"/c.crt\"\nclient_key = \"/c.key\"")),
            "kubespray.client-cert",
            "registry[0].client_cert",
        ),
        (
            f("kubespray", &format!("{REG}identity_token = \"t\"\nnode_auth = true")),
            "kubespray.identity-token",
            "registry[0].identity_token",
        ),
        (f("kubespray", &format!("{REG}mirror_only = true\n{MIRROR}")), "kubespray.mirror-only", "registry[0].mirror_only"),
        (f("kubespray", "sandbox_image = \"r.example/pause:3.9\""), "kubespray.sandbox-image", "sandbox_image"),
        (
            f("kubespray", "[[registry]]\nhost = \"_default\"\n[[registry.mirror]]\nurl = \"https://m.example\"\n"),
            "kubespray.default-server",
            "registry[0].host",
        ),
        (
            f("kubespray", &format!("{REG}username = \"u\"\npassword = \"p\\\"q\"\nnode_auth = true")),
            "kubespray.credentials-as-auth",
            "registry[0].password",
        ),
        (
            f("kubespray", &format!("{REG}username = \"u:v\"\npassword = \"{{{{x}}}}\"\nnode_auth = true")),
            "kubespray.credentials-unsafe",
            "registry[0].password",
        ),
        (
            f("kubespray", &format!("{REG}[[registry.mirror]]\nurl = \"https://m.example/{{{{lookup('env','HOME')}}}}\"\n")),
            "kubespray.jinja-literal",
            "registry[0].mirror[0].url",
        ),
        (f("kind", &format!("{REG}ca_file = \"/etc/pki/ca.pem\"")), "kind.file-to-mount", "registry[0].ca_file"),
        (f("minikube", &format!("{REG}{creds}node_auth = true")), "minikube.auth", "registry[0].node_auth"),
        (f("minikube", &format!("{REG}ca_file = \"/ca.crt\"")), "minikube.ca", "registry[0].ca_file"),
        (f("minikube", &format!("{REG}{MIRROR}")), "minikube.mirror", "registry[0].mirror[0].url"),
        (f("minikube", "sandbox_image = \"r.example/pause:3.9\""), "minikube.sandbox-image", "sandbox_image"),
        (f("k3s", &format!("{REG}{creds}")), "registries-yaml.auth-in-secret-only", "registry[0].node_auth"),
        (
            f("k3s", &format!("{REG}{MIRROR}capabilities = [\"pull\"]")),
            "registries-yaml.capabilities",
            "registry[0].mirror[0].capabilities",
        ),
        (
            f(
                "k3s",
                &format!("{REG}{MIRROR}ca_file = \"/a.crt\"\n[[registry]]\nhost = \"b.example\"\n{MIRROR}ca_file = \"/b.crt\""),
            ),
            "registries-yaml.config-conflict",
            "registry[1].mirror[0].ca_file",
        ),
        (
            f("k3s", &format!("{REG}{MIRROR}skip_verify = true\n[[registry]]\nhost = \"m.example\"\n{creds}node_auth = true")),
            "registries-yaml.skip-verify-shared",
            "registry[1].skip_verify",
        ),
        (f("k3s", &format!("{REG}mirror_only = true\n{MIRROR}")), "registries-yaml.mirror-only", "registry[0].mirror_only"),
        (f("k3s", &format!("{REG}ca_pem = \"garbage\"")), "registries-yaml.no-ca-file", "registry[0].ca_pem"),
        (
            f("k3s", &format!("{REG}{MIRROR}override_path = true")),
            "registries-yaml.override-path",
            "registry[0].mirror[0].override_path",
        ),
        ("[rollout]\nnode_script = true\nimage = \"a b\"".into(), "rollout.image", "rollout.image"),
        (
            "[rollout]\ndaemonset = true\nimage_pull_secret = \"Bad_Name\"".into(),
            "rollout.image-pull-secret",
            "rollout.image_pull_secret",
        ),
        (
            format!("{REG}ca_file = \"/ca.crt\"\n[rollout]\ndaemonset = true\nimage = \"a.example/busybox:1.36\""),
            "rollout.image-needs-its-files",
            "rollout.image",
        ),
        (
            "[[registry]]\nhost = \"docker.io\"\nmirror_only = true\n[[registry.mirror]]\nurl = \"https://mirror.gcr.io\"\n[rollout]\ndaemonset = true".into(),
            "rollout.image-before-mirrors",
            "rollout.image",
        ),
        (
            format!("{REG}{creds}[rollout]\ndaemonset = true\nimage_pull_secret = \"regcred\""),
            "rollout.pull-secret-namespace",
            "rollout.image_pull_secret",
        ),
        (
            format!("{REG}[rollout]\ndaemonset = true\nimage_pull_secret = \"other\""),
            "rollout.pull-secret-existing",
            "rollout.image_pull_secret",
        ),
        ("[rollout]\ndaemonset = true\nname = \"Bad\"".into(), "rollout.name", "rollout.name"),
        ("[rollout]\ndaemonset = true\nnamespace = \"Bad\"".into(), "rollout.namespace", "rollout.namespace"),
        (format!("containerd = \"1.4\"\n[rollout]\ndaemonset = true\n{REG}"), "rollout.needs-hosts-toml", "rollout"),
        (
            "[rollout]\ndaemonset = true\nnode_selector = { \"bad key\" = \"x\" }".into(),
            "rollout.node-selector-key",
            "rollout.node_selector.bad key",
        ),
        (
            "[rollout]\ndaemonset = true\nnode_selector = { \"a\" = \"bad value\" }".into(),
            "rollout.node-selector-value",
            "rollout.node_selector.a",
        ),
        (f("k3s", "[rollout]\ndaemonset = true"), "rollout.not-for-flavor", "rollout"),
        ("[rollout]\nnamespace = \"x\"".into(), "rollout.nothing-enabled", "rollout"),
        (
            format!("containerd = \"1.6\"\nlegacy_config = true\n[rollout]\nnode_script = true\n{REG}"),
            "rollout.node-script-nothing",
            "rollout.node_script",
        ),
        (
            "[rollout]\ndaemonset = true\n[[rollout.toleration]]\noperator = \"Exists\"\neffect = \"Sometimes\"".into(),
            "rollout.toleration-effect",
            "rollout.toleration[0].effect",
        ),
        (
            "[rollout]\ndaemonset = true\n[[rollout.toleration]]\nkey = \"bad key\"".into(),
            "rollout.toleration-key",
            "rollout.toleration[0].key",
        ),
        (
            "[rollout]\ndaemonset = true\n[[rollout.toleration]]\noperator = \"Sometimes\"".into(),
            "rollout.toleration-operator",
            "rollout.toleration[0].operator",
        ),
        (
            "[rollout]\ndaemonset = true\n[[rollout.toleration]]\nkey = \"k\"\noperator = \"Exists\"\nvalue = \"v\"".into(),
            "rollout.toleration-value",
            "rollout.toleration[0].value",
        ),
        (f("talos", &format!("{REG}ca_file = \"/ca.crt\"")), "talos.ca-inline", "registry[0].ca_pem"),
        (
            f("talos", &format!("{REG}{MIRROR}capabilities = [\"pull\"]")),
            "talos.capabilities",
            "registry[0].mirror[0].capabilities",
        ),
        (
            f("talos", &format!("{REG}client_cert = \"/c.crt\"\nclient_key = \"/c.key\"")),
            "talos.client-identity",
            "registry[0].client_cert",
        ),
        (
            f(
                "talos",
                &format!("{REG}{MIRROR}skip_verify = true\n[[registry]]\nhost = \"b.example\"\n{creds}node_auth = true\nmirror_only = true\n{MIRROR}"),
            ),
            "talos.config-conflict",
            "registry[1].mirror[0]",
        ),
        (f("talos", "sandbox_image = \"r.example/pause:3.9\""), "talos.sandbox-image", "sandbox_image"),
    ]
}

fn import_rows() -> Vec<(&'static str, &'static str, &'static str)> {
    vec![
        (
            "mirrors:\n  docker.io:\n    endpoint: [\"https://m.example\"]\nconfigs:\n  docker.io:\n    auth: {username: u, password: p}\n  m.example:\n    auth: {username: u2, password: p2}\n",
            "registries-yaml.auth-conflict",
            "configs.\"m.example\".auth",
        ),
        (
            "mirrors:\n  docker.io:\n    endpoint: [\"https://m.example\"]\nconfigs:\n  m.example:\n    auth: {username: u2, password: p2}\n",
            "registries-yaml.mirror-auth",
            "configs.\"m.example\".auth",
        ),
        ("configs:\n  a.example:\n    auth: {auth: \"!!!\"}\n", "registries-yaml.auth-decode", "configs.\"a.example\".auth.auth"),
        (
            "configs:\n  a.example:\n    auth: {username: x, auth: \"dTpw\"}\n",
            "registries-yaml.auth-overrides",
            "configs.\"a.example\".auth.auth",
        ),
        ("mirrors:\n  \"*\": {}\n  _default: {}\n", "registries-yaml.duplicate", "mirrors.\"_default\""),
        ("mirrors:\n  a.example:\n    endpoint: [\"ftp://x\"]\n", "registries-yaml.endpoint", "mirrors.\"a.example\".endpoint[0]"),
        ("mirrors:\n  \"https://a.example\": {}\n", "registries-yaml.host", "mirrors.\"https://a.example\""),
        (
            "mirrors:\n  docker.io:\n    endpoint: [\"https://m.example\"]\nconfigs:\n  m.example:\n    tls: {cert_file: /c.crt, key_file: /c.key}\n",
            "registries-yaml.mirror-client-cert",
            "configs.\"m.example\".tls",
        ),
        ("mirrors: [", "registries-yaml.parse", "registries.yaml"),
        ("mirrors:\n  docker.io:\n    rewrite: {\"^a/(.*)\": \"b/$1\"}\n", "registries-yaml.rewrite", "mirrors.\"docker.io\".rewrite"),
        ("mirrors: 5\n", "registries-yaml.type", "mirrors"),
        ("foo: 1\n", "registries-yaml.unknown-key", "foo"),
        ("configs:\n  \"*\":\n    tls: {insecure_skip_verify: true}\n", "registries-yaml.catch-all", "configs.\"*\""),
        (
            "configs:\n  a.example:\n    tls: {insecure_skip_verify: on}\n",
            "registries-yaml.yaml11-bool",
            "configs.\"a.example\".tls.insecure_skip_verify",
        ),
        (
            "mirrors:\n  a.example:\n    endpoint: [\"https://m.example\", \"https://m.example/v2\"]\n",
            "registries-yaml.duplicate-endpoint",
            "mirrors.\"a.example\".endpoint[1]",
        ),
        (
            "configs:\n  a.example:\n    auth: {username: u, password: 1.10}\n    tls: []\n",
            "registries-yaml.not-a-string",
            "configs.\"a.example\".auth.password",
        ),
    ]
}

#[test]
fn each_fleet_rule_raises_its_diagnostic_on_its_field() {
    for (form, code, field) in form_rows() {
        let form = parse_form(&form, FormFormat::Toml).unwrap_or_else(|e| panic!("{code}: {e}"));
        assert_found(&render(&form).diagnostics, code, field);
    }
    for (yaml, code, field) in import_rows() {
        assert_found(&registries_yaml::import(yaml).1, code, field);
    }
}

#[test]
fn every_fleet_code_has_a_row() {
    let mut covered: Vec<&str> = form_rows().iter().map(|(_, c, _)| *c).collect();
    covered.extend(import_rows().iter().map(|(_, c, _)| *c));
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("core/src");
    let mut files: Vec<String> = vec!["node_script.rs".into()];
    let mut dirs = vec![root.join("flavor"), root.join("rollout")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).expect("flavor dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                files.push(p.strip_prefix(&root).expect("under src").to_string_lossy().into_owned());
            }
        }
    }
    assert!(files.len() >= 11, "{files:?}");
    let prefixes = ["rollout.", "registries-yaml.", "kind.", "talos.", "kubespray.", "minikube.", "flavor."];
    let mut missing = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(root.join(file)).expect("source");
        let text = text.split("#[cfg(test)]").next().unwrap_or("");
        for lit in text.split('"').skip(1).step_by(2) {
            let is_code = prefixes.iter().any(|p| lit.starts_with(p))
                && lit.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'.' | b'-'))
                && lit.matches('.').count() == 1
                && !lit.ends_with(".yaml");
            if is_code && !covered.contains(&lit) {
                missing.push(format!("{file}: {lit}"));
            }
        }
    }
    assert!(missing.is_empty(), "diagnostic codes without a row: {missing:#?}");
}

/// The importer takes any text: every prefix of every sample, and each sample with
/// any one byte removed, imports without a panic.
#[test]
fn import_never_panics_on_damaged_samples() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/registries-yaml");
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        if path.extension().is_none_or(|x| x != "yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for i in (0..text.len()).filter(|i| text.is_char_boundary(*i)) {
            let _ = registries_yaml::import(&text[..i]);
            let mut damaged = text.clone();
            damaged.remove(i);
            let _ = registries_yaml::import(&damaged);
        }
    }
}
