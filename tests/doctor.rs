//! `pullfix doctor` over broken and healthy node trees built in temp dirs: the CLI reads
//! the files, core's rules report, the exit code says whether pulls break.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

/// A node's files in a temp dir: `config.toml` and `certs.d/<namespace>/hosts.toml`.
struct Node {
    dir: tempfile::TempDir,
}

impl Node {
    /// A node with this config.toml (`{CERTS}` stands for its certs.d directory).
    fn new(config: Option<&str>) -> Node {
        let node = Node { dir: tempfile::tempdir().unwrap() };
        std::fs::create_dir_all(node.certs()).unwrap();
        if let Some(c) = config {
            node.file("config.toml", c);
        }
        node
    }
    fn certs(&self) -> PathBuf {
        self.dir.path().join("certs.d")
    }
    /// Writes a file relative to the node's root, `{CERTS}` replaced.
    fn file(&self, rel: &str, text: &str) -> &Node {
        let p = self.dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text.replace("{CERTS}", &self.certs().to_string_lossy())).unwrap();
        self
    }
    fn hosts(&self, namespace: &str, text: &str) -> &Node {
        self.file(&format!("certs.d/{namespace}/hosts.toml"), text)
    }
    /// Runs `pullfix doctor` (text output); returns its standard output.
    fn doctor_text(&self, containerd: Option<&str>) -> String {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_pullfix"));
        cmd.arg("doctor").arg("--config").arg(self.dir.path().join("config.toml"));
        cmd.arg("--certs-dir").arg(self.certs());
        if let Some(v) = containerd {
            cmd.args(["--containerd", v]);
        }
        String::from_utf8(cmd.output().unwrap().stdout).unwrap()
    }
    /// Runs `pullfix doctor --json`; returns the exit code and `(severity, code)` of each check.
    fn doctor(&self, containerd: Option<&str>) -> (i32, Vec<(String, String)>) {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_pullfix"));
        cmd.args(["doctor", "--json", "--config"]).arg(self.dir.path().join("config.toml"));
        cmd.arg("--certs-dir").arg(self.certs());
        if let Some(v) = containerd {
            cmd.args(["--containerd", v]);
        }
        let out = cmd.output().unwrap();
        let checks: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        let list = checks
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["severity"].as_str().unwrap().to_owned(), c["code"].as_str().unwrap().to_owned()))
            .collect();
        (out.status.code().unwrap(), list)
    }
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

const V2_HEALTHY: &str = r#"version = 2
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.aliyuncs.com/google_containers/pause:3.6"
[plugins."io.containerd.grpc.v1.cri".registry]
  config_path = "{CERTS}"
[plugins."io.containerd.grpc.v1.cri".registry.configs."harbor.example.net".auth]
  username = "robot$ci"
  password = "secret"
"#;

const V3_HEALTHY: &str = r#"version = 3
[plugins."io.containerd.cri.v1.images".registry]
  config_path = "{CERTS}"
[plugins."io.containerd.cri.v1.images".pinned_images]
  sandbox = "harbor.example.net/library/pause:3.10"
"#;

const HOSTS_HEALTHY: &str = r#"server = "https://harbor.example.net"
ca = "ca.crt"

[host."https://harbor.example.net"]
  capabilities = ["pull", "resolve"]
  ca = "ca.crt"
"#;

#[test]
fn healthy_1_6_node_has_nothing_to_report() {
    let n = Node::new(Some(V2_HEALTHY));
    n.hosts("harbor.example.net", HOSTS_HEALTHY).file("certs.d/harbor.example.net/ca.crt", "PEM");
    assert_eq!(n.doctor(Some("1.6.20")), (0, vec![]));
}

#[test]
fn healthy_2_1_node_has_nothing_to_report() {
    let n = Node::new(Some(V3_HEALTHY));
    n.hosts("harbor.example.net", HOSTS_HEALTHY).file("certs.d/harbor.example.net/ca.crt", "PEM");
    n.hosts("10.50.1.104:5000", "server = \"http://10.50.1.104:5000\"\n[host.\"http://10.50.1.104:5000\"]\n  capabilities = [\"pull\", \"resolve\"]\n");
    assert_eq!(n.doctor(Some("2.1")), (0, vec![]));
}

#[test]
fn mixed_styles_from_the_real_1_6_capture_break_pulls() {
    let config = include_str!("fixtures/diagnose/containerd-1.6.20-configs-tls-with-config-path.config.toml")
        .replace("/tmp/dcap/certs.d", "{CERTS}");
    let n = Node::new(Some(&config));
    let (code, checks) = n.doctor(Some("1.6.20"));
    assert_eq!(code, 1);
    assert_eq!(
        checks,
        pairs(&[("error", "config.mixed_styles"), ("error", "config.file_missing"), ("warning", "sandbox.default")])
    );
}

#[test]
fn missing_version_line_hides_the_cri_tables() {
    let n = Node::new(Some(&V2_HEALTHY.replace("version = 2\n", "")));
    assert_eq!(n.doctor(Some("1.7")), (1, pairs(&[("error", "config.no_version")])));
    // containerd 1.2 reads version 1 files: no version line is right there.
    let n = Node::new(Some("[plugins.cri]\n  sandbox_image = \"registry.aliyuncs.com/google_containers/pause:3.1\"\n"));
    assert_eq!(n.doctor(Some("1.2")), (0, vec![]));
}

#[test]
fn colon_config_path_breaks_2_1_and_warns_before() {
    let n = Node::new(Some(&V3_HEALTHY.replace("\"{CERTS}\"", "\"{CERTS}:/etc/docker/certs.d\"")));
    assert_eq!(n.doctor(Some("2.1")), (1, pairs(&[("error", "config.colon_config_path")])));
    let n = Node::new(Some(&V2_HEALTHY.replace("\"{CERTS}\"", "\"{CERTS}:/etc/docker/certs.d\"")));
    assert_eq!(n.doctor(Some("1.7")), (0, pairs(&[("warning", "config.colon_config_path")])));
}

#[test]
fn legacy_tls_on_2_x_is_ignored() {
    let legacy = r#"version = 2
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.aliyuncs.com/google_containers/pause:3.10"
[plugins."io.containerd.grpc.v1.cri".registry.mirrors."harbor.example.net"]
  endpoint = ["harbor.example.net"]
[plugins."io.containerd.grpc.v1.cri".registry.configs."harbor.example.net".tls]
  insecure_skip_verify = true
"#;
    let n = Node::new(Some(legacy));
    assert_eq!(
        n.doctor(Some("2.0")),
        (
            1,
            pairs(&[
                ("error", "config.legacy_tls_ignored"),
                ("warning", "config.endpoint_without_scheme"),
                ("info", "config.deprecated_mirrors")
            ])
        )
    );
    // The same file on 1.7 only lacks the endpoint's scheme (the incident's hand-written config):
    // containerd adds https itself, so pulls work; a warning, with the scheme it uses.
    assert_eq!(n.doctor(Some("1.7")), (0, pairs(&[("warning", "config.endpoint_without_scheme")])));
    let text = n.doctor_text(Some("1.7"));
    assert!(text.contains("it contacts \"https://harbor.example.net\""), "{text}");
    // For localhost and loopback addresses containerd picks plain HTTP.
    let n = Node::new(Some(&legacy.replace("[\"harbor.example.net\"]", "[\"127.0.0.1:5000\"]")));
    assert_eq!(n.doctor(Some("1.6.20")), (0, pairs(&[("warning", "config.endpoint_without_scheme")])));
    let text = n.doctor_text(Some("1.6.20"));
    assert!(text.contains("it contacts \"http://127.0.0.1:5000\""), "{text}");
    // 1.x keys in a version 3 file.
    let n = Node::new(Some(&legacy.replace("version = 2", "version = 3")));
    let (code, checks) = n.doctor(Some("2.1"));
    assert_eq!(code, 1);
    assert!(checks.contains(&("error".into(), "config.legacy_keys_in_v3".into())), "{checks:?}");
    // Ignored there, not honoured-but-deprecated: no info contradicting that error.
    assert!(!checks.iter().any(|(_, c)| c == "config.deprecated_mirrors"), "{checks:?}");
    let (_, checks) = n.doctor(Some("2.2.0"));
    assert!(!checks.iter().any(|(_, c)| c == "config.mirrors_refused_2_2"), "{checks:?}");
}

#[test]
fn config_version_beyond_the_daemon() {
    let n = Node::new(Some(&V3_HEALTHY.replace("version = 3", "version = 4")));
    assert_eq!(n.doctor(Some("2.2")), (1, pairs(&[("error", "config.version_too_new")])));
    assert_eq!(n.doctor(Some("2.3")), (0, vec![]));
    assert!(n
        .doctor_text(Some("2.2"))
        .contains("expected containerd config version equal to or less than `3`, got `4`"));
    let n = Node::new(Some(V3_HEALTHY));
    assert_eq!(n.doctor(Some("1.6.20")), (1, pairs(&[("error", "config.version_too_new")])));
    assert!(n.doctor_text(Some("1.6.20")).contains("It starts anyway"));
    // 1.7 refuses to start (1.7.24's own words, review 9 M10; tests/containerd_oracle.rs).
    assert_eq!(n.doctor(Some("1.7.24")), (1, pairs(&[("error", "config.version_too_new")])));
    let text = n.doctor_text(Some("1.7.24"));
    assert!(text.contains("it refuses to start") && text.contains("unsupported config version `3`"), "{text}");
}

