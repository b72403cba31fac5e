//! The form changes a finding suggests, and applying them onto a [`Form`].

use serde::Serialize;

use crate::form::{Form, Mirror, Registry, Scheme};
use crate::host::{Endpoint, Host};

/// What a finding's fix changes in the form. Everything is optional: `None` / `false`
/// leaves the form as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Prefill {
    /// The registry's host as images name it, without port.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// The registry's port, when images name one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// How containerd must talk to the registry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheme: Option<Scheme>,
    /// The mirror containerd contacted for the registry's images, as far as the text shows
    /// its URL (`https://harbor.example.net/v2/dockerhub-proxy`). When set, the problem is
    /// the mirror's: the CA goes on this mirror's entry and the credentials are the
    /// mirror's own (a `[[registry]]` for its host), not the registry's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mirror: Option<String>,
    /// The registry's CA certificate must be given (its PEM or its path on the node); with
    /// a `mirror`, the mirror's.
    pub ca_needed: bool,
    /// Set `skip_verify` (only offered where no safer form change exists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip_verify: Option<bool>,
    /// The client certificate's path on the node (mTLS): the one the text names, or where
    /// pullfix suggests it (`<config_path>/<host>/client.cert`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_cert: Option<String>,
    /// The client key's path on the node (mTLS).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_key: Option<String>,
    /// The registry needs credentials (username and password, or a token); with a
    /// `mirror`, the mirror does (see [`Prefill::credentials_registry`]).
    pub credentials_needed: bool,
    /// Put the registry's credentials into containerd's config too (node level): the
    /// sandbox image is pulled without any imagePullSecret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_auth: Option<bool>,
    /// The sandbox (pause) image the nodes should use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sandbox_image: Option<String>,
    /// The containerd version the node runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub containerd: Option<String>,
    /// A namespace that needs the pull Secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// The pull Secret's name the pods reference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_name: Option<String>,
}

impl Prefill {
    /// A prefill naming a registry given as `host[:port]` (ignored when not a valid host).
    pub fn for_registry(hostport: Option<&str>) -> Prefill {
        let mut p = Prefill::default();
        if let Some(h) = hostport.and_then(|h| Host::parse(h).ok()) {
            p.host = Some(h.name);
            p.port = h.port;
        }
        p
    }

    /// `host[:port]`, the registry as images name it (and the form's `registry[].host`).
    pub fn registry(&self) -> Option<String> {
        let h = self.host.as_deref()?;
        Some(match self.port {
            Some(p) => format!("{h}:{p}"),
            None => h.to_owned(),
        })
    }

    /// The `host[:port]` whose `[[registry]]` must hold the credentials: the mirror's host
    /// when there is a mirror (the Secret is still keyed for the image's registry, but
    /// carries the mirror's credentials; node-level ones are looked up by the host
    /// containerd contacts), else [`Prefill::registry`].
    pub fn credentials_registry(&self) -> Option<String> {
        match self.mirror.as_deref().and_then(|m| Endpoint::parse(m).ok()) {
            Some(e) => Some(e.host.reference()),
            None => self.registry(),
        }
    }

    /// True when applying it changes nothing.
    pub fn is_empty(&self) -> bool {
        *self == Prefill::default()
    }
}

