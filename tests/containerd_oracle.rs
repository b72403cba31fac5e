//! The real containerd as an oracle: `containerd -c <generated config.toml> config dump`
//! decodes the file into containerd's own typed CRI config and prints it back. Asserting
//! on that dump shows containerd reads our tables where we mean them (version line,
//! section names, key names) and that escaped values arrive byte for byte.
//!
//! Needs the `containerd` binary (`scripts/setup.sh` installs Debian's, 1.6.20 on
//! bookworm); the forms target the installed version, so a newer distribution still tests
//! the right layout. The `releases_*` tests also run the 1.7.24 and 2.1.9 builds that
//! `scripts/setup.sh` unpacks from Debian trixie and forky (`scripts/env.sh` names their
//! directories in `PULLFIX_CONTAINERD_1_7` and `PULLFIX_CONTAINERD_2_1`).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use pullfix_core::{parse_form, render, FormFormat, Target};
use toml_edit::{DocumentMut, Item};

#[path = "containerd_oracle/drop_in_versions.rs"]
mod drop_in_versions;

#[path = "containerd_oracle/drop_in_merged.rs"]
mod drop_in_merged;

#[path = "containerd_oracle/drop_in_snapshotter.rs"]
mod drop_in_snapshotter;

/// One real containerd binary and its version.
struct Containerd {
    bin: PathBuf,
    target: Target,
}

impl Containerd {
    /// The binary at `bin`, its version read from `containerd --version` (Debian's 1.x print
    /// `containerd github.com/containerd/containerd 1.6.20~ds1 1.6.20~ds1-1+deb12u3`, 2.x
    /// `containerd github.com/containerd/containerd/v2 2.1.9+unknown`).
    fn at(bin: PathBuf) -> Containerd {
        let o = Command::new(&bin)
            .arg("--version")
            .output()
            .unwrap_or_else(|e| panic!("{}: {e} (scripts/setup.sh installs it)", bin.display()));
        let text = String::from_utf8_lossy(&o.stdout).into_owned();
        let word = text.split_whitespace().nth(2).unwrap_or_default();
        let target = Target::parse(word).unwrap_or_else(|e| panic!("containerd version {word:?} from {text:?}: {e:?}"));
        Containerd { bin, target }
    }

    /// `containerd -c <text> config dump`: the dump, or the error containerd starts with.
    fn dump_text(&self, text: &str) -> Result<DocumentMut, String> {
        let tmp = tempfile::tempdir().expect("tmp");
        let path = tmp.path().join("config.toml");
        fs::write(&path, text).expect("write");
        let o = Command::new(&self.bin).arg("-c").arg(&path).args(["config", "dump"]).output().expect("containerd");
        if !o.status.success() {
            return Err(String::from_utf8_lossy(&o.stderr).into_owned());
        }
        Ok(String::from_utf8(o.stdout).expect("utf8").parse().expect("containerd's dump is TOML"))
    }

    /// `containerd -c <path> config dump`, run from `/` as under systemd.
    fn dump_text_at(&self, path: &Path) -> Result<DocumentMut, String> {
        let o = Command::new(&self.bin)
            .current_dir("/")
            .arg("-c")
            .arg(path)
            .args(["config", "dump"])
            .output()
            .expect("containerd");
        if !o.status.success() {
            return Err(String::from_utf8_lossy(&o.stderr).into_owned());
        }
        Ok(String::from_utf8(o.stdout).expect("utf8").parse().expect("containerd's dump is TOML"))
    }

    /// Starts the daemon on the config file at `path` (its root, state and sockets in a
    /// temporary directory) until it says it booted or exits, stops it and returns its log:
    /// what `config dump` does not show, a plugin that does not load (`failed to load plugin`).
    fn boot_log(&self, path: &Path) -> String {
        use std::io::{BufRead, BufReader};
        let tmp = tempfile::tempdir().expect("tmp");
        let mut child = Command::new(&self.bin)
            .current_dir("/")
            .arg("-c")
            .arg(path)
            .arg("--root")
            .arg(tmp.path().join("root"))
            .arg("--state")
            .arg(tmp.path().join("state"))
            .arg("--address")
            .arg(tmp.path().join("c.sock"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("containerd");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut log = String::new();
        // A cap, not an assertion: a daemon that neither boots nor exits is stopped.
        while let Ok(line) = rx.recv_timeout(std::time::Duration::from_secs(60)) {
            let booted = line.contains("containerd successfully booted");
            log.push_str(&line);
            log.push('\n');
            if booted {
                break;
            }
        }
        let _ = child.kill();
        let _ = child.wait();
        log
    }

    /// Renders `form` (TOML) and dumps its config.toml; the form must have no errors.
    #[track_caller]
    fn dump(&self, form: &str) -> DocumentMut {
        let form = parse_form(form, FormFormat::Toml).expect("form");
        let out = render(&form);
        assert!(!pullfix_core::diagnostic::has_errors(&out.diagnostics), "{:?}", out.diagnostics);
        let config = out.files.iter().find(|f| f.path == "etc/containerd/config.toml").expect("config.toml");
        self.dump_text(&config.contents)
            .unwrap_or_else(|e| panic!("containerd {} refuses:\n{e}\n{}", self.target, config.contents))
    }

    /// The table that holds the registry settings and the sandbox image: the CRI plugin's
    /// on 1.x, the CRI image service's on 2.x.
    fn images<'d>(&self, doc: &'d DocumentMut) -> &'d Item {
        if self.target.major >= 2 {
            &doc["plugins"]["io.containerd.cri.v1.images"]
        } else {
            cri(doc)
        }
    }

    /// The sandbox image containerd will run pods with.
    fn sandbox<'d>(&self, doc: &'d DocumentMut) -> Option<&'d str> {
        if self.target.major >= 2 {
            self.images(doc)["pinned_images"]["sandbox"].as_str()
        } else {
            cri(doc)["sandbox_image"].as_str()
        }
    }

    /// runc's runtime table, in the CRI runtime plugin's section on 2.x.
    fn runc<'d>(&self, doc: &'d DocumentMut) -> &'d Item {
        let plugin = if self.target.major >= 2 { "io.containerd.cri.v1.runtime" } else { "io.containerd.grpc.v1.cri" };
        &doc["plugins"][plugin]["containerd"]["runtimes"]["runc"]
    }
}

/// Debian 12's containerd on PATH (1.6.20).
fn debian() -> Containerd {
    Containerd::at(PathBuf::from("containerd"))
}