#[test]
fn broken_hosts_toml_files() {
    let n = Node::new(Some(V2_HEALTHY));
    n.hosts("10.50.1.104:5000", include_str!("fixtures/diagnose/ctr-1.6.20-hosts-toml-duplicate-tables.hosts.toml"));
    n.hosts("hub.mooc.com", "server = \"hub.mooc.com\"\nca = \"/etc/containerd/certs.d/hub.mooc.com/ca.crt\"\n");
    let (code, checks) = n.doctor(Some("1.6.20"));
    assert_eq!(code, 1);
    assert_eq!(
        checks,
        pairs(&[
            ("error", "hosts.unparsable"),
            ("error", "hosts.no_host_table"),
            ("error", "hosts.file_missing"),
            ("warning", "hosts.server_without_scheme"),
        ])
    );
    // 1.7.24 rejects it too (tests/acceptance.rs, case11 on 1.7.24): an error, not a warning.
    let (_, checks) = n.doctor(Some("1.7.24"));
    assert!(checks.contains(&("error".to_owned(), "hosts.no_host_table".to_owned())), "{checks:?}");
    // 2.x reads a file without [host] tables; the rest stays.
    let (_, checks) = n.doctor(Some("2.1"));
    assert!(!checks.iter().any(|c| c.1 == "hosts.no_host_table"), "{checks:?}");
}

/// Review 13 I-3: a hosts.toml URL with `user:password@` is an error of its own (containerd
/// ignores URL credentials; the file is world-readable), and no message repeats the password.
#[test]
fn hosts_toml_url_credentials_are_flagged_and_masked() {
    let n = Node::new(Some(V2_HEALTHY));
    n.hosts(
        "h.example:5000",
        "server = \"https://srv:ServerPass@h.example:5000\"\n\
         [host.\"https://u:HostsPass@h.example:5000\"]\n  capabilities = [\"pull\"]\n",
    );
    let (code, checks) = n.doctor(Some("1.7"));
    assert_eq!(code, 1);
    assert_eq!(
        checks,
        pairs(&[
            ("error", "hosts.url_credentials"),
            ("error", "hosts.url_credentials"),
            ("warning", "hosts.mirror_without_resolve"),
        ])
    );
    let text = n.doctor_text(Some("1.7"));
    assert!(!text.contains("HostsPass") && !text.contains("ServerPass"), "{text}");
    for want in [
        "server = \"https://srv:***@h.example:5000\" has credentials in its URL (before the `@`)",
        "Fix: Write server = \"https://h.example:5000\"",
        "[host.\"https://u:***@h.example:5000\"] has credentials in its URL (before the `@`)",
        "Fix: Write [host.\"https://h.example:5000\"]",
        "[host.\"https://u:***@h.example:5000\"] has capabilities without \"resolve\"",
    ] {
        assert!(text.contains(want), "{want:?} missing in:\n{text}");
    }
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pullfix"));
    cmd.args(["doctor", "--json", "--config"]).arg(n.dir.path().join("config.toml")).arg("--certs-dir").arg(n.certs());
    let json = String::from_utf8(cmd.output().unwrap().stdout).unwrap();
    assert!(json.contains("u:***@h.example:5000") && !json.contains("HostsPass") && !json.contains("ServerPass"));
}

#[test]
fn hosts_files_without_config_path_are_not_read() {
    let n = Node::new(Some(&V2_HEALTHY.replace("  config_path = \"{CERTS}\"\n", "")));
    n.hosts("harbor.example.net", HOSTS_HEALTHY).file("certs.d/harbor.example.net/ca.crt", "PEM");
    assert_eq!(n.doctor(Some("1.7")), (0, pairs(&[("warning", "hosts.not_enabled")])));
}

#[test]
fn missing_or_unparsable_config() {
    let n = Node::new(None);
    assert_eq!(n.doctor(None), (0, pairs(&[("warning", "config.missing")])));
    let n = Node::new(Some("version = 2\n[plugins]\n[plugins]\n"));
    assert_eq!(n.doctor(None), (1, pairs(&[("error", "config.unparsable")])));
}

#[test]
fn default_pause_image_is_named() {
    let n = Node::new(Some(
        &V2_HEALTHY.replace("  sandbox_image = \"registry.aliyuncs.com/google_containers/pause:3.6\"\n", ""),
    ));
    let out = Command::new(env!("CARGO_BIN_EXE_pullfix"))
        .args(["doctor", "--containerd", "1.4", "--config"])
        .arg(n.dir.path().join("config.toml"))
        .arg("--certs-dir")
        .arg(n.certs())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0));
    assert!(text.contains("sandbox.default") && text.contains("k8s.gcr.io/pause:3.2"), "{text}");
}

// ---- containerd 1.6.20 as the oracle -------------------------------------------------------

/// Starts the installed containerd on `config` with a private root, state and sockets in a
/// temp dir, waits until it has booted (or exited), stops it, and returns the CRI plugin's
/// config as containerd logs it (`Start cri plugin with config {...}`), or `None` when the
/// CRI plugin failed to load.
fn containerd_cri_config(config: &str) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_string_lossy().into_owned();
    let (version, rest) = match config.strip_prefix("version = ") {
        Some(r) => r.split_once('\n').map(|(v, r)| (format!("version = {v}\n"), r.to_owned())).unwrap(),
        None => (String::new(), config.to_owned()),
    };
    let full = format!(
        "{version}root = \"{d}/root\"\nstate = \"{d}/state\"\n[grpc]\n  address = \"{d}/c.sock\"\n[ttrpc]\n  \
         address = \"{d}/t.sock\"\n[debug]\n  address = \"\"\n[metrics]\n  address = \"\"\n{rest}"
    );
    let path = dir.path().join("config.toml");
    std::fs::write(&path, full).unwrap();
    let log = std::fs::File::create(dir.path().join("log")).unwrap();
    let mut child = Command::new("containerd")
        .arg("--config")
        .arg(&path)
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("containerd is installed (scripts/setup.sh)");
    let read = || std::fs::read_to_string(dir.path().join("log")).unwrap_or_default();
    for _ in 0..600 {
        if read().contains("containerd successfully booted") || child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    let text = read();
    assert!(text.contains("containerd successfully booted"), "containerd did not boot:\n{text}");
    if text.contains("failed to load plugin io.containerd.grpc.v1.cri") {
        return None;
    }
    Some(text.lines().find(|l| l.contains("Start cri plugin with config")).expect("the CRI config line").to_owned())
}

#[test]
fn doctor_agrees_with_containerd_1_6_20() {
    // Healthy: the CRI plugin loads with our config_path and pause image; doctor is silent.
    let n = Node::new(Some(V2_HEALTHY));
    let certs = n.certs().to_string_lossy().into_owned();
    let cri = containerd_cri_config(&V2_HEALTHY.replace("{CERTS}", &certs)).expect("the CRI plugin loads");
    assert!(cri.contains(&format!("ConfigPath:{certs} ")), "{cri}");
    assert!(cri.contains("SandboxImage:registry.aliyuncs.com/google_containers/pause:3.6 "), "{cri}");
    assert_eq!(n.doctor(Some("1.6.20")), (0, vec![]));

    // Mixed styles: the CRI plugin does not load; doctor says so.
    let mixed = format!(
        "{V2_HEALTHY}[plugins.\"io.containerd.grpc.v1.cri\".registry.mirrors.\"harbor.example.net\"]\n  endpoint = \
         [\"https://harbor.example.net\"]\n"
    );
    assert_eq!(containerd_cri_config(&mixed.replace("{CERTS}", &certs)), None);
    let n = Node::new(Some(&mixed));
    assert_eq!(n.doctor(Some("1.6.20")), (1, pairs(&[("error", "config.mixed_styles")])));

    // No version line: it loads, but with the defaults: our tables were ignored.
    let no_version = V2_HEALTHY.replace("version = 2\n", "");
    let cri = containerd_cri_config(&no_version.replace("{CERTS}", &certs)).expect("the CRI plugin loads");
    assert!(cri.contains("ConfigPath: ") && cri.contains("SandboxImage:registry.k8s.io/pause:3.6 "), "{cri}");
    let n = Node::new(Some(&no_version));
    assert_eq!(n.doctor(Some("1.6.20")), (1, pairs(&[("error", "config.no_version")])));

    // A 2.x (version 3) file on 1.6.20: it starts, with the defaults.
    let cri = containerd_cri_config(&V3_HEALTHY.replace("{CERTS}", &certs)).expect("the CRI plugin loads");
    assert!(cri.contains("ConfigPath: ") && cri.contains("SandboxImage:registry.k8s.io/pause:3.6 "), "{cri}");
    let n = Node::new(Some(V3_HEALTHY));
    assert_eq!(n.doctor(Some("1.6.20")), (1, pairs(&[("error", "config.version_too_new")])));
    assert!(n.doctor_text(Some("1.6.20")).contains("It starts anyway"));
    // 1.7 refuses to start (1.7.24's own words, review 9 M10; tests/containerd_oracle.rs).
    assert_eq!(n.doctor(Some("1.7.24")), (1, pairs(&[("error", "config.version_too_new")])));
    let text = n.doctor_text(Some("1.7.24"));
    assert!(text.contains("it refuses to start") && text.contains("unsupported config version `3`"), "{text}");
}

