//! The form: the public contract between the CLI, the web page and the generators.
//!
//! Plain data that serde reads from TOML, YAML or JSON. Every user-typed value is a
//! `String` (empty means "not set") so that a half-typed form is representable and
//! still renders; [`crate::validate`] turns bad values into field diagnostics.

use serde::{Deserialize, Serialize};

pub use crate::flavor::Flavor;
pub use crate::rollout::Rollout;

fn is_false(b: &bool) -> bool {
    !*b
}

/// Everything the operator tells us.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Form {
    /// Target containerd version, `"1.2"` .. `"1.7"`, `"2.0"` .. `"2.3"`; a patch
    /// release (`"1.6.20"`) is accepted and refines version-specific checks.
    pub containerd: String,
    /// The hosts.toml directory (`config_path`), one directory. Empty: the default
    /// `/etc/containerd/certs.d` where the target supports hosts.toml.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub config_path: String,
    /// The sandbox (pause) image the nodes should use. Empty: leave containerd's default.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub sandbox_image: String,
    /// On 1.5 - 1.7: emit the deprecated inline `registry.mirrors` / `registry.configs`
    /// keys instead of hosts.toml (for nodes that already use them).
    #[serde(skip_serializing_if = "is_false")]
    pub legacy_config: bool,
    /// The registries to configure, as `[[registry]]` tables.
    #[serde(rename = "registry", skip_serializing_if = "Vec::is_empty")]
    pub registries: Vec<Registry>,
    /// The Kubernetes side: pull Secret and where it is referenced.
    #[serde(skip_serializing_if = "Kubernetes::is_empty")]
    pub kubernetes: Kubernetes,
    /// The Kubernetes distribution the nodes run (`kubeadm`, `k3s`, `rke2`, `kind`,
    /// `talos`, `kubespray`, `minikube`): decides which node files are rendered.
    #[serde(skip_serializing_if = "Flavor::is_default")]
    pub flavor: Flavor,
    /// Fleet rollout: the DaemonSet that installs the certs.d files on every node,
    /// and the node script's verification image.
    #[serde(skip_serializing_if = "Rollout::is_empty")]
    pub rollout: Rollout,
}

impl Default for Form {
    fn default() -> Self {
        Form {
            containerd: DEFAULT_CONTAINERD.to_owned(),
            config_path: String::new(),
            sandbox_image: String::new(),
            legacy_config: false,
            registries: Vec::new(),
            kubernetes: Kubernetes::default(),
            flavor: Flavor::default(),
            rollout: Rollout::default(),
        }
    }
}

/// The containerd version a form targets when it names none.
pub const DEFAULT_CONTAINERD: &str = "1.7";
/// containerd's documented hosts.toml directory.
pub const DEFAULT_CONFIG_PATH: &str = "/etc/containerd/certs.d";

impl Form {
    /// The hosts.toml directory in effect: the form's, or the default.
    pub fn config_path(&self) -> &str {
        let p = self.config_path.trim();
        if p.is_empty() {
            DEFAULT_CONFIG_PATH
        } else {
            p
        }
    }
}

/// `http` or `https`, how containerd talks to a registry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    /// TLS, the default.
    #[default]
    Https,
    /// Plain HTTP; must be explicit in hosts.toml.
    Http,
}

impl Scheme {
    /// `"https"` or `"http"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Https => "https",
            Scheme::Http => "http",
        }
    }
}

