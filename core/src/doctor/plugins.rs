//! Doctor rules for config.toml's `disabled_plugins` and `required_plugins`.

use toml_edit::{DocumentMut, Item};

use super::{Check, NodeFiles};
use crate::diagnostic::Severity;
use crate::plugin_ids;
use crate::version::Target;

/// A disabled CRI plugin, and version 1 short names in a version 2+ file (containerd refuses
/// to start with them). `drop_in`: `files.config_file` is a drop-in config.toml imports,
/// named in the texts (`pullfix apply` on config.toml does not edit it).
pub(super) fn check_plugins(
    text: &str,
    files: &NodeFiles,
    target: Option<Target>,
    merged: Option<i64>,
    out: &mut Vec<Check>,
) {
    let Ok(doc) = text.parse::<DocumentMut>() else { return };
    let drop_in = merged.is_some();
    let name = if drop_in { files.config_file.as_str() } else { "config.toml" };
    // containerd 1.x checks the plugin names of the merged config (a version-less drop-in under
    // a version 2 config.toml is version 2: review 11, N12); 2.x checks each file at its own.
    let on_1x = target.is_some_and(|t| t.major == 1);
    let line = crate::config_file::detect(&doc).line;
    let version = match (line, merged) {
        (Some(v), _) => v,
        (None, Some(m)) if on_1x && m >= 2 => m,
        _ => 1,
    };
    let merged_words = if line.is_none() && version >= 2 {
        " (it has no `version` line, so it takes config.toml's: containerd 1.x checks the merged config)"
    } else {
        ""
    };
    // Without a target, both CRI spellings of 2.x count too.
    let on_2x = target.is_none_or(|t| t.major >= 2);
    // Review 11, N1: on 1.x (or unknown) a drop-in's CRI table replaces config.toml's whole CRI
    // section, so `pullfix apply` on a drop-in without one would throw config.toml's away.
    let has_cri = doc
        .get("plugins")
        .and_then(Item::as_table_like)
        .is_some_and(|p| p.iter().any(|(k, _)| plugin_ids::is_cri(k, on_2x)));
    let apply_ok = (on_2x && target.is_some()) || has_cri;
    for key in ["disabled_plugins", "required_plugins"] {
        let Some(list) = doc.get(key).and_then(Item::as_array) else { continue };
        let names: Vec<&str> = list.iter().filter_map(|v| v.as_str()).map(str::trim).collect();
        let at = line_of(text, key);
        let cri: Vec<&str> = names.iter().copied().filter(|n| plugin_ids::is_cri(n, on_2x)).collect();
        if key == "disabled_plugins" && !cri.is_empty() {
            out.push(Check {
                severity: Severity::Error,
                code: "config.cri_disabled",
                file: files.config_file.clone(),
                message: format!(
                    "{name}{at} disables containerd's CRI plugin (disabled_plugins has {}{}): the kubelet cannot pull \
                     or run anything through this containerd (`unknown service runtime.v1.ImageService`), and no \
                     registry or sandbox setting applies.",
                    quoted(&cri),
                    if cri.contains(&"cri") { ", the default of Docker's containerd.io package" } else { "" }
                ) + if version >= 2 && cri.iter().any(|n| plugin_ids::is_short(n)) {
                    // Review 11, N12: the short name in a version 2+ config stops containerd.
                    " Here containerd does not even start: the short name is refused in a version 2+ config (config.short_plugin_name)."
                } else {
                    ""
                },
                fix: if drop_in && apply_ok {
                    format!(
                        "Edit {name}: delete {} from its disabled_plugins{at} (or run `pullfix apply --form <your form> \
                         --config {}`, which removes it; `pullfix apply` on config.toml does not edit drop-ins); then \
                         restart containerd. Docker does not use the CRI plugin.",
                        quoted(&cri),
                        crate::shell::quote(name)
                    )
                } else if drop_in {
                    format!(
                        "Edit {name}: delete {} from its disabled_plugins{at} (delete the drop-in when nothing is left), \
                         then restart containerd. Do not apply the form to the drop-in: on containerd 1.x a drop-in \
                         with a CRI table replaces config.toml's whole CRI section (runtimes, SystemdCgroup, registry \
                         settings). Docker does not use the CRI plugin.",
                        quoted(&cri)
                    )
                } else {
                    format!(
                        "Run `pullfix apply` with your form (it removes it), or delete {} from disabled_plugins{at}; \
                         then restart containerd. Docker does not use the CRI plugin.",
                        quoted(&cri)
                    )
                },
            });
        }
        if version >= 2 {
            let short: Vec<&str> = names.iter().copied().filter(|n| plugin_ids::is_short(n)).collect();
            if !short.is_empty() {
                let full: Vec<String> = short
                    .iter()
                    .map(|s| match plugin_ids::full_id(s) {
                        Some(f) => format!("{s:?} -> {f:?}"),
                        None => format!("{s:?} -> its full id (`ctr plugins ls`: TYPE.ID)"),
                    })
                    .collect();
                out.push(Check {
                    severity: Severity::Error,
                    code: "config.short_plugin_name",
                    file: files.config_file.clone(),
                    message: format!(
                        "{name}{at} is a version {version} file{merged_words} whose {key} names {} by a version 1 short name: \
                         containerd refuses to start (`invalid {} plugin URI {:?} expect io.containerd.x.vx`).",
                        quoted(&short),
                        key.trim_end_matches("_plugins"),
                        short[0]
                    ),
                    fix: if drop_in && apply_ok {
                        format!(
                            "Edit {name}: write the full plugin ids in its {key}{at}: {}. `pullfix apply --form <your form> --config {}` \
                             does this for the names it knows (`pullfix apply` on config.toml does not edit drop-ins).",
                            full.join(", "),
                            crate::shell::quote(name)
                        )
                    } else if drop_in {
                        format!(
                            "Edit {name}: write the full plugin ids in its {key}{at}: {} (or delete the entries), then restart containerd.",
                            full.join(", ")
                        )
                    } else {
                        format!(
                            "Write the full plugin ids: {}. `pullfix apply` does this for the names it knows.",
                            full.join(", ")
                        )
                    },
                });
            }
        }
    }
}