#[test]
fn two_directories_for_one_registry() {
    let n = Node::new(Some(V2_HEALTHY));
    let http = "server = \"http://10.50.1.104:5000\"\n[host.\"http://10.50.1.104:5000\"]\n  capabilities = [\"pull\", \"resolve\"]\n";
    n.hosts("10.50.1.104:5000", http).hosts("10.50.1.104_5000_", http).hosts("not a host", http);
    assert_eq!(
        n.doctor(Some("1.7")),
        (0, pairs(&[("warning", "hosts.bad_namespace"), ("warning", "hosts.duplicate_namespace")]))
    );
}

/// What `pullfix generate` writes, installed where the form says: config.toml as the
/// node's, certs.d (the form's config_path is the node's certs.d) copied from the output.
fn install_generated(n: &Node, form: &str) {
    let out = tempfile::tempdir().unwrap();
    let form_file = out.path().join("form.toml");
    std::fs::write(&form_file, form.replace("{CERTS}", &n.certs().to_string_lossy())).unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_pullfix"))
        .args(["generate", "-f"])
        .arg(&form_file)
        .arg("-o")
        .arg(out.path().join("o"))
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let o = out.path().join("o");
    std::fs::copy(o.join("etc/containerd/config.toml"), n.dir.path().join("config.toml")).unwrap();
    let generated_certs = o.join(n.certs().strip_prefix("/").unwrap());
    let mut copied = 0;
    for ns in std::fs::read_dir(&generated_certs).unwrap() {
        let ns = ns.unwrap();
        for f in std::fs::read_dir(ns.path()).unwrap() {
            let f = f.unwrap();
            let to = n.certs().join(ns.file_name()).join(f.file_name());
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(f.path(), to).unwrap();
            copied += 1;
        }
    }
    assert!(copied >= 3, "hosts.toml files and the CA");
}

#[test]
fn doctor_accepts_what_generate_writes() {
    // The STORY's form (a registry without mirrors: its hosts.toml has an empty [host]
    // table), and docker.io through a mirror (a [host."URL"] table).
    let form = r#"sandbox_image = "registry.aliyuncs.com/google_containers/pause:3.10"
config_path = "{CERTS}"
[[registry]]
host = "10.50.1.104"
ca_pem = "-----BEGIN CERTIFICATE-----\nMIIBjTCCATOgAwIBAgIUZLoLccbkz58hOM9Sa+x7y/lYM0IwCgYIKoZIzj0EAwIw\nHDEaMBgGA1UEAwwRRXhhbXBsZSBIYXJib3IgQ0EwHhcNMjYxMTI1MjEzMzM2WhcN\nMzYxMTIyMjEzMzM2WjAcMRowGAYDVQQDDBFFeGFtcGxlIEhhcmJvciBDQTBZMBMG\nByqGSM49AgEGCCqGSM49AwEHA0IABJ3IU+/pB/kw2dER+ZQA+qgp00SIyyVOH1pF\nIbR/Kyofihm1Gwh1QigTg451W91pAUyYYWymqqj4AeNG9/xghRGjUzBRMB0GA1Ud\nDgQWBBS1jrnlwl4QmE4kZI6I/MMQvdR5wTAfBgNVHSMEGDAWgBS1jrnlwl4QmE4k\nZI6I/MMQvdR5wTAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIEMB\nrMbLTLt2R1Y0uq2OV5cHtL82XGF5f3h8XlqZMkLyAiEA/fmiacwBzfUw/W0jdfFI\n3OhobYBLqc8g8DLTJ3FaG2o=\n-----END CERTIFICATE-----\n"
username = "admin"
password = "Harbor12345"
node_auth = true
[[registry]]
host = "docker.io"
[[registry.mirror]]
url = "https://mirror.example.net"
[[kubernetes.patch]]
kind = "CronJob"
name = "nightly"
"#;
    for v in ["1.5", "1.6.20", "1.6", "1.7", "2.0", "2.1", "2.3"] {
        let n = Node::new(None);
        install_generated(&n, &format!("containerd = \"{v}\"\n{form}"));
        let story = std::fs::read_to_string(n.certs().join("10.50.1.104/hosts.toml")).unwrap();
        let doc: toml_edit::DocumentMut = story.parse().unwrap();
        assert_eq!(doc["host"].as_table().map(toml_edit::Table::len), Some(0), "{v}: an empty [host] table\n{story}");
        let (code, checks) = n.doctor(Some(v));
        assert_eq!(code, 0, "{v}: {checks:?}");
        assert!(checks.iter().all(|(s, _)| s != "error"), "{v}: {checks:?}");
        assert!(checks.iter().all(|(_, c)| !c.starts_with("hosts.")), "{v}: {checks:?}");
    }
}

#[test]
fn hosts_toml_whose_host_is_not_a_table() {
    // containerd 1.6's getSortedHosts wants `host` to be a table: `[[host]]` is an invalid tree.
    let n = Node::new(Some(V2_HEALTHY));
    n.hosts("harbor.example.net", "server = \"https://harbor.example.net\"\n[[host]]\n  capabilities = [\"pull\"]\n");
    assert_eq!(n.doctor(Some("1.6.20")), (1, pairs(&[("error", "hosts.no_host_table")])));
    // An empty [host] table (or an inline one) keeps the file in use.
    n.hosts("harbor.example.net", "server = \"https://harbor.example.net\"\n[host]\n");
    assert_eq!(n.doctor(Some("1.6.20")), (0, vec![]));
    n.hosts("harbor.example.net", "server = \"https://harbor.example.net\"\nhost = {}\n");
    assert_eq!(n.doctor(Some("1.6.20")), (0, vec![]));
}

#[test]
fn configs_tls_beside_config_path_is_ignored_not_fatal_on_2_x() {
    // 2.x's ValidateImageConfig refuses only `mirrors` beside config_path; `configs.tls` is
    // ignored (so x509), and doctor must not send the operator after a dead CRI plugin.
    let file = r#"version = 3
[plugins."io.containerd.cri.v1.images".registry]
  config_path = "{CERTS}"
[plugins."io.containerd.cri.v1.images".registry.configs."harbor.example.net".tls]
  insecure_skip_verify = true
[plugins."io.containerd.cri.v1.images".pinned_images]
  sandbox = "harbor.example.net/library/pause:3.10"
"#;
    let n = Node::new(Some(file));
    assert_eq!(n.doctor(Some("2.1")), (1, pairs(&[("error", "config.legacy_tls_ignored")])));
    let text = n.doctor_text(Some("2.1"));
    assert!(!text.contains("refuses to load"), "{text}");
    // The same keys in a 1.x file do stop the CRI plugin (the real 1.6.20 capture above).
    let v2 = V2_HEALTHY.to_owned()
        + "[plugins.\"io.containerd.grpc.v1.cri\".registry.configs.\"harbor.example.net\".tls]\n  insecure_skip_verify = true\n";
    let n = Node::new(Some(&v2));
    assert_eq!(n.doctor(Some("1.6.20")), (1, pairs(&[("error", "config.mixed_styles")])));
    assert!(n.doctor_text(Some("1.6.20")).contains("configs.tls cannot be set when config_path is provided"));
}

#[test]
fn a_port_directory_without_its_trailing_underscore_is_reported() {
    // containerd looks up `host:port` and `host_port_` only; `127.0.0.1_15443` was ignored by
    // a real 1.6.20 pull.
    let n = Node::new(Some(V2_HEALTHY));
    n.hosts("10.50.1.104_5000", "server = \"https://10.50.1.104:5000\"\n[host]\n");
    let (code, checks) = n.doctor(Some("1.6.20"));
    assert_eq!((code, checks), (0, pairs(&[("warning", "hosts.bad_namespace")])));
    let text = n.doctor_text(Some("1.6.20"));
    assert!(text.contains("rename the directory to 10.50.1.104:5000"), "{text}");
    // The two spellings containerd reads are fine.
    for ns in ["10.50.1.104_5000_", "10.50.1.104:5000"] {
        let n = Node::new(Some(V2_HEALTHY));
        n.hosts(ns, "server = \"https://10.50.1.104:5000\"\n[host]\n");
        assert_eq!(n.doctor(Some("1.6.20")), (0, vec![]), "{ns}");
    }
}

#[test]
fn inline_mirrors_stop_the_cri_plugin_of_containerd_2_2_0() {
    // containerd#12612: 2.2.0 and 2.2.1 migrate a version 2 file with `mirrors` into one with
    // their default config_path too, and refuse it.
    let file = r#"version = 2
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.aliyuncs.com/google_containers/pause:3.10"
[plugins."io.containerd.grpc.v1.cri".registry]
  config_path = ""
[plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]
  endpoint = ["https://mirror.example.net"]
"#;
    let n = Node::new(Some(file));
    assert_eq!(n.doctor(Some("2.2.0")), (1, pairs(&[("error", "config.mirrors_refused_2_2")])));
    assert_eq!(n.doctor(Some("2.2.1")), (1, pairs(&[("error", "config.mirrors_refused_2_2")])));
    // Without a patch release (or a later one) it may be fixed: a warning.
    assert_eq!(n.doctor(Some("2.2")), (0, pairs(&[("warning", "config.mirrors_refused_2_2")])));
    assert!(n.doctor_text(Some("2.2")).contains("containerd#12617"));
    // Other 2.x releases: deprecated only.
    assert_eq!(n.doctor(Some("2.1")), (0, pairs(&[("info", "config.deprecated_mirrors")])));
}

