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
use crate::output::{AfterApply, FileKind, OutputFile};
use crate::validate::Checked;

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
/// have left the manifest.
pub const SYNC_SCRIPT: &str = r#"set -u
SRC="${PULLFIX_SRC:-/pullfix/files}"
SECRETS="${PULLFIX_SECRETS:-/pullfix/secret}"
ROOT="${PULLFIX_ROOT:-/host}"
INTERVAL="${PULLFIX_INTERVAL:-60}"
log() { echo "pullfix: $*"; }
install_one() {
  # $1 source file, $2 mode, $3 path on the node, $4 state file
  dest="$ROOT$3"
  if [ -f "$dest" ] && cmp -s "$1" "$dest"; then
    chmod "$2" "$dest"
    return 0
  fi
  mkdir -p "$(dirname "$dest")" || return 1
  if [ -f "$dest" ] && ! grep -qxF -- "$3" "$4" 2>/dev/null; then
    cp -p "$dest" "$dest.pullfix-backup" || return 1
    log "backed up $3 to $3.pullfix-backup"
  fi
  cp "$1" "$dest.pullfix-tmp" || return 1
  chmod "$2" "$dest.pullfix-tmp" || return 1
  mv -f "$dest.pullfix-tmp" "$dest" || return 1
  log "installed $3"
}
sync_once() {
  state="$ROOT$(cat "$SRC/state-file")" || return 1
  mkdir -p "$(dirname "$state")" || return 1
  : > "$state.new" || return 1
  failed=0
  while read -r key mode from path; do
    [ -n "$path" ] || continue
    if [ "$from" = secret ]; then src="$SECRETS/$key"; else src="$SRC/$key"; fi
    printf '%s\n' "$path" >> "$state.new"
    if ! install_one "$src" "$mode" "$path" "$state"; then
      log "could not install $path"
      rm -f "$ROOT$path.pullfix-tmp"
      failed=1
    fi
  done < "$SRC/manifest"
  if [ -f "$state" ]; then
    while read -r old; do
      [ -n "$old" ] || continue
      if ! grep -qxF -- "$old" "$state.new"; then
        rm -f "$ROOT$old" && log "removed $old (no longer in the ConfigMap)"
      fi
    done < "$state"
  fi
  mv -f "$state.new" "$state"
  return "$failed"
}
while :; do
  sync_once || log "sync incomplete; retrying in ${INTERVAL}s"
  if [ "${PULLFIX_ONCE:-}" = 1 ]; then exit 0; fi
  sleep "$INTERVAL"
done
"#;

/// Checks `[rollout]`, reports bad values on their fields, and returns the settings
/// with those values blanked (so the defaults apply and the output stays valid).
pub fn check(rollout: &Rollout, diags: &mut Vec<Diagnostic>) -> Rollout {
    let mut r = rollout.clone();
    let f = Field::root("rollout");
    if !r.namespace.is_empty() && !is_dns_label(r.namespace.trim()) {
        diags.push(Diagnostic::error(
            f.key("namespace"),
            "rollout.namespace",
            format!("{:?} is not a valid namespace name; using {DEFAULT_NAMESPACE}.", r.namespace),
            "Use lowercase letters, digits and '-', at most 63 characters, e.g. kube-system.",
        ));
        r.namespace.clear();
    }
    let name_ok = is_dns_label(r.name.trim()) && r.name.trim().len() <= 52;
    if !r.name.is_empty() && !name_ok {
        diags.push(Diagnostic::error(
            f.key("name"),
            "rollout.name",
            format!("{:?} cannot name a DaemonSet; using {DEFAULT_NAME}.", r.name),
            "Use lowercase letters, digits and '-', at most 52 characters (DaemonSet pod names add a suffix).",
        ));
        r.name.clear();
    }
    if !r.image_pull_secret.is_empty() && !is_dns_subdomain(r.image_pull_secret.trim()) {
        diags.push(Diagnostic::error(
            f.key("image_pull_secret"),
            "rollout.image-pull-secret",
            format!("{:?} is not a valid Secret name; it is left out.", r.image_pull_secret),
            "Give the name of an existing docker-registry Secret in the rollout namespace, e.g. regcred.",
        ));
        r.image_pull_secret.clear();
    }
    for (field, value, what) in [
        (f.key("image"), &mut r.image, "installer image"),
        (f.key("verify_image"), &mut r.verify_image, "image to verify"),
    ] {
        if !value.is_empty() && !is_image_reference(value.trim()) {
            diags.push(Diagnostic::error(
                field,
                "rollout.image",
                format!("{value:?} is not an image reference; the {what} is left out."),
                "Write an image as you would pull it, e.g. harbor.example.net/library/busybox:1.36.",
            ));
            value.clear();
        }
    }
    let mut selector = BTreeMap::new();
    for (k, v) in &r.node_selector {
        let field = f.key("node_selector").key(k);
        if !is_label_key(k) {
            diags.push(Diagnostic::error(
                field,
                "rollout.node-selector-key",
                format!("{k:?} is not a valid node label key; this selector entry is left out."),
                "Use a label key like node-role.kubernetes.io/worker or kubernetes.io/os.",
            ));
        } else if !is_label_value(v) {
            diags.push(Diagnostic::error(
                field,
                "rollout.node-selector-value",
                format!("{v:?} is not a valid label value; this selector entry is left out."),
                "Use at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit.",
            ));
        } else {
            selector.insert(k.clone(), v.clone());
        }
    }
    r.node_selector = selector;
    let mut tolerations = Vec::new();
    for (i, t) in r.tolerations.iter().enumerate() {
        let field = f.index("toleration", i);
        let op_ok = matches!(t.operator.as_str(), "" | "Equal" | "Exists");
        let effect_ok = matches!(t.effect.as_str(), "" | "NoSchedule" | "PreferNoSchedule" | "NoExecute");
        let key_ok = (t.key.is_empty() && t.operator == "Exists") || is_label_key(&t.key);
        let value_ok = is_label_value(&t.value) && (t.operator != "Exists" || t.value.is_empty());
        if !op_ok {
            diags.push(Diagnostic::error(
                field.key("operator"),
                "rollout.toleration-operator",
                format!("{:?} is not a toleration operator; this toleration is left out.", t.operator),
                "Use Exists or Equal.",
            ));
        } else if !effect_ok {
            diags.push(Diagnostic::error(
                field.key("effect"),
                "rollout.toleration-effect",
                format!("{:?} is not a taint effect; this toleration is left out.", t.effect),
                "Use NoSchedule, PreferNoSchedule or NoExecute, or leave it empty for all effects.",
            ));
        } else if !key_ok {
            diags.push(Diagnostic::error(
                field.key("key"),
                "rollout.toleration-key",
                format!("{:?} is not a taint key; this toleration is left out.", t.key),
                "Use the taint's key, e.g. node-role.kubernetes.io/control-plane; an empty key needs operator = \"Exists\".",
            ));
        } else if !value_ok {
            diags.push(Diagnostic::error(
                field.key("value"),
                "rollout.toleration-value",
                format!("{:?} cannot be a toleration value here; this toleration is left out.", t.value),
                "With Exists leave the value empty; with Equal use a valid label value.",
            ));
        } else {
            tolerations.push(t.clone());
        }
    }
    r.tolerations = tolerations;
    r
}

