//! The real containerd 1.6 reads the merged files: `containerd --config F config dump` succeeds
//! and shows the sandbox image and config_path the merge set, at the paths containerd uses.
//! (Only for 1.x targets: containerd 1.6 cannot judge version 3 files.) `config dump` reads the
//! file and prints the effective config; it does not talk to the node's containerd.

use std::process::Command;

use pullfix_core::merge::{merge_with, MergeOptions};
use pullfix_core::{parse_form, FormFormat};

use super::cases::CASES;
use super::support::{corpus, fixture};

fn containerd() -> String {
    std::env::var("PULLFIX_CONTAINERD").unwrap_or_else(|_| "containerd".to_owned())
}

/// Runs `config dump` on `text`; returns the effective config or containerd's error.
fn dump(text: &str) -> Result<toml_edit::DocumentMut, String> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text).expect("write");
    let out = Command::new(containerd())
        .arg("--config")
        .arg(&path)
        .args(["config", "dump"])
        .output()
        .unwrap_or_else(|e| panic!("cannot run {} (scripts/setup.sh installs it): {e}", containerd()));
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    String::from_utf8_lossy(&out.stdout).parse().map_err(|e| format!("dump is not TOML: {e}"))
}

fn check(name: &str, form_text: &str, input: &str, convert: bool) {
    let form = parse_form(form_text, FormFormat::Toml).expect("form");
    let r = merge_with(input, &form, MergeOptions { convert_to_target_version: convert });
    let text = r.text.clone().expect("text");
    let eff = dump(&text).unwrap_or_else(|e| panic!("{name}: containerd rejects the merged file: {e}\n{text}"));
    let cri = &eff["plugins"]["io.containerd.grpc.v1.cri"];
    if !form.sandbox_image.is_empty() {
        assert_eq!(
            cri["sandbox_image"].as_str(),
            Some(form.sandbox_image.as_str()),
            "{name}: sandbox image not in effect"
        );
    }
    if let Some(cp) = &r.config_path {
        // A colon-separated list that 1.x reads is kept, with pullfix's directory in it.
        let effective = cri["registry"]["config_path"].as_str().unwrap_or_default();
        assert!(effective.split(':').any(|d| d == cp), "{name}: config_path {cp:?} not in effect: {effective:?}");
        let mirrors = cri["registry"]["mirrors"].as_table_like().map(|t| t.len()).unwrap_or(0);
        let errors = r.diagnostics.iter().any(|d| d.severity == pullfix_core::Severity::Error);
        assert!(mirrors == 0 || errors, "{name}: legacy mirrors beside config_path without an error diagnostic");
    }
}

#[test]
fn containerd_1_6_reads_every_1x_golden_merge() {
    for case in CASES.iter().filter(|c| c.form.starts_with("containerd = \"1.")) {
        check(case.name, case.form, &fixture(case.fixture), case.convert_to_target_version);
    }
}

#[test]
fn containerd_1_6_reads_merges_into_every_corpus_file() {
    let forms = [
        "containerd = \"1.6.20\"\nsandbox_image = \"registry.aliyuncs.com/google_containers/pause:3.6\"\n[[registry]]\nhost = \"harbor.example.net\"\nca_file = \"/etc/ssl/certs/ca.pem\"\nusername = \"admin\"\npassword = \"Harbor12345\"\nnode_auth = true\n",
        "containerd = \"1.6.20\"\nlegacy_config = true\nsandbox_image = \"registry.aliyuncs.com/google_containers/pause:3.6\"\n[[registry]]\nhost = \"10.50.1.104:5000\"\nscheme = \"http\"\n",
        "containerd = \"1.4\"\nsandbox_image = \"registry.aliyuncs.com/google_containers/pause:3.2\"\n[[registry]]\nhost = \"docker.io\"\n[[registry.mirror]]\nurl = \"https://mirror.gcr.io\"\n",
    ];
    for (name, text) in corpus() {
        for (i, f) in forms.iter().enumerate() {
            check(&format!("{name} + form {i}"), f, &text, false);
        }
    }
}

#[test]
fn containerd_ignores_v2_tables_without_a_version_line() {
    // The fact the merge's `version = 2` fix rests on, shown by the real binary.
    let eff = dump(&fixture("no-version-line-v2-tables.toml")).expect("dump");
    assert_ne!(
        eff["plugins"]["io.containerd.grpc.v1.cri"]["sandbox_image"].as_str(),
        Some("registry.example.net/pause:3.6"),
        "containerd read a v2 table from a file without a version line"
    );
}

/// The web review's version 2 file, merged by default for 1.7 and for 2.x (which keeps version 2):
/// containerd 1.6.20 reads the result as a version 2 config with SystemdCgroup, the snapshotter,
/// the form's pause image and config_path in effect. (2.x reads the same file through its own
/// migration of version 2; no 2.x binary runs here.)
#[test]
fn containerd_1_6_reads_the_reviewers_file_merged_for_1x_and_2x() {
    let input = fixture("v2-systemd-legacy-registry.toml");
    for case in CASES.iter().filter(|c| c.fixture == "v2-systemd-legacy-registry.toml" && !c.convert_to_target_version)
    {
        let form = parse_form(case.form, FormFormat::Toml).expect("form");
        let r = merge_with(&input, &form, MergeOptions::default());
        assert_eq!(r.version, Some(2), "{}", case.name);
        let text = r.text.expect("text");
        let eff = dump(&text)
            .unwrap_or_else(|e| panic!("{}: containerd 1.6 rejects the merged file: {e}\n{text}", case.name));
        let cri = &eff["plugins"]["io.containerd.grpc.v1.cri"];
        assert_eq!(
            cri["containerd"]["runtimes"]["runc"]["options"]["SystemdCgroup"].as_bool(),
            Some(true),
            "{}: SystemdCgroup not in effect",
            case.name
        );
        assert_eq!(cri["containerd"]["snapshotter"].as_str(), Some("overlayfs"), "{}", case.name);
        assert_eq!(cri["sandbox_image"].as_str(), Some(form.sandbox_image.as_str()), "{}", case.name);
        assert_eq!(cri["registry"]["config_path"].as_str(), Some("/etc/containerd/certs.d"), "{}", case.name);
    }
}