/// Docker's containerd.io default disables the CRI plugin: the kubelet has no runtime.
#[test]
fn dockers_disabled_cri_plugin_breaks_pulls() {
    let node = Node::new(Some("#   Copyright 2018-2022 Docker Inc.\n\ndisabled_plugins = [\"cri\"]\n"));
    let (code, checks) = node.doctor(Some("1.6.20"));
    assert_eq!(code, 1, "{checks:?}");
    assert!(checks.contains(&("error".into(), "config.cri_disabled".into())), "{checks:?}");
    let text = node.doctor_text(Some("1.6.20"));
    assert!(text.contains("line 3") && text.contains("pullfix apply"), "{text}");
    assert!(text.contains("the default of Docker's containerd.io package"), "{text}");
    // A full plugin id is no Docker default (review 9, L5).
    let node = Node::new(Some("version = 3\ndisabled_plugins = [\"io.containerd.cri.v1.images\"]\n"));
    let text = node.doctor_text(Some("2.1.9"));
    assert!(text.contains("config.cri_disabled") && !text.contains("Docker's containerd.io"), "{text}");

    // The same list in a version 2 file: containerd does not even start.
    let node = Node::new(Some("version = 2\ndisabled_plugins = [\"cri\", \"zfs\"]\n"));
    let (code, checks) = node.doctor(Some("1.6.20"));
    assert_eq!(code, 1);
    assert!(checks.contains(&("error".into(), "config.short_plugin_name".into())), "{checks:?}");
}

/// A healthy version 2 node whose config.toml imports `conf.d/*.toml` (relative), with the
/// README's 1.x cgroup drop-in `conf.d/99-cgroup.toml` (a CRI table).
fn cgroup_drop_in_node() -> Node {
    let main = V2_HEALTHY.replacen("version = 2\n", "version = 2\nimports = [\"conf.d/*.toml\"]\n", 1);
    let n = Node::new(Some(&main));
    n.hosts("harbor.example.net", HOSTS_HEALTHY).file("certs.d/harbor.example.net/ca.crt", "PEM");
    n.file(
        "conf.d/99-cgroup.toml",
        "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n  runtime_type = \"io.containerd.runc.v2\"\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n",
    );
    n
}

/// Review 6, H1: doctor reads `imports`; on 1.x a drop-in with a CRI table replaces the
/// main file's CRI section (an error) until the form is applied to that drop-in.
#[test]
fn a_drop_in_that_replaces_the_cri_section_breaks_pulls_on_1_x() {
    let n = cgroup_drop_in_node();
    // containerd 1.x globs a relative pattern from its working directory: the 2.x rule
    // (relative to config.toml) finds the drop-in.
    assert_eq!(n.doctor(Some("2.1")).0, 0);
    let abs = V2_HEALTHY.replacen(
        "version = 2\n",
        &format!("version = 2\nimports = [\"{}/conf.d/*.toml\"]\n", n.dir.path().display()),
        1,
    );
    n.file("config.toml", &abs);
    // config.toml's sandbox image and config_path are thrown away with its CRI section: the
    // drop-in has neither.
    assert_eq!(
        n.doctor(Some("1.6.20")),
        (
            1,
            pairs(&[
                ("error", "merge.import-replaces-cri"),
                ("warning", "sandbox.default"),
                ("warning", "hosts.not_enabled")
            ])
        )
    );
    let text = n.doctor_text(Some("1.6.20"));
    assert!(text.contains("99-cgroup.toml"), "{text}");
    assert!(text.contains("pullfix apply --form <your form> --config"), "{text}");
    // Without a version: a warning (2.x merges key by key).
    assert_eq!(n.doctor(None), (0, pairs(&[("warning", "merge.import-replaces-cri")])));
    // Once the drop-in has the registry settings, it is what containerd uses: an info, and
    // its CRI section is checked as config.toml's (config.toml's sandbox image is thrown away).
    n.file(
        "conf.d/99-cgroup.toml",
        "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n  runtime_type = \"io.containerd.runc.v2\"\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"{CERTS}\"\n",
    );
    assert_eq!(
        n.doctor(Some("1.6.20")),
        (0, pairs(&[("warning", "sandbox.default"), ("info", "merge.import-replaces-cri")]))
    );
    let text = n.doctor_text(Some("1.6.20"));
    assert!(text.contains("table. It sets config_path itself"), "{text}");
}

/// Review 7, H2: a drop-in that sets config_path but keeps legacy `mirrors` and `configs.tls`
/// stops 1.6's CRI plugin (`mirrors` cannot be set when `config_path` is provided): its CRI
/// section is the one containerd uses, so it is checked, and doctor exits 1.
#[test]
fn the_cri_section_of_an_applied_drop_in_is_checked_on_1_x() {
    let n = Node::new(None);
    n.file("config.toml", &format!("version = 2\nimports = [\"{}/conf.d/*.toml\"]\n", n.dir.path().display()));
    n.file(
        "conf.d/50-registry.toml",
        "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\"]\n  sandbox_image = \"registry.aliyuncs.com/google_containers/pause:3.6\"\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"{CERTS}\"\n[plugins.\"io.containerd.grpc.v1.cri\".registry.configs.\"harbor.example.net\".tls]\n  insecure_skip_verify = true\n[plugins.\"io.containerd.grpc.v1.cri\".registry.mirrors.\"docker.io\"]\n  endpoint = [\"https://harbor.example.net\"]\n",
    );
    let (code, checks) = n.doctor(Some("1.6.20"));
    assert_eq!(code, 1);
    assert!(checks.contains(&("error".into(), "config.mixed_styles".into())), "{checks:?}");
    assert!(checks.contains(&("error".into(), "merge.import-replaces-cri".into())), "{checks:?}");
    let text = n.doctor_text(Some("1.6.20"));
    assert!(text.contains("The drop-in also has legacy registry.mirrors for docker.io and legacy registry.configs.*.tls for harbor.example.net"), "{text}");
    assert!(text.contains("config.mixed_styles  ") && text.contains("50-registry.toml"), "{text}");
    // A drop-in without a version line takes the main file's: no config.no_version for it.
    n.file(
        "conf.d/50-registry.toml",
        "[plugins.\"io.containerd.grpc.v1.cri\"]\n  sandbox_image = \"registry.aliyuncs.com/google_containers/pause:3.6\"\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"{CERTS}\"\n",
    );
    assert_eq!(n.doctor(Some("1.6.20")), (0, pairs(&[("info", "merge.import-replaces-cri")])));
    // disabled_plugins in the drop-in are checked too.
    n.file("conf.d/60-docker.toml", "disabled_plugins = [\"cri\"]\n");
    assert!(n.doctor(Some("1.6.20")).1.contains(&("error".into(), "config.cri_disabled".into())));
    // Review 8, L4: named by the drop-in's path and line, with the fix to edit that file.
    n.file("conf.d/60-docker.toml", "version = 2\ndisabled_plugins = [\"cri\"]\n");
    let text = n.doctor_text(Some("1.6.20"));
    let docker = n.dir.path().join("conf.d/60-docker.toml").display().to_string();
    for code in ["config.cri_disabled", "config.short_plugin_name"] {
        assert!(text.contains(&format!("{code}  {docker}")), "{code}: {text}");
    }
    assert!(text.contains(&format!("{docker} line 2 disables containerd's CRI plugin")), "{text}");
    assert!(text.contains(&format!("{docker} line 2 is a version 2 file")), "{text}");
    assert!(text.contains(&format!("Fix: Edit {docker}: delete \"cri\" from its disabled_plugins line 2")), "{text}");
    assert!(!text.contains("config.toml line 2"), "{text}");
}

/// On 2.x drop-ins merge key by key: their legacy mirrors still stop the CRI plugin.
#[test]
fn legacy_mirrors_in_a_drop_in_break_2_x() {
    let main = V3_HEALTHY.replacen("version = 3\n", "version = 3\nimports = [\"reg.toml\"]\n", 1);
    let n = Node::new(Some(&main));
    n.file("reg.toml", "version = 3\n[plugins.\"io.containerd.cri.v1.images\".registry.mirrors.\"docker.io\"]\n  endpoint = [\"https://m.example\"]\n");
    assert_eq!(n.doctor(Some("2.1")), (1, pairs(&[("error", "merge.import-legacy-mirrors")])));
    // A missing non-glob import stops containerd.
    n.file("config.toml", &V3_HEALTHY.replacen("version = 3\n", "version = 3\nimports = [\"gone.toml\"]\n", 1));
    assert_eq!(n.doctor(Some("2.1")), (1, pairs(&[("error", "merge.import-missing")])));
}

