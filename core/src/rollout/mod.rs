//! Fleet rollout through Kubernetes itself: a DaemonSet that installs the rendered
//! `certs.d/<host>/hosts.toml` and CA files on every node and keeps them in sync.
//!
//! The files travel in a ConfigMap (a Secret for anything sensitive); a small
//! container copies them through hostPath volumes onto each node, comparing contents
//! on every pass, so editing the ConfigMap updates every node within a minute. No
//! containerd restart is needed: containerd re-reads hosts.toml on every pull. The
//! container's script is a constant ([`SYNC_SCRIPT`]); every user value reaches it as
//! ConfigMap data, never as script text.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_yaml::{Mapping, Value};

use crate::diagnostic::{Diagnostic, Field};
use crate::output::{AfterApply, FileKind, OutputFile, Placement};
use crate::validate::Checked;

mod check;
mod image;

pub use check::{check, is_label_key, is_label_value};

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// `[rollout]` in the form: how the DaemonSet runs, and what the node script verifies.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rollout {
    /// Render the DaemonSet (with its ConfigMap and Secret) under `k8s/rollout/`.
    #[serde(skip_serializing_if = "is_false")]
    pub daemonset: bool,
    /// Render `node-setup.sh`, the script to run on each node.
    #[serde(skip_serializing_if = "is_false")]
    pub node_script: bool,
    /// Namespace of the DaemonSet, ConfigMap and Secret; empty means `kube-system`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    /// Name of the DaemonSet, ConfigMap and Secret; empty means `pullfix-node-files`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Image of the installer container (any image with a POSIX `sh`, `cmp`, `cp`);
    /// empty means `busybox:1.36`. Point it at your own mirror when nodes cannot reach Docker Hub.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub image: String,
    /// An existing pull Secret in the rollout namespace for that image, when it needs one.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub image_pull_secret: String,
    /// Node labels the DaemonSet is restricted to; empty means `kubernetes.io/os = "linux"`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub node_selector: BTreeMap<String, String>,
    /// Taints the DaemonSet tolerates; empty means every taint (`operator: Exists`),
    /// so control-plane nodes get the files too.
    #[serde(rename = "toleration", skip_serializing_if = "Vec::is_empty")]
    pub tolerations: Vec<Toleration>,
    /// Seconds between two sync passes; 0 means 60.
    #[serde(skip_serializing_if = "is_zero")]
    pub sync_seconds: u32,
    /// An image the node script pulls with `crictl pull` at the end, to prove the fix.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub verify_image: String,
}

/// A Kubernetes toleration, as in a pod spec.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Toleration {
    /// Taint key; empty with `Exists` matches every taint.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub key: String,
    /// `Exists` or `Equal`; empty means `Equal`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub operator: String,
    /// Taint value (with `Equal`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub value: String,
    /// `NoSchedule`, `PreferNoSchedule`, `NoExecute`; empty matches all effects.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub effect: String,
}

/// The namespace used when the form names none.
pub const DEFAULT_NAMESPACE: &str = "kube-system";
/// The object name used when the form names none.
pub const DEFAULT_NAME: &str = "pullfix-node-files";
/// The installer image used when the form names none.
pub const DEFAULT_IMAGE: &str = "busybox:1.36";
/// Seconds between sync passes when the form names none.
pub const DEFAULT_SYNC_SECONDS: u32 = 60;
/// Where the container mounts the ConfigMap.
pub const FILES_MOUNT: &str = "/pullfix/files";
/// Where the container mounts the Secret.
pub const SECRET_MOUNT: &str = "/pullfix/secret";
/// Where the container sees the node's file system (hostPath volumes below it).
pub const HOST_MOUNT: &str = "/host";
/// The ConfigMap key listing what to install: `key mode source path` per line.
pub const MANIFEST_KEY: &str = "manifest";
/// The ConfigMap key naming the node file that records what the DaemonSet installed.
pub const STATE_KEY: &str = "state-file";

impl Rollout {
    /// True when nothing is set (then it is left out of serialized forms).
    pub fn is_empty(&self) -> bool {
        *self == Rollout::default()
    }
    /// The namespace in effect.
    pub fn namespace(&self) -> &str {
        or(&self.namespace, DEFAULT_NAMESPACE)
    }
    /// The object name in effect.
    pub fn name(&self) -> &str {
        or(&self.name, DEFAULT_NAME)
    }
    /// The installer image in effect.
    pub fn image(&self) -> &str {
        or(&self.image, DEFAULT_IMAGE)
    }
    /// Seconds between sync passes in effect.
    pub fn sync_seconds(&self) -> u32 {
        if self.sync_seconds == 0 {
            DEFAULT_SYNC_SECONDS
        } else {
            self.sync_seconds
        }
    }
}

