//! k3s and RKE2 `registries.yaml`: export from the form, and import into a form.
//!
//! k3s and RKE2 write containerd's config.toml and hosts.toml themselves from
//! `/etc/rancher/{k3s,rke2}/registries.yaml`:
//!
//! ```yaml
//! mirrors:
//!   docker.io:
//!     endpoint: ["https://harbor.example.net/v2/dockerhub-proxy"]
//! configs:
//!   harbor.example.net:
//!     auth: {username: robot$ci, password: secret}
//!     tls: {ca_file: /etc/rancher/k3s/certs/harbor.example.net/ca.crt}
//! ```
//!
//! How k3s reads it (its `pkg/agent/containerd/config.go`): an endpoint whose path is
//! empty, `/` or `/v2` gets containerd's default `/v2`; any other path is used as is
//! (`override_path`). `configs` are looked up by the host an endpoint contacts, and by
//! the registry itself for its default endpoint, which is always tried last unless the
//! node runs with `--disable-default-registry-endpoint`. `*` is the catch-all registry.
//!
//! The export is invertible: [`import`] of an export gives the form back, for every
//! form whose settings registries.yaml can hold (see the diagnostics for the rest).

use serde_yaml::{Mapping, Value};

use crate::flavor::Flavor;
use crate::host::{Endpoint, DEFAULT_NAMESPACE, DOCKER_HUB};

mod export;
mod import;
#[cfg(test)]
mod tests;

pub use export::{export, render};
pub use import::import;

/// The diagnostic code of a registries.yaml that is not YAML (the import has no form then).
pub const PARSE_ERROR: &str = "registries-yaml.parse";

/// The file k3s reads, without leading slash.
pub const K3S_PATH: &str = "etc/rancher/k3s/registries.yaml";
/// The file RKE2 reads, without leading slash.
pub const RKE2_PATH: &str = "etc/rancher/rke2/registries.yaml";

pub(super) fn distro(flavor: Flavor) -> &'static str {
    if flavor == Flavor::Rke2 {
        "rke2"
    } else {
        "k3s"
    }
}

/// Where a CA given as PEM text is written for k3s or RKE2 when the form names no path.
pub fn default_ca_path(flavor: Flavor, namespace: &str) -> String {
    format!("/etc/rancher/{}/certs/{}/ca.crt", distro(flavor), namespace.replace(':', "_"))
}

/// One `configs.<host>` entry: credentials and TLS for a host.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct HostConfig {
    pub(super) username: String,
    pub(super) password: String,
    pub(super) identity_token: String,
    pub(super) ca_file: String,
    pub(super) cert_file: String,
    pub(super) key_file: String,
    pub(super) insecure_skip_verify: bool,
}

impl HostConfig {
    pub(super) fn has_auth(&self) -> bool {
        !self.username.is_empty() || !self.password.is_empty() || !self.identity_token.is_empty()
    }
    pub(super) fn has_tls(&self) -> bool {
        !self.ca_file.is_empty() || !self.cert_file.is_empty() || !self.key_file.is_empty() || self.insecure_skip_verify
    }
    pub(super) fn to_yaml(&self) -> Value {
        let mut m = Mapping::new();
        if self.has_auth() {
            let mut a = Mapping::new();
            put(&mut a, "username", &self.username);
            put(&mut a, "password", &self.password);
            put(&mut a, "identity_token", &self.identity_token);
            m.insert(Value::from("auth"), Value::Mapping(a));
        }
        if self.has_tls() {
            let mut t = Mapping::new();
            put(&mut t, "ca_file", &self.ca_file);
            put(&mut t, "cert_file", &self.cert_file);
            put(&mut t, "key_file", &self.key_file);
            if self.insecure_skip_verify {
                t.insert(Value::from("insecure_skip_verify"), Value::Bool(true));
            }
            m.insert(Value::from("tls"), Value::Mapping(t));
        }
        Value::Mapping(m)
    }
}

fn put(m: &mut Mapping, k: &str, v: &str) {
    if !v.is_empty() {
        m.insert(Value::from(k), Value::String(v.to_owned()));
    }
}

/// The registries.yaml key for a hosts.toml namespace (`_default` is `*`).
pub(super) fn yaml_key(namespace: &str) -> String {
    if namespace == DEFAULT_NAMESPACE {
        "*".to_owned()
    } else {
        namespace.to_owned()
    }
}

/// The registry a mirror endpoint URL contacts, as configs keys name it.
pub(super) fn endpoint_registry(e: &Endpoint) -> String {
    let r = e.host.reference();
    if r == "registry-1.docker.io" || r == "index.docker.io" {
        DOCKER_HUB.to_owned()
    } else {
        r
    }
}

/// The endpoint URL for a mirror (`origin` = `scheme://host[:port]`), spelled so that
/// k3s contacts the same URLs containerd would: a path is the API root only with
/// `override_path`, otherwise containerd appends `/v2` and so must the endpoint.
pub(super) fn k3s_endpoint(origin: &str, path: &str, override_path: bool) -> Option<String> {
    match (override_path, path) {
        (false, "") => Some(origin.to_owned()),
        // containerd appends /v2 only to a path that does not end in it (`parseHostConfig`).
        (false, p) if p.ends_with("/v2") => Some(format!("{origin}{p}")),
        (false, p) => Some(format!("{origin}{p}/v2")),
        (true, "" | "/v2") => None,
        (true, p) => Some(format!("{origin}{p}")),
    }
}