/// Review 7, H1: containerd 1.6 uses the first directory of a config_path list that has a
/// `<host>` directory: a Docker-style `ca.crt` in an earlier entry shadows pullfix's hosts.toml.
#[test]
fn a_host_directory_shadowed_by_an_earlier_list_entry_is_named() {
    let n = Node::new(None);
    let docker = n.dir.path().join("docker-certs.d");
    let main = V2_HEALTHY.replace("\"{CERTS}\"", &format!("\"{}:{{CERTS}}\"", docker.display()));
    n.file("config.toml", &main);
    n.file("docker-certs.d/harbor.example.net/ca.crt", "STALE");
    n.hosts("harbor.example.net", HOSTS_HEALTHY).file("certs.d/harbor.example.net/ca.crt", "PEM");
    assert_eq!(
        n.doctor(Some("1.6.20")),
        (0, pairs(&[("warning", "config.colon_config_path"), ("warning", "hosts.shadowed")]))
    );
    let text = n.doctor_text(Some("1.6.20"));
    let used = docker.join("harbor.example.net");
    assert!(
        text.contains(&format!(
            "{} is read instead of {}",
            used.display(),
            n.certs().join("harbor.example.net").display()
        )),
        "{text}"
    );
    // pullfix's hosts.toml in the second directory was read too.
    assert!(text.contains("1 hosts.toml file(s) under"), "{text}");
    // With pullfix's directory first, the stale one is what is shadowed.
    n.file("config.toml", &V2_HEALTHY.replace("\"{CERTS}\"", &format!("\"{{CERTS}}:{}\"", docker.display())));
    let text = n.doctor_text(Some("1.6.20"));
    assert!(
        text.contains(&format!(
            "{} is read instead of {}",
            n.certs().join("harbor.example.net").display(),
            used.display()
        )),
        "{text}"
    );
}

/// Review 8, H2 (CP5): since 1.6.17 containerd searches each directory of the list for
/// `<host>` and then `_default`: a `_default` in an earlier entry shadows a later `<host>`
/// directory (not on 1.6.16).
#[test]
fn a_default_directory_in_an_earlier_list_entry_shadows_later_hosts() {
    let n = Node::new(None);
    let docker = n.dir.path().join("docker-certs.d");
    n.file("config.toml", &V2_HEALTHY.replace("\"{CERTS}\"", &format!("\"{{CERTS}}:{}\"", docker.display())));
    n.hosts("_default", "server = \"https://mirror.example\"\n");
    n.file("docker-certs.d/harbor.example.net:8443/ca.crt", "PEM");
    let (_, found) = n.doctor(Some("1.6.20"));
    assert!(found.contains(&("warning".into(), "hosts.shadowed".into())), "{found:?}");
    let text = n.doctor_text(Some("1.6.20"));
    assert!(
        text.contains(&format!(
            "{} is read instead of {}",
            n.certs().join("_default").display(),
            docker.join("harbor.example.net:8443").display()
        )),
        "{text}"
    );
    let (_, found) = n.doctor(Some("1.6.16"));
    assert!(!found.contains(&("warning".into(), "hosts.shadowed".into())), "{found:?}");
}

/// Review 8, L3: containerd does not start with a malformed imports pattern: an error, exit 1.
#[test]
fn a_malformed_imports_pattern_is_an_error() {
    let n = Node::new(None);
    let main = V2_HEALTHY.replacen(
        "version = 2\n",
        &format!("version = 2\nimports = [\"{}/conf.d/*[\"]\n", n.dir.path().display()),
        1,
    );
    n.file("config.toml", &main).file("conf.d/99-cgroup.toml", "version = 2\n");
    n.hosts("harbor.example.net", HOSTS_HEALTHY).file("certs.d/harbor.example.net/ca.crt", "PEM");
    assert_eq!(n.doctor(Some("1.6.20")), (1, pairs(&[("error", "merge.import-malformed")])));
}

/// Review 7, L1: after `apply --config <drop-in>` on 1.x, the config_path containerd uses is
/// the drop-in's: doctor's default certs dir and hosts.not_enabled follow it.
#[test]
fn the_certs_dir_comes_from_the_drop_in_that_owns_the_cri_section() {
    let n = Node::new(None);
    n.file("config.toml", &format!("version = 2\nimports = [\"{}/conf.d/*.toml\"]\n", n.dir.path().display()));
    n.file(
        "conf.d/99-cgroup.toml",
        "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\"]\n  sandbox_image = \"registry.aliyuncs.com/google_containers/pause:3.6\"\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"{CERTS}\"\n",
    );
    n.hosts("harbor.example.net", HOSTS_HEALTHY).file("certs.d/harbor.example.net/ca.crt", "PEM");
    // Without --certs-dir: the drop-in's config_path is read.
    let out = Command::new(env!("CARGO_BIN_EXE_pullfix"))
        .args(["doctor", "--containerd", "1.6.20", "--config"])
        .arg(n.dir.path().join("config.toml"))
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains(&format!("1 hosts.toml file(s) under {} checked", n.certs().display())), "{text}");
    assert!(!text.contains("hosts.not_enabled"), "{text}");
    // With it: the same.
    assert_eq!(n.doctor(Some("1.6.20")), (0, pairs(&[("info", "merge.import-replaces-cri")])));
    // A drop-in whose config_path points elsewhere: not enabled, and the fix names the drop-in.
    n.file(
        "conf.d/99-cgroup.toml",
        "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\"]\n  sandbox_image = \"registry.aliyuncs.com/google_containers/pause:3.6\"\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"/elsewhere\"\n",
    );
    let text = n.doctor_text(Some("1.6.20"));
    assert!(text.contains("99-cgroup.toml's config_path does not point there"), "{text}");
}

/// The cgroup snippet without runc's runtime_type: containerd 1.x builds runc from the file
/// alone, with `runtime_type = ""`, and every pod fails (`container.Runtime.Name must be set`;
/// review 8, H1). `containerd_oracle.rs` has containerd 1.6.20's own `config dump` of it.
const RUNC_OPTIONS_ONLY: &str =
    "\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n";
const RUNC_TYPE: &str =
    "\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n  runtime_type = \"io.containerd.runc.v2\"\n";

#[test]
fn a_runc_table_without_runtime_type_in_config_toml_breaks_every_pod_on_1_x() {
    let n = Node::new(Some(&format!("{V2_HEALTHY}{RUNC_OPTIONS_ONLY}")));
    n.hosts("harbor.example.net", HOSTS_HEALTHY).file("certs.d/harbor.example.net/ca.crt", "PEM");
    assert_eq!(n.doctor(Some("1.6.20")), (1, pairs(&[("error", "config.runtime_type_missing")])));
    let text = n.doctor_text(Some("1.6.20"));
    assert!(text.contains("every pod fails: container.Runtime.Name must be set"), "{text}");
    assert!(
        text.contains("Add `runtime_type = \"io.containerd.runc.v2\"` to [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]"),
        "{text}"
    );
    // Unknown version: still an error (1.x's rule); 1.7 too; 2.x keeps runc's default type
    // (2.1.9's config dump, tests/containerd_oracle.rs): nothing to report.
    assert_eq!(n.doctor(None), (1, pairs(&[("error", "config.runtime_type_missing")])));
    assert_eq!(n.doctor(Some("1.7.24")), (1, pairs(&[("error", "config.runtime_type_missing")])));
    assert!(!n.doctor(Some("2.1.9")).1.iter().any(|(_, code)| code == "config.runtime_type_missing"));
    // Both tables: nothing to report.
    n.file("config.toml", &format!("{V2_HEALTHY}{RUNC_TYPE}{RUNC_OPTIONS_ONLY}"));
    assert_eq!(n.doctor(Some("1.6.20")), (0, vec![]));
    // Another default runtime: its table counts.
    let crun = format!(
        "{V2_HEALTHY}{RUNC_TYPE}{RUNC_OPTIONS_ONLY}\n[plugins.\"io.containerd.grpc.v1.cri\".containerd]\n  default_runtime_name = \"crun\"\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.crun.options]\n  SystemdCgroup = true\n"
    );
    n.file("config.toml", &crun);
    assert_eq!(n.doctor(Some("1.6.20")), (1, pairs(&[("error", "config.runtime_type_missing")])));
    assert!(n.doctor_text(Some("1.6.20")).contains("runtimes.crun]"));
    // containerd 2.x fills in runc's type only: crun without one fails there too (review 9, M9).
    assert_eq!(n.doctor(Some("2.1.9")).0, 1);
    let text = n.doctor_text(Some("2.1.9"));
    assert!(text.contains("runtimes.crun]") && text.contains("for runc only"), "{text}");
}

