//! The real containerd as an oracle: `containerd -c <generated config.toml> config dump`
//! decodes the file into containerd's own typed CRI config and prints it back. Asserting
//! on that dump shows containerd reads our tables where we mean them (version line,
//! section names, key names) and that escaped values arrive byte for byte.
//!
//! Needs the `containerd` binary (`scripts/setup.sh` installs Debian's, 1.6.20 on
//! bookworm); the forms target the installed version, so a newer distribution still tests
//! the right layout.

use std::fs;
use std::path::Path;
use std::process::Command;

use pullfix_core::{parse_form, render, FormFormat};
use toml_edit::{DocumentMut, Item};

/// Renders `form` (TOML), runs `containerd config dump` on its config.toml, returns the dump.
#[track_caller]
fn dump(form: &str) -> DocumentMut {
    let form = parse_form(form, FormFormat::Toml).expect("form");
    let out = render(&form);
    assert!(!pullfix_core::diagnostic::has_errors(&out.diagnostics), "{:?}", out.diagnostics);
    let config = out.files.iter().find(|f| f.path == "etc/containerd/config.toml").expect("config.toml");
    let tmp = tempfile::tempdir().expect("tmp");
    let path = tmp.path().join("config.toml");
    fs::write(&path, &config.contents).expect("write");
    let o = Command::new("containerd")
        .arg("-c")
        .arg(&path)
        .args(["config", "dump"])
        .output()
        .expect("containerd is installed (scripts/setup.sh)");
    assert!(o.status.success(), "containerd config dump: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).expect("utf8").parse().expect("containerd's dump is TOML")
}

fn cri(doc: &DocumentMut) -> &Item {
    &doc["plugins"]["io.containerd.grpc.v1.cri"]
}

/// The installed containerd's `major.minor.patch` (`containerd --version` prints
/// `containerd github.com/containerd/containerd 1.6.20~ds1 1.6.20~ds1-1+deb12u3`).
fn installed() -> pullfix_core::Target {
    let o = Command::new("containerd").arg("--version").output().expect("containerd is installed (scripts/setup.sh)");
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    let word = text.split_whitespace().nth(2).unwrap_or_default();
    pullfix_core::Target::parse(word).unwrap_or_else(|e| panic!("containerd version {word:?} from {text:?}: {e:?}"))
}

/// A golden case's form, retargeted at the installed containerd.
fn golden_form(case: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(case).join("form.toml");
    let text = fs::read_to_string(path).expect("golden form");
    let mut doc: DocumentMut = text.parse().expect("form TOML");
    doc["containerd"] = toml_edit::value(installed().to_string());
    doc.to_string()
}

#[test]
fn the_installed_containerd_is_a_1_x_release() {
    // The inline-key tests below need a 1.5 - 1.7 binary, which setup.sh installs.
    let t = installed();
    assert!(t.major == 1 && t.minor >= 5, "containerd {t}: the oracle tests need 1.5 - 1.7");
}

#[test]
fn hosts_toml_mode_is_read_by_the_installed_containerd() {
    let d = dump(&golden_form("harbor-ca-auth-1.6"));
    let reg = &cri(&d)["registry"];
    assert_eq!(d["version"].as_integer(), Some(2));
    assert_eq!(cri(&d)["sandbox_image"].as_str(), Some("registry.aliyuncs.com/google_containers/pause:3.10"));
    assert_eq!(reg["config_path"].as_str(), Some("/etc/containerd/certs.d"));
    assert_eq!(reg["configs"]["harbor.example.net"]["auth"]["username"].as_str(), Some("robot$ci"));
    assert_eq!(reg["configs"]["harbor.example.net"]["auth"]["password"].as_str(), Some("S3cret"));
    assert!(reg["mirrors"].as_table_like().is_none_or(|t| t.is_empty()), "no inline mirrors beside config_path");
}

#[test]
fn legacy_inline_keys_are_read_by_the_installed_containerd() {
    let d = dump(&golden_form("legacy-config-1.6"));
    let reg = &cri(&d)["registry"];
    assert_eq!(reg["config_path"].as_str(), Some(""));
    let endpoints: Vec<&str> = reg["mirrors"]["docker.io"]["endpoint"]
        .as_array()
        .expect("endpoint")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert_eq!(endpoints, ["https://harbor.example.net/v2/dockerhub-proxy"]);
    let harbor = &reg["configs"]["harbor.example.net"];
    assert_eq!(harbor["tls"]["ca_file"].as_str(), Some("/etc/containerd/certs.d/harbor.example.net/ca.crt"));
    assert_eq!(harbor["tls"]["insecure_skip_verify"].as_bool(), Some(false));
    assert_eq!(harbor["auth"]["username"].as_str(), Some("robot$ci"));
}

#[test]
fn hostile_values_arrive_byte_for_byte() {
    let password = "p\"a\\ss$w'ord 🔑 ]]\" = true";
    let form = format!(
        "containerd = \"{}\"\nlegacy_config = true\n[[registry]]\nhost = \"h.example.net:5000\"\nskip_verify = true\nclient_cert = \"/c \\\"x\\\".pem\"\nclient_key = \"/k $HOME.pem\"\nusername = \"robot$ci\"\npassword = {password:?}\nnode_auth = true\n",
        installed()
    );
    let d = dump(&form);
    let h = &cri(&d)["registry"]["configs"]["h.example.net:5000"];
    assert_eq!(h["auth"]["password"].as_str(), Some(password));
    assert_eq!(h["auth"]["username"].as_str(), Some("robot$ci"));
    assert_eq!(h["tls"]["cert_file"].as_str(), Some("/c \"x\".pem"));
    assert_eq!(h["tls"]["key_file"].as_str(), Some("/k $HOME.pem"));
    assert_eq!(h["tls"]["insecure_skip_verify"].as_bool(), Some(true));
}

#[test]
fn without_our_version_line_containerd_would_ignore_the_section() {
    // The fact the `version` line exists for: the same tables without it are dropped.
    let text = format!("containerd = \"{}\"\nsandbox_image = \"example.net/pause:1\"", installed());
    let form = parse_form(&text, FormFormat::Toml).expect("form");
    let config = render(&form).files.into_iter().find(|f| f.path == "etc/containerd/config.toml").expect("config");
    let without = config.contents.replacen("version = 2\n", "", 1);
    let tmp = tempfile::tempdir().expect("tmp");
    let path = tmp.path().join("config.toml");
    fs::write(&path, without).expect("write");
    let o = Command::new("containerd").arg("-c").arg(&path).args(["config", "dump"]).output().expect("containerd");
    let d: DocumentMut = String::from_utf8(o.stdout).expect("utf8").parse().expect("dump");
    assert_ne!(cri(&d)["sandbox_image"].as_str(), Some("example.net/pause:1"));
    assert_eq!(cri(&dump(&text))["sandbox_image"].as_str(), Some("example.net/pause:1"));
}

#[test]
fn an_ipv6_literal_in_a_table_name_is_an_error_because_containerd_1_x_would_not_start() {
    let form = |flavor: &str, containerd: &str, legacy: bool| {
        format!(
            "containerd = \"{containerd}\"\nflavor = \"{flavor}\"\nlegacy_config = {legacy}\n[[registry]]\nhost = \"[::1]:5000\"\nusername = \"u\"\npassword = \"p\"\nnode_auth = true\n"
        )
    };
    let installed = installed().to_string();
    for (flavor, legacy) in [("kubeadm", false), ("kubeadm", true), ("kind", false), ("kubespray", false)] {
        let out = render(&parse_form(&form(flavor, &installed, legacy), FormFormat::Toml).expect("form"));
        let errors: Vec<_> = out.diagnostics.iter().filter(|d| d.code == "host.ipv6-config-toml").collect();
        assert!(errors
            .iter()
            .all(|d| d.severity == pullfix_core::Severity::Error && d.message.contains("will not start")));
        let mut fields: Vec<&str> = errors.iter().map(|d| d.field.as_str()).collect();
        fields.sort();
        // Inline (legacy) configs also key the registry's mirror entry by its name.
        let want: &[&str] =
            if legacy { &["registry[0].host", "registry[0].node_auth"] } else { &["registry[0].node_auth"] };
        assert_eq!(fields, want, "{flavor}: {:?}", out.diagnostics);
    }
    // The error is right: the installed containerd refuses the block the engine renders.
    let out = render(&parse_form(&form("kubeadm", &installed, false), FormFormat::Toml).expect("form"));
    let config = out.files.iter().find(|f| f.path == "etc/containerd/config.toml").expect("config.toml");
    assert!(config.contents.contains("\"[::1]:5000\""), "{}", config.contents);
    let tmp = tempfile::tempdir().expect("tmp");
    let path = tmp.path().join("config.toml");
    fs::write(&path, &config.contents).expect("write");
    let o = Command::new("containerd").arg("-c").arg(&path).args(["config", "dump"]).output().expect("containerd");
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("table key cannot contain ']'"));
    // Without node credentials (hosts.toml only), and on containerd 2.x (go-toml v2), no error.
    let no_auth = form("kubeadm", &installed, false).replace("node_auth = true", "node_auth = false");
    let two = form("kubeadm", "2.1", false);
    for text in [no_auth, two] {
        let out = render(&parse_form(&text, FormFormat::Toml).expect("form"));
        assert!(out.diagnostics.iter().all(|d| d.code != "host.ipv6-config-toml"), "{:?}", out.diagnostics);
    }
}