fn quoted(names: &[&str]) -> String {
    names.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", ")
}

/// ` line N` for the line that sets top-level `key`, or nothing.
fn line_of(text: &str, key: &str) -> String {
    let mut in_table = false;
    for (i, l) in text.lines().enumerate() {
        let t = l.trim_start();
        if t.starts_with('[') {
            in_table = true;
        }
        if !in_table && t.strip_prefix(key).is_some_and(|rest| rest.trim_start().starts_with('=')) {
            return format!(" line {}", i + 1);
        }
    }
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::{breaks_pulls, check};

    fn files(text: &str, v: Option<&str>) -> NodeFiles {
        NodeFiles {
            containerd: v.map(str::to_owned),
            config_file: "/etc/containerd/config.toml".into(),
            config: Some(text.into()),
            ..NodeFiles::default()
        }
    }

    #[test]
    fn a_disabled_cri_plugin_is_an_error_naming_the_line_and_the_fix() {
        let text = "#   Copyright 2018-2022 Docker Inc.\n\ndisabled_plugins = [\"cri\"]\n";
        let checks = check(&files(text, Some("1.6.20")));
        assert!(breaks_pulls(&checks));
        let c = checks.iter().find(|c| c.code == "config.cri_disabled").expect("reported");
        assert!(c.message.contains("line 3") && c.message.contains("\"cri\""), "{}", c.message);
        assert!(
            c.fix.contains("pullfix apply") && c.fix.contains("delete \"cri\" from disabled_plugins line 3"),
            "{}",
            c.fix
        );
        // A version 1 file may use short names.
        assert!(checks.iter().all(|c| c.code != "config.short_plugin_name"));
        let ok = check(&files("disabled_plugins = [\"zfs\"]\n", Some("1.6.20")));
        assert!(ok.iter().all(|c| c.code != "config.cri_disabled"), "{ok:?}");
    }

    #[test]
    fn a_short_name_in_a_version_2_file_is_an_error() {
        let text = "version = 2\nrequired_plugins = [\"zfs\", \"content\"]\n[x]\ndisabled_plugins = 1\n";
        let checks = check(&files(text, None));
        let c = checks.iter().find(|c| c.code == "config.short_plugin_name").expect("reported");
        assert_eq!(c.severity, Severity::Error);
        assert!(
            c.message.contains("line 2") && c.message.contains("invalid required plugin URI \"zfs\""),
            "{}",
            c.message
        );
        assert!(c.fix.contains("\"zfs\" -> \"io.containerd.snapshotter.v1.zfs\""), "{}", c.fix);
        assert!(c.fix.contains("\"content\" -> its full id"), "{}", c.fix);
        let v3 = check(&files("version = 3\ndisabled_plugins = [\"io.containerd.cri.v1.images\"]\n", None));
        assert!(v3.iter().any(|c| c.code == "config.cri_disabled"), "{v3:?}");
    }

    /// Review 8, L4: a drop-in's disabled_plugins is named by the drop-in's path and line,
    /// and the fix says to edit that file (apply on config.toml does not).
    #[test]
    fn a_drop_in_is_named_in_the_plugin_checks() {
        let f = NodeFiles { config_file: "/etc/containerd/conf.d/10-docker.toml".into(), ..files("", Some("1.6.20")) };
        let mut out = Vec::new();
        check_plugins(
            "version = 2\ndisabled_plugins = [\"cri\"]\n",
            &f,
            Target::parse("1.6.20").ok(),
            Some(2),
            &mut out,
        );
        let codes: Vec<_> = out.iter().map(|c| c.code).collect();
        assert_eq!(codes, ["config.cri_disabled", "config.short_plugin_name"]);
        for c in &out {
            assert_eq!(c.file, "/etc/containerd/conf.d/10-docker.toml");
            assert!(c.message.starts_with("/etc/containerd/conf.d/10-docker.toml line 2 "), "{}", c.message);
            assert!(!c.message.contains("config.toml"), "{}", c.message);
            assert!(c.fix.starts_with("Edit /etc/containerd/conf.d/10-docker.toml: "), "{}", c.fix);
        }
    }
}
