//! `imagePullSecrets` patches: where each kind keeps the list, which patch type adds
//! a name to it, and the exact `kubectl patch` command.
//!
//! - Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController: a strategic
//!   merge patch at `spec.template.spec.imagePullSecrets`. The pod spec's list merges by
//!   `name`, so other Secrets stay. The change rolls out new pods (a ReplicaSet or
//!   ReplicationController only gives it to pods it creates from now on).
//! - CronJob: the same at `spec.jobTemplate.spec.template.spec.imagePullSecrets`; the
//!   next scheduled Job gets it.
//! - ServiceAccount: its list has no merge key, so a strategic (or merge) patch
//!   *replaces* it. The JSON patch `add /imagePullSecrets/-` appends, but fails when
//!   the field is absent. Both are given.
//! - Job and Pod: the pod template of a Job and the spec of a Pod cannot be changed;
//!   the snippet goes into their manifest and they are recreated.
//!
//! In every case only pods created afterwards get the Secret.

use std::fmt;

use serde_yaml::{Mapping, Value};

use crate::secret::to_go_json;
use crate::shell;

/// The kinds whose objects can reference a pull Secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TargetKind {
    /// Pods that name it (or no account: `default`) get its `imagePullSecrets`.
    ServiceAccount,
    /// apps/v1 Deployment.
    Deployment,
    /// apps/v1 StatefulSet.
    StatefulSet,
    /// apps/v1 DaemonSet.
    DaemonSet,
    /// apps/v1 ReplicaSet.
    ReplicaSet,
    /// v1 ReplicationController (ReplicaSet's predecessor, same pod template).
    ReplicationController,
    /// batch/v1 CronJob.
    CronJob,
    /// batch/v1 Job: its pod template is immutable.
    Job,
    /// v1 Pod: its spec is immutable.
    Pod,
}

/// Every kind, in the order the form's documentation lists them.
pub const ALL_KINDS: [TargetKind; 9] = [
    TargetKind::ServiceAccount,
    TargetKind::Deployment,
    TargetKind::StatefulSet,
    TargetKind::DaemonSet,
    TargetKind::ReplicaSet,
    TargetKind::ReplicationController,
    TargetKind::CronJob,
    TargetKind::Job,
    TargetKind::Pod,
];

impl TargetKind {
    /// Parses a kind as written in a manifest (`CronJob`), in any case, or kubectl's
    /// resource and short names (`cronjobs`, `cj`, `deploy`, `sa`, ...).
    pub fn parse(s: &str) -> Option<TargetKind> {
        let lower = s.trim().to_ascii_lowercase();
        ALL_KINDS.into_iter().find(|k| {
            let (singular, short) = k.names();
            lower == singular || lower == format!("{singular}s") || short.contains(&lower.as_str())
        })
    }

    /// The kind as manifests spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::ServiceAccount => "ServiceAccount",
            TargetKind::Deployment => "Deployment",
            TargetKind::StatefulSet => "StatefulSet",
            TargetKind::DaemonSet => "DaemonSet",
            TargetKind::ReplicaSet => "ReplicaSet",
            TargetKind::ReplicationController => "ReplicationController",
            TargetKind::CronJob => "CronJob",
            TargetKind::Job => "Job",
            TargetKind::Pod => "Pod",
        }
    }

    /// kubectl's resource name (singular, lowercase) and short names.
    fn names(self) -> (&'static str, &'static [&'static str]) {
        match self {
            TargetKind::ServiceAccount => ("serviceaccount", &["sa"]),
            TargetKind::Deployment => ("deployment", &["deploy"]),
            TargetKind::StatefulSet => ("statefulset", &["sts"]),
            TargetKind::DaemonSet => ("daemonset", &["ds"]),
            TargetKind::ReplicaSet => ("replicaset", &["rs"]),
            TargetKind::ReplicationController => ("replicationcontroller", &["rc"]),
            TargetKind::CronJob => ("cronjob", &["cj"]),
            TargetKind::Job => ("job", &[]),
            TargetKind::Pod => ("pod", &["po"]),
        }
    }

    /// The resource name kubectl takes (`deployment`), also used in file names.
    pub fn resource(self) -> &'static str {
        self.names().0
    }

    /// The path of the `imagePullSecrets` list inside an object of this kind.
    pub fn list_path(self) -> &'static [&'static str] {
        match self {
            TargetKind::ServiceAccount => &["imagePullSecrets"],
            TargetKind::Pod => &["spec", "imagePullSecrets"],
            TargetKind::CronJob => &["spec", "jobTemplate", "spec", "template", "spec", "imagePullSecrets"],
            _ => &["spec", "template", "spec", "imagePullSecrets"],
        }
    }

    /// Whether objects of this kind must be recreated (no in-place patch possible).
    pub fn must_recreate(self) -> bool {
        matches!(self, TargetKind::Job | TargetKind::Pod)
    }
}

impl fmt::Display for TargetKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// kubectl's `--type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchType {
    /// Strategic merge patch (kubectl's default): lists with a merge key merge by it.
    Strategic,
    /// RFC 6902 JSON patch: a list of operations.
    Json,
}

impl PatchType {
    /// The value of `--type`.
    pub fn as_str(self) -> &'static str {
        match self {
            PatchType::Strategic => "strategic",
            PatchType::Json => "json",
        }
    }
}