/// The drop-in variant (review 8, `c/I2s`): the applied 99-cgroup drop-in owns the CRI section
/// on 1.x, so its runc table is the one containerd uses; config.toml's is not.
#[test]
fn a_runc_table_without_runtime_type_in_the_owning_drop_in_breaks_every_pod_on_1_x() {
    let n = Node::new(None);
    let main = format!(
        "version = 2\nimports = [\"{}/conf.d/*.toml\"]\n[plugins.\"io.containerd.grpc.v1.cri\"]\n  sandbox_image = \"registry.aliyuncs.com/google_containers/pause:3.6\"{RUNC_OPTIONS_ONLY}",
        n.dir.path().display()
    );
    n.file("config.toml", &main);
    n.hosts("harbor.example.net", HOSTS_HEALTHY).file("certs.d/harbor.example.net/ca.crt", "PEM");
    let drop_in = format!(
        "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\"]\n  sandbox_image = \"registry.aliyuncs.com/google_containers/pause:3.6\"{RUNC_OPTIONS_ONLY}[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"{{CERTS}}\"\n"
    );
    n.file("conf.d/99-cgroup.toml", &drop_in);
    assert_eq!(
        n.doctor(Some("1.6.20")),
        (1, pairs(&[("error", "config.runtime_type_missing"), ("info", "merge.import-replaces-cri")]))
    );
    let text = n.doctor_text(Some("1.6.20"));
    assert!(text.contains("99-cgroup.toml") && text.contains("container.Runtime.Name must be set"), "{text}");
    // Fixed in the drop-in: config.toml's broken table is thrown away by containerd, not reported.
    n.file(
        "conf.d/99-cgroup.toml",
        &drop_in.replacen(RUNC_OPTIONS_ONLY, &format!("{RUNC_TYPE}{RUNC_OPTIONS_ONLY}"), 1),
    );
    assert_eq!(n.doctor(Some("1.6.20")), (0, pairs(&[("info", "merge.import-replaces-cri")])));
}

/// A version 1 file (`[plugins.cri]`): containerd 1.x reads it (deprecated), 2.x ignores
/// all its CRI settings (verified on 2.1.9, tests/containerd_oracle.rs), so it is an error on
/// 2.x and a warning before; version 2's tables without the line stay the error they were.
#[test]
fn a_version_1_file_is_read_by_1_x_and_ignored_by_2_x() {
    let v1 = "[plugins.cri]\n  sandbox_image = \"registry.aliyuncs.com/google_containers/pause:3.10\"\n";
    let n = Node::new(Some(v1));
    assert_eq!(n.doctor(Some("1.6.20")), (0, pairs(&[("warning", "config.no_version")])));
    assert_eq!(n.doctor(Some("2.1.9")), (1, pairs(&[("error", "config.version_1_on_2x")])));
    let text = n.doctor_text(Some("2.1.9"));
    assert!(text.contains("containerd 2.x ignores every CRI setting"), "{text}");
    assert!(text.contains("pullfix apply"), "{text}");
    let n = Node::new(Some(&format!("version = 1\n{v1}")));
    assert_eq!(n.doctor(Some("2.1.9")), (1, pairs(&[("error", "config.version_1_on_2x")])));
    assert_eq!(n.doctor(Some("1.7.24")).0, 0);
    // Version 2's tables without the line on 2.x: the fix is `version = 2`, not 3.
    let n = Node::new(Some(&V2_HEALTHY.replace("version = 2\n", "")));
    assert_eq!(n.doctor(Some("2.1.9")).1.first(), Some(&("error".into(), "config.no_version".into())));
    assert!(n.doctor_text(Some("2.1.9")).contains("Add `version = 2` as the first line"));
}

/// Review 9, M5: the STORY's step 6 done by hand on a 2.x node: `sandbox_image` added to a 2.x
/// default file (which has `pinned_images.sandbox`), in the 1.x section or in the images
/// section. containerd 2.1.9 ignores both (tests/containerd_oracle.rs); doctor says which
/// image pods really use.
#[test]
fn a_sandbox_image_key_in_a_2_x_default_file_is_reported() {
    let default = include_str!("fixtures/configs/containerd-2.1.9-debian-default.toml");
    let clean = Node::new(Some(default));
    assert!(!clean.doctor(Some("2.1.9")).1.iter().any(|(_, c)| c == "config.sandbox_image_ignored"));
    for table in ["io.containerd.grpc.v1.cri", "io.containerd.cri.v1.images"] {
        let mut doc: toml_edit::DocumentMut = default.parse().unwrap();
        doc["plugins"][table]["sandbox_image"] = toml_edit::value("harbor.example.net/library/pause:3.10");
        let n = Node::new(Some(&doc.to_string()));
        let (code, checks) = n.doctor(Some("2.1.9"));
        assert_eq!(code, 1, "{table}: {checks:?}");
        assert!(checks.contains(&("error".into(), "config.sandbox_image_ignored".into())), "{table}: {checks:?}");
        let text = n.doctor_text(Some("2.1.9"));
        assert!(
            text.contains(&format!("plugins.\"{table}\".sandbox_image = \"harbor.example.net/library/pause:3.10\"")),
            "{text}"
        );
        assert!(text.contains("pods use \"registry.k8s.io/pause:3.10\""), "{text}");
    }
}

/// A version 2 file whose CRI `containerd` table sets a snapshotter without runtimes: containerd
/// 2.x drops it when it migrates the file (2.1.9, tests/containerd_oracle.rs); 1.x reads it.
#[test]
fn a_snapshotter_without_runtimes_is_lost_on_2_x() {
    let config =
        format!("{V2_HEALTHY}\n[plugins.\"io.containerd.grpc.v1.cri\".containerd]\n  snapshotter = \"stargz\"\n");
    let n = Node::new(Some(&config));
    n.hosts("harbor.example.net", HOSTS_HEALTHY).file("certs.d/harbor.example.net/ca.crt", "PEM");
    assert_eq!(n.doctor(Some("2.1.9")), (0, pairs(&[("warning", "config.snapshotter_not_migrated")])));
    let text = n.doctor_text(Some("2.1.9"));
    assert!(text.contains("snapshotter = \"stargz\"") && text.contains("overlayfs"), "{text}");
    assert_eq!(n.doctor(Some("1.7.24")), (0, vec![]));
    n.file("config.toml", &format!("{config}{RUNC_TYPE}"));
    assert_eq!(n.doctor(Some("2.1.9")), (0, vec![]));
}

/// The snapshotter and the runtimes in different files on 2.1.9, which merges config.toml and
/// its drop-ins key by key before it migrates them (tests/containerd_oracle/
/// drop_in_snapshotter.rs shows the real dumps): a runtimes table in any file keeps the
/// snapshotter, none in any file drops it, and a version 3 drop-in makes containerd ignore
/// config.toml's whole version 2 section (merge.import-raises-version, which names the
/// snapshotter). 1.x has no migration.
#[test]
fn a_snapshotter_with_drop_ins_is_judged_on_the_merged_tables() {
    let v2 = V2_HEALTHY.replacen("version = 2\n", "version = 2\nimports = [\"{CERTS}/../conf.d/*.toml\"]\n", 1);
    let snap = "\n[plugins.\"io.containerd.grpc.v1.cri\".containerd]\n  snapshotter = \"native\"\n";
    let n = Node::new(Some(&format!("{v2}{snap}")));
    n.hosts("harbor.example.net", HOSTS_HEALTHY).file("certs.d/harbor.example.net/ca.crt", "PEM");
    let drop_in = n.dir.path().join("conf.d/10-x.toml").display().to_string();
    let lost = (0, pairs(&[("warning", "config.snapshotter_not_migrated")]));
    // (c) No runtimes table in any file: lost, the message names both files.
    n.file("conf.d/10-x.toml", "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\"]\n  enable_cdi = true\n");
    assert_eq!(n.doctor(Some("2.1.9")), lost);
    let text = n.doctor_text(Some("2.1.9"));
    assert!(text.contains("the snapshotter comes from config.toml"), "{text}");
    assert!(text.contains(&format!("none of the files (config.toml, {drop_in})")), "{text}");
    // 1.7.24: no migration (the drop-in's CRI table replaces config.toml's section: its own error).
    let (_, checks) = n.doctor(Some("1.7.24"));
    assert!(!checks.iter().any(|(_, c)| c == "config.snapshotter_not_migrated"), "{checks:?}");
    // (b) The drop-in has runc's table: kept (config.toml alone said lost).
    n.file("conf.d/10-x.toml", &format!("version = 2{RUNC_TYPE}"));
    assert_eq!(n.doctor(Some("2.1.9")), (0, vec![]));
    // (a) config.toml has the runtimes, the drop-in the snapshotter: kept.
    n.file("config.toml", &format!("{v2}{RUNC_TYPE}"));
    n.file("conf.d/10-x.toml", &format!("version = 2{snap}"));
    assert_eq!(n.doctor(Some("2.1.9")), (0, vec![]));
    // The drop-in's snapshotter and no runtimes anywhere: reported on the drop-in.
    n.file("config.toml", &v2);
    assert_eq!(n.doctor(Some("2.1.9")), lost);
    let text = n.doctor_text(Some("2.1.9"));
    assert!(text.contains(&format!("the snapshotter comes from {drop_in}")), "{text}");
    // (d) A version 3 drop-in: config.toml's version 2 section is ignored, snapshotter too.
    n.file("config.toml", &format!("{v2}{snap}"));
    n.file("conf.d/10-x.toml", "version = 3\n[plugins.\"io.containerd.cri.v1.runtime\"]\n  enable_cdi = true\n");
    let (code, checks) = n.doctor(Some("2.1.9"));
    assert_eq!(code, 1, "{checks:?}");
    assert!(checks.contains(&("error".into(), "merge.import-raises-version".into())), "{checks:?}");
    assert!(!checks.iter().any(|(_, c)| c == "config.snapshotter_not_migrated"), "{checks:?}");
    let text = n.doctor_text(Some("2.1.9"));
    assert!(text.contains("Its snapshotter = \"native\" is ignored too"), "{text}");
}

