//! `pullfix generate` as a user runs it: the built binary, real files, exit codes, modes.

use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use toml_edit::DocumentMut;

#[path = "cli_generate/host_spelling.rs"]
mod host_spelling;
#[path = "cli_generate/out_tree.rs"]
mod out_tree;

const HARBOR: &str = concat!(
    r#"
containerd = "1.7"
[[registry]]
host = "harbor.example.net:8443"
ca_pem = """
"#,
    include_str!("fixtures/certs/example-harbor-ca.pem"),
    r#""""
username = "robot$ci"
password = "S3cret"
node_auth = true
"#
);

/// Runs `pullfix generate ARGS` with `stdin`.
fn run(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pullfix"))
        .arg("generate")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("pullfix runs");
    // The child may exit before reading (usage errors): a broken pipe is fine then.
    let _ = child.stdin.take().expect("stdin").write_all(stdin.as_bytes());
    child.wait_with_output().expect("pullfix finishes")
}

#[track_caller]
fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

fn mode(p: &Path) -> u32 {
    fs::metadata(p).expect("file").permissions().mode() & 0o777
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `--format json`: the files `render` returned, by path.
fn json_files(o: &Output) -> serde_json::Map<String, serde_json::Value> {
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
    v["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| (f["path"].as_str().expect("path").to_owned(), f["contents"].clone()))
        .collect()
}

#[test]
fn writes_files_under_out_with_modes() {
    let tmp = tempfile::tempdir().expect("tmp");
    let form = tmp.path().join("form.toml");
    fs::write(&form, HARBOR).expect("form");
    let out = tmp.path().join("out");
    let o = run(&["--form", form.to_str().expect("utf8"), "--out", out.to_str().expect("utf8")], "");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let config = out.join("etc/containerd/config.toml");
    let hosts = out.join("etc/containerd/certs.d/harbor.example.net:8443/hosts.toml");
    let ca = out.join("etc/containerd/certs.d/harbor.example.net:8443/ca.crt");
    assert_eq!((mode(&config), mode(&hosts), mode(&ca)), (0o600, 0o644, 0o644));
    let doc: DocumentMut = fs::read_to_string(&config).expect("config").parse().expect("TOML");
    let auth = &doc["plugins"]["io.containerd.grpc.v1.cri"]["registry"]["configs"]["harbor.example.net:8443"]["auth"];
    assert_eq!(auth["username"].as_str(), Some("robot$ci"));
    let hosts_doc: DocumentMut = fs::read_to_string(&hosts).expect("hosts").parse().expect("TOML");
    assert_eq!(hosts_doc["ca"].as_str(), Some("/etc/containerd/certs.d/harbor.example.net:8443/ca.crt"));
    assert!(stderr(&o).contains("wrote "), "{}", stderr(&o));
}

#[test]
fn an_existing_file_is_narrowed_to_0600() {
    let tmp = tempfile::tempdir().expect("tmp");
    let form = tmp.path().join("form.toml");
    fs::write(&form, HARBOR).expect("form");
    let config = tmp.path().join("etc/containerd/config.toml");
    fs::create_dir_all(config.parent().expect("parent")).expect("mkdir");
    fs::write(&config, "old").expect("old");
    fs::set_permissions(&config, fs::Permissions::from_mode(0o644)).expect("chmod");
    let o = run(&["-f", form.to_str().expect("utf8"), "-o", tmp.path().to_str().expect("utf8")], "");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(mode(&config), 0o600);
    assert!(fs::read_to_string(&config).expect("config").starts_with("version = 2\n"));
}

#[test]
fn errors_write_nothing_and_exit_1() {
    let tmp = tempfile::tempdir().expect("tmp");
    let form = tmp.path().join("form.toml");
    fs::write(&form, "containerd = \"1.7\"\n[[registry]]\nhost = \"https://harbor.example.net\"\n").expect("form");
    let out = tmp.path().join("out");
    let o = run(&["--form", form.to_str().expect("utf8"), "--out", out.to_str().expect("utf8")], "");
    assert_eq!(code(&o), 1);
    assert!(!out.exists(), "nothing written");
    let err = stderr(&o);
    assert!(err.contains("error: registry[0].host:") && err.contains("Fix:"), "{err}");
}

#[test]
fn a_form_that_does_not_parse_exits_1() {
    let tmp = tempfile::tempdir().expect("tmp");
    let form = tmp.path().join("form.toml");
    fs::write(&form, "containerd = \"1.7\"\nregistri = []\n").expect("form");
    let o = run(&["--form", form.to_str().expect("utf8"), "--print"], "");
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("registri"), "{}", stderr(&o));
}

#[test]
fn print_writes_headers_and_files_to_stdout() {
    let o = run(&["--form", "-", "--print"], HARBOR);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = String::from_utf8(o.stdout).expect("utf8");
    let headers: Vec<&str> = out.lines().filter(|l| l.starts_with("==> ")).collect();
    assert_eq!(
        headers,
        [
            "==> etc/containerd/config.toml <==",
            "==> etc/containerd/certs.d/harbor.example.net:8443/hosts.toml <==",
            "==> etc/containerd/certs.d/harbor.example.net:8443/ca.crt <==",
            "==> k8s/secret-regcred-default.yaml <==",
            "==> k8s/commands.sh <==",
        ]
    );
    let config = out.split("==> ").nth(1).and_then(|s| s.split_once("<==\n")).map(|(_, body)| body).expect("body");
    let doc: DocumentMut = config.parse().expect("config parses");
    assert_eq!(doc["version"].as_integer(), Some(2));
}

#[test]
fn one_registry_from_flags_with_password_on_stdin() {
    let tmp = tempfile::tempdir().expect("tmp");
    let pem = tmp.path().join("ca.crt");
    fs::write(&pem, include_str!("fixtures/certs/example-harbor-ca.pem")).expect("pem");
    let o = run(
        &[
            "--registry",
            "10.50.1.104:5000",
            "--ca-pem-file",
            pem.to_str().expect("utf8"),
            "--username",
            "robot$ci",
            "--password-stdin",
            "--node-auth",
            "--containerd",
            "2.1",
            "--sandbox-image",
            "10.50.1.104:5000/library/pause:3.10",
            "--mirror",
            "https://m1.example.net",
            "--mirror",
            "https://m2.example.net",
            "--config-path",
            "/etc/containerd/registries",
            "--format",
            "json",
        ],
        "pa'ss $word\n",
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let files = json_files(&o);
    let config: DocumentMut =
        files["etc/containerd/config.toml"].as_str().expect("config").parse().expect("config parses");
    let images = &config["plugins"]["io.containerd.cri.v1.images"];
    assert_eq!(images["pinned_images"]["sandbox"].as_str(), Some("10.50.1.104:5000/library/pause:3.10"));
    assert_eq!(images["registry"]["config_path"].as_str(), Some("/etc/containerd/registries"));
    for host in ["m1.example.net", "m2.example.net", "10.50.1.104:5000"] {
        assert_eq!(images["registry"]["configs"][host]["auth"]["password"].as_str(), Some("pa'ss $word"), "{host}");
    }
    let hosts: DocumentMut = files["etc/containerd/registries/10.50.1.104:5000/hosts.toml"]
        .as_str()
        .expect("hosts")
        .parse()
        .expect("hosts parses");
    assert_eq!(hosts["ca"].as_str(), Some("/etc/containerd/registries/10.50.1.104:5000/ca.crt"));
    let mirrors: Vec<&str> = hosts["host"].as_table().expect("hosts").iter().map(|(k, _)| k).collect();
    assert_eq!(mirrors, ["https://m1.example.net", "https://m2.example.net"]);
    assert!(files.contains_key("etc/containerd/registries/10.50.1.104:5000/ca.crt"));
}

#[test]
fn skip_verify_http_mirror_only_and_override_path_flags() {
    let o = run(
        &[
            "--registry",
            "docker.io",
            "--mirror",
            "https://harbor.example.net/v2/dockerhub-proxy",
            "--override-path",
            "--mirror-only",
            "--print",
        ],
        "",
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = String::from_utf8(o.stdout).expect("utf8");
    let hosts = out.split("hosts.toml <==\n").nth(1).expect("hosts.toml");
    let doc: DocumentMut = hosts.parse().expect("parses");
    assert_eq!(doc["server"].as_str(), Some("https://harbor.example.net/v2/dockerhub-proxy"));
    assert_eq!(doc["override_path"].as_bool(), Some(true));

    let o = run(&["--registry", "10.0.0.1:5000", "--scheme", "http", "--print"], "");
    assert_eq!(code(&o), 0);
    assert!(String::from_utf8_lossy(&o.stdout).contains("server = \"http://10.0.0.1:5000\""));
    assert!(stderr(&o).contains("warning: registry[0].scheme"), "{}", stderr(&o));

    let o = run(&["--registry", "10.0.0.1:5000", "--skip-verify", "--print"], "");
    assert_eq!(code(&o), 0);
    assert!(String::from_utf8_lossy(&o.stdout).contains("skip_verify = true"));
}

#[test]
fn yaml_and_json_forms_by_extension() {
    let tmp = tempfile::tempdir().expect("tmp");
    let yaml = tmp.path().join("form.yml");
    fs::write(&yaml, "containerd: \"1.6.20\"\nregistry:\n  - host: harbor.example.net\n    skip_verify: true\n")
        .expect("yaml");
    let json = tmp.path().join("form.json");
    fs::write(&json, r#"{"containerd": "2.0", "registry": [{"host": "harbor.example.net", "skip_verify": true}]}"#)
        .expect("json");
    for (form, version) in [(&yaml, 2), (&json, 3)] {
        let o = run(&["--form", form.to_str().expect("utf8"), "--format", "json"], "");
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let files = json_files(&o);
        let config: DocumentMut = files["etc/containerd/config.toml"].as_str().expect("config").parse().expect("TOML");
        assert_eq!(config["version"].as_integer(), Some(version));
        assert!(files.contains_key("etc/containerd/certs.d/harbor.example.net/hosts.toml"));
    }
}

#[test]
fn json_reports_diagnostics_and_exits_1_on_errors() {
    let o = run(&["--registry", "bad host", "--format", "json"], "");
    assert_eq!(code(&o), 1);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["diagnostics"][0]["code"], "host.malformed");
    assert_eq!(v["diagnostics"][0]["field"], "registry[0].host");
    assert_eq!(v["diagnostics"][0]["severity"], "error");
}

#[test]
fn usage_errors_exit_2() {
    let cases: &[&[&str]] = &[
        &["--registry", "harbor.example.net"],
        &["--print"],
        &["--registry", "h.example", "--password-stdin", "--print"],
        &["--form", "-", "--registry", "h.example", "--username", "u", "--password-stdin", "--print"],
        &["--no-such-flag"],
        &["--form", "/nonexistent/form.toml", "--print"],
        &["--registry", "h.example", "--print", "--out", "x"],
        &["--registry", "h.example", "--format", "json", "--out", "x"],
    ];
    for args in cases {
        let o = run(args, "");
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn overlong_hosts_and_unbracketed_ipv6_are_refused_with_their_reason() {
    // Six 60-character labels: every label is fine, the name is not (365 > 253), and
    // `apply` could not create its certs.d directory.
    let long = vec!["a".repeat(60); 6].join(".");
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("out");
    let o = run(&["--registry", &long, "--out", out.to_str().expect("utf8")], "");
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(!out.exists(), "nothing written");
    let err = stderr(&o);
    assert!(
        err.contains("error: registry[0].host (--registry):") && err.contains("365 characters") && err.contains("253"),
        "{err}"
    );

    let o = run(&["--registry", "fe80::1", "--format", "json"], "");
    assert_eq!(code(&o), 1);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let d = &v["diagnostics"][0];
    assert_eq!((d["code"].as_str(), d["field"].as_str()), (Some("host.malformed"), Some("registry[0].host")));
    assert!(d["message"].as_str().expect("message").contains("brackets"), "{d}");
    assert!(d["fix"].as_str().expect("fix").contains("[fe80::1]:5000"), "{d}");

    let o = run(&["--registry", "docker.io", "--mirror", "https://fe80::1:5000", "--format", "json"], "");
    assert_eq!(code(&o), 1);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let d = v["diagnostics"].as_array().expect("diagnostics").iter().find(|d| d["code"] == "mirror.url-malformed");
    let d = d.expect("mirror.url-malformed");
    assert_eq!(d["field"], "registry[0].mirror[0].url");
    assert!(d["fix"].as_str().expect("fix").contains("https://[fe80::1:5000]"), "{d}");
}

#[test]
fn mirrors_differing_only_in_scheme_or_host_case_are_one_mirror() {
    let o = run(
        &[
            "--registry",
            "docker.io",
            "--mirror",
            "https://m.example.net/Proxy",
            "--mirror",
            "HTTPS://M.Example.NET/Proxy/",
            "--mirror",
            "https://m.example.net/proxy",
            "--print",
        ],
        "",
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("warning: registry[0].mirror[1].url"), "{}", stderr(&o));
    let out = String::from_utf8(o.stdout).expect("utf8");
    let hosts = out.split("hosts.toml <==\n").nth(1).expect("hosts.toml");
    let doc: DocumentMut = hosts.parse().expect("parses");
    let keys: Vec<&str> = doc["host"].as_table().expect("[host]").iter().map(|(k, _)| k).collect();
    // The path is case-sensitive, so /Proxy and /proxy stay two mirrors.
    assert_eq!(keys, ["https://m.example.net/Proxy", "https://m.example.net/proxy"]);
}

#[test]
fn a_v2_mirror_path_without_override_path_is_reported() {
    // containerd 1.6.20 requested /v2/proxy/v2/library/... for this file (verified).
    let o = run(&["--registry", "docker.io", "--mirror", "https://m.example.net/v2/proxy", "--print"], "");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("warning: registry[0].mirror[0].url") && err.contains("override_path = true"), "{err}");
    let out = String::from_utf8(o.stdout).expect("utf8");
    let doc: DocumentMut = out.split("hosts.toml <==\n").nth(1).expect("hosts.toml").parse().expect("parses");
    assert!(doc["host"]["https://m.example.net/v2/proxy"].get("override_path").is_none());

    // With nothing to fall back to, every pull fails: an error, and nothing is written.
    let o =
        run(&["--registry", "docker.io", "--mirror", "https://m.example.net/v2/proxy", "--mirror-only", "--print"], "");
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("error: registry[0].mirror[0].url"), "{}", stderr(&o));

    let o = run(
        &["--registry", "docker.io", "--mirror", "https://m.example.net/v2/proxy", "--override-path", "--print"],
        "",
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(!stderr(&o).contains("mirror[0].url"), "{}", stderr(&o));
}

#[test]
fn a_sandbox_image_containerd_rejects_is_an_error_with_the_corrected_form() {
    for (image, fixed) in [
        ("harbor.example.net/Lib/pause:3.9", "harbor.example.net/lib/pause:3.9"),
        ("registry.k8s.io/pause:3.9@sha256:abc", "registry.k8s.io/pause:3.9"),
    ] {
        let o = run(&["--registry", "harbor.example.net", "--sandbox-image", image, "--format", "json"], "");
        assert_eq!(code(&o), 1, "{image}: {}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
        let d = v["diagnostics"].as_array().expect("diagnostics").iter().find(|d| d["field"] == "sandbox_image");
        let d = d.expect("a sandbox_image diagnostic");
        assert_eq!((d["code"].as_str(), d["severity"].as_str()), (Some("sandbox_image.malformed"), Some("error")));
        assert!(d["fix"].as_str().expect("fix").contains(fixed), "{d}");
        let config = json_files(&o)["etc/containerd/config.toml"].as_str().expect("config").to_owned();
        let doc: DocumentMut = config.parse().expect("TOML");
        assert!(doc["plugins"]["io.containerd.grpc.v1.cri"].get("sandbox_image").is_none(), "{config}");
    }
    let o = run(
        &["--registry", "harbor.example.net", "--sandbox-image", "harbor.example.net/lib/pause:3.9", "--print"],
        "",
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = String::from_utf8(o.stdout).expect("utf8");
    let config = out.split("config.toml <==\n").nth(1).expect("config.toml").split("==>").next().expect("config");
    let doc: DocumentMut = config.parse().expect("TOML");
    assert_eq!(
        doc["plugins"]["io.containerd.grpc.v1.cri"]["sandbox_image"].as_str(),
        Some("harbor.example.net/lib/pause:3.9")
    );
}

/// Review 12, L8: messages name characters and number ranges in plain words, not in
/// Rust's escapes and type names.
#[test]
fn messages_have_no_rust_debug_text() {
    let o = run(
        &["--form", "-", "--print"],
        "containerd=\"1.7\"\n[rollout]\ndaemonset=true\nsync_seconds=99999999999999\n",
    );
    assert_eq!(code(&o), 1);
    let e = stderr(&o);
    assert!(e.contains("the TOML form has a value of the wrong type: "), "{e}");
    assert!(e.contains("expected a whole number from 0 to 4294967295 for sync_seconds"), "{e}");
    assert!(!e.contains("u32"), "{e}");
    let form = "containerd=\"1.7\"\n[[registry]]\nhost=\"h.example.net\"\nusername=\"u\"\npassword=\"p\"\n[kubernetes]\nsecret_name=\"reg\u{200b}cred\"\n";
    let o = run(&["--form", "-", "--print"], form);
    assert_eq!(code(&o), 1);
    let e = stderr(&o);
    assert!(
        e.contains("\"reg<U+200B>cred\" cannot be a Secret's name: it contains U+200B (zero width space), which"),
        "{e}"
    );
    assert!(!e.contains("\\u{"), "{e}");
}

/// Review 12, L5: an empty form (`cat missing.toml | pullfix generate --form -`) still
/// renders the defaults, exit 0, but says the form was empty.
#[test]
fn an_empty_form_is_a_warning() {
    for stdin in ["", "\n  \n"] {
        let o = run(&["--form", "-", "--print"], stdin);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let e = stderr(&o);
        assert!(e.starts_with("warning: -: the form is empty (standard input was empty)"), "{e}");
    }
    let o = run(&["--form", "-", "--print"], "containerd = \"1.7\"\n");
    assert!(!stderr(&o).contains("the form is empty"), "{}", stderr(&o));
}

/// Review 12, L4: in flag mode a diagnostic names the flag beside the form field, and
/// the fix speaks of flags (there is no --identity-token).
#[test]
fn flag_mode_diagnostics_name_the_flag() {
    let o = run(&["--registry", "h.example.net", "--username", "u", "--containerd", "1.7", "--print"], "");
    assert_eq!(code(&o), 1);
    let e = stderr(&o);
    assert!(
        e.contains("error: registry[0].password (--password-stdin): A user name without a password. Fix: Pipe the password or robot token into --password-stdin.\n"),
        "{e}"
    );
    assert!(!e.contains("identity_token"), "{e}");
    assert!(e.contains("info: registry[0].ca_pem (--ca-pem-file): "), "{e}");
    // A form's own registry keeps the form's words; the flag registry comes after it.
    let tmp = tempfile::tempdir().expect("tmp");
    let form = tmp.path().join("form.toml");
    fs::write(&form, "containerd = \"1.7\"\n[[registry]]\nhost = \"a.example.net\"\nusername = \"u\"\n").expect("form");
    let o = run(&["--form", form.to_str().expect("utf8"), "--registry", "b.example.net", "--print"], "");
    let e = stderr(&o);
    assert!(e.contains("error: registry[0].password: A user name without a password. Fix: Enter the password"), "{e}");
    assert!(e.contains("info: registry[1].ca_pem (--ca-pem-file): "), "{e}");
    // A bad --containerd names the flag.
    let o = run(&["--registry", "h.example.net", "--containerd", "one", "--print"], "");
    assert!(stderr(&o).contains("error: containerd (--containerd): "), "{}", stderr(&o));
}

/// Review 12, L4: every subcommand's --help states its exit status and shows examples.
#[test]
fn every_subcommand_help_has_exit_status_and_examples() {
    for sub in ["generate", "secret", "apply", "diagnose", "doctor", "import-registries-yaml"] {
        let o = Command::new(env!("CARGO_BIN_EXE_pullfix")).args([sub, "--help"]).output().expect("runs");
        assert!(o.status.success(), "{sub}");
        let help = String::from_utf8(o.stdout).expect("utf8");
        assert!(help.contains("\nExit status: 0 "), "{sub}: {help}");
        assert!(help.contains("\nExamples:\n  "), "{sub}: {help}");
    }
}