/// One way to add the Secret to one object.
#[derive(Debug, Clone, PartialEq)]
pub struct Patch {
    /// The object's kind.
    pub kind: TargetKind,
    /// The object's name.
    pub name: String,
    /// The object's namespace.
    pub namespace: String,
    /// How kubectl applies `body`.
    pub patch_type: PatchType,
    /// The patch document (a `serde_yaml::Value`, written as JSON by serde_json and as
    /// YAML by serde_yaml: one document type for both keeps the web page's wasm smaller).
    pub body: Value,
    /// `true` for a ServiceAccount's strategic patch: it replaces the whole list.
    pub replaces_list: bool,
}

impl Patch {
    /// The patch as compact JSON, the form `kubectl patch -p` takes.
    pub fn json(&self) -> String {
        to_go_json(&self.body)
    }

    /// The patch as YAML, for a patch file (`kubectl patch --patch-file`).
    pub fn yaml(&self) -> String {
        crate::yaml::to_string(&self.body)
    }

    /// The words of `kubectl patch KIND NAME -n NS --type T -p PATCH`.
    pub fn command_words(&self) -> Vec<String> {
        vec![
            "kubectl".into(),
            "patch".into(),
            self.kind.resource().into(),
            self.name.clone(),
            "-n".into(),
            self.namespace.clone(),
            format!("--type={}", self.patch_type.as_str()),
            "-p".into(),
            self.json(),
        ]
    }

    /// The command, quoted for a POSIX shell.
    pub fn command(&self) -> String {
        shell::command(self.command_words())
    }
}

/// The patches that add `secret` to the object: one for most kinds; for a
/// ServiceAccount the JSON-patch append first and the list-replacing strategic patch second.
pub fn patches_for(kind: TargetKind, name: &str, namespace: &str, secret: &str) -> Vec<Patch> {
    let entry = object("name", Value::String(secret.to_owned()));
    let make = |patch_type, body, replaces_list| Patch {
        kind,
        name: name.to_owned(),
        namespace: namespace.to_owned(),
        patch_type,
        body,
        replaces_list,
    };
    if kind == TargetKind::ServiceAccount {
        return vec![
            make(
                PatchType::Json,
                Value::Sequence(vec![Value::Mapping({
                    // In sorted key order, as Go (and kubectl) write a JSON object's keys.
                    let mut op = Mapping::new();
                    op.insert(Value::from("op"), Value::from("add"));
                    op.insert(Value::from("path"), Value::from("/imagePullSecrets/-"));
                    op.insert(Value::from("value"), entry.clone());
                    op
                })]),
                false,
            ),
            make(PatchType::Strategic, object("imagePullSecrets", Value::Sequence(vec![entry])), true),
        ];
    }
    let mut body = Value::Sequence(vec![entry]);
    for key in kind.list_path().iter().rev() {
        body = object(key, body);
    }
    vec![make(PatchType::Strategic, body, false)]
}

/// An object with one key.
fn object(key: &str, value: Value) -> Value {
    let mut map = Mapping::new();
    map.insert(Value::from(key), value);
    Value::Mapping(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse() {
        assert_eq!(TargetKind::parse("CronJob"), Some(TargetKind::CronJob));
        assert_eq!(TargetKind::parse("deployments"), Some(TargetKind::Deployment));
        assert_eq!(TargetKind::parse("sa"), Some(TargetKind::ServiceAccount));
        assert_eq!(TargetKind::parse("Secret"), None);
        assert_eq!(TargetKind::parse(""), None);
    }

    /// The JSON and the YAML of every patch are the same document, and the JSON is
    /// what serde_json writes for it (keys sorted, compact).
    #[test]
    fn json_and_yaml_agree() {
        for kind in ALL_KINDS {
            for p in patches_for(kind, "n", "ns", "regcred") {
                let parsed: serde_json::Value = serde_json::from_str(&p.json()).unwrap();
                assert_eq!(serde_json::to_string(&parsed).unwrap(), p.json(), "{kind}");
                assert_eq!(serde_yaml::to_string(&parsed).unwrap(), p.yaml(), "{kind}");
            }
        }
    }

    #[test]
    fn bodies() {
        let p = &patches_for(TargetKind::CronJob, "cj", "default", "regcred")[0];
        assert_eq!(
            p.json(),
            r#"{"spec":{"jobTemplate":{"spec":{"template":{"spec":{"imagePullSecrets":[{"name":"regcred"}]}}}}}}"#
        );
        let sa = patches_for(TargetKind::ServiceAccount, "default", "batch", "regcred");
        assert_eq!(sa[0].json(), r#"[{"op":"add","path":"/imagePullSecrets/-","value":{"name":"regcred"}}]"#);
        assert_eq!(
            sa[0].command(),
            r#"kubectl patch serviceaccount default -n batch --type=json -p '[{"op":"add","path":"/imagePullSecrets/-","value":{"name":"regcred"}}]'"#
        );
        assert_eq!(sa[1].json(), r#"{"imagePullSecrets":[{"name":"regcred"}]}"#);
        let pod = &patches_for(TargetKind::Pod, "p", "default", "r")[0];
        assert_eq!(pod.yaml(), "spec:\n  imagePullSecrets:\n  - name: r\n");
    }
}