/// One registry as images name it, how to reach it, and its credentials.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Registry {
    /// The registry exactly as image references name it: `harbor.example.net:8443`,
    /// `10.50.1.104:5000`, `docker.io`, `registry.k8s.io`, or `_default`.
    pub host: String,
    /// How the registry itself is reached.
    #[serde(skip_serializing_if = "is_https")]
    pub scheme: Scheme,
    /// Path of the CA certificate on the node.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub ca_file: String,
    /// PEM text of the CA; when given, the CA file is emitted too.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub ca_pem: String,
    /// Client certificate path on the node (mTLS), with `client_key`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub client_cert: String,
    /// Client key path on the node (mTLS), with `client_cert`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub client_key: String,
    /// Do not verify the registry's certificate (unsafe).
    #[serde(skip_serializing_if = "is_false")]
    pub skip_verify: bool,
    /// User name for the registry (Harbor robot accounts look like `robot$ci`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub username: String,
    /// Password or robot token.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub password: String,
    /// An identity (refresh) token instead of username and password.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub identity_token: String,
    /// Also put the credentials into containerd's config (node level), needed for the
    /// sandbox image and for pods without imagePullSecrets.
    #[serde(skip_serializing_if = "is_false")]
    pub node_auth: bool,
    /// Never fall back to the upstream host: only the mirrors are contacted.
    #[serde(skip_serializing_if = "is_false")]
    pub mirror_only: bool,
    /// Mirrors, tried in order before the upstream.
    #[serde(rename = "mirror", skip_serializing_if = "Vec::is_empty")]
    pub mirrors: Vec<Mirror>,
}

fn is_https(s: &Scheme) -> bool {
    *s == Scheme::Https
}

impl Registry {
    /// Whether any credential is set.
    pub fn has_credentials(&self) -> bool {
        !self.username.is_empty() || !self.password.is_empty() || !self.identity_token.is_empty()
    }

    /// `<username>:<password>` (the password a placeholder, never the real one) for a test
    /// pull on a node (`crictl pull --creds`, `ctr images pull --user`) when the
    /// credentials reach pods only through the pull Secret: a username and `node_auth`
    /// off. Such a pull has no credentials of its own, so a private repository answers
    /// 401 without them. `None` when the node has the credentials or there is no username.
    /// For a registry whose pull Secret entry carries a mirror's credentials, see
    /// [`crate::pull_auth::test_pull_creds`].
    pub fn test_pull_creds(&self) -> Option<String> {
        let user = self.username.trim();
        (!self.node_auth && !user.is_empty()).then(|| format!("{user}:<password>"))
    }
}

/// A mirror endpoint for a registry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Mirror {
    /// `https://harbor.example.net/v2/dockerhub-proxy`; the scheme is required.
    pub url: String,
    /// The URL's path is the registry API root (Harbor proxy-cache projects).
    #[serde(skip_serializing_if = "is_false")]
    pub override_path: bool,
    /// `pull`, `resolve`, `push`; empty means `["pull", "resolve"]`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub capabilities: Vec<String>,
    /// CA for this mirror when it differs from the registry's.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub ca_file: String,
    /// Do not verify this mirror's certificate (unsafe).
    #[serde(skip_serializing_if = "is_false")]
    pub skip_verify: bool,
}

/// The capabilities a mirror gets when the form names none.
pub const DEFAULT_MIRROR_CAPABILITIES: [&str; 2] = ["pull", "resolve"];

/// Kubernetes objects: one docker-registry Secret per namespace, and patches.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Kubernetes {
    /// Secret name; empty means `regcred`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub secret_name: String,
    /// One Secret per namespace; empty means `["default"]`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub namespaces: Vec<String>,
    /// As kubectl's `--docker-email`; omitted when empty.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub email: String,
    /// Workloads and ServiceAccounts that must reference the Secret.
    #[serde(rename = "patch", skip_serializing_if = "Vec::is_empty")]
    pub patches: Vec<PatchTarget>,
}

/// The Secret name used when the form names none.
pub const DEFAULT_SECRET_NAME: &str = "regcred";

impl Kubernetes {
    /// True when nothing is set (then it is left out of serialized forms).
    pub fn is_empty(&self) -> bool {
        *self == Kubernetes::default()
    }

    /// The Secret name in effect.
    pub fn secret_name(&self) -> &str {
        let n = self.secret_name.trim();
        if n.is_empty() {
            DEFAULT_SECRET_NAME
        } else {
            n
        }
    }
}

/// An object that must list the Secret in its `imagePullSecrets`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PatchTarget {
    /// ServiceAccount, Deployment, StatefulSet, DaemonSet, ReplicaSet, CronJob, Job or Pod.
    pub kind: String,
    /// The object's name.
    pub name: String,
    /// Its namespace; empty means `default`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub namespace: String,
}