/// Returns `form` with the prefill applied:
/// - `containerd` and `sandbox_image` are set when the prefill names them;
/// - the registry is found by its `host` (or the first registry with an empty host is
///   used, or a new one is added), then its `scheme` and `skip_verify` are set; when a CA
///   is needed and the registry has none, `ca_file` is set to
///   `<config_path>/<host>/ca.crt`, where the CA must be put (or its PEM pasted);
/// - with a `mirror`, the registry gets that mirror (unless it has one on the same URL,
///   or on the same host when the text shows no path), with `override_path` for a
///   `/v2/...` path; a needed CA goes on the mirror (`<config_path>/<mirror host>/ca.crt`),
///   which is the entry the registry's hosts.toml reads (unless a `[[registry]]` on the
///   mirror's host already has a CA or skip_verify: generate gives the mirror that), and
///   a `[[registry]]` for the mirror's host is added to hold its credentials when they
///   are needed (`node_auth` goes there too);
/// - the namespace is added to `kubernetes.namespaces` and the Secret name is set when
///   the form names none.
///
/// Credentials are never invented: `credentials_needed` only tells the page to ask.
pub fn apply_prefill(form: &Form, prefill: &Prefill) -> Form {
    let mut form = form.clone();
    if let Some(v) = prefill.containerd.as_deref().filter(|v| !v.is_empty()) {
        form.containerd = v.to_owned();
    }
    if let Some(s) = prefill.sandbox_image.as_deref().filter(|s| !s.is_empty()) {
        form.sandbox_image = s.to_owned();
    }
    if let Some(reference) = prefill.registry() {
        let config_path = form.config_path().to_owned();
        let idx = match form.registries.iter().position(|r| r.host.trim().eq_ignore_ascii_case(&reference)) {
            Some(i) => i,
            None => match form.registries.iter().position(|r| r.host.trim().is_empty()) {
                Some(i) => {
                    form.registries[i].host = reference.clone();
                    i
                }
                None => {
                    form.registries.push(Registry { host: reference.clone(), ..Registry::default() });
                    form.registries.len() - 1
                }
            },
        };
        let mirror = prefill.mirror.as_deref().and_then(|m| Endpoint::parse(m.trim()).ok());
        // A mirror on a listed registry's host gets that registry's TLS from generate.
        let mirror_host_has_tls = mirror.as_ref().is_some_and(|e| {
            form.registries.iter().any(|r| {
                r.host.trim().eq_ignore_ascii_case(&e.host.reference())
                    && (!r.ca_file.trim().is_empty() || !r.ca_pem.trim().is_empty() || r.skip_verify)
            })
        });
        let r = &mut form.registries[idx];
        if let Some(s) = prefill.scheme {
            r.scheme = s;
        }
        if let Some(v) = prefill.skip_verify {
            r.skip_verify = v;
        }
        match &mirror {
            None => {
                if let Some(v) = prefill.node_auth {
                    r.node_auth = v;
                }
                if prefill.ca_needed && r.ca_file.trim().is_empty() && r.ca_pem.trim().is_empty() && !r.skip_verify {
                    r.ca_file = format!("{}/{}/ca.crt", config_path.trim_end_matches('/'), reference);
                }
                // A client certificate pair: only where the form has none (review 11 N4).
                if r.client_cert.trim().is_empty() && r.client_key.trim().is_empty() {
                    if let Some(c) = prefill.client_cert.as_deref().filter(|c| !c.is_empty()) {
                        r.client_cert = c.to_owned();
                    }
                    if let Some(k) = prefill.client_key.as_deref().filter(|k| !k.is_empty()) {
                        r.client_key = k.to_owned();
                    }
                }
            }
            Some(e) => {
                let m = mirror_entry(r, e);
                if prefill.ca_needed && m.ca_file.trim().is_empty() && !m.skip_verify && !mirror_host_has_tls {
                    m.ca_file = format!("{}/{}/ca.crt", config_path.trim_end_matches('/'), e.host.reference());
                }
                if prefill.credentials_needed || prefill.node_auth.is_some() {
                    let host = e.host.reference();
                    let j = match form.registries.iter().position(|r| r.host.trim().eq_ignore_ascii_case(&host)) {
                        Some(j) => j,
                        None => {
                            form.registries.push(Registry { host, ..Registry::default() });
                            form.registries.len() - 1
                        }
                    };
                    if let Some(v) = prefill.node_auth {
                        form.registries[j].node_auth = v;
                    }
                }
            }
        }
    }
    if let Some(ns) = prefill.namespace.as_deref().filter(|n| !n.is_empty()) {
        if !form.kubernetes.namespaces.iter().any(|n| n == ns) {
            form.kubernetes.namespaces.push(ns.to_owned());
        }
    }
    if let Some(name) = prefill.secret_name.as_deref().filter(|n| !n.is_empty()) {
        if form.kubernetes.secret_name.trim().is_empty() {
            form.kubernetes.secret_name = name.to_owned();
        }
    }
    form
}

/// The registry's mirror on the endpoint `e`: the one with the same URL, else (when the
/// text shows no path) the first on the same host, else a new one.
fn mirror_entry<'a>(r: &'a mut Registry, e: &Endpoint) -> &'a mut Mirror {
    let url = e.url();
    let parsed = |m: &Mirror| Endpoint::parse(m.url.trim()).ok();
    let same = r.mirrors.iter().position(|m| parsed(m).is_some_and(|p| p.url().trim_end_matches('/') == url));
    let same_host = || {
        r.mirrors
            .iter()
            .position(|m| e.path.is_empty() && parsed(m).is_some_and(|p| p.host.reference() == e.host.reference()))
    };
    let k = match same.or_else(same_host) {
        Some(k) => k,
        None => {
            // A Harbor proxy-cache project's path is the API root: `/v2/<project>`.
            let override_path = e.path.starts_with("/v2/") && e.path.len() > "/v2/".len();
            r.mirrors.push(Mirror { url, override_path, ..Mirror::default() });
            r.mirrors.len() - 1
        }
    };
    &mut r.mirrors[k]
}
