//! Diagnose: paste an error (`kubectl describe pod`, kubelet events, `crictl pull`, `ctr`,
//! containerd's journal, kubeadm), get the cause, the fix and a prefilled form.
//!
//! [`diagnose`] reads the text line by line with plain string matching (no regular
//! expressions: the web page's size budget), extracts the [`Facts`] the text reveals
//! (image, registry host and port, pause image, containerd version) and reports one
//! [`Finding`] per problem, most fundamental first: the config that stops containerd or
//! its CRI plugin, then DNS, then the network, then TLS, then credentials, then the image
//! itself. Each finding carries a [`Prefill`], the form changes that apply its fix.
//!
//! ```
//! use pullfix_core::diagnose::{diagnose, Family};
//! let d = diagnose(r#"Failed to pull image "hub.mooc.com/kubernetes/cronjob:v1": rpc error: code = Unknown desc = failed to pull and unpack image "hub.mooc.com/kubernetes/cronjob:v1": failed to resolve reference "hub.mooc.com/kubernetes/cronjob:v1": failed to do request: Head "https://hub.mooc.com/v2/kubernetes/cronjob/manifests/v1": x509: certificate signed by unknown authority"#);
//! assert_eq!(d.findings[0].family, Family::X509UnknownAuthority);
//! assert_eq!(d.findings[0].prefill.registry().as_deref(), Some("hub.mooc.com"));
//! let form = d.apply_all(&pullfix_core::Form::default());
//! assert_eq!(form.registries[0].host, "hub.mooc.com");
//! ```

pub mod facts;
pub mod prefill;
mod rules;
pub mod scan;

use serde::Serialize;

use crate::form::Form;
pub use facts::Facts;
pub use prefill::{apply_prefill, Prefill};

/// What kind of problem a finding is. The order of the variants is the order findings
/// are reported in: the most fundamental first.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// `expected containerd config version equal to or less than N, got M`.
    ConfigVersionTooNew,
    /// `containerd: failed to load TOML from <path>: <why>` for another reason than the
    /// version (2.x's `invalid disabled plugin URI "cri"`): containerd does not start.
    ConfigLoadFailed,
    /// `` `mirrors` / `configs.tls` cannot be set when `config_path` is provided ``.
    MixedConfigStyles,
    /// `unknown service runtime.v1.ImageService`: containerd runs without its CRI plugin.
    CriNotLoaded,
    /// `container.Runtime.Name must be set`: the default runtime has no `runtime_type`.
    RuntimeTypeMissing,
    /// `no runtime for "<handler>" is configured` (a RuntimeClass handler without a runtime
    /// table) or `no corresponding runtime configured in `containerd.runtimes` for ...
    /// default_runtime_name` (the CRI plugin does not load).
    RuntimeNotConfigured,
    /// `Ignoring unknown key in TOML for plugin`.
    UnknownConfigKey,
    /// `failed to decode hosts.toml` (or 1.6's `invalid `host` tree`).
    HostsTomlInvalid,
    /// `unable to read CA cert` / `unable to load CA cert` (hosts.toml `ca`) or
    /// `failed to load CA file` (1.x inline `tls.ca_file`): the CA file is missing,
    /// unreadable or not a PEM certificate.
    CaFileUnusable,
    /// `unable to read CERT file "<path>"` (the client certificate or its key: containerd says
    /// CERT for both) or `failed to load X509 key pair` (hosts.toml `client`, mTLS).
    ClientCertUnusable,
    /// `dial tcp: lookup <host> ...: no such host` / `i/o timeout`.
    DnsLookup,
    /// `connect: connection refused`.
    ConnectionRefused,
    /// `i/o timeout` to k8s.gcr.io, registry.k8s.io, Docker Hub and other public registries.
    PublicRegistryUnreachable,
    /// `dial tcp <addr>: i/o timeout` to any other registry.
    NetworkTimeout,
    /// `net/http: TLS handshake timeout`.
    TlsHandshakeTimeout,
    /// `http: server gave HTTP response to HTTPS client`.
    HttpResponseToHttps,
    /// `x509: certificate signed by unknown authority`.
    X509UnknownAuthority,
    /// `x509: certificate is valid for X, not Y` / `doesn't contain any IP SANs`.
    X509NameMismatch,
    /// `x509: certificate has expired or is not yet valid`.
    X509Expired,
    /// `FailedToRetrieveImagePullSecret` (before the 401 it causes).
    PullSecretMissing,
    /// `401 Unauthorized`, `no basic auth credentials`, `insufficient_scope`, `pull access denied`.
    Unauthorized,
    /// `403 Forbidden`: credentials accepted (or none needed) but the pull is not allowed.
    Forbidden,
    /// Docker Hub's `toomanyrequests`.
    TooManyRequests,
    /// `manifest unknown`, `...: not found`.
    ManifestNotFound,
    /// `no match for platform in manifest`: the image has no variant for the node's CPU.
    PlatformMismatch,
    /// `failed to get sandbox image "..."`.
    SandboxImage,
    /// kubeadm: `detected that the sandbox image "..." of the container runtime is inconsistent`.
    SandboxImageMismatch,
    /// Not a problem of its own: the text does not print the containerd version while a
    /// fix depends on it (the form then assumes the version its pause image points to,
    /// or leaves it to be set).
    ContainerdVersionUnknown,
}

