//! `disabled_plugins` and `required_plugins`: the CRI plugin that the form's settings are for
//! must not be disabled, and a version 2+ file must name plugins there by their full id.

use toml_edit::{Array, Item, Value};

use super::{edit, existing_config_field, Change, Merger};
use crate::config_file::display_path;
use crate::diagnostic::Diagnostic;
use crate::plugin_ids;
use crate::version::Target;

const DISABLED: &str = "disabled_plugins";
const REQUIRED: &str = "required_plugins";

impl Merger<'_> {
    /// Removes the CRI plugin from `disabled_plugins` (Docker's containerd.io package ships
    /// `disabled_plugins = ["cri"]`), and in a version 2+ result (`version`) renames the
    /// version 1 short names in both lists to their full ids; a short name pullfix cannot map
    /// is an error, since containerd would not start with it.
    pub(super) fn fix_plugin_lists(&mut self, target: &Target, version: Option<i64>) {
        self.enable_cri(target, version);
        if let Some(v) = version.filter(|v| *v >= 2) {
            for key in [DISABLED, REQUIRED] {
                self.full_plugin_names(key, target, v);
            }
        }
    }

    fn plugin_list(&mut self, key: &str) -> Option<&mut Array> {
        self.doc.get_mut(key).and_then(Item::as_array_mut)
    }

    fn enable_cri(&mut self, target: &Target, version: Option<i64>) {
        let on_2x = target.major >= 2;
        let Some(list) = self.plugin_list(DISABLED) else { return };
        let old = edit::show_value(&Value::Array(list.clone()));
        let cri: Vec<usize> = list
            .iter()
            .enumerate()
            .filter(|(_, v)| v.as_str().is_some_and(|s| plugin_ids::is_cri(s.trim(), on_2x)))
            .map(|(i, _)| i)
            .collect();
        if cri.is_empty() {
            return;
        }
        let names: Vec<String> = cri.iter().filter_map(|i| list.get(*i)).map(edit::show_value).collect();
        for i in cri.into_iter().rev() {
            remove_keeping_layout(list, i);
        }
        let new = edit::show_value(&Value::Array(list.clone()));
        let names = names.join(", ");
        self.changes.push(Change {
            key_path: DISABLED.to_owned(),
            old: Some(old),
            new: Some(new),
            why: format!(
                "It disabled containerd's CRI plugin ({names}), the one the kubelet pulls and runs through and whose registry and sandbox settings these are: disabled, every CRI call fails (`unknown service runtime.v1.ImageService`){}.",
                if names.contains("\"cri\"") {
                    ", and in a version 2+ file containerd refuses the short name and does not start"
                } else {
                    ""
                }
            ),
        });
        self.diags.push(Diagnostic::warning(
            existing_config_field(),
            "merge.cri-enabled",
            format!(
                "The file disables containerd's CRI plugin (disabled_plugins has {names}{}); pullfix removes it, so after the restart containerd serves the kubelet.",
                if names.contains("\"cri\"") { ", the default of Docker's containerd.io package" } else { "" }
            ),
            self.cgroup_driver_advice(version),
        ));
    }

    /// What to do about the runc cgroup driver once CRI runs (Docker's file has no CRI
    /// settings, so runc uses cgroupfs unless `SystemdCgroup = true`, while kubeadm sets the
    /// kubelet to systemd since Kubernetes 1.22): the table to set it in, at the result's
    /// `version`.
    fn cgroup_driver_advice(&self, version: Option<i64>) -> String {
        let mut runc = super::runtimes::runtime_plugin_path(version.unwrap_or(1));
        runc.extend(["containerd", "runtimes", "runc"].map(str::to_owned));
        let table = display_path(&runc);
        let mut path = runc;
        path.extend(["options", "SystemdCgroup"].map(str::to_owned));
        let v2 = super::runtimes::RUNC_V2;
        // containerd 1.x builds the runc entry from the file alone: without runtime_type
        // every pod fails (`container.Runtime.Name must be set`; review 8, H1).
        let both = format!(
            "[{table}] with `runtime_type = \"{v2}\"` and [{table}.options] with `SystemdCgroup = true` (both tables: on containerd 1.x a runc table without runtime_type makes every pod fail with `container.Runtime.Name must be set`)"
        );
        let check = "check with `kubectl get cm -n kube-system kubelet-config -o yaml | grep cgroupDriver` or cgroupDriver in /var/lib/kubelet/config.yaml";
        let tail = "Docker does not use the CRI plugin and keeps working. If this containerd must not serve CRI, do not apply the form on this node.";
        match edit::get(self.doc, &path).and_then(Item::as_bool) {
            Some(true) => format!(
                "The file sets SystemdCgroup = true in [{table}.options], which matches a kubelet on the systemd cgroup driver (kubeadm's default since Kubernetes 1.22; {check}). It takes effect only with the runc runtime spelled out: {both}. {tail}"
            ),
            set => format!(
                "Match the kubelet's cgroup driver before the restart: the file {} SystemdCgroup, so CRI runs runc with the cgroupfs driver, while kubeadm sets the kubelet to systemd since Kubernetes 1.22 (the mismatch makes the node's pods unstable). When the kubelet uses systemd ({check}), add to the merged file {both}. {tail}",
                if set.is_some() { "sets false for" } else { "does not set" }
            ),
        }
    }

    fn full_plugin_names(&mut self, key: &str, target: &Target, v: i64) {
        let Some(list) = self.plugin_list(key) else { return };
        let old = edit::show_value(&Value::Array(list.clone()));
        let mut unknown = Vec::new();
        let mut renamed = Vec::new();
        let mut i = 0;
        while i < list.len() {
            let Some(name) = list.get(i).and_then(Value::as_str).map(|s| s.trim().to_owned()) else {
                i += 1;
                continue;
            };
            if !plugin_ids::is_short(&name) {
                i += 1;
                continue;
            }
            let Some(full) = plugin_ids::full_id(&name) else {
                unknown.push(name);
                i += 1;
                continue;
            };
            renamed.push(format!("{name:?} -> {full:?}"));
            if list.iter().any(|x| x.as_str().map(str::trim) == Some(full)) {
                remove_keeping_layout(list, i);
            } else {
                list.replace(i, full);
                i += 1;
            }
        }
        if !renamed.is_empty() {
            let new = edit::show_value(&Value::Array(list.clone()));
            self.changes.push(Change {
                key_path: key.to_owned(),
                old: Some(old),
                new: Some(new),
                why: format!(
                    "A version {v} file names plugins by their full id: containerd {target} refuses the version 1 names here (`invalid {} plugin URI ... expect io.containerd.x.vx`) and does not start ({}).",
                    key.trim_end_matches("_plugins"),
                    renamed.join(", ")
                ),
            });
        }
        if !unknown.is_empty() {
            self.diags.push(Diagnostic::error(
                existing_config_field(),
                "merge.short-plugin-names",
                format!(
                    "{key} names {} by a version 1 short name, which containerd {target} refuses in a version {v} file (`invalid {} plugin URI {:?} expect io.containerd.x.vx`): it would not start. pullfix does not know the full id.",
                    unknown.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", "),
                    key.trim_end_matches("_plugins"),
                    unknown[0],
                ),
                format!(
                    "Replace each in {key} with the plugin's full id (`ctr plugins ls` shows TYPE and ID: the full id is TYPE.ID, e.g. io.containerd.snapshotter.v1.zfs), or delete it, then apply again."
                ),
            ));
        }
    }
}