/// Debian 12's, and the 1.7.24 and 2.1.9 releases scripts/setup.sh unpacks.
fn releases() -> [Containerd; 3] {
    let tools = std::env::var("PULLFIX_TOOLS").map(PathBuf::from).unwrap_or_else(|_| {
        let cache = std::env::var("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|_| PathBuf::from(std::env::var("HOME").expect("HOME")).join(".cache"));
        cache.join("pullfix-tools")
    });
    let dir = |var: &str, version: &str| {
        std::env::var(var).map(PathBuf::from).unwrap_or_else(|_| tools.join("containerd").join(version).join("bin"))
    };
    [
        debian(),
        Containerd::at(dir("PULLFIX_CONTAINERD_1_7", "1.7.24").join("containerd")),
        Containerd::at(dir("PULLFIX_CONTAINERD_2_1", "2.1.9").join("containerd")),
    ]
}

/// Renders `form` (TOML), runs the installed `containerd config dump` on its config.toml.
#[track_caller]
fn dump(form: &str) -> DocumentMut {
    debian().dump(form)
}

fn cri(doc: &DocumentMut) -> &Item {
    &doc["plugins"]["io.containerd.grpc.v1.cri"]
}

/// The installed containerd's `major.minor.patch`.
fn installed() -> Target {
    debian().target
}

/// A golden case's form, retargeted at `target`.
fn golden_form_for(case: &str, target: &Target) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(case).join("form.toml");
    let text = fs::read_to_string(path).expect("golden form");
    let mut doc: DocumentMut = text.parse().expect("form TOML");
    doc["containerd"] = toml_edit::value(target.to_string());
    doc.to_string()
}

/// A golden case's form, retargeted at the installed containerd.
fn golden_form(case: &str) -> String {
    golden_form_for(case, &installed())
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
    let d = dump_text(&without).expect("dump");
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
    let refused = dump_text(&config.contents).expect_err("containerd 1.x refuses the key");
    assert!(refused.contains("table key cannot contain ']'"), "{refused}");
    // Without node credentials (hosts.toml only), and on containerd 2.x (go-toml v2), no error.
    let no_auth = form("kubeadm", &installed, false).replace("node_auth = true", "node_auth = false");
    let two = form("kubeadm", "2.1", false);
    for text in [no_auth, two] {
        let out = render(&parse_form(&text, FormFormat::Toml).expect("form"));
        assert!(out.diagnostics.iter().all(|d| d.code != "host.ipv6-config-toml"), "{:?}", out.diagnostics);
    }
}