impl Family {
    /// A stable identifier (`x509.unknown_authority`) for tests, scripts and translations.
    pub fn code(self) -> &'static str {
        match self {
            Family::ConfigVersionTooNew => "config.version_too_new",
            Family::MixedConfigStyles => "config.mixed_styles",
            Family::ConfigLoadFailed => "config.load_failed",
            Family::CriNotLoaded => "config.cri_not_loaded",
            Family::RuntimeTypeMissing => "config.runtime_type_missing",
            Family::RuntimeNotConfigured => "config.runtime_not_configured",
            Family::UnknownConfigKey => "config.unknown_key",
            Family::HostsTomlInvalid => "hosts_toml.invalid",
            Family::CaFileUnusable => "tls.ca_file_unusable",
            Family::ClientCertUnusable => "tls.client_cert_unusable",
            Family::DnsLookup => "net.dns",
            Family::ConnectionRefused => "net.connection_refused",
            Family::PublicRegistryUnreachable => "net.public_registry_unreachable",
            Family::NetworkTimeout => "net.timeout",
            Family::TlsHandshakeTimeout => "tls.handshake_timeout",
            Family::HttpResponseToHttps => "tls.http_response",
            Family::X509UnknownAuthority => "x509.unknown_authority",
            Family::X509NameMismatch => "x509.name_mismatch",
            Family::X509Expired => "x509.expired",
            Family::Unauthorized => "auth.unauthorized",
            Family::Forbidden => "auth.forbidden",
            Family::PullSecretMissing => "auth.pull_secret_missing",
            Family::TooManyRequests => "registry.too_many_requests",
            Family::ManifestNotFound => "registry.not_found",
            Family::PlatformMismatch => "registry.platform_mismatch",
            Family::SandboxImage => "sandbox.unreachable",
            Family::SandboxImageMismatch => "sandbox.kubeadm_mismatch",
            Family::ContainerdVersionUnknown => "containerd.version_unknown",
        }
    }
}

/// One problem the text shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// What kind of problem.
    pub family: Family,
    /// [`Family::code`], repeated for JSON consumers.
    pub code: &'static str,
    /// One line naming the problem.
    pub title: String,
    /// The line of the text that shows it (trimmed, at most a few hundred characters),
    /// credentials masked (see [`crate::redact::mask_secrets`]).
    pub excerpt: String,
    /// Its 1-based line number in the text (the last attempt's line when ctr logged
    /// `trying next host` lines before it).
    pub line: usize,
    /// What it means, in an operator's words.
    pub explanation: String,
    /// What to do.
    pub fix: String,
    /// The form changes that apply the fix.
    pub prefill: Prefill,
}

/// Everything [`diagnose`] found in a text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    /// The problems, most fundamental first.
    pub findings: Vec<Finding>,
    /// What the text reveals about the setup.
    pub facts: Facts,
}

impl Diagnosis {
    /// Applies every finding's prefill in order onto `form` (see [`apply_prefill`]).
    pub fn apply_all(&self, form: &Form) -> Form {
        self.findings.iter().fold(form.clone(), |f, finding| apply_prefill(&f, &finding.prefill))
    }
}

fn is_retry_line(excerpt: &str) -> bool {
    excerpt.contains("trying next host")
}

/// Reads an error text and reports its problems and facts. Never fails: a text with no
/// known problem gives no finding.
pub fn diagnose(text: &str) -> Diagnosis {
    diagnose_with(text, None)
}

/// [`diagnose`] for a form that already names the containerd version `version`
/// (`pullfix diagnose --form`). When the text prints no version, the form's is kept: every
/// prefill carries `version` instead of one inferred from the text (a default pause image,
/// the 2.x message format), and the [`Family::ContainerdVersionUnknown`] note says the
/// form's version is kept rather than assumed. A version the text prints still wins. An
/// empty or unparsable `version` is ignored (as [`diagnose`]).
pub fn diagnose_keeping_version(text: &str, version: &str) -> Diagnosis {
    let v = version.trim();
    diagnose_with(text, crate::version::Target::parse(v).is_ok().then_some(v))
}