fn or<'a>(v: &'a str, default: &'a str) -> &'a str {
    let v = v.trim();
    if v.is_empty() {
        default
    } else {
        v
    }
}

/// The installer container's script. Environment: `PULLFIX_SRC` (ConfigMap mount),
/// `PULLFIX_SECRETS` (Secret mount), `PULLFIX_ROOT` (the node's `/` as mounted),
/// `PULLFIX_INTERVAL` (seconds), `PULLFIX_ONCE=1` (one pass, for tests).
///
/// Each pass copies every manifest entry whose contents differ (through a temporary
/// file and `mv`, so containerd never reads half a file), backs up a file it did not
/// write before replacing it the first time, and removes files it wrote earlier that
/// have left the manifest, putting back the original it backed up, if any.
pub const SYNC_SCRIPT: &str = include_str!("sync.sh");

/// The files the DaemonSet installs: the node-side hosts.toml and certificate files.
pub fn node_files(files: &[OutputFile]) -> Vec<&OutputFile> {
    files
        .iter()
        .filter(|f| {
            matches!(f.kind, FileKind::HostsToml | FileKind::Certificate) && crate::flavor::is_node_path(&f.path)
        })
        .collect()
}

/// Renders `k8s/rollout/<name>.yaml`: the Namespace (for a namespace clusters do not
/// have by themselves), the ConfigMap, the Secret (when a file is sensitive) and the
/// DaemonSet, as one multi-document YAML file; and checks that the DaemonSet's pods can
/// pull their image before the files are on the node.
// Kept out of the first render's code (compiled on first call): ARCHITECTURE.md, "Start-up".
#[inline(never)]
pub fn render(
    checked: &Checked,
    rollout: &Rollout,
    files: &[OutputFile],
    diags: &mut Vec<Diagnostic>,
) -> Vec<OutputFile> {
    let target = checked.target;
    if !target.has_hosts_toml() || checked.form.legacy_config {
        if !rollout.is_empty() || !node_files(files).is_empty() {
            diags.push(Diagnostic::info(
                Field::root("rollout"),
                "rollout.needs-hosts-toml",
                format!(
                    "No DaemonSet is rendered: it installs certs.d/hosts.toml files, which containerd {target} {} use.",
                    if checked.form.legacy_config { "does not (legacy_config is on)" } else { "cannot" }
                ),
                "Use the node script, or target containerd 1.5 or newer without legacy_config.",
            ));
        }
        return Vec::new();
    }
    let installed = node_files(files);
    if installed.is_empty() {
        return Vec::new();
    }
    image::check_image(checked, rollout, &installed, diags);
    image::check_pull_secret(checked, rollout, diags);
    let name = rollout.name();
    let namespace = rollout.namespace();
    let config_path = checked.config_path.trim_end_matches('/').to_owned();

    let mut cm_data = Mapping::new();
    let mut secret_data = Mapping::new();
    let mut manifest = String::new();
    let mut dirs: Vec<String> = vec![config_path.clone()];
    for (i, f) in installed.iter().enumerate() {
        let key = data_key(i, &f.path);
        let node_path = format!("/{}", f.path);
        let from = if f.sensitive { "secret" } else { "cm" };
        manifest.push_str(&format!("{key} {:o} {from} {node_path}\n", f.mode()));
        let value = Value::String(f.contents.clone());
        if f.sensitive {
            secret_data.insert(Value::String(key), value);
        } else {
            cm_data.insert(Value::String(key), value);
        }
        let parent = node_path.rsplit_once('/').map(|(d, _)| d).unwrap_or("/").to_owned();
        if !dirs.iter().any(|d| parent == *d || parent.starts_with(&format!("{d}/"))) {
            dirs.retain(|d| !d.starts_with(&format!("{parent}/")));
            dirs.push(parent);
        }
    }
    cm_data.insert(Value::from(MANIFEST_KEY), Value::String(manifest));
    cm_data.insert(Value::from(STATE_KEY), Value::String(format!("{config_path}/.pullfix-managed")));

    let labels = map([("app.kubernetes.io/name", s(name)), ("app.kubernetes.io/managed-by", s("pullfix"))]);
    let meta = map([("name", s(name)), ("namespace", s(namespace)), ("labels", labels.clone())]);
    let creates_namespace = !BUILT_IN_NAMESPACES.contains(&namespace);
    let mut docs = Vec::new();
    if creates_namespace {
        docs.push(namespace_object(namespace));
    }
    docs.push(map([
        ("apiVersion", s("v1")),
        ("kind", s("ConfigMap")),
        ("metadata", meta.clone()),
        ("data", Value::Mapping(cm_data)),
    ]));
    let has_secret = !secret_data.is_empty();
    if has_secret {
        docs.push(map([
            ("apiVersion", s("v1")),
            ("kind", s("Secret")),
            ("metadata", meta.clone()),
            ("type", s("Opaque")),
            ("stringData", Value::Mapping(secret_data)),
        ]));
    }
    docs.push(daemonset(rollout, &meta, &labels, &dirs, has_secret));

    let mut contents = String::new();
    for (i, d) in docs.iter().enumerate() {
        if i > 0 {
            contents.push_str("---\n");
        }
        contents.push_str(&crate::yaml::to_string(d));
    }
    let version_key = target.dialect().cri_table_name();
    let namespace_note = if creates_namespace {
        format!(
            "\nIt creates namespace {namespace} first, at Pod Security level privileged (labels \
             pod-security.kubernetes.io/enforce, audit and warn = privileged): the pods \
             mount node directories through hostPath, which the baseline and restricted Pod Security levels forbid. \
             If {namespace} exists already, apply only sets those labels. Apply this file before anything else that goes \
             into {namespace} (such as a pull Secret for it); `kubectl delete -f` on it deletes the namespace with \
             everything in it."
        )
    } else if namespace != DEFAULT_NAMESPACE {
        format!(
            "\nThe pods mount node directories through hostPath, so namespace {namespace} must allow privileged pods \
             (Pod Security level privileged: label pod-security.kubernetes.io/enforce=privileged, or no such label where \
             the cluster's default allows it)."
        )
    } else {
        String::new()
    };
    vec![OutputFile {
        path: format!("k8s/rollout/{name}.yaml"),
        contents,
        kind: FileKind::Kubernetes,
        title: format!(
            "DaemonSet {namespace}/{name}{}: installs {} certs.d file(s) on every node",
            if creates_namespace { " (creates the namespace)" } else { "" },
            installed.len()
        ),
        instructions: format!(
            "kubectl apply -f k8s/rollout/{name}.yaml\n\
             The DaemonSet copies the hosts.toml and CA files into {config_path} on every matching node and \
             re-checks them every {}s, so editing the ConfigMap (or re-applying this file) updates all nodes; \
             files it installed and that leave the ConfigMap are removed, a file it replaces for the first time \
             is kept as <file>.pullfix-backup and put back when its replacement leaves the ConfigMap. No containerd restart is needed: containerd reads hosts.toml on every pull.\n\
             One-time prerequisite it cannot do for you: containerd must have config_path = \"{config_path}\" under \
             [{version_key}.registry] in /etc/containerd/config.toml, and turning that on is a config.toml change \
             followed by `systemctl restart containerd` on each node (node-setup.sh does it when you give pullfix your config.toml).{namespace_note}",
            rollout.sync_seconds()
        ),
        after: AfterApply::KubectlApply,
        placement: Placement::Cluster,
        sensitive: has_secret,
    }]
}