/// Review 9, M7: 1.7.24 globs `conf.d/*.toml` from config.toml's directory (1.7.16+,
/// containerd#9746), so its cgroup drop-in replaces the CRI section there; 1.6.20 globs it
/// from `/` (a warning that config.toml's `conf.d/` is not loaded, with the absolute pattern).
#[test]
fn a_relative_glob_import_is_read_per_patch_release_on_1_x() {
    let n = cgroup_drop_in_node();
    let replaced = pairs(&[
        ("error", "merge.import-replaces-cri"),
        ("warning", "sandbox.default"),
        ("warning", "hosts.not_enabled"),
    ]);
    assert_eq!(n.doctor(Some("1.7.24")), (1, replaced.clone()));
    assert_eq!(n.doctor(Some("1.6.30")), (1, replaced.clone()));
    let text = n.doctor_text(Some("1.7.24"));
    assert!(text.contains(&n.dir.path().join("conf.d/99-cgroup.toml").display().to_string()), "{text}");
    // 1.6.20 does not load it (it looks in /conf.d): a warning naming both places.
    assert_eq!(n.doctor(Some("1.6.20")), (0, pairs(&[("warning", "merge.import-relative-glob")])));
    let text = n.doctor_text(Some("1.6.20"));
    let beside = n.dir.path().join("conf.d/*.toml").display().to_string();
    assert!(text.contains(&format!("it loads /conf.d/*.toml, not {beside}")), "{text}");
    assert!(text.contains(&format!("`imports = [\"{beside}\"]`")), "{text}");
    // 1.7 without its patch release: read as 1.7.16+, and a warning that it depends.
    let (code, checks) = n.doctor(Some("1.7"));
    assert_eq!(code, 1);
    assert_eq!(
        checks[..2],
        pairs(&[("error", "merge.import-replaces-cri"), ("warning", "merge.import-relative-glob")])
    );
}

/// Review 9, M1, H2, L8 on 2.x: a drop-in's sandbox image, a version 2 drop-in under a version
/// 3 config.toml, and a drop-in's own config_path (doctor then reads hosts.toml from the
/// directory containerd uses, the drop-in's).
#[test]
fn drop_ins_that_win_over_config_toml_on_2_x() {
    let main = V3_HEALTHY.replacen("version = 3\n", "version = 3\nimports = [\"conf.d/*.toml\"]\n", 1);
    let n = Node::new(Some(&main));
    n.hosts("harbor.example.net", HOSTS_HEALTHY).file("certs.d/harbor.example.net/ca.crt", "PEM");
    assert_eq!(n.doctor(Some("2.1.9")), (0, vec![]));
    n.file("conf.d/50-pause.toml", "version = 3\n[plugins.'io.containerd.cri.v1.images'.pinned_images]\n  sandbox = 'registry.k8s.io/pause:3.10'\n");
    assert_eq!(n.doctor(Some("2.1.9")), (1, pairs(&[("error", "merge.import-sandbox")])));
    let text = n.doctor_text(Some("2.1.9"));
    assert!(text.contains("so every pod sandbox starts from that image, not from config.toml's plugins.\"io.containerd.cri.v1.images\".pinned_images.sandbox = \"harbor.example.net/library/pause:3.10\""), "{text}");
    std::fs::remove_file(n.dir.path().join("conf.d/50-pause.toml")).unwrap();

    // c/di-b: the 1.x cgroup drop-in kept across the upgrade.
    n.file("conf.d/99-cgroup.toml", "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n");
    // config.toml without runc's version 3 table: the drop-in's applies (a warning).
    assert_eq!(n.doctor(Some("2.1.9")), (0, pairs(&[("warning", "merge.import-lowers-version")])));
    let with_runc = format!("{main}[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.runc]\n  runtime_type = \"io.containerd.runc.v2\"\n");
    n.file("config.toml", &with_runc);
    assert_eq!(n.doctor(Some("2.1.9")), (1, pairs(&[("error", "merge.import-lowers-version")])));
    let text = n.doctor_text(Some("2.1.9"));
    assert!(text.contains("the merged config is version 2"), "{text}");
    assert!(
        text.contains(
            "so they do not apply: plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes (SystemdCgroup)"
        ),
        "{text}"
    );
    std::fs::remove_file(n.dir.path().join("conf.d/99-cgroup.toml")).unwrap();

    // c/di-k: the drop-in's config_path wins. Without --certs-dir doctor reads its directory.
    let other = n.dir.path().join("other.d");
    n.file(
        "conf.d/50-registry.toml",
        &format!(
            "version = 3\n[plugins.'io.containerd.cri.v1.images'.registry]\n  config_path = '{}'\n",
            other.display()
        ),
    );
    n.file("other.d/quay.io/hosts.toml", "server = \"quay.io\"\n");
    let out = Command::new(env!("CARGO_BIN_EXE_pullfix"))
        .args(["doctor", "--containerd", "2.1.9", "--config"])
        .arg(n.dir.path().join("config.toml"))
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("error   merge.import-config-path"), "{text}");
    assert!(text.contains(&format!("1 hosts.toml file(s) under {} checked", other.display())), "{text}");
    // The hosts.toml there is checked (its server has no scheme); it is enabled (by the drop-in).
    assert!(text.contains(&format!("hosts.server_without_scheme  {}/quay.io/hosts.toml", other.display())), "{text}");
    assert!(!text.contains("hosts.not_enabled"), "{text}");
}

/// On 2.x a drop-in that sets the sandbox image when config.toml sets none: that image is the
/// one in effect, so doctor does not say containerd's default is used.
#[test]
fn a_drop_in_sandbox_image_is_not_called_the_default_on_2_x() {
    let main = "version = 3\nimports = [\"conf.d/*.toml\"]\n[plugins.\"io.containerd.cri.v1.images\".registry]\n  config_path = \"{CERTS}\"\n";
    let n = Node::new(Some(main));
    assert_eq!(n.doctor(Some("2.1.9")), (0, pairs(&[("warning", "sandbox.default")])));
    n.file("conf.d/50-pause.toml", "version = 3\n[plugins.'io.containerd.cri.v1.images'.pinned_images]\n  sandbox = 'harbor.example.net/library/pause:3.10'\n");
    assert_eq!(n.doctor(Some("2.1.9")), (0, vec![]));
    // On 1.x the drop-in replaces config.toml's CRI section (config_path lost): an error.
    let v2 = "version = 2\nimports = [\"conf.d/*.toml\"]\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"{CERTS}\"\n";
    n.file("config.toml", v2);
    n.file("conf.d/50-pause.toml", "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\"]\n  sandbox_image = \"harbor.example.net/library/pause:3.10\"\n");
    assert_eq!(n.doctor(Some("1.7.24")), (1, pairs(&[("error", "merge.import-replaces-cri")])));
}

/// Review 10, L4: a mirror with `capabilities = ["pull"]` only is never asked for a tag (real
/// 1.7.24 and 2.1.9 resolve the tag upstream), so doctor warns; pull + resolve is fine.
#[test]
fn a_mirror_without_resolve_is_reported() {
    let n = Node::new(Some(V2_HEALTHY));
    let hosts = |caps: &str| {
        format!("server = \"https://registry-1.docker.io\"\n\n[host.\"https://harbor.example.net/v2/dockerhub-proxy\"]\n  capabilities = {caps}\n  override_path = true\n")
    };
    n.hosts("docker.io", &hosts("[\"pull\"]"));
    let (code, checks) = n.doctor(Some("2.1.9"));
    assert_eq!(code, 0, "{checks:?}");
    assert!(checks.contains(&("warning".into(), "hosts.mirror_without_resolve".into())), "{checks:?}");
    assert!(n.doctor_text(Some("2.1.9")).contains("never asks it for a tag"));
    n.hosts("docker.io", &hosts("[\"pull\", \"resolve\"]"));
    assert!(!n.doctor(Some("2.1.9")).1.iter().any(|(_, c)| c == "hosts.mirror_without_resolve"));
}

