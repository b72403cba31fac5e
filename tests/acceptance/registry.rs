//! The distribution registry (`docker-registry serve`) on a free loopback port:
//! one instance with TLS and basic auth (the incident's Harbor), one plain HTTP.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::daemon::{free_port, Daemon};
use super::pki::{htpasswd, Pki};

/// The registry account of the incident.
pub const USER: &str = "admin";
/// Its password.
pub const PASSWORD: &str = "Harbor12345";

/// A running registry.
#[derive(Debug)]
pub struct Registry {
    /// The loopback port it listens on.
    pub port: u16,
    _daemon: Daemon,
}

impl Registry {
    /// Starts a registry with its storage, config and log under `dir`. With `pki`,
    /// it serves TLS and requires `USER`/`PASSWORD` (bcrypt htpasswd).
    pub fn start(dir: &Path, pki: Option<&Pki>) -> Registry {
        std::fs::create_dir_all(dir).expect("create registry dir");
        // A port free a moment ago can be taken meanwhile (tests run in parallel): retry.
        for attempt in 1.. {
            let port = free_port();
            let file = write_config(dir, port, pki);
            let mut daemon = Daemon::start(
                "docker-registry",
                "docker-registry",
                &["serve", &file.to_string_lossy()],
                &dir.join("registry.log"),
            );
            let up = daemon
                .wait_for("listening", Duration::from_secs(20), |_| TcpStream::connect(("127.0.0.1", port)).is_ok());
            match up {
                Ok(()) => return Registry { port, _daemon: daemon },
                Err(log) if attempt < 3 && log.contains("address already in use") => continue,
                Err(log) => panic!("docker-registry did not start:\n{log}"),
            }
        }
        unreachable!("the loop returns or panics")
    }
}

/// Writes the registry's config.yml for `port` and returns its path.
fn write_config(dir: &Path, port: u16, pki: Option<&Pki>) -> PathBuf {
    let mut http = serde_json::json!({ "addr": format!("127.0.0.1:{port}") });
    let mut config = serde_json::json!({
        "version": 0.1,
        "log": { "level": "info", "accesslog": { "disabled": false } },
        "storage": { "filesystem": { "rootdirectory": dir.join("data") } },
    });
    if let Some(pki) = pki {
        http["tls"] = serde_json::json!({ "certificate": pki.server_crt, "key": pki.server_key });
        let file = dir.join("htpasswd");
        htpasswd(&file, USER, PASSWORD);
        config["auth"] = serde_json::json!({ "htpasswd": { "realm": "pullfix", "path": file } });
    }
    config["http"] = http;
    let yaml = serde_yaml::to_string(&config).expect("registry config as YAML");
    let file = dir.join("config.yml");
    std::fs::write(&file, yaml).expect("write registry config");
    file
}
