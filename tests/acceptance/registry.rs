//! The distribution registry (`docker-registry serve`) on a free loopback port:
//! one instance with TLS and basic auth (the incident's Harbor), one plain HTTP.

use std::net::TcpStream;
use std::path::Path;
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
        let port = free_port();
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
        let mut daemon = Daemon::start(
            "docker-registry",
            "docker-registry",
            &["serve", &file.to_string_lossy()],
            &dir.join("registry.log"),
        );
        daemon.wait_until("listening", Duration::from_secs(20), |_| TcpStream::connect(("127.0.0.1", port)).is_ok());
        Registry { port, _daemon: daemon }
    }
}