/// `containerd -c <text> config dump` of the installed containerd.
fn dump_text(text: &str) -> Result<DocumentMut, String> {
    debian().dump_text(text)
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

/// The STORY's form (private CA, robot account, node credentials, a reachable pause image)
/// for each release: containerd reads the config_path, the node credentials and the sandbox
/// image from the tables pullfix writes them to (version 2 on 1.x, version 3 on 2.x).
#[test]
fn releases_read_the_hosts_toml_block_where_pullfix_writes_it() {
    for ctd in releases() {
        let d = ctd.dump(&golden_form_for("harbor-ca-auth-1.6", &ctd.target));
        let images = ctd.images(&d);
        let reg = &images["registry"];
        let v = &ctd.target;
        assert_eq!(d["version"].as_integer(), Some(if v.major >= 2 { 3 } else { 2 }), "{v}");
        assert_eq!(ctd.sandbox(&d), Some("registry.aliyuncs.com/google_containers/pause:3.10"), "{v}");
        assert_eq!(reg["config_path"].as_str(), Some("/etc/containerd/certs.d"), "{v}");
        let auth = &reg["configs"]["harbor.example.net"]["auth"];
        assert_eq!(auth["username"].as_str(), Some("robot$ci"), "{v}");
        assert_eq!(auth["password"].as_str(), Some("S3cret"), "{v}");
        let mirrors = reg.get("mirrors").and_then(Item::as_table_like);
        assert!(mirrors.is_none_or(|t| t.is_empty()), "{v}: no inline mirrors");
    }
}

/// Hostile credentials reach every release byte for byte (inline auth is the only place a
/// password goes into config.toml).
#[test]
fn releases_get_hostile_credentials_byte_for_byte() {
    let password = "p\"a\\ss$w'ord 🔑 ]]\" = true";
    for ctd in releases() {
        let form = format!(
            "containerd = \"{}\"\n[[registry]]\nhost = \"h.example.net:5000\"\nusername = \"robot$ci\"\npassword = {password:?}\nnode_auth = true\n",
            ctd.target
        );
        let d = ctd.dump(&form);
        let auth = &ctd.images(&d)["registry"]["configs"]["h.example.net:5000"]["auth"];
        assert_eq!(auth["password"].as_str(), Some(password), "{}", ctd.target);
        assert_eq!(auth["username"].as_str(), Some("robot$ci"), "{}", ctd.target);
    }
}

/// Legacy inline TLS: 1.7 still reads it; 2.x ignores `configs.*.tls` with only a warning,
/// which is why pullfix refuses legacy_config for 2.x (`legacy-config-2.1`) and carries a
/// node's old TLS keys into hosts.toml when it merges.
#[test]
fn releases_read_legacy_tls_on_1_x_and_ignore_it_on_2_x() {
    let [_, v17, v21] = releases();
    let d = v17.dump(&golden_form_for("legacy-config-1.6", &v17.target));
    let harbor = &cri(&d)["registry"]["configs"]["harbor.example.net"];
    assert_eq!(harbor["tls"]["ca_file"].as_str(), Some("/etc/containerd/certs.d/harbor.example.net/ca.crt"));

    let old = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry.configs.\"harbor.example.net\".tls]\n  ca_file = \"/etc/harbor-ca.crt\"\n";
    let d = v21.dump_text(old).expect("2.x migrates a version 2 file");
    let registry = &d["plugins"]["io.containerd.cri.v1.images"]["registry"];
    let tls = registry.get("configs").and_then(|c| c.get("harbor.example.net")).and_then(|h| h.get("tls"));
    assert!(tls.is_none(), "2.1.9 kept the legacy TLS: {d}");
    let out = render(&parse_form(&golden_form_for("legacy-config-2.1", &v21.target), FormFormat::Toml).expect("form"));
    assert!(pullfix_core::diagnostic::has_errors(&out.diagnostics), "legacy_config on 2.x must be an error");
}

/// A runc table with only options: 1.x gives runc an empty runtime_type (every pod fails),
/// 2.x fills in the default. pullfix's merge reports it as an error on 1.x only. Another
/// default runtime (crun) with only options gets no runtime_type on any release.
#[test]
fn releases_runc_options_only_breaks_1_x_and_not_2_x_and_other_runtimes_everywhere() {
    for ctd in releases() {
        let v = &ctd.target;
        let (version, plugin) =
            if v.major >= 2 { (3, "io.containerd.cri.v1.runtime") } else { (2, "io.containerd.grpc.v1.cri") };
        let text = format!(
            "version = {version}\n[plugins.\"{plugin}\".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n"
        );
        let d = ctd.dump_text(&text).unwrap_or_else(|e| panic!("{v}: {e}"));
        let runtime_type = ctd.runc(&d)["runtime_type"].as_str().map(str::to_owned);
        let broken = runtime_type.as_deref() == Some("");
        assert_eq!(broken, v.major < 2, "{v}: runtime_type {runtime_type:?}");

        let form = format!("containerd = \"{v}\"\n[[registry]]\nhost = \"harbor.example.net\"\nskip_verify = true\n");
        let merged = pullfix_core::merge::merge(&text, &parse_form(&form, FormFormat::Toml).expect("form"));
        let reported = merged.diagnostics.iter().any(|d| d.code == "merge.runtime-type-missing");
        assert_eq!(reported, broken, "{v}: {:?}", merged.diagnostics);

        // Another default runtime: no release fills its runtime_type in (review 9, M9).
        let crun = format!(
            "version = {version}\n[plugins.\"{plugin}\".containerd]\n  default_runtime_name = \"crun\"\n[plugins.\"{plugin}\".containerd.runtimes.crun.options]\n  BinaryName = \"/usr/bin/crun\"\n"
        );
        let d = ctd.dump_text(&crun).unwrap_or_else(|e| panic!("{v}: {e}"));
        let runtimes = &d["plugins"][plugin]["containerd"]["runtimes"];
        assert_eq!(runtimes["crun"]["runtime_type"].as_str(), Some(""), "{v}");
        let merged = pullfix_core::merge::merge(&crun, &parse_form(&form, FormFormat::Toml).expect("form"));
        assert!(
            merged.diagnostics.iter().any(|d| d.code == "merge.runtime-type-missing"),
            "{v}: {:?}",
            merged.diagnostics
        );
        // A RuntimeClass handler (nvidia) with only options, runc the default: no release fills
        // its runtime_type in either (review 10, M1).
        let nvidia = format!(
            "version = {version}\n[plugins.\"{plugin}\".containerd.runtimes.nvidia.options]\n  BinaryName = \"/usr/bin/nvidia-container-runtime\"\n"
        );
        let d = ctd.dump_text(&nvidia).unwrap_or_else(|e| panic!("{v}: {e}"));
        let runtimes = &d["plugins"][plugin]["containerd"]["runtimes"];
        assert_eq!(runtimes["nvidia"]["runtime_type"].as_str(), Some(""), "{v}");
        let merged = pullfix_core::merge::merge(&nvidia, &parse_form(&form, FormFormat::Toml).expect("form"));
        let found: Vec<_> = merged.diagnostics.iter().filter(|d| d.code == "merge.runtime-type-missing").collect();
        assert_eq!(found.len(), 1, "{v}: {found:?}");
        assert!(found[0].message.contains("RuntimeClass handler \"nvidia\""), "{v}: {}", found[0].message);
    }
}

/// An `imports` drop-in with a CRI table: 1.x replaces config.toml's whole CRI section with
/// the drop-in's (config_path is lost), 2.x merges the two key by key. pullfix's drop-in
/// check names the drop-in as the CRI section's owner on 1.x only.
#[test]
fn releases_drop_in_replaces_the_cri_section_on_1_x_and_merges_it_on_2_x() {
    let tmp = tempfile::tempdir().expect("tmp");
    let drop_in = tmp.path().join("99-pause.toml");
    for ctd in releases() {
        let v = &ctd.target;
        let (version, images, sandbox) = if v.major >= 2 {
            (3, "io.containerd.cri.v1.images", "[plugins.\"io.containerd.cri.v1.images\".pinned_images]\n  sandbox")
        } else {
            (2, "io.containerd.grpc.v1.cri", "[plugins.\"io.containerd.grpc.v1.cri\"]\n  sandbox_image")
        };
        let main = format!(
            "version = {version}\nimports = [\"{}\"]\n[plugins.\"{images}\".registry]\n  config_path = \"/etc/containerd/certs.d\"\n",
            drop_in.display()
        );
        let drop_in_text = format!("version = {version}\n{sandbox} = \"pause.example.net/pause:3.10\"\n");
        fs::write(&drop_in, &drop_in_text).expect("write");
        let d = ctd.dump_text(&main).unwrap_or_else(|e| panic!("{v}: {e}"));
        assert_eq!(ctd.sandbox(&d), Some("pause.example.net/pause:3.10"), "{v}");
        let kept = ctd.images(&d)["registry"]["config_path"].as_str() == Some("/etc/containerd/certs.d");
        assert_eq!(kept, v.major >= 2, "{v}: config.toml's config_path kept by containerd");

        let drop_ins =
            [pullfix_core::merge::imports::DropIn { path: drop_in.display().to_string(), text: Some(drop_in_text) }];
        let owner = pullfix_core::merge::imports::cri_owner(Some(&v.to_string()), &main, &drop_ins);
        assert_eq!(owner.is_some(), v.major < 2, "{v}: pullfix's model of the drop-in: {owner:?}");
    }
}

/// An IPv6 literal in a TOML table name: containerd 1.x's TOML reader refuses it (pullfix
/// makes node credentials for such a host an error on 1.x); 2.x reads it.
#[test]
fn releases_ipv6_table_names_fail_on_1_x_only() {
    for ctd in releases() {
        let v = &ctd.target;
        let text = if v.major >= 2 {
            "version = 3\n[plugins.\"io.containerd.cri.v1.images\".registry.configs.\"[::1]:5000\".auth]\n  username = \"u\"\n"
        } else {
            "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry.configs.\"[::1]:5000\".auth]\n  username = \"u\"\n"
        };
        let dumped = ctd.dump_text(text);
        assert_eq!(dumped.is_err(), v.major < 2, "{v}: {dumped:?}");
    }
}

/// A version 1 file (or one without a `version` line) on 2.x: containerd 2.1.9 starts but
/// ignores every CRI setting in it. pullfix's merge raises the file to version 2, which 2.1.9
/// migrates, and warns that the file's settings take effect after the restart.
#[test]
fn releases_2_x_ignores_a_version_1_file_and_reads_the_merged_one() {
    let [_, _, v21] = releases();
    let old = "[plugins.cri]\n  sandbox_image = \"pause.example.net/pause:3.10\"\n[plugins.cri.containerd]\n  snapshotter = \"native\"\n";
    let grpc = "[plugins.\"io.containerd.grpc.v1.cri\"]\n  sandbox_image = \"pause.example.net/pause:3.10\"\n";
    for text in [old.to_owned(), format!("version = 1\n{old}"), grpc.to_owned()] {
        let d = v21.dump_text(&text).expect("2.1.9 starts");
        assert_eq!(v21.sandbox(&d), Some("registry.k8s.io/pause:3.10"), "2.1.9 read a version 1 file's keys");
    }
    let form = format!(
        "containerd = \"{}\"\nsandbox_image = \"\"\n[[registry]]\nhost = \"harbor.example.net\"\nskip_verify = true\n",
        v21.target
    );
    let merged = pullfix_core::merge::merge(old, &parse_form(&form, FormFormat::Toml).expect("form"));
    let raised = merged.diagnostics.iter().find(|d| d.code == "merge.version-raised").expect("warned");
    assert_eq!(raised.severity, pullfix_core::Severity::Warning);
    let text = merged.text.expect("merged");
    let d = v21.dump_text(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(v21.sandbox(&d), Some("pause.example.net/pause:3.10"), "{text}");
    assert_eq!(v21.images(&d)["registry"]["config_path"].as_str(), Some("/etc/containerd/certs.d"), "{text}");
}

/// A config version beyond the daemon's: 1.6.20 starts (the tables mean nothing to it), 1.7.24
/// and 2.1.9 refuse, in the words doctor quotes (`config.version_too_new`).
#[test]
fn releases_refuse_a_config_version_beyond_theirs_from_1_7_on() {
    for ctd in releases() {
        let v = &ctd.target;
        let too_new = ctd.target.max_config_version() + 1;
        let refused = ctd.dump_text(&format!("version = {too_new}\n"));
        match (v.major, v.minor) {
            (1, 6) => assert!(refused.is_ok(), "{v}: {refused:?}"),
            (1, _) => {
                let e = refused.expect_err("1.7 refuses");
                assert!(e.contains(&format!("unsupported config version `{too_new}`")), "{v}: {e}");
                assert!(e.contains(&format!("containerd config version `{too_new}` is not supported")), "{v}: {e}");
            }
            _ => {
                let e = refused.expect_err("2.x refuses");
                assert!(
                    e.contains(&format!(
                        "expected containerd config version equal to or less than `3`, got `{too_new}`"
                    )),
                    "{v}: {e}"
                );
            }
        }
    }
}

/// The oracle of doctor's `config.sandbox_image_ignored` (review 9, M5): containerd 2.1.9
/// ignores a `sandbox_image` key in its own default file, in the 1.x section or in the images
/// section, and pods use `pinned_images.sandbox`.
#[test]
fn releases_2_x_ignores_sandbox_image_keys_in_a_version_3_file() {
    let [_, _, v21] = releases();
    let default = include_str!("fixtures/configs/containerd-2.1.9-debian-default.toml");
    for table in ["io.containerd.grpc.v1.cri", "io.containerd.cri.v1.images"] {
        let mut doc: DocumentMut = default.parse().expect("default");
        doc["plugins"][table]["sandbox_image"] = toml_edit::value("harbor.example.net/library/pause:3.10");
        let d = v21.dump_text(&doc.to_string()).expect("2.1.9 starts");
        assert_eq!(v21.sandbox(&d), Some("registry.k8s.io/pause:3.10"), "{table}");
    }
}

/// A version 2 file's `containerd.snapshotter` on 2.x: 2.1.9 carries it over only when the same
/// `containerd` table has runtimes; without them it uses overlayfs, without a warning. pullfix's
/// merge (and doctor, through the same check) warns about that shape only.
#[test]
fn releases_2_x_drops_a_version_2_snapshotter_without_runtimes() {
    let [_, _, v21] = releases();
    let bare = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd]\n  snapshotter = \"native\"\n";
    let with_runc = format!(
        "{bare}[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n  runtime_type = \"io.containerd.runc.v2\"\n"
    );
    let form =
        format!("containerd = \"{}\"\n[[registry]]\nhost = \"harbor.example.net\"\nskip_verify = true\n", v21.target);
    let form = parse_form(&form, FormFormat::Toml).expect("form");
    for (text, kept) in [(bare.to_owned(), false), (with_runc, true)] {
        let d = v21.dump_text(&text).expect("2.1.9 starts");
        let snapshotter = v21.images(&d)["snapshotter"].as_str();
        assert_eq!(snapshotter == Some("native"), kept, "{snapshotter:?} for\n{text}");
        let merged = pullfix_core::merge::merge(&text, &form);
        let warned = merged.diagnostics.iter().any(|d| d.code == "merge.snapshotter-not-migrated");
        assert_eq!(warned, !kept, "{:?}", merged.diagnostics);
        // The advised fix works: the merged file plus the runc table keeps the snapshotter.
        if !kept {
            let fixed = format!(
                "{}\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n  runtime_type = \"io.containerd.runc.v2\"\n",
                merged.text.expect("merged")
            );
            let d = v21.dump_text(&fixed).unwrap_or_else(|e| panic!("{e}\n{fixed}"));
            assert_eq!(v21.images(&d)["snapshotter"].as_str(), Some("native"), "{fixed}");
        }
    }
}

/// `apply --convert-version` on pullfix's own 1.7 block, for 2.1.9 (review 9, L2): the keys the
/// form writes at their version 3 paths anyway are moved, not left as errors; the result is
/// read by the real 2.1.9 with every setting in place, and the password is masked in the
/// change list.
#[test]
fn releases_convert_pullfixs_own_1_7_block_to_version_3() {
    let [_, v17, v21] = releases();
    let block = {
        let form = parse_form(&golden_form_for("harbor-ca-auth-1.6", &v17.target), FormFormat::Toml).expect("form");
        let out = render(&form);
        out.files.into_iter().find(|f| f.path == "etc/containerd/config.toml").expect("config").contents
    };
    let form = parse_form(&golden_form_for("harbor-ca-auth-1.6", &v21.target), FormFormat::Toml).expect("form");
    let merged = pullfix_core::merge::merge_with(
        &block,
        &form,
        pullfix_core::merge::MergeOptions { convert_to_target_version: true },
    );
    assert!(!pullfix_core::diagnostic::has_errors(&merged.diagnostics), "{:?}", merged.diagnostics);
    let text = merged.text.expect("merged");
    assert!(!text.contains("io.containerd.grpc.v1.cri"), "{text}");
    let password = merged.changes.iter().find(|c| c.key_path.ends_with(".auth.password") && c.new.is_none());
    assert_eq!(password.and_then(|c| c.old.as_deref()), Some("\"********\""), "{:#?}", merged.changes);
    let d = v21.dump_text(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(v21.sandbox(&d), Some("registry.aliyuncs.com/google_containers/pause:3.10"), "{text}");
    let reg = &v21.images(&d)["registry"];
    assert_eq!(reg["config_path"].as_str(), Some("/etc/containerd/certs.d"), "{text}");
    assert_eq!(reg["configs"]["harbor.example.net"]["auth"]["password"].as_str(), Some("S3cret"), "{text}");
}

/// Review 9, M7: a relative `imports` pattern (`conf.d/*.toml`). 1.6.20 globs it from its
/// working directory (`/` under systemd), 1.7.24 and 2.1.9 from config.toml's directory
/// (containerd#9746, in 1.6.30 and 1.7.16). Each release runs from a working directory that
/// has its own `conf.d/`, so the sandbox image in the dump says which file it loaded; pullfix's
/// `patterns` must name the same place.
#[test]
fn releases_glob_a_relative_import_where_pullfix_looks() {
    for ctd in releases() {
        let v = &ctd.target;
        let tmp = tempfile::tempdir().expect("tmp");
        let etc = tmp.path().join("etc/containerd");
        let cwd = tmp.path().join("cwd");
        let (version, sandbox) = if v.major >= 2 {
            (3, "[plugins.\"io.containerd.cri.v1.images\".pinned_images]\n  sandbox")
        } else {
            (2, "[plugins.\"io.containerd.grpc.v1.cri\"]\n  sandbox_image")
        };
        for (dir, image) in [(&etc, "beside.example.net/pause:1"), (&cwd, "cwd.example.net/pause:1")] {
            fs::create_dir_all(dir.join("conf.d")).expect("mkdir");
            fs::write(dir.join("conf.d/50-pause.toml"), format!("version = {version}\n{sandbox} = \"{image}\"\n"))
                .expect("write");
        }
        let main = format!("version = {version}\nimports = [\"conf.d/*.toml\"]\n");
        let config = etc.join("config.toml");
        fs::write(&config, &main).expect("write");
        let o = Command::new(&ctd.bin)
            .current_dir(&cwd)
            .arg("-c")
            .arg(&config)
            .args(["config", "dump"])
            .output()
            .expect("containerd");
        assert!(o.status.success(), "{v}: {}", String::from_utf8_lossy(&o.stderr));
        let d: DocumentMut = String::from_utf8(o.stdout).expect("utf8").parse().expect("dump");
        let from_cwd = match ctd.sandbox(&d) {
            Some("cwd.example.net/pause:1") => true,
            Some("beside.example.net/pause:1") => false,
            other => panic!("{v}: sandbox {other:?}"),
        };
        assert_eq!(from_cwd, v.major == 1 && v.minor == 6, "{v}: globbed from the working directory");
        assert_eq!(pullfix_core::merge::imports::globs_from_cwd(v), Some(from_cwd), "{v}");
        // pullfix reads the pattern from `/`, containerd's working directory under systemd.
        let p = pullfix_core::merge::imports::patterns(&main, &config.display().to_string(), Some(&v.to_string()));
        let want = if from_cwd { "/conf.d/*.toml".to_owned() } else { etc.join("conf.d/*.toml").display().to_string() };
        assert_eq!(p[0].pattern, want, "{v}");
    }
}

/// Review 9, H1: the fix of `merge.import-raises-version` (a version 3 drop-in under a version
/// 2 config.toml on 2.0-2.2). Run on config.toml itself, 2.1.9's `config migrate` loads the
/// drop-in too and drops config.toml's version 2 settings; the commands pullfix gives migrate a
/// copy without the `imports` line and put the line back. They are run here as given (only
/// `containerd` and the scratch file pointed at the test's), and 2.1.9's dump of the result
/// has every setting at its version 3 path, the drop-in's runtime beside them.
#[test]
fn releases_2_x_migrate_without_imports_keeps_config_tomls_settings() {
    let [_, _, v21] = releases();
    let tmp = tempfile::tempdir().expect("tmp");
    let etc = tmp.path().join("etc/containerd");
    fs::create_dir_all(etc.join("conf.d")).expect("mkdir");
    let config = etc.join("config.toml");
    let main = format!(
        "imports = [\"{}/conf.d/*.toml\"]\nversion = 2\n\n[plugins.\"io.containerd.grpc.v1.cri\"]\n  sandbox_image = \"harbor.example.net/library/pause:3.10\"\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n  runtime_type = \"io.containerd.runc.v2\"\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"/etc/containerd/certs.d\"\n[plugins.\"io.containerd.grpc.v1.cri\".registry.configs.\"harbor.example.net\".auth]\n  username = \"robot$ci\"\n  password = \"S3cret\"\n",
        etc.display()
    );
    fs::write(&config, &main).expect("write");
    let gpu = "version = 3\n[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.nvidia]\n  runtime_type = 'io.containerd.runc.v2'\n[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.nvidia.options]\n  BinaryName = '/usr/bin/nvidia-container-runtime'\n";
    let gpu_path = etc.join("conf.d/90-gpu.toml");
    fs::write(&gpu_path, gpu).expect("write");
    let settings = |d: &DocumentMut| {
        let at = |path: &[&str]| {
            path.iter().try_fold(d.as_item(), |item, k| item.get(k)).and_then(|i| i.as_value()).cloned()
        };
        let runtimes = ["plugins", "io.containerd.cri.v1.runtime", "containerd", "runtimes"];
        let registry = ["plugins", "io.containerd.cri.v1.images", "registry"];
        (
            v21.sandbox(d).map(str::to_owned),
            at(&[&registry[..], &["config_path"]].concat()).and_then(|v| v.as_str().map(str::to_owned)),
            at(&[&registry[..], &["configs", "harbor.example.net", "auth", "username"]].concat())
                .and_then(|v| v.as_str().map(str::to_owned)),
            at(&[&runtimes[..], &["runc", "options", "SystemdCgroup"]].concat()).and_then(|v| v.as_bool()),
            at(&[&runtimes[..], &["nvidia", "runtime_type"]].concat()).is_some(),
        )
    };
    let migrate = |config: &Path| {
        let o = Command::new(&v21.bin).arg("-c").arg(config).args(["config", "migrate"]).output().expect("migrate");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).expect("utf8").parse::<DocumentMut>().expect("TOML")
    };
    // The old advice: `config migrate` on config.toml itself loses its settings.
    let naive = migrate(&config);
    assert_eq!(
        settings(&naive),
        (Some("registry.k8s.io/pause:3.10".into()), Some(String::new()), None, Some(false), true)
    );

    // pullfix's check says so, and its fix holds the commands.
    let drop_ins =
        [pullfix_core::merge::imports::DropIn { path: gpu_path.display().to_string(), text: Some(gpu.to_owned()) }];
    let f = pullfix_core::merge::imports::check_at(
        Some(&v21.target.to_string()),
        &config.display().to_string(),
        &main,
        Some("/etc/containerd/certs.d"),
        &drop_ins,
    );
    let d = &f.iter().find(|f| f.diagnostic.code == "merge.import-raises-version").expect("reported").diagnostic;
    let start = d.fix.find("`awk ").expect("the commands") + 1;
    let commands = &d.fix[start..start + d.fix[start..].find('`').expect("closing backtick")];
    let scratch = tmp.path().join("config-noimports.toml");
    let commands = commands
        .replace("/tmp/config-noimports.toml", &scratch.display().to_string())
        .replace("containerd -c", &format!("{} -c", v21.bin.display()));
    let o = Command::new("sh").args(["-c", &commands]).output().expect("sh");
    assert!(o.status.success(), "{commands}: {}", String::from_utf8_lossy(&o.stderr));
    let new = etc.join("config.toml.new");
    let text = fs::read_to_string(&new).expect("config.toml.new");
    let d = v21.dump_text_at(&new).unwrap_or_else(|e| panic!("2.1.9 refuses config.toml.new: {e}\n{text}"));
    assert_eq!(d["version"].as_integer(), Some(3), "{text}");
    assert_eq!(
        settings(&d),
        (
            Some("harbor.example.net/library/pause:3.10".into()),
            Some("/etc/containerd/certs.d".into()),
            Some("robot$ci".into()),
            Some(true),
            true
        ),
        "{text}"
    );
    // The imports line is back, as config.toml had it.
    let imports: Vec<&str> = d["imports"].as_array().expect("imports").iter().filter_map(|v| v.as_str()).collect();
    assert_eq!(imports, [format!("{}/conf.d/*.toml", etc.display())]);

    // An imports array over several lines is deleted whole.
    let multi = main.replacen(
        &format!("imports = [\"{}/conf.d/*.toml\"]\n", etc.display()),
        &format!(
            "imports = [\n  \"{}/conf.d/*.toml\",\n  \"{}/other/[0-9]*.toml\",\n]\n",
            etc.display(),
            etc.display()
        ),
        1,
    );
    fs::write(&config, &multi).expect("write");
    let f = pullfix_core::merge::imports::check_at(
        Some(&v21.target.to_string()),
        &config.display().to_string(),
        &multi,
        None,
        &drop_ins,
    );
    let d = &f.iter().find(|f| f.diagnostic.code == "merge.import-raises-version").expect("reported").diagnostic;
    let start = d.fix.find("`awk ").expect("the commands") + 1;
    let commands = d.fix[start..start + d.fix[start..].find('`').expect("closing backtick")]
        .replace("/tmp/config-noimports.toml", &scratch.display().to_string())
        .replace("containerd -c", &format!("{} -c", v21.bin.display()));
    let o = Command::new("sh").args(["-c", &commands]).output().expect("sh");
    assert!(o.status.success(), "{commands}: {}", String::from_utf8_lossy(&o.stderr));
    let d = v21.dump_text_at(&new).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(settings(&d).3, Some(true));
    assert_eq!(d["imports"].as_array().map(|a| a.len()), Some(2));
}

/// Review 9, M1, L8, H2: what containerd 2.1.9 takes from config.toml and a drop-in: the
/// sandbox image, the registry's config_path and runc's SystemdCgroup in its dump, against
/// pullfix's model (`imports::effective`, `v2_settings`) and the findings `check` gives.
#[test]
fn releases_2_x_drop_in_overrides_match_pullfixs_model() {
    use pullfix_core::merge::imports::{self, effective::Fate, DropIn};
    let [_, _, v21] = releases();
    let v = v21.target.to_string();
    let main3 = "version = 3\n[plugins.\"io.containerd.cri.v1.images\".registry]\n  config_path = \"/etc/containerd/certs.d\"\n[plugins.\"io.containerd.cri.v1.images\".registry.configs.\"harbor.example.net\".auth]\n  username = \"robot$ci\"\n[plugins.\"io.containerd.cri.v1.images\".pinned_images]\n  sandbox = \"harbor.example.net/library/pause:3.10\"\n";
    let runc3 = "[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.runc]\n  runtime_type = \"io.containerd.runc.v2\"\n";
    let main3_runc = format!("{main3}{runc3}");
    let main2 = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\"]\n  sandbox_image = \"harbor.example.net/library/pause:3.10\"\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"/etc/containerd/certs.d\"\n";
    let pause3 = "version = 3\n[plugins.'io.containerd.cri.v1.images'.pinned_images]\n  sandbox = 'registry.k8s.io/pause:3.10'\n";
    let cp3 =
        "version = 3\n[plugins.'io.containerd.cri.v1.images'.registry]\n  config_path = '/etc/containerd/other.d'\n";
    let cp3_empty = "version = 3\n[plugins.'io.containerd.cri.v1.images'.registry]\n  config_path = ''\n";
    let cgroup2 = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n";
    let cgroup_bare =
        "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n";
    let pause2 = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\"]\n  sandbox_image = \"harbor.example.net/library/pause:9.99\"\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"/etc/containerd/v2dropin.d\"\n";
    let mirrors2 = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry.mirrors.\"quay.io\"]\n  endpoint = [\"https://quay.example.net\"]\n";
    let sandbox2 =
        "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\"]\n  sandbox_image = \"registry.k8s.io/pause:3.10\"\n";
    let main2_runc = format!(
        "{main2}[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n"
    );
    let gpu_bare = "[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.nvidia]\n  runtime_type = 'io.containerd.runc.v2'\n";
    let main2_auth = format!("{main2}[plugins.\"io.containerd.grpc.v1.cri\".registry.configs.\"harbor.example.net\".auth]\n  username = \"robot$ci\"\n");
    let auth3 = "version = 3\n[plugins.'io.containerd.cri.v1.images'.registry.configs.'harbor.example.net'.auth]\n  username = 'robot$old'\n";
    let auth2 = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry.configs.\"harbor.example.net\".auth]\n  username = \"robot$old\"\n";
    let auth3_bare = "[plugins.'io.containerd.cri.v1.images'.registry.configs.'harbor.example.net'.auth]\n  username = 'robot$old'\n";
    // (config.toml, drop-ins in load order, the codes pullfix reports, sorted)
    let cases: Vec<(&str, Vec<&str>, Vec<&str>)> = vec![
        (main3, vec![pause3], vec!["merge.import-sandbox"]),
        (main3, vec![cp3], vec!["merge.import-config-path"]),
        (main3, vec![cp3_empty], vec!["merge.import-config-path"]),
        (&main3_runc, vec![cgroup2], vec!["merge.import-lowers-version"]),
        (main3, vec![cgroup2], vec!["merge.import-lowers-version"]),
        (main3, vec![pause2], vec!["merge.import-config-path", "merge.import-lowers-version", "merge.import-sandbox"]),
        (main3, vec![mirrors2], vec!["merge.import-lowers-version"]),
        (&main3_runc, vec![cgroup2, "version = 3\n"], vec!["merge.import-lowers-version"]),
        (main3, vec![cgroup_bare], vec!["merge.import-lowers-version"]),
        (main2, vec![sandbox2], vec!["merge.import-sandbox"]),
        (main3, vec![runc3], vec![]),
        // Review 10, H1: version 3 tables in a drop-in without a `version` line, merged at 2.
        (&main2_runc, vec![gpu_bare], vec!["merge.import-v3-under-v2"]),
        (main2, vec![gpu_bare], vec![]),
        // Review 10, M3: a drop-in's node credentials win key by key.
        (main3, vec![auth3], vec!["merge.import-auth"]),
        (&main2_auth, vec![auth2], vec!["merge.import-auth"]),
        // ... but not version 3 ones merged at version 2: config.toml's version 2 registry
        // table replaces them (H1's images side).
        (&main2_auth, vec![auth3_bare], vec!["merge.import-v3-under-v2"]),
    ];
    for (i, (main, drop_ins, codes)) in cases.into_iter().enumerate() {
        let tmp = tempfile::tempdir().expect("tmp");
        let paths: Vec<PathBuf> = (0..drop_ins.len()).map(|n| tmp.path().join(format!("{n}0-drop-in.toml"))).collect();
        let imports: Vec<String> = paths.iter().map(|p| format!("{:?}", p.display().to_string())).collect();
        let main = main.replacen("\n", &format!("\nimports = [{}]\n", imports.join(", ")), 1);
        let config = tmp.path().join("config.toml");
        fs::write(&config, &main).expect("write");
        let mut read = Vec::new();
        for (p, text) in paths.iter().zip(&drop_ins) {
            fs::write(p, text).expect("write");
            read.push(DropIn { path: p.display().to_string(), text: Some((*text).to_owned()) });
        }
        let d = v21.dump_text_at(&config).unwrap_or_else(|e| panic!("case {i}: {e}"));
        let images = v21.images(&d);
        let dumped_cp = images["registry"]["config_path"].as_str().unwrap_or_default().to_owned();
        let dumped_auth = images["registry"].get("configs").and_then(|c| c.get("harbor.example.net")).is_some();
        let cgroup = v21.runc(&d).get("options").and_then(|o| o.get("SystemdCgroup")).and_then(Item::as_bool);

        // pullfix's model.
        let main_doc: DocumentMut = main.parse().expect("TOML");
        let docs: Vec<DocumentMut> = drop_ins.iter().map(|t| t.parse().expect("TOML")).collect();
        let mut files: Vec<(&str, &DocumentMut)> = vec![("config.toml", &main_doc)];
        files.extend(read.iter().map(|r| r.path.as_str()).zip(&docs));
        let eff = imports::effective::effective(&v21.target, &files).expect("2.x");
        let sandbox = eff.sandbox.as_ref().map_or("registry.k8s.io/pause:3.10", |s| s.value.as_str());
        assert_eq!(v21.sandbox(&d), Some(sandbox), "case {i}: sandbox");
        assert_eq!(dumped_cp, eff.config_path.as_ref().map_or("", |s| s.value.as_str()), "case {i}: config_path");
        let replaced = eff.registry_from_v2.as_deref().is_some_and(|f| f != "config.toml");
        let drop_in_auth = drop_ins.iter().any(|t| t.contains(".auth]"));
        assert_eq!(
            dumped_auth,
            (!replaced && main.contains("auth")) || drop_in_auth,
            "case {i}: config.toml's registry table kept"
        );
        // The node credentials in effect (review 10, M3).
        let user = ["configs", "harbor.example.net", "auth", "username"];
        let dumped_user = user.iter().try_fold(&images["registry"], |i, k| i.get(k)).and_then(Item::as_str);
        let modelled = imports::effective::registry_setting(&v21.target, &files, &user);
        assert_eq!(dumped_user, modelled.as_ref().map(|s| s.value.as_str()), "case {i}: username");
        let all: Vec<&DocumentMut> = files.iter().map(|(_, d)| *d).collect();
        let fates: Vec<Fate> = docs
            .iter()
            .flat_map(|doc| imports::effective::v2_settings(doc, eff.version, &all))
            .filter(|s| s.leaves.iter().any(|l| l == "SystemdCgroup"))
            .map(|s| s.fate)
            .collect();
        if let Some(fate) = fates.first() {
            assert_eq!(
                cgroup == Some(true),
                *fate == Fate::Applied,
                "case {i}: {fate:?}, dump SystemdCgroup {cgroup:?}"
            );
        }
        let mut got: Vec<&str> =
            imports::check_at(Some(&v), &config.display().to_string(), &main, Some("/etc/containerd/certs.d"), &read)
                .iter()
                .map(|f| f.diagnostic.code)
                .collect();
        got.sort_unstable();
        assert_eq!(got, codes, "case {i}");
    }
}

/// Review 9, M1 on 1.x: a drop-in that sets the sandbox image has a CRI table, so 1.6.20 and
/// 1.7.24 replace config.toml's whole CRI section with it (its sandbox image wins, config.toml's
/// config_path is gone): `merge.import-replaces-cri`, an error, as on 2.1.9 `merge.import-sandbox`.
#[test]
fn releases_a_drop_in_sandbox_image_is_an_error_on_every_release() {
    for ctd in releases() {
        let v = &ctd.target;
        let tmp = tempfile::tempdir().expect("tmp");
        let drop_in = tmp.path().join("50-pause.toml");
        let main = format!(
            "version = 2\nimports = [\"{}\"]\n[plugins.\"io.containerd.grpc.v1.cri\"]\n  sandbox_image = \"harbor.example.net/library/pause:3.10\"\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"/etc/containerd/certs.d\"\n",
            drop_in.display()
        );
        let text =
            "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\"]\n  sandbox_image = \"registry.k8s.io/pause:3.10\"\n";
        fs::write(&drop_in, text).expect("write");
        let d = ctd.dump_text(&main).unwrap_or_else(|e| panic!("{v}: {e}"));
        assert_eq!(ctd.sandbox(&d), Some("registry.k8s.io/pause:3.10"), "{v}");
        let f = pullfix_core::merge::imports::check(
            Some(&v.to_string()),
            &main,
            Some("/etc/containerd/certs.d"),
            &[pullfix_core::merge::imports::DropIn {
                path: drop_in.display().to_string(),
                text: Some(text.to_owned()),
            }],
        );
        let codes: Vec<_> = f.iter().map(|f| (f.diagnostic.severity, f.diagnostic.code)).collect();
        let want = if v.major >= 2 { "merge.import-sandbox" } else { "merge.import-replaces-cri" };
        assert_eq!(codes, [(pullfix_core::Severity::Error, want)], "{v}");
        assert!(f[0].diagnostic.message.contains("\"registry.k8s.io/pause:3.10\""), "{v}: {}", f[0].diagnostic.message);
    }
}

/// Review 9, H2: the fix of `merge.import-lowers-version` for the 1.x cgroup drop-in kept under
/// a 2.1.9 default config.toml (SystemdCgroup dropped): the `printf` it gives, run as is,
/// rewrites the drop-in at version 3, and 2.1.9 then applies SystemdCgroup beside config.toml's
/// registry settings; pullfix has nothing more to say.
#[test]
fn releases_2_x_the_rewritten_version_3_drop_in_applies() {
    let [_, _, v21] = releases();
    let v = v21.target.to_string();
    let tmp = tempfile::tempdir().expect("tmp");
    let drop_in = tmp.path().join("99-cgroup.toml");
    let default = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/configs/containerd-2.0.11-default.toml"),
    )
    .expect("fixture");
    let main = default
        .replacen("imports = []", &format!("imports = [{:?}]", drop_in.display().to_string()), 1)
        .replacen("config_path = ''", "config_path = '/etc/containerd/certs.d'", 1);
    let config = tmp.path().join("config.toml");
    fs::write(&config, &main).expect("write");
    let old = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n";
    fs::write(&drop_in, old).expect("write");
    let state = |d: &DocumentMut| {
        let cgroup = v21.runc(d).get("options").and_then(|o| o.get("SystemdCgroup")).and_then(Item::as_bool);
        (cgroup, v21.images(d)["registry"]["config_path"].as_str().map(str::to_owned))
    };
    let d = v21.dump_text_at(&config).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        state(&d),
        (Some(false), Some("/etc/containerd/certs.d".to_owned())),
        "2.1.9 drops the version 2 drop-in's runc options"
    );
    let read = |text: &str| {
        [pullfix_core::merge::imports::DropIn { path: drop_in.display().to_string(), text: Some(text.to_owned()) }]
    };
    let f = pullfix_core::merge::imports::check_at(
        Some(&v),
        &config.display().to_string(),
        &main,
        Some("/etc/containerd/certs.d"),
        &read(old),
    );
    let d = &f.iter().find(|f| f.diagnostic.code == "merge.import-lowers-version").expect("reported").diagnostic;
    assert_eq!(d.severity, pullfix_core::Severity::Error);
    let start = d.fix.find("`printf ").expect("a command to paste") + 1;
    let command = &d.fix[start..start + d.fix[start..].find('`').expect("closing backtick")];
    let o = Command::new("sh").args(["-c", command]).output().expect("sh");
    assert!(o.status.success(), "{command}: {}", String::from_utf8_lossy(&o.stderr));
    let new = fs::read_to_string(&drop_in).expect("rewritten");
    let d = v21.dump_text_at(&config).unwrap_or_else(|e| panic!("{e}\n{new}"));
    assert_eq!(state(&d), (Some(true), Some("/etc/containerd/certs.d".to_owned())), "{new}");
    let f = pullfix_core::merge::imports::check_at(
        Some(&v),
        &config.display().to_string(),
        &main,
        Some("/etc/containerd/certs.d"),
        &read(&new),
    );
    assert!(f.is_empty(), "{f:?}");
}