/// Namespaces every cluster has: the rollout file never creates (or relabels) them.
pub const BUILT_IN_NAMESPACES: [&str; 4] = ["kube-system", "default", "kube-public", "kube-node-lease"];

/// The Namespace a custom `rollout.namespace` gets, at the Pod Security level its pods
/// need: `privileged`, since they mount node directories through hostPath. `warn` and
/// `audit` too, so a cluster whose default is stricter does not warn on every apply.
fn namespace_object(namespace: &str) -> Value {
    let labels = map([
        ("app.kubernetes.io/managed-by", s("pullfix")),
        ("pod-security.kubernetes.io/enforce", s("privileged")),
        ("pod-security.kubernetes.io/audit", s("privileged")),
        ("pod-security.kubernetes.io/warn", s("privileged")),
    ]);
    map([
        ("apiVersion", s("v1")),
        ("kind", s("Namespace")),
        ("metadata", map([("name", s(namespace)), ("labels", labels)])),
    ])
}

fn daemonset(rollout: &Rollout, meta: &Value, labels: &Value, dirs: &[String], has_secret: bool) -> Value {
    let name = rollout.name();
    let selector_labels = map([("app.kubernetes.io/name", s(name))]);
    let mut mounts = vec![map([("name", s("files")), ("mountPath", s(FILES_MOUNT)), ("readOnly", Value::Bool(true))])];
    let mut volumes = vec![map([("name", s("files")), ("configMap", map([("name", s(name))]))])];
    if has_secret {
        mounts.push(map([
            ("name", s("secret-files")),
            ("mountPath", s(SECRET_MOUNT)),
            ("readOnly", Value::Bool(true)),
        ]));
        volumes.push(map([
            ("name", s("secret-files")),
            ("secret", map([("secretName", s(name)), ("defaultMode", Value::from(0o400))])),
        ]));
    }
    for (i, d) in dirs.iter().enumerate() {
        let vname = format!("host-{i}");
        mounts.push(map([("name", s(&vname)), ("mountPath", s(&format!("{HOST_MOUNT}{d}")))]));
        volumes.push(map([("name", s(&vname)), ("hostPath", map([("path", s(d)), ("type", s("DirectoryOrCreate"))]))]));
    }
    let env = vec![
        env_var("PULLFIX_SRC", FILES_MOUNT),
        env_var("PULLFIX_SECRETS", SECRET_MOUNT),
        env_var("PULLFIX_ROOT", HOST_MOUNT),
        env_var("PULLFIX_INTERVAL", &rollout.sync_seconds().to_string()),
    ];
    let container = map([
        ("name", s("install")),
        ("image", s(rollout.image())),
        ("command", Value::Sequence(vec![s("/bin/sh"), s("-c"), s(SYNC_SCRIPT)])),
        ("env", Value::Sequence(env)),
        (
            "securityContext",
            map([
                ("runAsUser", Value::from(0)),
                ("allowPrivilegeEscalation", Value::Bool(false)),
                ("readOnlyRootFilesystem", Value::Bool(true)),
                ("capabilities", map([("drop", Value::Sequence(vec![s("ALL")]))])),
            ]),
        ),
        (
            "resources",
            map([
                ("requests", map([("cpu", s("5m")), ("memory", s("8Mi"))])),
                ("limits", map([("memory", s("32Mi"))])),
            ]),
        ),
        ("volumeMounts", Value::Sequence(mounts)),
    ]);
    let node_selector = if rollout.node_selector.is_empty() {
        map([("kubernetes.io/os", s("linux"))])
    } else {
        Value::Mapping(rollout.node_selector.iter().map(|(k, v)| (s(k), s(v))).collect())
    };
    let tolerations: Vec<Value> = if rollout.tolerations.is_empty() {
        vec![map([("operator", s("Exists"))])]
    } else {
        rollout.tolerations.iter().map(toleration).collect()
    };
    let mut pod_spec = map([
        ("automountServiceAccountToken", Value::Bool(false)),
        ("terminationGracePeriodSeconds", Value::from(5)),
        ("nodeSelector", node_selector),
        ("tolerations", Value::Sequence(tolerations)),
        ("containers", Value::Sequence(vec![container])),
        ("volumes", Value::Sequence(volumes)),
    ]);
    if !rollout.image_pull_secret.is_empty() {
        if let Value::Mapping(m) = &mut pod_spec {
            m.insert(
                s("imagePullSecrets"),
                Value::Sequence(vec![map([("name", s(rollout.image_pull_secret.trim()))])]),
            );
        }
    }
    let template_labels = labels.clone();
    map([
        ("apiVersion", s("apps/v1")),
        ("kind", s("DaemonSet")),
        ("metadata", meta.clone()),
        (
            "spec",
            map([
                ("selector", map([("matchLabels", selector_labels)])),
                (
                    "updateStrategy",
                    map([("type", s("RollingUpdate")), ("rollingUpdate", map([("maxUnavailable", s("25%"))]))]),
                ),
                ("template", map([("metadata", map([("labels", template_labels)])), ("spec", pod_spec)])),
            ]),
        ),
    ])
}

