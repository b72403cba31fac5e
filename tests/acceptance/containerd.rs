//! A private containerd (of any [`Release`]) per test: root, state, sockets, plugin dirs and CNI
//! dirs under the test's temp dir, in a private mount namespace whose `/etc/hosts`
//! maps `registry.pullfix.test` to 127.0.0.1 and whose `/etc/resolv.conf` names
//! only a loopback resolver (no DNS query leaves the machine).
//!
//! Why a name and not `127.0.0.1:<port>`: containerd treats loopback hosts as
//! plain-HTTP registries when nothing is configured (the CRI plugin's default scheme
//! for `localhost`/loopback is `http`), so the incident's x509 error cannot be
//! reproduced on a loopback address. The namespace is private (`unshare --mount
//! --propagation private`): the host's `/etc/hosts` is never changed, and the bind
//! mount disappears with the process. `ctr` runs in the same namespace (`nsenter`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use toml_edit::{DocumentMut, Item, Table};

use super::daemon::Daemon;
use super::pki::REGISTRY_NAME;
use super::release::Release;

/// The host's containerd and CNI directories, which the suite must never use.
const HOST_PATHS: [&str; 6] =
    ["/etc/containerd", "/opt/containerd", "/etc/cni", "/opt/cni", "/var/lib/containerd", "/run/containerd"];

/// The standard (not inline) table at `path`, created (implicit parents) if missing.
pub fn table<'a>(doc: &'a mut DocumentMut, path: &[&str]) -> &'a mut Table {
    let mut t = doc.as_table_mut();
    for (n, key) in path.iter().enumerate() {
        let item = t.entry(key).or_insert_with(|| {
            let mut new = Table::new();
            new.set_implicit(n + 1 < path.len());
            Item::Table(new)
        });
        t = item.as_table_mut().unwrap_or_else(|| panic!("{key} is not a table"));
    }
    t
}

/// Merges `over` into `base`, key by key; values in `over` win. This is what the
/// operator does with pullfix's block and the node's config.toml.
pub fn merge(base: &mut Item, over: &Item) {
    match (base.as_table_like_mut(), over.as_table_like()) {
        (Some(base_table), Some(over_table)) => {
            for (key, item) in over_table.iter() {
                match base_table.get_mut(key) {
                    Some(existing) if existing.is_table_like() && item.is_table_like() => merge(existing, item),
                    _ => {
                        base_table.insert(key, item.clone());
                    }
                }
            }
        }
        _ => *base = over.clone(),
    }
}

/// A running private containerd.
#[derive(Debug)]
pub struct Containerd {
    /// The gRPC socket (CRI and containerd API).
    pub socket: PathBuf,
    /// The config it was started with, for failure messages.
    pub config: String,
    /// Its release (which `containerd` and `ctr` run).
    pub release: Release,
    file: PathBuf,
    daemon: Daemon,
}

impl Containerd {
    /// Writes `config` to `dir/config.toml` and starts `release`'s containerd with it,
    /// in a private mount namespace where `registry.pullfix.test` is 127.0.0.1. The
    /// release's own directory comes first on its `PATH` (its shim).
    pub fn start(release: Release, dir: &Path, config: &DocumentMut) -> Containerd {
        for sub in ["root", "state", "opt", "cni/bin", "cni/net.d"] {
            std::fs::create_dir_all(dir.join(sub)).expect("create containerd dir");
        }
        let config_text = config.to_string();
        let file = dir.join("config.toml");
        std::fs::write(&file, &config_text).expect("write config.toml");
        let hosts = dir.join("hosts");
        std::fs::write(&hosts, format!("127.0.0.1\tlocalhost\n127.0.0.1\t{REGISTRY_NAME}\n")).expect("write hosts");
        // DNS goes to loopback only: no query ever leaves the machine, and names not in
        // `hosts` fail fast, like the incident's unreachable resolver.
        let resolv = dir.join("resolv.conf");
        std::fs::write(&resolv, "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n").expect("write resolv.conf");
        let socket = dir.join("containerd.sock");
        let (hosts_s, resolv_s, file_s) = (hosts.to_string_lossy(), resolv.to_string_lossy(), file.to_string_lossy());
        let program = release.program("containerd");
        let program_s = program.to_string_lossy();
        let path = match release.bin_dir() {
            Some(bin) => format!("PATH={}:{}", bin.display(), std::env::var("PATH").unwrap_or_default()),
            None => format!("PATH={}", std::env::var("PATH").unwrap_or_default()),
        };
        let mut daemon = Daemon::start(
            "containerd",
            "env",
            &[
                &path,
                "unshare",
                "--mount",
                "--propagation",
                "private",
                "--",
                "sh",
                "-c",
                "mount --bind \"$0\" /etc/hosts && mount --bind \"$1\" /etc/resolv.conf \
                 && exec \"$3\" --log-level debug --config \"$2\"",
                &hosts_s,
                &resolv_s,
                &file_s,
                &program_s,
            ],
            &dir.join("containerd.log"),
        );
        daemon.wait_until("booted", Duration::from_secs(30), |d| d.log().contains("containerd successfully booted"));
        // It logs every directory it uses (the CRI config dump among them): none of the host's.
        let log = daemon.log();
        for host_path in HOST_PATHS {
            assert!(!log.contains(host_path), "the private containerd uses {host_path}:\n{log}");
        }
        Containerd { socket, config: config_text, release, file, daemon }
    }

    /// containerd's log so far.
    pub fn log(&self) -> String {
        self.daemon.log()
    }

    /// `containerd config dump` of its config file, by its own binary: the settings
    /// after its defaults and its migration of older config versions.
    pub fn config_dump(&self) -> DocumentMut {
        let program = self.release.program("containerd");
        let out = super::daemon::run(
            &program.to_string_lossy(),
            &["--config", &self.file.to_string_lossy(), "config", "dump"],
        );
        out.parse().unwrap_or_else(|e| panic!("`config dump` is not TOML: {e}\n{out}"))
    }

    /// The log's error and warning lines, for failure messages.
    pub fn problems(&self) -> String {
        self.log()
            .lines()
            .filter(|l| l.contains("level=error") || l.contains("level=warning"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Runs `ctr` against this containerd, in its mount namespace (so that it
    /// resolves the registry name the same way). Returns (success, stdout+stderr).
    pub fn ctr(&self, args: &[&str]) -> (bool, String) {
        let pid = self.daemon.pid().to_string();
        let out = Command::new("nsenter")
            .args(["--target", &pid, "--mount", "--"])
            .arg(self.release.program("ctr"))
            .arg("--address")
            .arg(&self.socket)
            .args(["--namespace", "k8s.io"])
            .args(args)
            .output()
            .expect("run nsenter ctr");
        let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
        text.push_str(&String::from_utf8_lossy(&out.stderr));
        (out.status.success(), text)
    }

    /// `ctr images pull` with the native snapshotter, as an operator would run it.
    pub fn ctr_pull(&self, image: &str, hosts_dir: Option<&Path>, user: Option<&str>) -> (bool, String) {
        let mut args = vec!["images", "pull", "--snapshotter", "native"];
        let dir;
        if let Some(d) = hosts_dir {
            dir = d.to_string_lossy().into_owned();
            args.extend(["--hosts-dir", &dir]);
        }
        if let Some(u) = user {
            args.extend(["--user", u]);
        }
        args.push(image);
        self.ctr(&args)
    }
}