/// `containerd -c <text> config dump`: the dump, or the error containerd starts with.
fn dump_text(text: &str) -> Result<DocumentMut, String> {
    let tmp = tempfile::tempdir().expect("tmp");
    let path = tmp.path().join("config.toml");
    fs::write(&path, text).expect("write");
    let o = Command::new("containerd").arg("-c").arg(&path).args(["config", "dump"]).output().expect("containerd");
    if !o.status.success() {
        return Err(String::from_utf8_lossy(&o.stderr).into_owned());
    }
    Ok(String::from_utf8(o.stdout).expect("utf8").parse().expect("containerd's dump is TOML"))
}

/// Docker's containerd.io package ships `disabled_plugins = ["cri"]` without a version line:
/// merged, the file gets `version = 2`, where containerd refuses the short name and does not
/// start, unless merge removes the CRI plugin from the list (and maps the other short names).
#[test]
fn dockers_default_config_merged_starts_with_the_cri_plugin() {
    let docker = "#   Copyright 2018-2022 Docker Inc.\n\ndisabled_plugins = [\"cri\", \"zfs\"]\n";
    // The oracle: version 2 with the short names is what containerd refuses.
    let refused =
        dump_text(&format!("version = 2\n{docker}")).expect_err("containerd refuses short names in version 2");
    assert!(refused.contains("invalid disabled plugin URI \"cri\""), "{refused}");

    let form =
        format!("containerd = \"{}\"\n[[registry]]\nhost = \"harbor.example.net\"\nskip_verify = true\n", installed());
    let form = parse_form(&form, FormFormat::Toml).expect("form");
    let merged = pullfix_core::merge::merge(docker, &form);
    assert!(!pullfix_core::diagnostic::has_errors(&merged.diagnostics), "{:?}", merged.diagnostics);
    let text = merged.text.expect("merged");
    assert!(text.contains("version = 2\n"), "{text}");
    let doc = dump_text(&text).unwrap_or_else(|e| panic!("containerd refuses the merged file: {e}\n{text}"));
    let disabled: Vec<&str> =
        doc["disabled_plugins"].as_array().expect("disabled_plugins").iter().filter_map(|v| v.as_str()).collect();
    assert_eq!(disabled, ["io.containerd.snapshotter.v1.zfs"]);
    assert_eq!(cri(&doc)["registry"]["config_path"].as_str(), Some("/etc/containerd/certs.d"));
}