/// Whether the `key=` of containerd's unknown-key warning `line` is a deeper key of the same
/// plugin's table than `other`'s (`containerd runtimes runc` below `containerd`).
fn deeper_key(line: &str, other: &str) -> bool {
    let key = |l: &str| scan::quoted_after(l, "key=").or_else(|| scan::word_after(l, "key=")).map(str::to_owned);
    let plugin = |l: &str| scan::word_after(l, "plugin=").map(str::to_owned);
    match (key(line), key(other)) {
        (Some(k), Some(o)) => plugin(line) == plugin(other) && k.starts_with(&format!("{o} ")),
        _ => false,
    }
}

fn diagnose_with(text: &str, kept: Option<&str>) -> Diagnosis {
    let lines = scan::lines(text);
    let facts = facts::extract(&lines);
    let mut findings: Vec<Finding> = Vec::new();
    for line in &lines {
        for f in rules::match_line(line, &facts) {
            let key = (f.family, f.prefill.registry());
            match findings.iter_mut().find(|g| (g.family, g.prefill.registry()) == key) {
                None => findings.push(f),
                // ctr logs each failed attempt as `trying next host` before its final
                // error line: quote the final line.
                Some(g) if is_retry_line(&g.excerpt) && !is_retry_line(&f.excerpt) => *g = f,
                // containerd warns about each level of an ignored table (`containerd`, then
                // `containerd runtimes`, ...): name the deepest one.
                Some(g) if f.family == Family::UnknownConfigKey && deeper_key(&f.excerpt, &g.excerpt) => *g = f,
                Some(_) => {}
            }
        }
    }
    let kept = kept.filter(|_| facts.containerd.is_none());
    if let Some(v) = kept {
        for f in &mut findings {
            f.prefill.containerd = Some(v.to_owned());
        }
    }
    crate::small_sort::sort_by_key(&mut findings, |f| (f.family, f.line));
    if let Some(note) = rules::version_note(&lines, &facts, &findings, kept) {
        findings.push(note);
    }
    // Matching read the text as pasted; what is shown has its credentials masked (review 13
    // I-3): the quoted line all of them (URL userinfo, `Authorization: Basic …`,
    // `--password=…`), pullfix's own sentences the userinfo of a URL they name.
    for f in &mut findings {
        f.excerpt = crate::redact::mask_secrets(&f.excerpt);
        for s in [&mut f.title, &mut f.explanation, &mut f.fix] {
            *s = crate::merge::mask_userinfo(s);
        }
    }
    Diagnosis { findings, facts }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Review 13 I-3: what is shown masks the credentials of the pasted text; matching
    /// reads the original, so every family and registry is still found.
    #[test]
    fn credentials_are_masked_in_what_is_shown_and_matching_still_works() {
        let text = "Warning  Failed  kubelet  Failed to pull image \"https://bob:UrlPass@h.example:5000/app:1\": \
                    x509: certificate signed by unknown authority\n\
                    time=\"2024-05-01T10:00:00Z\" level=debug msg=\"do request\" \
                    request.header.authorization=\"Basic dTpIZWFkZXJQYXNz\" url=\"https://h.example:5000/v2/app/manifests/1\"\n\
                    E0501 crictl pull --creds bob:CredsPass h.example:5000/app:1: failed to pull and unpack image \
                    \"h.example:5000/app:1\": failed to resolve reference \"h.example:5000/app:1\": unexpected status \
                    from HEAD request to https://h.example:5000/v2/app/manifests/1: 401 Unauthorized \
                    Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.BearerTok.sig\n\
                    docker login -u bob -p LoginPass other.example:5000: Error response from daemon: Get \
                    \"https://other.example:5000/v2/\": dial tcp 10.0.0.9:5000: connect: connection refused \
                    password=KvPass\n";
        let d = diagnose(text);
        let got: Vec<(Family, Option<String>)> = d.findings.iter().map(|f| (f.family, f.prefill.registry())).collect();
        let (reg, other) = (Some("h.example:5000".to_owned()), Some("other.example:5000".to_owned()));
        assert_eq!(
            got[..3],
            [
                (Family::ConnectionRefused, other),
                (Family::X509UnknownAuthority, reg.clone()),
                (Family::Unauthorized, reg)
            ]
        );
        assert_eq!(d.facts.endpoint.as_deref(), Some("https://h.example:5000"));
        let shown = serde_json::to_string(&d).unwrap();
        for secret in ["UrlPass", "dTpIZWFkZXJQYXNz", "CredsPass", "BearerTok", "LoginPass", "KvPass"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        let excerpts: Vec<&str> = d.findings.iter().map(|f| f.excerpt.as_str()).collect();
        assert!(excerpts[0].starts_with("docker login -u bob -p *** other") && excerpts[0].ends_with("password=***"));
        assert!(excerpts[1].contains("\"https://bob:***@h.example:5000/app:1\""), "{excerpts:?}");
        assert!(
            excerpts[2].contains("--creds bob:*** h.example") && excerpts[2].contains("Bearer ***"),
            "{excerpts:?}"
        );
    }
}