/// Removes entry `i`, giving the entry that moves into first place the removed one's leading
/// whitespace (`["cri", "x"]` becomes `["x"]`, not `[ "x"]`).
fn remove_keeping_layout(list: &mut Array, i: usize) {
    let prefix = list.get(i).and_then(|v| v.decor().prefix().cloned());
    list.remove(i);
    if i == 0 {
        if let (Some(p), Some(first)) = (prefix, list.get_mut(0)) {
            first.decor_mut().set_prefix(p);
        }
    }
    if list.is_empty() {
        list.set_trailing("");
        list.set_trailing_comma(false);
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Severity;
    use crate::form::{Form, Registry};
    use crate::merge::merge;

    fn form(v: &str) -> Form {
        Form {
            containerd: v.into(),
            registries: vec![Registry { host: "harbor.example.net".into(), skip_verify: true, ..Registry::default() }],
            ..Form::default()
        }
    }

    const DOCKER: &str = "#   Copyright 2018-2022 Docker Inc.\n\ndisabled_plugins = [\"cri\"]\n";

    #[test]
    fn dockers_default_gets_cri_back_and_a_version_2_file_containerd_starts_with() {
        let r = merge(DOCKER, &form("1.6.20"));
        let text = r.text.clone().unwrap();
        assert!(text.contains("disabled_plugins = []\n"), "{text}");
        assert!(text.starts_with("#   Copyright 2018-2022 Docker Inc.\nversion = 2\n"), "{text}");
        let c = r.changes.iter().find(|c| c.key_path == "disabled_plugins").expect("listed");
        assert_eq!((c.old.as_deref(), c.new.as_deref()), (Some("[\"cri\"]"), Some("[]")));
        assert!(c.why.contains("CRI plugin"), "{}", c.why);
        // CRI then runs with runc on cgroupfs: no "nothing to do", but the cgroup-driver
        // setting the kubelet needs (operator review 7, L5).
        let d = r.diagnostics.iter().find(|d| d.code == "merge.cri-enabled").expect("warned");
        assert!(!d.fix.contains("Nothing to do"), "{}", d.fix);
        assert!(
            d.fix.contains("does not set SystemdCgroup")
                && d.fix.contains("[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc] with `runtime_type = \"io.containerd.runc.v2\"` and [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options] with `SystemdCgroup = true`")
                && d.fix.contains("container.Runtime.Name must be set")
                && d.fix.contains("kubectl get cm -n kube-system kubelet-config -o yaml | grep cgroupDriver")
                && d.fix.contains("/var/lib/kubelet/config.yaml"),
            "{}",
            d.fix
        );
        assert!(r.diagnostics.iter().all(|d| d.severity != Severity::Error), "{:?}", r.diagnostics);
        // Idempotent.
        let again = merge(&text, &form("1.6.20"));
        assert_eq!(again.text.as_deref(), Some(text.as_str()));
        assert!(again.changes.is_empty(), "{:?}", again.changes);
    }

    #[test]
    fn the_cgroup_driver_advice_names_each_versions_runc_table_and_a_set_value() {
        let fix = |file: &str, v: &str| {
            let r = merge(file, &form(v));
            r.diagnostics.iter().find(|d| d.code == "merge.cri-enabled").expect("warned").fix.clone()
        };
        let on = "version = 2\ndisabled_plugins = [\"io.containerd.grpc.v1.cri\"]\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n";
        let f = fix(on, "1.7");
        assert!(f.starts_with("The file sets SystemdCgroup = true in [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]"), "{f}");
        assert!(f.contains("[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc] with `runtime_type = \"io.containerd.runc.v2\"`"), "{f}");
        // The file's options-only runc table is the error that breaks every pod on 1.x.
        let r = merge(on, &form("1.7"));
        let e = r.diagnostics.iter().find(|d| d.code == "merge.runtime-type-missing").expect("reported");
        assert_eq!(e.severity, Severity::Error);
        let f = fix(&on.replace("true", "false"), "1.7");
        assert!(f.contains("the file sets false for SystemdCgroup"), "{f}");
        let f = fix("version = 3\ndisabled_plugins = [\"io.containerd.cri.v1.runtime\"]\n", "2.1");
        assert!(f.contains("[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.runc] with `runtime_type = \"io.containerd.runc.v2\"` and [plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.runc.options] with `SystemdCgroup = true`"), "{f}");
    }

    /// Operator review 7, L5: Docker's commented top-level keys stay top-level: the new
    /// tables go after them, at the end of the file, and the file's own bytes stay.
    #[test]
    fn new_tables_go_below_dockers_commented_top_level_keys() {
        let file = format!("{DOCKER}\n#root = \"/var/lib/containerd\"\n#oom_score = 0\n\n#[grpc]\n#  uid = 0\n");
        let text = merge(&file, &form("1.6.20")).text.unwrap();
        let tail = "disabled_plugins = []\n\n#root = \"/var/lib/containerd\"\n#oom_score = 0\n\n#[grpc]\n#  uid = 0\n\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\n";
        assert!(text.contains(tail), "{text}");
        assert!(text.trim_end().ends_with("config_path = \"/etc/containerd/certs.d\""), "{text}");
        let again = merge(&text, &form("1.6.20"));
        assert_eq!(again.text.as_deref(), Some(text.as_str()));
        // A file with tables keeps its trailing comments last.
        let file =
            "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\"]\n  sandbox_image = \"x.example/pause:3.9\"\n# end\n";
        let text = merge(file, &form("1.6.20")).text.unwrap();
        assert!(text.ends_with("# end\n"), "{text}");
    }

    #[test]
    fn other_short_names_get_full_ids_and_unknown_ones_are_errors() {
        let file = "disabled_plugins = [\"aufs\", \"cri\", \"zfs\"] # keep\nrequired_plugins = [ \"overlayfs\", \"io.containerd.snapshotter.v1.overlayfs\" ]\n";
        let r = merge(file, &form("1.7"));
        let text = r.text.unwrap();
        assert!(
            text.contains("disabled_plugins = [\"io.containerd.snapshotter.v1.aufs\", \"io.containerd.snapshotter.v1.zfs\"] # keep\n"),
            "{text}"
        );
        assert!(text.contains("required_plugins = [ \"io.containerd.snapshotter.v1.overlayfs\" ]\n"), "{text}");
        assert!(r.diagnostics.iter().all(|d| d.severity != Severity::Error), "{:?}", r.diagnostics);

        let r = merge("disabled_plugins = [\"content\", \"btrfs\"]\n", &form("1.6.20"));
        let e = r.diagnostics.iter().find(|d| d.code == "merge.short-plugin-names").expect("reported");
        assert_eq!(e.severity, Severity::Error);
        assert!(e.message.contains("\"content\""), "{}", e.message);
        assert!(r.text.unwrap().contains("[\"content\", \"io.containerd.snapshotter.v1.btrfs\"]"));
    }

    #[test]
    fn the_2x_cri_ids_are_removed_for_a_2x_target_only() {
        let file = "version = 3\ndisabled_plugins = [\"io.containerd.cri.v1.images\", \"io.containerd.grpc.v1.cri\", \"io.containerd.snapshotter.v1.zfs\"]\n";
        let r = merge(file, &form("2.1"));
        assert!(r.text.unwrap().contains("disabled_plugins = [\"io.containerd.snapshotter.v1.zfs\"]\n"));
        let file = "version = 2\ndisabled_plugins = [\"io.containerd.cri.v1.images\"]\n";
        let r = merge(file, &form("1.7"));
        assert!(r.changes.iter().all(|c| c.key_path != "disabled_plugins"), "{:?}", r.changes);
        // A version 1 result keeps the short names containerd reads there.
        let r = merge("disabled_plugins = [\"zfs\", \"cri\"]\n", &Form { containerd: "1.2".into(), ..Form::default() });
        assert_eq!(r.version, None);
        assert!(r.text.unwrap().contains("disabled_plugins = [\"zfs\"]\n"));
    }
}