fn toleration(t: &Toleration) -> Value {
    let mut m = Mapping::new();
    for (k, v) in [("key", &t.key), ("operator", &t.operator), ("value", &t.value), ("effect", &t.effect)] {
        if !v.is_empty() {
            m.insert(s(k), s(v));
        }
    }
    Value::Mapping(m)
}

fn env_var(name: &str, value: &str) -> Value {
    map([("name", s(name)), ("value", s(value))])
}

/// A YAML mapping from pairs, in order.
pub(crate) fn map<const N: usize>(mut pairs: [(&str, Value); N]) -> Value {
    map_of(&mut pairs)
}

/// [`map`]'s body, once for every length (the page's wasm).
#[inline(never)]
fn map_of(pairs: &mut [(&str, Value)]) -> Value {
    let mut m = Mapping::with_capacity(pairs.len());
    for (k, v) in pairs {
        m.insert(Value::from(*k), std::mem::take(v));
    }
    Value::Mapping(m)
}

/// A YAML string.
pub(crate) fn s(v: &str) -> Value {
    Value::String(v.to_owned())
}

/// A ConfigMap key for the i-th file: `f00-<host>-hosts.toml`, only `[-._a-zA-Z0-9]`.
fn data_key(i: usize, path: &str) -> String {
    let tail: Vec<&str> = path.rsplit('/').take(2).collect();
    let tail = tail.into_iter().rev().collect::<Vec<_>>().join("-");
    let clean: String = tail
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_') { c } else { '_' })
        .take(200)
        .collect();
    format!("f{i:02}-{clean}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_configmap_safe() {
        assert_eq!(
            data_key(0, "etc/containerd/certs.d/10.50.1.104:5000/hosts.toml"),
            "f00-10.50.1.104_5000-hosts.toml"
        );
        assert_eq!(data_key(12, "etc/ssl/ca.pem"), "f12-ssl-ca.pem");
    }
}
