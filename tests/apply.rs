//! `pullfix apply` end to end in a temporary directory: backup, atomic replace with the
//! same mode, certs.d files, refusal on errors, dry run, diff, whether a restart is needed,
//! and failures that leave the node as it was.
//! The applied config is read back by the real containerd 1.6 (`config dump`).

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/configs");

struct Node {
    dir: tempfile::TempDir,
}

impl Node {
    /// Makes config.toml `version = 2` importing `conf.d/<pattern>` beside it; returns the
    /// conf.d directory (created) and config.toml's text.
    fn importing(&self, pattern: &str) -> (std::path::PathBuf, String) {
        let conf_d = self.dir.path().join("conf.d");
        fs::create_dir(&conf_d).unwrap();
        let main = format!("version = 2\nimports = [\"{}/{pattern}\"]\n", conf_d.display());
        fs::write(self.config(), &main).unwrap();
        (conf_d, main)
    }

    /// A node whose config.toml is a corpus file, with mode 0640.
    fn with(fixture: &str) -> Node {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = dir.path().join("config.toml");
        fs::copy(Path::new(FIXTURES).join(fixture), &config).expect("copy fixture");
        fs::set_permissions(&config, fs::Permissions::from_mode(0o640)).expect("chmod");
        Node { dir }
    }
    fn config(&self) -> PathBuf {
        self.dir.path().join("config.toml")
    }
    fn certs(&self) -> PathBuf {
        self.dir.path().join("certs.d")
    }
    fn form(&self, text: &str) -> PathBuf {
        let p = self.dir.path().join("form.toml");
        fs::write(&p, text).expect("write form");
        p
    }
    fn apply(&self, form: &str, extra: &[&str]) -> Output {
        let form = self.form(form);
        Command::new(env!("CARGO_BIN_EXE_pullfix"))
            .arg("apply")
            .arg("--form")
            .arg(&form)
            .arg("--config")
            .arg(self.config())
            .arg("--certs-dir")
            .arg(self.certs())
            .args(extra)
            .output()
            .expect("run pullfix")
    }
    fn backups(&self) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = fs::read_dir(self.dir.path())
            .expect("read dir")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("config.toml.pullfix-backup-")))
            .collect();
        v.sort();
        v
    }
    fn files(&self) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(self.dir.path())
            .expect("read dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const HARBOR: &str = "containerd = \"1.6.20\"\nsandbox_image = \"registry.aliyuncs.com/google_containers/pause:3.6\"\n\
[[registry]]\nhost = \"harbor.example.net\"\nca_pem = \"-----BEGIN CERTIFICATE-----\\nMIIBjTCCATOgAwIBAgIUZLoLccbkz58hOM9Sa+x7y/lYM0IwCgYIKoZIzj0EAwIw\\nHDEaMBgGA1UEAwwRRXhhbXBsZSBIYXJib3IgQ0EwHhcNMjYxMTI1MjEzMzM2WhcN\\nMzYxMTIyMjEzMzM2WjAcMRowGAYDVQQDDBFFeGFtcGxlIEhhcmJvciBDQTBZMBMG\\nByqGSM49AgEGCCqGSM49AwEHA0IABJ3IU+/pB/kw2dER+ZQA+qgp00SIyyVOH1pF\\nIbR/Kyofihm1Gwh1QigTg451W91pAUyYYWymqqj4AeNG9/xghRGjUzBRMB0GA1Ud\\nDgQWBBS1jrnlwl4QmE4kZI6I/MMQvdR5wTAfBgNVHSMEGDAWgBS1jrnlwl4QmE4k\\nZI6I/MMQvdR5wTAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIEMB\\nrMbLTLt2R1Y0uq2OV5cHtL82XGF5f3h8XlqZMkLyAiEA/fmiacwBzfUw/W0jdfFI\\n3OhobYBLqc8g8DLTJ3FaG2o=\\n-----END CERTIFICATE-----\\n\"\n";

#[test]
fn apply_merges_backs_up_and_says_restart() {
    let node = Node::with("containerd-1.6.20-debian-default.toml");
    let original = fs::read_to_string(node.config()).unwrap();
    let out = node.apply(HARBOR, &[]);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("systemctl restart containerd"), "{stdout}");

    let backups = node.backups();
    assert_eq!(backups.len(), 1, "{:?}", node.files());
    assert_eq!(fs::read_to_string(&backups[0]).unwrap(), original);
    assert_eq!(fs::metadata(&backups[0]).unwrap().permissions().mode() & 0o777, 0o600, "backups are owner-only");
    let mode = fs::metadata(node.config()).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640, "config.toml keeps its mode");
    assert!(!node.files().iter().any(|n| n.ends_with(".tmp")), "temporary file left: {:?}", node.files());

    let merged: toml_edit::DocumentMut = fs::read_to_string(node.config()).unwrap().parse().unwrap();
    let cri = &merged["plugins"]["io.containerd.grpc.v1.cri"];
    let certs = node.certs().to_str().unwrap().to_owned();
    assert_eq!(cri["registry"]["config_path"].as_str(), Some(certs.as_str()));
    assert_eq!(cri["sandbox_image"].as_str(), Some("registry.aliyuncs.com/google_containers/pause:3.6"));

    let hosts = node.certs().join("harbor.example.net/hosts.toml");
    let hosts_doc: toml_edit::DocumentMut = fs::read_to_string(&hosts).expect("hosts.toml written").parse().unwrap();
    assert_eq!(hosts_doc["server"].as_str(), Some("https://harbor.example.net"));
    let ca = node.certs().join("harbor.example.net/ca.crt");
    assert!(fs::read_to_string(&ca).expect("CA written").contains("BEGIN CERTIFICATE"));

    // containerd 1.6 reads the applied file and sees the settings.
    let dump = Command::new("containerd").arg("--config").arg(node.config()).args(["config", "dump"]).output().unwrap();
    assert!(dump.status.success(), "{}", text(&dump.stderr));
    let eff: toml_edit::DocumentMut = text(&dump.stdout).parse().unwrap();
    assert_eq!(eff["plugins"]["io.containerd.grpc.v1.cri"]["registry"]["config_path"].as_str(), Some(certs.as_str()));

    // Again: nothing to do, no second backup.
    let again = node.apply(HARBOR, &[]);
    assert!(again.status.success());
    assert!(text(&again.stdout).contains("nothing to change"), "{}", text(&again.stdout));
    assert_eq!(node.backups().len(), 1);
}

#[test]
fn only_certs_d_changes_need_no_restart() {
    let node = Node::with("containerd-1.7.34-default.toml");
    assert!(node.apply(HARBOR, &[]).status.success());
    let with_mirror = format!("{HARBOR}[[registry.mirror]]\nurl = \"https://mirror.example.net\"\n");
    let out = node.apply(&with_mirror, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("no restart needed"), "{stdout}");
    assert!(!stdout.contains("systemctl restart"), "{stdout}");
    assert_eq!(node.backups().len(), 1, "config.toml was not rewritten");
    let hosts = fs::read_to_string(node.certs().join("harbor.example.net/hosts.toml")).unwrap();
    assert!(hosts.contains("https://mirror.example.net"), "{hosts}");
}

#[test]
fn errors_write_nothing() {
    let node = Node::with("kubespray-legacy-mirrors.toml");
    let before = fs::read_to_string(node.config()).unwrap();
    // docker.io's legacy mirror would stay beside config_path: an error.
    let out = node.apply(HARBOR, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("legacy registry.mirrors for docker.io"), "{}", text(&out.stderr));
    assert_eq!(fs::read_to_string(node.config()).unwrap(), before);
    assert!(node.backups().is_empty());
    assert!(!node.certs().exists());
}

#[test]
fn invalid_toml_is_located_and_nothing_is_written() {
    let node = Node::with("comments-everywhere.toml");
    fs::write(node.config(), "version = 2\n[plugins\n").unwrap();
    let out = node.apply(HARBOR, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("line 2, column"), "{}", text(&out.stderr));
    assert_eq!(fs::read_to_string(node.config()).unwrap(), "version = 2\n[plugins\n");
    assert!(!node.certs().exists());
}