/// Review 11 web N6: a version 2 file that kept `[plugins.cri]` does not start 1.x; the merge
/// renames the tables to their full id (as for a version 1 file), and the real 1.6.20 and
/// 1.7.24 then read the file's settings where they were meant.
#[test]
fn releases_1_x_a_version_2_file_with_plugins_cri_is_renamed_by_the_merge() {
    let old = "version = 2\n[plugins.cri]\n  sandbox_image = \"pause.example.net/pause:3.10\"\n[plugins.cri.containerd.runtimes.runc]\n  runtime_type = \"io.containerd.runc.v2\"\n[plugins.cri.containerd.runtimes.runc.options]\n  SystemdCgroup = true\n";
    for ctd in releases().into_iter().filter(|c| c.target.major == 1) {
        let v = &ctd.target;
        let refused = ctd.dump_text(old).expect_err("1.x refuses plugins.cri in a version 2 file");
        assert!(refused.contains("invalid plugin key URI \"cri\""), "{v}: {refused}");
        let form = format!("containerd = \"{v}\"\n[[registry]]\nhost = \"harbor.example.net\"\nskip_verify = true\n");
        let merged = pullfix_core::merge::merge(old, &parse_form(&form, FormFormat::Toml).expect("form"));
        assert!(!pullfix_core::diagnostic::has_errors(&merged.diagnostics), "{v}: {:?}", merged.diagnostics);
        let text = merged.text.expect("merged");
        let d = ctd.dump_text(&text).unwrap_or_else(|e| panic!("{v}: {e}\n{text}"));
        assert_eq!(ctd.sandbox(&d), Some("pause.example.net/pause:3.10"), "{v}");
        assert_eq!(ctd.runc(&d)["options"]["SystemdCgroup"].as_bool(), Some(true), "{v}");
        assert_eq!(ctd.images(&d)["registry"]["config_path"].as_str(), Some("/etc/containerd/certs.d"), "{v}");
    }
}