/// Review 10, H1, H2, H3, M3: config.toml and its drop-ins taken together (their `version`
/// lines, version 3 tables merged at version 2, a drop-in's node credentials), per release
/// (tests/containerd_oracle.rs checks each against the real binaries).
#[test]
fn drop_in_versions_and_credentials_are_checked_with_config_toml() {
    let v2 = V2_HEALTHY.replacen("version = 2\n", "version = 2\nimports = [\"{CERTS}/../conf.d/*.toml\"]\n", 1);
    let n = Node::new(Some(&v2));
    n.hosts("harbor.example.net", HOSTS_HEALTHY).file("certs.d/harbor.example.net/ca.crt", "PEM");
    for v in ["1.6.20", "1.7.24", "2.1.9"] {
        assert_eq!(n.doctor(Some(v)).0, 0, "{v}: healthy");
    }
    // H3: a version 3 GPU drop-in: 1.7 does not start, 1.6 ignores it.
    let gpu = "[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.nvidia]\n  runtime_type = 'io.containerd.runc.v2'\n";
    n.file("conf.d/90-gpu.toml", &format!("version = 3\n{gpu}"));
    assert_eq!(n.doctor(Some("1.7.24")), (1, pairs(&[("error", "merge.import-version-too-new")])));
    assert_eq!(n.doctor(Some("1.6.20")), (0, pairs(&[("warning", "merge.import-version-too-new")])));
    assert!(n.doctor_text(Some("1.7.24")).contains("unsupported config version `3`"));
    // H1: the same drop-in without its `version` line on 2.1.9: config.toml's runc options go.
    let runc = "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n";
    n.file("config.toml", &format!("{v2}{runc}"));
    n.file("conf.d/90-gpu.toml", gpu);
    assert_eq!(n.doctor(Some("2.1.9")), (1, pairs(&[("error", "merge.import-v3-under-v2")])));
    let text = n.doctor_text(Some("2.1.9"));
    assert!(
        text.contains("config.toml's plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes (SystemdCgroup)"),
        "{text}"
    );
    assert!(text.contains("printf '%s\\n' 'version = 2'"), "{text}");
    std::fs::remove_file(n.dir.path().join("conf.d/90-gpu.toml")).unwrap();
    n.file("config.toml", &v2);
    // H2: an old `plugins.cri` drop-in under the version 2 config.toml: 1.x does not start.
    n.file("conf.d/20-snap.toml", "[plugins.cri.containerd]\n  snapshotter = \"native\"\n");
    for v in ["1.6.20", "1.7.24"] {
        assert_eq!(n.doctor(Some(v)), (1, pairs(&[("error", "merge.import-short-plugin-ids")])), "{v}");
    }
    std::fs::remove_file(n.dir.path().join("conf.d/20-snap.toml")).unwrap();
    // M3: a drop-in's stale node credentials for harbor win on 2.x.
    n.file("conf.d/50-auth.toml", "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry.configs.\"harbor.example.net\".auth]\n  username = \"robot$old\"\n  password = \"expired\"\n");
    assert_eq!(n.doctor(Some("2.1.9")), (1, pairs(&[("error", "merge.import-auth")])));
    let text = n.doctor_text(Some("2.1.9"));
    assert!(text.contains("\"robot$old\"") && !text.contains("expired"), "{text}");
}

/// Review 10, H2: a version 1 config.toml under a `version = 2` drop-in: 1.x does not start
/// (an error, not config.no_version's "1.x still reads it"); 2.1.9 reads both, so it is not
/// called a version 1 file that 2.x ignores.
#[test]
fn a_version_1_config_under_a_version_2_drop_in() {
    let v1 = "imports = [\"{CERTS}/../conf.d/*.toml\"]\n[plugins.cri]\n  sandbox_image = \"harbor.example.net/library/pause:3.10\"\n[plugins.cri.registry]\n  config_path = \"{CERTS}\"\n";
    let n = Node::new(Some(v1));
    n.hosts("harbor.example.net", HOSTS_HEALTHY).file("certs.d/harbor.example.net/ca.crt", "PEM");
    let (_, before) = n.doctor(Some("1.6.20"));
    assert!(before.iter().any(|(_, c)| c == "config.no_version"), "{before:?}");
    n.file("conf.d/10-metrics.toml", "version = 2\n[metrics]\n  address = \"\"\n");
    for v in ["1.6.20", "1.7.24"] {
        assert_eq!(n.doctor(Some(v)), (1, pairs(&[("error", "merge.import-short-plugin-ids")])), "{v}");
    }
    let text = n.doctor_text(Some("1.6.20"));
    assert!(text.contains("pullfix apply --form <your form> --convert-version --config"), "{text}");
    let (_, on_2x) = n.doctor(Some("2.1.9"));
    assert!(!on_2x.iter().any(|(_, c)| c == "config.version_1_on_2x" || c.starts_with("merge.")), "{on_2x:?}");
}

/// Review 11, N8: a k3s/RKE2 template is no containerd config.toml: doctor says what it is
/// (as apply does) instead of "invalid TOML, containerd will not start".
#[test]
fn a_k3s_template_is_named_not_called_invalid() {
    let n = Node::new(Some("{{ template \"base\" . }}\n\n[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.nvidia.options]\n  BinaryName = '/usr/bin/nvidia-container-runtime'\n"));
    let (code, checks) = n.doctor(Some("2.1.9"));
    assert_eq!(code, 0, "{checks:?}");
    assert!(checks.contains(&("info".into(), "config.k3s_template".into())), "{checks:?}");
    assert!(!checks.iter().any(|(_, c)| c == "config.unparsable"), "{checks:?}");
}

/// Review 11, N3: on 2.x the runtime tables are checked as containerd merges config.toml and
/// its drop-ins (key by key): a drop-in's options-only crun, made the default by another
/// drop-in, is an error on the drop-in with the table (tests/containerd_oracle.rs has 2.1.9's
/// dump of it: `runtime_type = ''`).
#[test]
fn a_drop_in_runtime_without_type_is_an_error_on_2_x() {
    let n = Node::new(None);
    let main = format!("imports = [\"{}/conf.d/*.toml\"]\n{V3_HEALTHY}", n.dir.path().display());
    n.file("config.toml", &main);
    n.hosts("harbor.example.net", HOSTS_HEALTHY).file("certs.d/harbor.example.net/ca.crt", "PEM");
    assert_eq!(n.doctor(Some("2.1.9")), (0, vec![]));
    n.file(
        "conf.d/10-crun.toml",
        "version = 3\n[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.crun.options]\n  BinaryName = \"/usr/bin/crun\"\n",
    );
    // Only a handler's table: its RuntimeClass's pods fail.
    assert_eq!(n.doctor(Some("2.1.9")), (1, pairs(&[("error", "config.runtime_type_missing")])));
    assert!(n.doctor_text(Some("2.1.9")).contains("RuntimeClass handler \"crun\""));
    n.file(
        "conf.d/20-default.toml",
        "version = 3\n[plugins.\"io.containerd.cri.v1.runtime\".containerd]\n  default_runtime_name = \"crun\"\n",
    );
    assert_eq!(n.doctor(Some("2.1.9")), (1, pairs(&[("error", "config.runtime_type_missing")])));
    let text = n.doctor_text(Some("2.1.9"));
    assert!(text.contains("error   config.runtime_type_missing  ") && text.contains("conf.d/10-crun.toml\n"), "{text}");
    assert!(text.contains("the default runtime, \"crun\"") && text.contains("conf.d/20-default.toml"), "{text}");
    // The line in the drop-in: nothing to report.
    n.file(
        "conf.d/10-crun.toml",
        "version = 3\n[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.crun]\n  runtime_type = \"io.containerd.runc.v2\"\n[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.crun.options]\n  BinaryName = \"/usr/bin/crun\"\n",
    );
    assert_eq!(n.doctor(Some("2.1.9")), (0, vec![]));
    // A default runtime no file has a table for: the CRI plugin does not load.
    n.file("conf.d/10-crun.toml", "version = 3\n");
    assert_eq!(n.doctor(Some("2.1.9")), (1, pairs(&[("error", "config.default_runtime_missing")])));
}

/// Review 11, N11: on 1.x a GPU drop-in with only `runtimes.nvidia` replaces config.toml's
/// CRI section and leaves no runc: the CRI plugin does not load (real 1.6.20 and 1.7.24 in
/// tests/containerd_oracle.rs); doctor says so before and after the form is applied to it.
#[test]
fn a_gpu_drop_in_without_runc_stops_cri_on_1_x() {
    let n = Node::new(None);
    let main =
        format!("imports = [\"{}/conf.d/*.toml\"]\n{V2_HEALTHY}{RUNC_TYPE}{RUNC_OPTIONS_ONLY}", n.dir.path().display());
    n.file("config.toml", &main);
    n.hosts("harbor.example.net", HOSTS_HEALTHY).file("certs.d/harbor.example.net/ca.crt", "PEM");
    let gpu = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.nvidia]\n  runtime_type = \"io.containerd.runc.v2\"\n";
    n.file("conf.d/90-gpu.toml", gpu);
    for v in ["1.6.20", "1.7.24"] {
        let (code, checks) = n.doctor(Some(v));
        assert_eq!(code, 1, "{v}");
        assert!(checks.contains(&("error".to_owned(), "config.default_runtime_missing".to_owned())), "{v}: {checks:?}");
        assert!(checks.contains(&("error".to_owned(), "merge.import-replaces-cri".to_owned())), "{v}: {checks:?}");
    }
    let text = n.doctor_text(Some("1.7.24"));
    assert!(text.contains("does not load its CRI plugin at all"), "{text}");
    assert!(!text.contains("conf.d/90-gpu.toml` "), "no apply on the drop-in: {text}");
    // After `pullfix apply` on the drop-in (its own config_path): still an error, not an info.
    n.file(
        "conf.d/90-gpu.toml",
        &format!("{gpu}[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"{{CERTS}}\"\n"),
    );
    let (code, checks) = n.doctor(Some("1.7.24"));
    assert_eq!(code, 1);
    assert!(checks.contains(&("error".to_owned(), "config.default_runtime_missing".to_owned())), "{checks:?}");
    // 2.x keeps its runc: no such error.
    assert!(!n.doctor(Some("2.1.9")).1.iter().any(|(_, c)| c == "config.default_runtime_missing"));
}