#[test]
fn dry_run_with_diff_writes_nothing() {
    let node = Node::with("story-legacy-harbor.toml");
    let before = fs::read_to_string(node.config()).unwrap();
    let out = node.apply(HARBOR, &["--dry-run", "--diff"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("(after apply)"), "{stdout}");
    assert!(
        stdout.contains("-[plugins.\"io.containerd.grpc.v1.cri\".registry.mirrors.\"harbor.example.net\"]"),
        "{stdout}"
    );
    assert!(stdout.contains("+  config_path = "), "{stdout}");
    assert!(stdout.contains("would change (dry run"), "{stdout}");
    assert_eq!(fs::read_to_string(node.config()).unwrap(), before);
    assert!(node.backups().is_empty());
    assert!(!node.certs().exists());
}

#[test]
fn credentials_make_config_toml_owner_only() {
    let node = Node::with("containerd-1.6.20-debian-default.toml");
    let form = "containerd = \"1.6.20\"\n[[registry]]\nhost = \"harbor.example.net\"\nusername = \"robot$ci\"\npassword = \"s3cret\"\nnode_auth = true\n";
    let out = node.apply(form, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!text(&out.stderr).contains("s3cret"), "the change list must not print the password");
    let mode = fs::metadata(node.config()).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn a_missing_config_is_created() {
    let node = Node::with("comments-everywhere.toml");
    fs::remove_file(node.config()).unwrap();
    let out = node.apply(HARBOR, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let doc: toml_edit::DocumentMut = fs::read_to_string(node.config()).unwrap().parse().unwrap();
    assert_eq!(doc["version"].as_integer(), Some(2));
    assert!(node.backups().is_empty());
    // There was no file, so no "the file is a version 1 config" (review 6, L2).
    let err = text(&out.stderr);
    assert!(err.contains("does not exist: apply creates it"), "{err}");
    assert!(!err.contains("version 1 config"), "{err}");
    assert!(!err.contains("merge.version-mismatch") && !err.contains("warning: containerd:"), "{err}");
}

#[test]
fn a_k3s_template_is_named_as_one() {
    let node = Node::with("comments-everywhere.toml");
    let tmpl = "{{ template \"base\" . }}\n\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n";
    fs::write(node.config(), tmpl).unwrap();
    let out = node.apply(HARBOR, &["--dry-run"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("k3s/RKE2 config.toml.tmpl"), "{err}");
    assert!(err.contains("--flavor k3s"), "{err}");
    assert!(!err.contains("Fix that line") && !err.contains("would not start"), "{err}");
    assert_eq!(fs::read_to_string(node.config()).unwrap(), tmpl);
}

/// Review 11, N8: k3s' generated config.toml ("File generated by K3s. DO NOT EDIT.") is
/// rewritten at every k3s start: apply writes nothing and says where registries go.
#[test]
fn a_k3s_generated_config_toml_is_not_merged_into() {
    let node = Node::with("k3s-generated.toml");
    let before = fs::read_to_string(node.config()).unwrap();
    let out = node.apply(HARBOR, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("error: existing_config: This looks like a k3s or RKE2 generated config.toml"), "{err}");
    assert!(err.contains("registries.yaml"), "{err}");
    assert_eq!(fs::read_to_string(node.config()).unwrap(), before);
    assert!(!node.certs().exists());
}

/// The node's files as (relative path, contents or symlink target), sorted.
fn tree(root: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            let meta = fs::symlink_metadata(&p).unwrap();
            if meta.file_type().is_symlink() {
                out.push((rel, format!("-> {}", fs::read_link(&p).unwrap().display())));
            } else if meta.is_dir() {
                out.push((rel + "/", String::new()));
                dirs.push(p);
            } else {
                out.push((rel, fs::read_to_string(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn a_host_too_long_for_a_file_name_changes_nothing() {
    let node = Node::with("containerd-1.6.20-debian-default.toml");
    // Six 60-character labels: 365 characters, more than a directory name can have.
    let host = vec!["a".repeat(60); 6].join(".");
    let before = tree(node.dir.path());
    let out = node.apply(&format!("containerd = \"1.6.20\"\n[[registry]]\nhost = \"{host}\"\n"), &[]);
    assert!(!out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("nothing was written"), "{}", text(&out.stderr));
    let mut after = tree(node.dir.path());
    after.retain(|(p, _)| p != "form.toml");
    assert_eq!(after, before, "config.toml, backups and certs.d are as they were");
}

#[test]
fn a_failure_half_way_puts_back_what_was_written() {
    let node = Node::with("containerd-1.6.20-debian-default.toml");
    // a.example.net has a hosts.toml already; b.example.net's directory is a dangling
    // symlink, so creating it fails after a.example.net's file has been written.
    let a = node.certs().join("a.example.net");
    fs::create_dir_all(&a).unwrap();
    fs::write(a.join("hosts.toml"), "server = \"https://a.example.net\"\n# old\n[host]\n").unwrap();
    std::os::unix::fs::symlink(node.dir.path().join("nowhere"), node.certs().join("b.example.net")).unwrap();
    let before = tree(node.dir.path());
    let form = "containerd = \"1.6.20\"\n[[registry]]\nhost = \"a.example.net\"\n[[registry.mirror]]\nurl = \"https://m.example.net\"\n\
                [[registry]]\nhost = \"b.example.net\"\n[[registry]]\nhost = \"c.example.net\"\n";
    let out = node.apply(form, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("b.example.net") && stderr.contains("the node is as it was"), "{stderr}");
    let mut after = tree(node.dir.path());
    after.retain(|(p, _)| p != "form.toml");
    assert_eq!(after, before, "a.example.net's old hosts.toml is back, config.toml untouched, no backup");

    // The same form applies once the obstacle is gone.
    fs::remove_file(node.certs().join("b.example.net")).unwrap();
    let out = node.apply(form, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(fs::read_to_string(a.join("hosts.toml")).unwrap().contains("https://m.example.net"));
    assert_eq!(node.backups().len(), 1);
}

/// A version 2 node file for containerd 2.1: kept at version 2 by default (and with the old
/// `--keep-file-version`, now a no-op), so SystemdCgroup keeps applying; `--convert-version`
/// writes nothing, since the file's tables would be stranded at paths version 3 ignores.
#[test]
fn a_version_2_file_stays_version_2_on_2x_unless_converting() {
    let form = "containerd = \"2.1\"\nsandbox_image = \"registry.aliyuncs.com/google_containers/pause:3.6\"\n\
        [[registry]]\nhost = \"hub.mooc.com\"\nskip_verify = true\n";
    for extra in [&[][..], &["--keep-file-version"][..]] {
        let node = Node::with("v2-systemd-legacy-registry.toml");
        let out = node.apply(form, extra);
        assert!(out.status.success(), "{extra:?}: {}", text(&out.stderr));
        let doc: toml_edit::DocumentMut = fs::read_to_string(node.config()).unwrap().parse().unwrap();
        assert_eq!(doc["version"].as_integer(), Some(2), "{extra:?}");
        let cri = &doc["plugins"]["io.containerd.grpc.v1.cri"];
        assert_eq!(cri["containerd"]["runtimes"]["runc"]["options"]["SystemdCgroup"].as_bool(), Some(true));
        assert_eq!(cri["sandbox_image"].as_str(), Some("registry.aliyuncs.com/google_containers/pause:3.6"));
    }
    let node = Node::with("v2-systemd-legacy-registry.toml");
    let original = fs::read_to_string(node.config()).unwrap();
    let out = node.apply(form, &["--convert-version"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("silently stop applying") && err.contains("SystemdCgroup"), "{err}");
    assert_eq!(fs::read_to_string(node.config()).unwrap(), original, "nothing written");
    let both = node.apply(form, &["--convert-version", "--keep-file-version"]);
    assert!(!both.status.success(), "the two choices conflict");
}

/// The backups beside a certs.d file.
fn backups_of(file: &Path) -> Vec<PathBuf> {
    let name = format!("{}.pullfix-backup-", file.file_name().unwrap().to_string_lossy());
    let mut v: Vec<PathBuf> = fs::read_dir(file.parent().unwrap())
        .expect("read dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(&name)))
        .collect();
    v.sort();
    v
}

const CREDS_ONLY: &str =
    "containerd = \"1.6.20\"\n[[registry]]\nhost = \"harbor.example.net\"\nusername = \"admin\"\npassword = \"Harbor12345\"\n";

/// review4 H1: the STORY step-4 node (legacy skip-verify and a scheme-less mirror naming the
/// registry itself) applied with a credentials-only form keeps verifying the way it did: the
/// skip-verify goes into hosts.toml, the messages say so, and a second apply changes nothing.
#[test]
fn legacy_skip_verify_is_carried_into_hosts_toml_and_kept() {
    let node = Node::with("story-step4-skip-verify-1.6.20.toml");
    let out = node.apply(CREDS_ONLY, &[]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let merged = fs::read_to_string(node.config()).unwrap();
    assert!(!merged.contains("insecure_skip_verify"), "the legacy tls table must go beside config_path");
    assert!(!merged.contains("registry.mirrors.\"harbor.example.net\""), "{merged}");

    let hosts_path = node.certs().join("harbor.example.net/hosts.toml");
    let hosts = fs::read_to_string(&hosts_path).expect("hosts.toml written");
    let doc: toml_edit::DocumentMut = hosts.parse().unwrap();
    assert_eq!(doc["server"].as_str(), Some("https://harbor.example.net"), "{hosts}");
    assert_eq!(doc["skip_verify"].as_bool(), Some(true), "{hosts}");
    assert!(doc["host"].as_table().is_some_and(|t| t.is_empty()), "the mirror was the registry itself: {hosts}");
    assert!(stderr.contains("Carried skip_verify = true"), "{stderr}");
    assert!(stderr.contains(&format!("Carried into {}: skip_verify = true", hosts_path.display())), "{stderr}");
    assert!(!stderr.contains("move to its hosts.toml"), "{stderr}");

    // Again: the legacy table is gone, but the hosts.toml keeps what was carried.
    let again = node.apply(CREDS_ONLY, &[]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(text(&again.stdout).contains("nothing to change"), "{}", text(&again.stdout));
    assert!(text(&again.stderr).contains("Kept skip_verify = true"), "{}", text(&again.stderr));
    assert_eq!(fs::read_to_string(&hosts_path).unwrap(), hosts);
    assert!(backups_of(&hosts_path).is_empty());
    assert_eq!(node.backups().len(), 1);

    // Once the form gives the CA, the carried skip-verify gives way.
    let with_ca = format!("{CREDS_ONLY}ca_file = \"/etc/ssl/certs/harbor-ca.pem\"\n");
    let third = node.apply(&with_ca, &[]);
    assert!(third.status.success(), "{}", text(&third.stderr));
    let doc: toml_edit::DocumentMut = fs::read_to_string(&hosts_path).unwrap().parse().unwrap();
    assert!(doc.get("skip_verify").is_none(), "{doc}");
    assert_eq!(doc["ca"].as_str(), Some("/etc/ssl/certs/harbor-ca.pem"));
}

/// review4 H1: a Docker Hub mirror (the common China setup) survives a credentials-only apply,
/// without the upstream it also listed.
#[test]
fn legacy_docker_hub_mirror_is_carried_into_hosts_toml() {
    let node = Node::with("docker-hub-legacy-mirror-1.6.20.toml");
    let form =
        "containerd = \"1.6.20\"\n[[registry]]\nhost = \"docker.io\"\nusername = \"mooc\"\npassword = \"dckr_pat_x\"\n";
    let out = node.apply(form, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let hosts = fs::read_to_string(node.certs().join("docker.io/hosts.toml")).unwrap();
    let doc: toml_edit::DocumentMut = hosts.parse().unwrap();
    assert_eq!(doc["server"].as_str(), Some("https://registry-1.docker.io"));
    let mirrors: Vec<&str> = doc["host"].as_table().unwrap().iter().map(|(k, _)| k).collect();
    assert_eq!(mirrors, ["https://docker.mirrors.ustc.edu.cn"], "{hosts}");
    // containerd 1.6 loads the result (no `mirrors` left beside config_path).
    let dump = Command::new("containerd").arg("--config").arg(node.config()).args(["config", "dump"]).output().unwrap();
    assert!(dump.status.success(), "{}", text(&dump.stderr));
    let eff: toml_edit::DocumentMut = text(&dump.stdout).parse().unwrap();
    let mirrors = eff["plugins"]["io.containerd.grpc.v1.cri"]["registry"]["mirrors"].as_table();
    assert!(mirrors.is_none_or(|t| t.is_empty()), "{}", text(&dump.stdout));
}

const HAND_WRITTEN: &str = "server = \"https://harbor.example.net\"\nca = \"/etc/ssl/certs/ca.pem\"\n\n\
[host.\"https://harbor-cache.example.net:8443\"]\n  capabilities = [\"pull\", \"resolve\"]\n  ca = \"/etc/containerd/certs.d/harbor.example.net/cache-ca.crt\"\n";

/// review4 M3: a hand-written hosts.toml is backed up (owner-only, beside it) before it is
/// replaced, and the `[host]` mirror it loses is named, in a dry run too.
#[test]
fn a_hand_written_hosts_toml_is_backed_up_and_its_losses_named() {
    let node = Node::with("containerd-1.6.20-debian-default.toml");
    let hosts_path = node.certs().join("harbor.example.net/hosts.toml");
    fs::create_dir_all(hosts_path.parent().unwrap()).unwrap();
    fs::write(&hosts_path, HAND_WRITTEN).unwrap();
    let form = format!("{CREDS_ONLY}ca_file = \"/etc/ssl/certs/ca.pem\"\n");

    let dry = node.apply(&form, &["--dry-run", "--diff"]);
    let stderr = text(&dry.stderr);
    assert!(dry.status.success(), "{stderr}");
    let warning = format!("warning: {}: the new file drops or changes", hosts_path.display());
    assert!(stderr.contains(&warning), "{stderr}");
    assert!(stderr.contains("[host.\"https://harbor-cache.example.net:8443\"]"), "{stderr}");
    assert!(!stderr.contains("ca = \"/etc/ssl/certs/ca.pem\""), "the CA is the same: not a loss: {stderr}");
    assert!(stderr.contains(&format!("would back up {}", hosts_path.display())), "{stderr}");
    assert!(text(&dry.stdout).contains("-[host.\"https://harbor-cache.example.net:8443\"]"), "{}", text(&dry.stdout));
    assert_eq!(fs::read_to_string(&hosts_path).unwrap(), HAND_WRITTEN);
    assert!(backups_of(&hosts_path).is_empty());

    let out = node.apply(&form, &[]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains(&warning), "{stderr}");
    let backups = backups_of(&hosts_path);
    assert_eq!(backups.len(), 1, "{stderr}");
    assert_eq!(fs::read_to_string(&backups[0]).unwrap(), HAND_WRITTEN);
    assert_eq!(fs::metadata(&backups[0]).unwrap().permissions().mode() & 0o777, 0o600);
    assert!(stderr.contains(&format!("backup: {}", backups[0].display())), "{stderr}");
    assert!(!fs::read_to_string(&hosts_path).unwrap().contains("harbor-cache"));

    // The file pullfix wrote is replaced without a warning when nothing in it is lost.
    let again = node.apply(&format!("{form}[[registry.mirror]]\nurl = \"https://m.example.net\"\n"), &[]);
    assert!(again.status.success());
    assert!(!text(&again.stderr).contains("drops or changes"), "{}", text(&again.stderr));
    assert_eq!(backups_of(&hosts_path).len(), 2, "every replaced file is backed up");
}

/// A legacy mirror endpoint with `user:password@`: the password never reaches the warnings
/// or the change listing (`--diff` shows the file as it is).
#[test]
fn a_legacy_endpoint_password_is_masked_in_messages() {
    let node = Node::with("containerd-1.6.20-debian-default.toml");
    let mut text = fs::read_to_string(node.config()).expect("read");
    text.push_str(
        "\n[plugins.\"io.containerd.grpc.v1.cri\".registry.mirrors.\"quay.io\"]\n  endpoint = [\"https://quay-mirror.example.com\", \"https://u:s3cr3tpw@quay-mirror2.example.com\"]\n",
    );
    fs::write(node.config(), &text).expect("write");
    let out = node.apply("containerd = \"1.6.20\"\n[[registry]]\nhost = \"quay.io\"\n", &["--dry-run"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(!err.contains("s3cr3tpw"), "the password is echoed:\n{err}");
    assert!(err.contains("https://u:***@quay-mirror2.example.com"), "{err}");
    // The removed table is listed, masked.
    assert!(err.contains("mirrors.\"quay.io\"") && err.contains("(removed)"), "{err}");
    let diff = node.apply("containerd = \"1.6.20\"\n[[registry]]\nhost = \"quay.io\"\n", &["--dry-run", "--diff"]);
    assert!(String::from_utf8_lossy(&diff.stdout).contains("s3cr3tpw"), "the diff shows the file as it is");
}

/// A CA path carried from the node's legacy `configs.tls` was read by the node's containerd:
/// no "pullfix does not write that file" warning, on the first apply or the second; only a
/// carried path that is gone is a warning. A relative legacy `ca_file` (containerd 1.x reads
/// it from its working directory, `/`) is carried as `/` + path.
#[test]
fn carried_ca_paths_are_not_form_input() {
    let node = Node::with("containerd-1.6.20-debian-default.toml");
    let ca = node.dir.path().join("harbor-ca.crt");
    fs::write(&ca, "not read by pullfix").expect("ca");
    let base = fs::read_to_string(node.config()).expect("read");
    let tls = |ca: &str| {
        format!("{base}\n[plugins.\"io.containerd.grpc.v1.cri\".registry.configs.\"harbor.example.net\".tls]\n  ca_file = {ca:?}\n")
    };
    fs::write(node.config(), tls(&ca.to_string_lossy())).expect("write");
    let form = "containerd = \"1.6.20\"\n[[registry]]\nhost = \"harbor.example.net\"\n";
    for round in 0..2 {
        let out = node.apply(form, &[]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{err}");
        assert!(!err.contains("does not write") && !err.contains("does not exist"), "round {round}:\n{err}");
    }
    let hosts = fs::read_to_string(node.certs().join("harbor.example.net/hosts.toml")).expect("hosts.toml");
    assert!(hosts.contains(&format!("ca = {:?}", ca.to_string_lossy())), "{hosts}");

    // Gone from the node: a warning naming it.
    let node = Node::with("containerd-1.6.20-debian-default.toml");
    fs::write(node.config(), tls("/nonexistent/pullfix-test/ca.crt")).expect("write");
    let err = String::from_utf8_lossy(&node.apply(form, &["--dry-run"]).stderr).into_owned();
    assert!(err.contains("\"/nonexistent/pullfix-test/ca.crt\", carried into the hosts.toml"), "{err}");
    assert!(!err.contains("does not write"), "{err}");

    // Relative: from containerd's working directory.
    let node = Node::with("containerd-1.6.20-debian-default.toml");
    fs::write(node.config(), tls("certs/harbor-ca.crt")).expect("write");
    let out = node.apply(form, &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("ca_file \"certs/harbor-ca.crt\" is relative"), "{err}");
    let hosts = fs::read_to_string(node.certs().join("harbor.example.net/hosts.toml")).expect("hosts.toml");
    assert!(hosts.contains("ca = \"/certs/harbor-ca.crt\""), "{hosts}");
}

/// `containerd --config <main> config dump` (imports resolved), parsed.
fn effective(config: &Path) -> toml_edit::DocumentMut {
    let out = Command::new("containerd").arg("--config").arg(config).args(["config", "dump"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout).parse().expect("containerd's dump is TOML")
}

/// Review 6, H1: a one-line SystemdCgroup drop-in replaces the whole CRI section on 1.x.
#[test]
fn a_drop_in_with_a_cri_table_is_refused_and_applying_to_it_works() {
    let node = Node::with("comments-everywhere.toml");
    let (conf_d, main) = node.importing("*.toml");
    let drop_in = conf_d.join("99-cgroup.toml");
    fs::write(
        &drop_in,
        "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n  runtime_type = \"io.containerd.runc.v2\"\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n",
    )
    .unwrap();
    // What pullfix would write into config.toml alone, containerd throws away.
    let out = node.apply(HARBOR, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("replaces the main file's whole CRI section"), "{err}");
    assert!(err.contains(&format!("`pullfix apply --form <your form> --config {}`", drop_in.display())), "{err}");
    assert_eq!(fs::read_to_string(node.config()).unwrap(), main);
    assert!(!node.certs().exists());
    // The fix it names: apply to the drop-in.
    let form = node.form(HARBOR);
    let out = Command::new(env!("CARGO_BIN_EXE_pullfix"))
        .args(["apply", "--form"])
        .arg(&form)
        .arg("--config")
        .arg(&drop_in)
        .arg("--certs-dir")
        .arg(node.certs())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let dump = effective(&node.config());
    let cri = &dump["plugins"]["io.containerd.grpc.v1.cri"];
    assert_eq!(cri["registry"]["config_path"].as_str(), Some(node.certs().to_str().unwrap()));
    assert_eq!(cri["containerd"]["runtimes"]["runc"]["options"]["SystemdCgroup"].as_bool(), Some(true));
    assert!(node.certs().join("harbor.example.net/hosts.toml").exists());
}

/// Legacy registry tables in a drop-in are what 1.x uses: named, and apply refuses.
#[test]
fn legacy_mirrors_in_a_drop_in_are_named() {
    let node = Node::with("comments-everywhere.toml");
    let drop_in = node.dir.path().join("10-reg.toml");
    // A relative, non-glob import is relative to config.toml's directory.
    fs::write(node.config(), "version = 2\nimports = [\"10-reg.toml\"]\n").unwrap();
    fs::write(&drop_in, "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry.mirrors.\"harbor.example.net\"]\n  endpoint = [\"https://harbor.example.net\"]\n[plugins.\"io.containerd.grpc.v1.cri\".registry.configs.\"harbor.example.net\".tls]\n  insecure_skip_verify = true\n").unwrap();
    let out = node.apply(HARBOR, &["--dry-run"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("legacy registry.mirrors for harbor.example.net"), "{err}");
    assert!(err.contains("legacy registry.configs.*.tls for harbor.example.net"), "{err}");
    // containerd agrees that the drop-in's registry section is the one in effect.
    let dump = effective(&node.config());
    assert!(dump["plugins"]["io.containerd.grpc.v1.cri"]["registry"]["mirrors"].get("harbor.example.net").is_some());
}

/// Review 6, L1: on 1.6 a colon-separated config_path is kept, so a Docker-style
/// `certs.d/<host>/ca.crt` in its second directory keeps working (containerd agrees).
#[test]
fn a_config_path_list_is_kept_on_1_6() {
    let node = Node::with("comments-everywhere.toml");
    let docker = node.dir.path().join("docker-certs.d");
    fs::create_dir_all(docker.join("harbor.example.net")).unwrap();
    fs::write(docker.join("harbor.example.net/ca.crt"), "PEM").unwrap();
    let list = format!("{}:{}", node.certs().display(), docker.display());
    fs::write(
        node.config(),
        format!("version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"{list}\"\n"),
    )
    .unwrap();
    let docker_hub = "containerd = \"1.6.20\"\n[[registry]]\nhost = \"docker.io\"\n[[registry.mirror]]\nurl = \"https://m.example\"\n";
    let out = node.apply(docker_hub, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("reads every directory in it"), "{}", text(&out.stderr));
    let dump = effective(&node.config());
    assert_eq!(dump["plugins"]["io.containerd.grpc.v1.cri"]["registry"]["config_path"].as_str(), Some(list.as_str()));
    assert!(node.certs().join("docker.io/hosts.toml").exists());
    // On 2.1 it is cut, and the warning names harbor.example.net, whose CA stops being read.
    let out = node.apply(&docker_hub.replace("1.6.20", "2.1"), &["--dry-run"]);
    let err = text(&out.stderr);
    assert!(err.contains("harbor.example.net (in"), "{err}");
}

/// Review 7, H1: containerd 1.6 uses the first directory of the list that has a `<host>`
/// directory, so pullfix's directory, already in the list behind a Docker-style one, moves first.
#[test]
fn a_config_path_list_puts_pullfix_first_on_1_6() {
    let node = Node::with("comments-everywhere.toml");
    let docker = node.dir.path().join("docker-certs.d");
    fs::create_dir_all(docker.join("harbor.example.net")).unwrap();
    fs::write(docker.join("harbor.example.net/ca.crt"), "PEM").unwrap();
    let list = format!("{}:{}", docker.display(), node.certs().display());
    fs::write(
        node.config(),
        format!("version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"{list}\"\n"),
    )
    .unwrap();
    let out = node.apply(HARBOR, &[]);
    let err = text(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("moved first"), "{err}");
    let first = format!("{}:{}", node.certs().display(), docker.display());
    let dump = effective(&node.config());
    assert_eq!(dump["plugins"]["io.containerd.grpc.v1.cri"]["registry"]["config_path"].as_str(), Some(first.as_str()));
}

/// Writes config.toml with `config_path = "<docker>:<certs>"` and the registry directories
/// (a `ca.crt` in each `docker` one, a hosts.toml in each `certs` one); the list.
fn list_node(node: &Node, docker_hosts: &[&str], certs_hosts: &[&str]) -> (PathBuf, String) {
    let docker = node.dir.path().join("docker-certs.d");
    for h in docker_hosts {
        fs::create_dir_all(docker.join(h)).unwrap();
        fs::write(docker.join(h).join("ca.crt"), "PEM").unwrap();
    }
    for h in certs_hosts {
        fs::create_dir_all(node.certs().join(h)).unwrap();
        fs::write(node.certs().join(h).join("hosts.toml"), "server = \"https://10.0.0.1:5000\"\n").unwrap();
    }
    let list = format!("{}:{}", docker.display(), node.certs().display());
    fs::write(
        node.config(),
        format!("version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"{list}\"\n"),
    )
    .unwrap();
    (docker, list)
}

/// Review 8, H2 (CP6, CP5): putting pullfix's directory first would switch
/// harbor.example.net:8443 (not in the form) from its Docker-style directory to a stale one,
/// or to a `_default`, in pullfix's directory. The form's registry is not shadowed in the
/// file's order, so that order is kept (checked with the real containerd's `config dump`).
#[test]
fn a_reorder_that_moves_another_registry_keeps_the_order() {
    for stale in ["harbor.example.net:8443", "_default"] {
        let node = Node::with("comments-everywhere.toml");
        let (_, list) = list_node(&node, &["harbor.example.net:8443"], &[stale]);
        let out = node.apply(HARBOR, &[]);
        let err = text(&out.stderr);
        assert!(out.status.success(), "{stale}: {err}");
        assert!(err.contains("in its order") && !err.contains("moved first"), "{stale}: {err}");
        let dump = effective(&node.config());
        assert_eq!(
            dump["plugins"]["io.containerd.grpc.v1.cri"]["registry"]["config_path"].as_str(),
            Some(list.as_str())
        );
        assert!(node.certs().join("harbor.example.net/hosts.toml").exists(), "{stale}");
    }
}

/// Review 8, H2: when the form's registry is shadowed in the file's order (a stale
/// harbor.example.net in the Docker-style directory) and moving pullfix's directory first
/// would switch another registry, apply refuses, naming it, and writes nothing.
#[test]
fn a_reorder_that_moves_another_registry_is_refused() {
    for stale in ["harbor.example.net:8443", "_default"] {
        let node = Node::with("comments-everywhere.toml");
        let (docker, list) = list_node(&node, &["harbor.example.net", "harbor.example.net:8443"], &[stale]);
        let original = fs::read_to_string(node.config()).unwrap();
        let out = node.apply(HARBOR, &[]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stale}: {err}");
        assert!(
            err.contains("changes which directory containerd reads for registries the form does not write"),
            "{err}"
        );
        assert!(err.contains("harbor.example.net is read from") && err.contains("keeping the file's order"), "{err}");
        let expected = format!(
            "harbor.example.net:8443 would be read from {}/{stale} instead of {}/harbor.example.net:8443",
            node.certs().display(),
            docker.display()
        );
        assert!(err.contains(&expected), "{stale}: {err}");
        assert!(err.contains("then run pullfix apply again"), "{err}");
        assert_eq!(fs::read_to_string(node.config()).unwrap(), original, "{stale}: nothing written");
        assert!(!node.certs().join("harbor.example.net").exists(), "{stale}: nothing written");
        let dump = effective(&node.config());
        assert_eq!(
            dump["plugins"]["io.containerd.grpc.v1.cri"]["registry"]["config_path"].as_str(),
            Some(list.as_str())
        );
    }
}

/// Runs `pullfix apply --config <file>` with the form.
fn apply_to(node: &Node, file: &Path, form: &str) -> Output {
    let form = node.form(form);
    Command::new(env!("CARGO_BIN_EXE_pullfix"))
        .args(["apply", "--form"])
        .arg(&form)
        .arg("--config")
        .arg(file)
        .arg("--certs-dir")
        .arg(node.certs())
        .output()
        .unwrap()
}

/// Review 7, M1: with `imports = [".../conf.d/*"]`, a backup beside the drop-in would be
/// imported last by 1.x and undo the apply: it goes to pullfix-backups/ beside config.toml.
#[test]
fn the_backup_of_an_imported_drop_in_is_kept_out_of_the_imports() {
    let node = Node::with("comments-everywhere.toml");
    let (conf_d, _) = node.importing("*");
    let drop_in = conf_d.join("99-cgroup.toml");
    let old = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n  runtime_type = \"io.containerd.runc.v2\"\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n";
    fs::write(&drop_in, old).unwrap();
    let out = apply_to(&node, &drop_in, HARBOR);
    let err = text(&out.stderr);
    assert!(out.status.success(), "{err}");
    let names: Vec<String> =
        fs::read_dir(&conf_d).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names, vec!["99-cgroup.toml".to_owned()]);
    let backups: Vec<PathBuf> =
        fs::read_dir(node.dir.path().join("pullfix-backups")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(backups.len(), 1);
    assert_eq!(fs::read_to_string(&backups[0]).unwrap(), old);
    assert!(err.contains(&format!("backup: {}", backups[0].display())), "{err}");
    // containerd uses what apply wrote.
    let dump = effective(&node.config());
    assert_eq!(
        dump["plugins"]["io.containerd.grpc.v1.cri"]["registry"]["config_path"].as_str(),
        Some(node.certs().to_str().unwrap())
    );
    // A backup left in conf.d by an older pullfix: doctor names it and says to move it.
    let stale = conf_d.join("99-cgroup.toml.pullfix-backup-20261126T073105Z");
    fs::write(&stale, old).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_pullfix"))
        .args(["doctor", "--containerd", "1.6.20", "--config"])
        .arg(node.config())
        .output()
        .unwrap();
    let report = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(report.contains("error   merge.import-backup"), "{report}");
    assert!(report.contains(&format!("Delete {} or move it", stale.display())), "{report}");
    assert!(!report.contains("apply --config"), "{report}");
}

/// Review 7, L2: once the drop-in that owns the CRI section has the settings, `apply` on
/// config.toml (a re-run on every node) leaves config.toml alone and exits 0; a form the
/// drop-in lacks (a new sandbox image) says to apply it to the drop-in, without "pulls fail".
#[test]
fn apply_on_config_toml_after_the_drop_in_was_fixed() {
    let node = Node::with("comments-everywhere.toml");
    let (conf_d, main) = node.importing("*.toml");
    let drop_in = conf_d.join("99-cgroup.toml");
    fs::write(&drop_in, "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n  runtime_type = \"io.containerd.runc.v2\"\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n").unwrap();
    assert!(apply_to(&node, &drop_in, HARBOR).status.success());
    let out = node.apply(HARBOR, &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("already has the form's settings"), "{err}");
    assert!(!err.contains("pulls fail"), "{err}");
    assert_eq!(fs::read_to_string(node.config()).unwrap(), main);
    assert!(node.backups().is_empty());
    let out = node.apply(&HARBOR.replace("pause:3.6", "pause:3.9"), &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("`pullfix apply --form <your form> --config {}`", drop_in.display())), "{err}");
    assert!(!err.contains("pulls fail"), "{err}");
    assert_eq!(fs::read_to_string(node.config()).unwrap(), main);
}

/// Review 7, M2 (containerd 2.x's source, no 2.x binary here): a `version = 3` drop-in makes
/// the merged version 3, so config.toml's version 2 keys would not be migrated: apply refuses
/// and `--convert-version` writes the version 3 paths.
#[test]
fn a_version_3_drop_in_on_2_x_needs_convert_version() {
    let node = Node::with("comments-everywhere.toml");
    let (conf_d, _) = node.importing("*.toml");
    fs::write(conf_d.join("99-nvidia.toml"), "version = 3\n[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.nvidia]\n  runtime_type = \"io.containerd.runc.v2\"\n").unwrap();
    let form = HARBOR.replace("1.6.20", "2.1");
    let out = node.apply(&form, &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("99-nvidia.toml sets version = 3"), "{err}");
    // Review 9, H1: migrate a copy without the imports line (config migrate loads them).
    assert!(!err.contains("config migrate >"), "{err}");
    assert!(err.contains("containerd -c /tmp/config-noimports.toml config migrate"), "{err}");
    assert!(err.contains(&format!("> {}.new`", node.config().display())), "{err}");
    let out = node.apply(&form, &["--convert-version"]);
    let err = text(&out.stderr);
    assert!(out.status.success(), "{err}");
    let doc: toml_edit::DocumentMut = fs::read_to_string(node.config()).unwrap().parse().unwrap();
    assert_eq!(doc["version"].as_integer(), Some(3));
    assert_eq!(
        doc["plugins"]["io.containerd.cri.v1.images"]["registry"]["config_path"].as_str(),
        Some(node.certs().to_str().unwrap())
    );
}

/// Review 7, L3: a drop-in without a `version` line takes the importing config.toml's version
/// (containerd agrees: its SystemdCgroup is in effect), so apply does not claim its settings
/// were ignored.
#[test]
fn a_drop_in_without_a_version_line_is_not_called_ignored() {
    let node = Node::with("comments-everywhere.toml");
    let (conf_d, _) = node.importing("*.toml");
    let drop_in = conf_d.join("99-cgroup.toml");
    fs::write(
        &drop_in,
        "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n  runtime_type = \"io.containerd.runc.v2\"\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n",
    )
    .unwrap();
    let dump = effective(&node.config());
    assert_eq!(
        dump["plugins"]["io.containerd.grpc.v1.cri"]["containerd"]["runtimes"]["runc"]["options"]["SystemdCgroup"]
            .as_bool(),
        Some(true)
    );
    let out = apply_to(&node, &drop_in, HARBOR);
    let err = text(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(!err.contains("none of those settings were in effect"), "{err}");
    assert!(err.contains("its plugins.\"io.containerd.grpc.v1.cri\" settings were in effect"), "{err}");
    // Not imported by any config.toml pullfix finds: the warning stays, softened.
    let alone = node.dir.path().join("other/99-cgroup.toml");
    fs::create_dir_all(alone.parent().unwrap()).unwrap();
    fs::write(
        &alone,
        "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n  runtime_type = \"io.containerd.runc.v2\"\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n",
    )
    .unwrap();
    let out = apply_to(&node, &alone, HARBOR);
    let err = text(&out.stderr);
    assert!(err.contains("If ") && err.contains("is a drop-in that a config.toml with `version = 2` imports"), "{err}");
}

/// Review 7, L4: `[0-9]*` in an imports glob is a Go character class: the CRI drop-in it
/// matches is found (containerd agrees), so apply refuses to write settings it would discard.
#[test]
fn imports_globs_with_character_classes_are_followed() {
    let node = Node::with("comments-everywhere.toml");
    let (conf_d, main) = node.importing("[0-9]*.toml");
    fs::write(conf_d.join("99-cgroup.toml"), "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n  runtime_type = \"io.containerd.runc.v2\"\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n").unwrap();
    let dump = effective(&node.config());
    assert_eq!(
        dump["plugins"]["io.containerd.grpc.v1.cri"]["containerd"]["runtimes"]["runc"]["options"]["SystemdCgroup"]
            .as_bool(),
        Some(true)
    );
    let out = node.apply(HARBOR, &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("99-cgroup.toml, which has a plugins"), "{err}");
    assert_eq!(fs::read_to_string(node.config()).unwrap(), main);
}

/// Review 8, L3: the real containerd does not start with a malformed imports pattern
/// (`syntax error in pattern`): apply reports an error and writes nothing.
#[test]
fn a_malformed_imports_pattern_is_an_error() {
    let node = Node::with("comments-everywhere.toml");
    let (conf_d, main) = node.importing("*[");
    // Go's filepath.Glob finds the syntax error when it compares a name in the directory.
    fs::write(conf_d.join("99-cgroup.toml"), "version = 2\n").unwrap();
    let dump = Command::new("containerd").arg("--config").arg(node.config()).args(["config", "dump"]).output().unwrap();
    assert!(!dump.status.success() && text(&dump.stderr).contains("syntax error in pattern"), "{}", text(&dump.stderr));
    let out = node.apply(HARBOR, &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("error: existing_config:") && err.contains("malformed for Go's filepath.Glob"), "{err}");
    assert!(!err.contains("systemctl restart"), "{err}");
    assert_eq!(fs::read_to_string(node.config()).unwrap(), main);
    assert!(!node.certs().join("harbor.example.net").exists());
}

/// Review 8, L4 (I6): a drop-in's `disabled_plugins = ["io.containerd.grpc.v1.cri"]` keeps
/// CRI off whatever config.toml says (the real containerd's dump): apply on config.toml
/// reports it, naming the drop-in, and writes nothing.
#[test]
fn a_drop_in_that_disables_cri_is_an_error() {
    let node = Node::with("comments-everywhere.toml");
    let (conf_d, main) = node.importing("*.toml");
    let docker = conf_d.join("10-docker.toml");
    fs::write(&docker, "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]\n").unwrap();
    let dump = effective(&node.config());
    assert_eq!(dump["disabled_plugins"].as_array().map(|a| a.len()), Some(1));
    let out = node.apply(HARBOR, &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let docker = docker.display().to_string();
    assert!(err.contains(&format!("The drop-in {docker} disables containerd's CRI plugin")), "{err}");
    assert!(err.contains(&format!("Edit {docker}: remove \"io.containerd.grpc.v1.cri\"")), "{err}");
    assert_eq!(fs::read_to_string(node.config()).unwrap(), main);
    assert!(!node.certs().join("harbor.example.net").exists());
}

/// Operator review 7, M1 (STORY step 6): the node's file pins k8s.gcr.io/pause:3.2 and the
/// form's sandbox image is empty: apply says the merged file keeps it and warns, instead of
/// naming containerd's own default pause image.
#[test]
fn a_kept_k8s_gcr_io_pause_image_is_named_not_the_default() {
    let node = Node::with("story-legacy-harbor.toml");
    let form = "containerd = \"1.4.13\"\n[[registry]]\nhost = \"harbor.example.net\"\n";
    let out = node.apply(form, &["--dry-run"]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("own default pause image"), "{stderr}");
    assert!(
        stderr.contains(
            "keeps plugins.\"io.containerd.grpc.v1.cri\".sandbox_image = \"k8s.gcr.io/pause:3.2\" (the form's sandbox image is empty)"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("registry.aliyuncs.com/google_containers/pause:3.2"), "{stderr}");
}

/// Operator review 7, L2: on a 1.4 node the inline keys stay, and the file's
/// `insecure_skip_verify = true` (the form gives no CA) is applied with a warning, as on 1.5+.
#[test]
fn a_kept_inline_skip_verify_is_warned_about_on_1_4() {
    let node = Node::with("story-legacy-harbor.toml");
    let form = "containerd = \"1.4.13\"\n[[registry]]\nhost = \"harbor.example.net\"\n";
    let out = node.apply(form, &[]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let doc: toml_edit::DocumentMut = fs::read_to_string(node.config()).unwrap().parse().unwrap();
    let tls = &doc["plugins"]["io.containerd.grpc.v1.cri"]["registry"]["configs"]["harbor.example.net"]["tls"];
    assert_eq!(tls["insecure_skip_verify"].as_bool(), Some(true));
    assert!(
        stderr.contains("warning: existing_config: From the pasted config.toml (kept in the merged file): insecure_skip_verify = true"),
        "{stderr}"
    );
    assert!(stderr.contains("accepts any certificate"), "{stderr}");
}

/// Review 8, H1: a runc table without runtime_type (comments-everywhere.toml has the usual
/// options-only cgroup snippet) makes every pod fail on 1.x: apply names it and writes nothing.
#[test]
fn a_runc_table_without_runtime_type_is_refused() {
    let node = Node::with("comments-everywhere.toml");
    let before = fs::read_to_string(node.config()).unwrap();
    let out = node.apply(HARBOR, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc] (the default runtime"),
        "{err}"
    );
    assert!(err.contains("every pod fails: container.Runtime.Name must be set"), "{err}");
    assert_eq!(fs::read_to_string(node.config()).unwrap(), before);
    // With runc's runtime_type added, as the fix says, it applies.
    let fixed = before.replacen(
        "  [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]",
        "  [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n    runtime_type = \"io.containerd.runc.v2\"\n  [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]",
        1,
    );
    assert_ne!(fixed, before);
    fs::write(node.config(), &fixed).unwrap();
    let out = node.apply(HARBOR, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let dump = effective(&node.config());
    let runc = &dump["plugins"]["io.containerd.grpc.v1.cri"]["containerd"]["runtimes"]["runc"];
    assert_eq!(runc["runtime_type"].as_str(), Some("io.containerd.runc.v2"));
    assert_eq!(runc["options"]["SystemdCgroup"].as_bool(), Some(true));
}

/// A 2.x default config.toml whose `imports` names `conf.d/*.toml`: the node and its conf.d.
fn v3_node_importing() -> (Node, PathBuf) {
    let node = Node::with("containerd-2.0.11-default.toml");
    let conf_d = node.dir.path().join("conf.d");
    fs::create_dir(&conf_d).unwrap();
    let text = fs::read_to_string(node.config()).unwrap();
    let text = text.replacen("imports = []", &format!("imports = ['{}/*.toml']", conf_d.display()), 1);
    fs::write(node.config(), text).unwrap();
    (node, conf_d)
}

/// Review 9, M1: on 2.x a drop-in's sandbox image wins over the one apply writes: apply
/// refuses (nothing written), naming the drop-in, its value and the form's.
#[test]
fn a_drop_in_sandbox_image_on_2_x_stops_apply() {
    let (node, conf_d) = v3_node_importing();
    let before = fs::read_to_string(node.config()).unwrap();
    fs::write(
        conf_d.join("50-pause.toml"),
        "version = 3\n[plugins.'io.containerd.cri.v1.images'.pinned_images]\n  sandbox = 'registry.k8s.io/pause:3.10'\n",
    )
    .unwrap();
    let form = HARBOR.replace("1.6.20", "2.1.9");
    let out = node.apply(&form, &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let pause = conf_d.join("50-pause.toml").display().to_string();
    assert!(err.contains(&format!("error: existing_config: The drop-in {pause} sets plugins.\"io.containerd.cri.v1.images\".pinned_images.sandbox = \"registry.k8s.io/pause:3.10\"")), "{err}");
    assert!(err.contains("not from config.toml's plugins.\"io.containerd.cri.v1.images\".pinned_images.sandbox = \"registry.aliyuncs.com/google_containers/pause:3.6\""), "{err}");
    assert!(
        err.contains(&format!(
            "Fix: Keep one sandbox image, in config.toml: delete plugins.\"io.containerd.cri.v1.images\".pinned_images.sandbox from {pause}"
        )),
        "{err}"
    );
    assert_eq!(fs::read_to_string(node.config()).unwrap(), before);
    assert!(!node.certs().exists(), "nothing written");
    // The drop-in set to the form's image: apply goes through.
    fs::write(
        conf_d.join("50-pause.toml"),
        "version = 3\n[plugins.'io.containerd.cri.v1.images'.pinned_images]\n  sandbox = 'registry.aliyuncs.com/google_containers/pause:3.6'\n",
    )
    .unwrap();
    let out = node.apply(&form, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

/// Review 9, L8: on 2.x a drop-in's own config_path wins: apply would write hosts.toml where
/// containerd does not read them, so it refuses; with `--certs-dir` set to the drop-in's
/// directory (the fix offers it) config.toml and the files agree with it.
#[test]
fn a_drop_in_config_path_on_2_x_stops_apply() {
    let (node, conf_d) = v3_node_importing();
    let other = node.dir.path().join("other.d");
    fs::write(
        conf_d.join("50-registry.toml"),
        format!(
            "version = 3\n[plugins.'io.containerd.cri.v1.images'.registry]\n  config_path = '{}'\n",
            other.display()
        ),
    )
    .unwrap();
    let form = HARBOR.replace("1.6.20", "2.1.9");
    let out = node.apply(&form, &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "containerd reads hosts.toml from {:?} instead of {:?}",
            other.display().to_string(),
            node.certs().display().to_string()
        )),
        "{err}"
    );
    assert!(err.contains(&format!("`pullfix apply --form <your form> --certs-dir {}`", other.display())), "{err}");
    assert!(!node.certs().exists(), "nothing written");
    let out = Command::new(env!("CARGO_BIN_EXE_pullfix"))
        .args(["apply", "--form"])
        .arg(node.form(&form))
        .arg("--config")
        .arg(node.config())
        .arg("--certs-dir")
        .arg(&other)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(other.join("harbor.example.net/hosts.toml").is_file());
}

/// Review 9, H2: a version 2 cgroup drop-in kept from 1.x under a version 3 config.toml: 2.x
/// drops its SystemdCgroup (config.toml has runc's table), and apply says so with the version 3
/// path as the fix.
#[test]
fn a_version_2_drop_in_under_a_version_3_config_stops_apply_on_2_x() {
    let (node, conf_d) = v3_node_importing();
    let cgroup = conf_d.join("99-cgroup.toml");
    fs::write(&cgroup, "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n").unwrap();
    let out = node.apply(&HARBOR.replace("1.6.20", "2.1.9"), &["--dry-run"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "error: existing_config: The drop-in {} has `version = 2` under a version 3 config.toml",
            cgroup.display()
        )),
        "{err}"
    );
    assert!(
        err.contains("so they do not apply: plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes (SystemdCgroup)"),
        "{err}"
    );
    assert!(err.contains("-> plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes"), "{err}");
    // Rewritten at version 3 it merges key by key: nothing to say.
    fs::write(&cgroup, "version = 3\n[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]\n  SystemdCgroup = true\n").unwrap();
    let out = node.apply(&HARBOR.replace("1.6.20", "2.1.9"), &["--dry-run"]);
    let err = text(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(!err.contains("99-cgroup.toml"), "{err}");
}

/// Review 10, H2: a version 1 config.toml under a `version = 2` drop-in: apply for a 1.6.20
/// form writes version 2 with the plugins' full ids (it kept version 1 before, and 1.6.20 then
/// did not start), and the real 1.6.20 reads the result with the drop-in.
#[test]
fn a_version_1_config_under_a_version_2_drop_in_is_written_at_version_2() {
    let node = Node::with("containerd-1.6.20-debian-default.toml");
    let conf_d = node.dir.path().join("conf.d");
    fs::create_dir(&conf_d).unwrap();
    let v1 = format!(
        "imports = [\"{}/*.toml\"]\n[plugins.cri.containerd.runtimes.runc]\n  runtime_type = \"io.containerd.runc.v2\"\n[plugins.cri.containerd.runtimes.runc.options]\n  SystemdCgroup = true\n",
        conf_d.display()
    );
    fs::write(node.config(), &v1).unwrap();
    fs::write(conf_d.join("10-metrics.toml"), "version = 2\n[metrics]\n  address = \"\"\n").unwrap();
    let refused =
        Command::new("containerd").arg("--config").arg(node.config()).args(["config", "dump"]).output().unwrap();
    assert!(text(&refused.stderr).contains("invalid plugin key URI \"cri\""), "{}", text(&refused.stderr));
    let out = node.apply(HARBOR, &[]);
    let err = text(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("10-metrics.toml says version = 2"), "{err}");
    let written: toml_edit::DocumentMut = fs::read_to_string(node.config()).unwrap().parse().unwrap();
    assert_eq!(written["version"].as_integer(), Some(2));
    assert!(written["plugins"].get("cri").is_none());
    let dump = Command::new("containerd").arg("--config").arg(node.config()).args(["config", "dump"]).output().unwrap();
    assert!(dump.status.success(), "{}", text(&dump.stderr));
    let eff: toml_edit::DocumentMut = text(&dump.stdout).parse().unwrap();
    let cri = &eff["plugins"]["io.containerd.grpc.v1.cri"];
    assert_eq!(cri["registry"]["config_path"].as_str(), Some(node.certs().to_str().unwrap()));
    assert_eq!(cri["containerd"]["runtimes"]["runc"]["options"]["SystemdCgroup"].as_bool(), Some(true));
}

/// Review 10, H3, H1, M3: apply refuses (nothing written) where it said "no restart needed"
/// or "nothing to change": a version 3 drop-in on 1.7, a version-less drop-in at version 3
/// paths under a version 2 config.toml on 2.1.9, a drop-in's node credentials on 2.1.9.
#[test]
fn drop_ins_that_break_the_node_stop_apply() {
    let gpu = "[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.nvidia]\n  runtime_type = 'io.containerd.runc.v2'\n";
    let runc = "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n  runtime_type = \"io.containerd.runc.v2\"\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n";
    let auth = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry.configs.\"harbor.example.net\".auth]\n  username = \"robot$old\"\n";
    let node_auth = format!("{HARBOR}username = \"robot$ci\"\npassword = \"S3cret\"\nnode_auth = true\n");
    for (version, drop_in, says) in [
        ("1.7.24", format!("version = 3\n{gpu}"), "unsupported config version `3`"),
        ("2.1.9", gpu.to_owned(), "has no `version` line but uses version 3 plugin sections"),
        ("2.1.9", auth.to_owned(), "sets node credentials for harbor.example.net"),
    ] {
        let node = Node::with("containerd-1.6.20-debian-default.toml");
        let (conf_d, main) = node.importing("*.toml");
        fs::write(node.config(), format!("{main}{runc}")).unwrap();
        let form = node_auth.replace("1.6.20", version);
        // The node as apply leaves it when the drop-in is not there.
        assert!(node.apply(&form, &[]).status.success(), "{version}");
        let before = fs::read_to_string(node.config()).unwrap();
        fs::write(conf_d.join("50-drop-in.toml"), &drop_in).unwrap();
        let out = node.apply(&form, &[]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{version} {says}: {err}");
        let drop_in = conf_d.join("50-drop-in.toml").display().to_string();
        let line = err.lines().find(|l| l.starts_with("error: existing_config: ")).unwrap_or_default();
        assert!(line.contains(&drop_in) && line.contains(says), "{says}: {err}");
        assert!(err.contains("nothing was written"), "{err}");
        assert_eq!(fs::read_to_string(node.config()).unwrap(), before, "{version} {says}");
    }
}

/// Review 11, N11: applying the form to a 1.x GPU drop-in with only `runtimes.nvidia` (the
/// fix doctor used to print) would leave the CRI section containerd uses without runc, so the
/// CRI plugin does not load (real 1.6.20 and 1.7.24, tests/containerd_oracle.rs): refused,
/// nothing written.
#[test]
fn applying_to_a_gpu_drop_in_without_runc_is_refused_on_1_x() {
    let node = Node::with("comments-everywhere.toml");
    let (conf_d, _) = node.importing("*.toml");
    let drop_in = conf_d.join("90-gpu.toml");
    let gpu = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.nvidia]\n  runtime_type = \"io.containerd.runc.v2\"\n";
    fs::write(&drop_in, gpu).unwrap();
    let out = apply_to(&node, &drop_in, HARBOR);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("no \"runc\" table (it has \"nvidia\")"), "{err}");
    assert!(err.contains("does not load its CRI plugin at all"), "{err}");
    assert_eq!(fs::read_to_string(&drop_in).unwrap(), gpu);
    // On 2.x (containerd keeps its runc) the same drop-in takes the form.
    let out = apply_to(&node, &drop_in, &HARBOR.replace("1.6.20", "2.1.9"));
    assert!(!text(&out.stderr).contains("no \"runc\" table"), "{}", text(&out.stderr));
}

/// Review 11, N1: on 1.x the form applied to a drop-in without a CRI table (here one that
/// only disables CRI) would give it one, replacing config.toml's whole CRI section (real
/// 1.7.24: config.toml's SystemdCgroup = true became false): refused, nothing written.
#[test]
fn applying_to_a_drop_in_without_a_cri_table_is_refused_on_1_x() {
    let node = Node::with("comments-everywhere.toml");
    let (conf_d, main) = node.importing("*.toml");
    let main = format!("{main}[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n  runtime_type = \"io.containerd.runc.v2\"\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n");
    fs::write(node.config(), &main).unwrap();
    let drop_in = conf_d.join("50-disable.toml");
    let disable = "version = 2\ndisabled_plugins = [\"io.containerd.grpc.v1.cri\"]\n";
    fs::write(&drop_in, disable).unwrap();
    let out = apply_to(&node, &drop_in, HARBOR);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("is a drop-in that") && err.contains("has no CRI table"), "{err}");
    assert!(err.contains(&format!("`pullfix apply --form <your form> --config {}`", node.config().display())), "{err}");
    assert_eq!(fs::read_to_string(&drop_in).unwrap(), disable);
    assert_eq!(fs::read_to_string(node.config()).unwrap(), main);
    // 2.x merges key by key: the drop-in may take the form.
    let out = apply_to(&node, &drop_in, &HARBOR.replace("1.6.20", "2.1.9"));
    assert!(!text(&out.stderr).contains("has no CRI table"), "{}", text(&out.stderr));
}

/// Review 13, M-1 and L-1: `pullfix apply` under `umask` for `node`.
fn apply_under_umask(node: &Node, form: &str, umask: &str) -> Output {
    let form = node.form(form);
    Command::new("sh")
        .arg("-c")
        .arg(format!("umask {umask}; exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_pullfix"))
        .arg("apply")
        .arg("--form")
        .arg(&form)
        .arg("--config")
        .arg(node.config())
        .arg("--certs-dir")
        .arg(node.certs())
        .output()
        .expect("run pullfix")
}

/// A form with a CA and node credentials: hosts.toml and ca.crt 0644, config.toml 0600.
fn harbor_with_auth() -> String {
    format!("{HARBOR}username = \"robot$ci\"\npassword = \"S3cret\"\nnode_auth = true\n")
}

#[test]
fn a_linked_host_directory_is_refused_and_the_node_is_as_it_was() {
    let node = Node::with("containerd-1.6.20-debian-default.toml");
    let elsewhere = node.dir.path().join("elsewhere");
    fs::create_dir_all(&elsewhere).unwrap();
    fs::create_dir_all(node.certs()).unwrap();
    let link = node.certs().join("harbor.example.net");
    std::os::unix::fs::symlink(&elsewhere, &link).unwrap();
    node.form(HARBOR);
    let before = tree(node.dir.path());
    let refused = format!("refusing to write {}: it is a symbolic link (to {})", link.display(), elsewhere.display());
    // A dry run says so too.
    let out = node.apply(HARBOR, &["--dry-run"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains(&refused), "{}", text(&out.stderr));
    let out = node.apply(HARBOR, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains(&refused), "{stderr}");
    assert!(stderr.contains("the node is as it was"), "{stderr}");
    assert_eq!(tree(node.dir.path()), before, "nothing written, through the link or elsewhere");
    assert_eq!(fs::read_dir(&elsewhere).unwrap().count(), 0);
}

#[test]
fn a_linked_config_toml_or_hosts_toml_is_refused_not_followed() {
    let node = Node::with("containerd-1.6.20-debian-default.toml");
    let real = node.dir.path().join("real-config.toml");
    fs::rename(node.config(), &real).unwrap();
    std::os::unix::fs::symlink(&real, node.config()).unwrap();
    node.form(HARBOR);
    let before = tree(node.dir.path());
    let out = node.apply(HARBOR, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains(&format!("refusing to write {}: it is a symbolic link", node.config().display()))
    );
    assert_eq!(tree(node.dir.path()), before, "the link, its target and certs.d as they were");

    // A hosts.toml that is a link to a file elsewhere.
    let node = Node::with("containerd-1.6.20-debian-default.toml");
    let dir = node.certs().join("harbor.example.net");
    fs::create_dir_all(&dir).unwrap();
    let victim = node.dir.path().join("victim");
    fs::write(&victim, "victim\n").unwrap();
    std::os::unix::fs::symlink(&victim, dir.join("hosts.toml")).unwrap();
    node.form(HARBOR);
    let before = tree(node.dir.path());
    let out = node.apply(HARBOR, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("hosts.toml: it is a symbolic link"), "{}", text(&out.stderr));
    assert_eq!(tree(node.dir.path()), before);
}

#[test]
fn a_certs_dir_another_user_owns_or_can_write_is_refused() {
    let node = Node::with("containerd-1.6.20-debian-default.toml");
    fs::create_dir_all(node.certs()).unwrap();
    fs::set_permissions(node.certs(), fs::Permissions::from_mode(0o777)).unwrap();
    node.form(HARBOR);
    let before = tree(node.dir.path());
    let out = node.apply(HARBOR, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("the directory is writable by other users (mode 0777)"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(tree(node.dir.path()), before);

    if !nix::unistd::geteuid().is_root() {
        println!("note: the case of a directory another user owns is skipped: chown needs root (CI runs as root)");
        return;
    }
    fs::set_permissions(node.certs(), fs::Permissions::from_mode(0o755)).unwrap();
    std::os::unix::fs::chown(node.certs(), Some(65534), None).unwrap();
    let out = node.apply(HARBOR, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains(&format!(
            "refusing to write under {}: the directory belongs to another user (uid 65534)",
            node.certs().display()
        )),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(tree(node.dir.path()), before);
    // A host directory below it, owned by another user.
    std::os::unix::fs::chown(node.certs(), Some(0), None).unwrap();
    let host = node.certs().join("harbor.example.net");
    fs::create_dir(&host).unwrap();
    std::os::unix::fs::chown(&host, Some(65534), None).unwrap();
    let before = tree(node.dir.path());
    let out = node.apply(HARBOR, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains(&format!("refusing to write under {}: the directory belongs", host.display())));
    assert_eq!(tree(node.dir.path()), before);
}

#[test]
fn under_umask_000_new_directories_are_0755_and_files_have_their_modes() {
    use std::os::unix::fs::MetadataExt;
    let node = Node::with("containerd-1.6.20-debian-default.toml");
    let out = apply_under_umask(&node, &harbor_with_auth(), "000");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mode = |p: &Path| fs::symlink_metadata(p).unwrap().mode() & 0o7777;
    let host = node.certs().join("harbor.example.net");
    assert_eq!((mode(&node.certs()), mode(&host)), (0o755, 0o755));
    assert_eq!((mode(&host.join("hosts.toml")), mode(&host.join("ca.crt"))), (0o644, 0o644));
    assert_eq!(mode(&node.config()), 0o600, "config.toml holds credentials now");
    let backups = node.backups();
    assert_eq!(backups.len(), 1);
    assert_eq!(mode(&backups[0]), 0o600);
}