/// The files the DaemonSet installs: the node-side hosts.toml and certificate files.
pub fn node_files(files: &[OutputFile]) -> Vec<&OutputFile> {
    files
        .iter()
        .filter(|f| {
            matches!(f.kind, FileKind::HostsToml | FileKind::Certificate) && crate::flavor::is_node_path(&f.path)
        })
        .collect()
}

/// Renders `k8s/rollout/<name>.yaml`: the ConfigMap, the Secret (when a file is
/// sensitive) and the DaemonSet, as one multi-document YAML file.
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
    let mut docs = vec![map([
        ("apiVersion", s("v1")),
        ("kind", s("ConfigMap")),
        ("metadata", meta.clone()),
        ("data", Value::Mapping(cm_data)),
    ])];
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
        contents.push_str(&serde_yaml::to_string(d).unwrap_or_default());
    }
    let version_key = target.cri_images_table().join(".");
    vec![OutputFile {
        path: format!("k8s/rollout/{name}.yaml"),
        contents,
        kind: FileKind::Kubernetes,
        title: format!("DaemonSet {namespace}/{name}: installs {} certs.d file(s) on every node", installed.len()),
        instructions: format!(
            "kubectl apply -f k8s/rollout/{name}.yaml\n\
             The DaemonSet copies the hosts.toml and CA files into {config_path} on every matching node and \
             re-checks them every {}s, so editing the ConfigMap (or re-applying this file) updates all nodes; \
             files it installed and that leave the ConfigMap are removed, a file it replaces for the first time \
             is kept as <file>.pullfix-backup. No containerd restart is needed: containerd reads hosts.toml on every pull.\n\
             One-time prerequisite it cannot do for you: containerd must have config_path = \"{config_path}\" under \
             [{version_key}.registry] in /etc/containerd/config.toml, and turning that on is a config.toml change \
             followed by `systemctl restart containerd` on each node (node-setup.sh does it when you give pullfix your config.toml).",
            rollout.sync_seconds()
        ),
        after: AfterApply::KubectlApply,
        sensitive: has_secret,
    }]
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
pub(crate) fn map<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    Value::Mapping(pairs.into_iter().map(|(k, v)| (Value::from(k), v)).collect())
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

fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

fn is_dns_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(is_dns_label)
}

fn is_label_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && s.as_bytes().first().is_some_and(u8::is_ascii_alphanumeric)
        && s.as_bytes().last().is_some_and(u8::is_ascii_alphanumeric)
}

fn is_label_key(s: &str) -> bool {
    match s.split_once('/') {
        Some((prefix, name)) => is_dns_subdomain(prefix) && is_label_name(name),
        None => is_label_name(s),
    }
}

fn is_label_value(s: &str) -> bool {
    s.is_empty() || is_label_name(s)
}

fn is_image_reference(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 512
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'/' | b':' | b'@'))
        && !s.starts_with(['/', ':', '@', '-', '.'])
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

    #[test]
    fn checks_names_and_labels() {
        let mut d = Vec::new();
        let r = Rollout {
            namespace: "Kube System".into(),
            node_selector: [
                ("node-role.kubernetes.io/worker".to_owned(), String::new()),
                ("bad key!".to_owned(), "x".to_owned()),
            ]
            .into_iter()
            .collect(),
            tolerations: vec![Toleration { operator: "Sometimes".into(), ..Default::default() }],
            image: "busybox:1.36 ; rm -rf /".into(),
            ..Default::default()
        };
        let c = check(&r, &mut d);
        let fields: Vec<&str> = d.iter().map(|d| d.field.as_str()).collect();
        assert_eq!(
            fields,
            ["rollout.namespace", "rollout.image", "rollout.node_selector.bad key!", "rollout.toleration[0].operator"]
        );
        assert_eq!(
            (c.namespace(), c.image(), c.node_selector.len(), c.tolerations.len()),
            (DEFAULT_NAMESPACE, DEFAULT_IMAGE, 1, 0)
        );
    }
}