/// Review 8, H1: the cgroup advice for Docker's default must give runc's runtime_type too.
/// containerd 1.x builds a `runtimes` entry the file has from the file alone: with only
/// `[...runtimes.runc.options] SystemdCgroup = true` runc gets `runtime_type = ""` and every
/// pod fails (`container.Runtime.Name must be set`, reproduced live by the reviewer). The dump
/// shows both shapes; merge and doctor's shared check reports the broken one as an error.
#[test]
fn the_advised_cgroup_tables_give_runc_its_runtime_type_and_the_options_only_shape_does_not() {
    let target = installed();
    let docker = "#   Copyright 2018-2022 Docker Inc.\n\ndisabled_plugins = [\"cri\"]\n";
    let form = format!("containerd = \"{target}\"\n[[registry]]\nhost = \"harbor.example.net\"\nskip_verify = true\n");
    let form = parse_form(&form, FormFormat::Toml).expect("form");
    let merged = pullfix_core::merge::merge(docker, &form);
    let advice = &merged.diagnostics.iter().find(|d| d.code == "merge.cri-enabled").expect("advice").fix;
    let runc = "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]";
    let options = "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]";
    assert!(
        advice.contains(&format!(
            "{runc} with `runtime_type = \"io.containerd.runc.v2\"` and {options} with `SystemdCgroup = true`"
        )),
        "{advice}"
    );
    let text = merged.text.expect("merged");
    let advised =
        format!("{text}\n{runc}\n  runtime_type = \"io.containerd.runc.v2\"\n{options}\n  SystemdCgroup = true\n");
    let broken = format!("{text}\n{options}\n  SystemdCgroup = true\n");
    let runc_of = |doc: &DocumentMut| {
        let r = &cri(doc)["containerd"]["runtimes"]["runc"];
        (r["runtime_type"].as_str().map(str::to_owned), r["options"]["SystemdCgroup"].as_bool())
    };
    let doc = dump_text(&advised).unwrap_or_else(|e| panic!("{e}\n{advised}"));
    assert_eq!(runc_of(&doc), (Some("io.containerd.runc.v2".to_owned()), Some(true)));
    let doc = dump_text(&broken).unwrap_or_else(|e| panic!("{e}\n{broken}"));
    assert_eq!(runc_of(&doc), (Some(String::new()), Some(true)), "containerd {target} now fills runtime_type in");

    // Merging each again: the broken one is the error, the advised one is clean.
    let again = pullfix_core::merge::merge(&broken, &form);
    let e = again.diagnostics.iter().find(|d| d.code == "merge.runtime-type-missing").expect("reported");
    assert_eq!(e.severity, pullfix_core::diagnostic::Severity::Error);
    assert!(e.message.contains("every pod fails: container.Runtime.Name must be set"), "{}", e.message);
    let again = pullfix_core::merge::merge(&advised, &form);
    assert!(!pullfix_core::diagnostic::has_errors(&again.diagnostics), "{:?}", again.diagnostics);
}

/// The drop-in variant: on 1.x a cgroup drop-in replaces config.toml's whole CRI section, so a
/// full default runc table in config.toml does not help; the drop-in needs runtime_type.
#[test]
fn a_cgroup_drop_in_needs_runcs_runtime_type_on_1_x() {
    let tmp = tempfile::tempdir().expect("tmp");
    let drop_in = tmp.path().join("99-cgroup.toml");
    let main = format!(
        "version = 2\nimports = [\"{}\"]\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n  runtime_type = \"io.containerd.runc.v2\"\n",
        drop_in.display()
    );
    let options = "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n";
    let type_of = |drop_in_text: &str| {
        fs::write(&drop_in, drop_in_text).expect("write");
        let doc = dump_text(&main).unwrap_or_else(|e| panic!("{e}"));
        cri(&doc)["containerd"]["runtimes"]["runc"]["runtime_type"].as_str().map(str::to_owned)
    };
    let broken = format!("version = 2\n{options}");
    assert_eq!(type_of(&broken), Some(String::new()));
    let fixed = format!(
        "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n  runtime_type = \"io.containerd.runc.v2\"\n{options}"
    );
    assert_eq!(type_of(&fixed), Some("io.containerd.runc.v2".to_owned()));
}
