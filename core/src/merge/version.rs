//! The `version` line: which one the result gets, moving a new line to the top, renaming
//! version 1 plugin names, and reporting tables the chosen version ignores.

use toml_edit::{Item, Value};

use super::{display_path, edit, existing_config_field, Change, MergeOptions, Merger};
use crate::config_file::{self, Dialect, FileVersion};
use crate::diagnostic::{Diagnostic, Field};
use crate::toml_table::{self, TableRef};
use crate::version::Target;

impl Merger<'_> {
    /// Decides the version line and the plugin paths of the result.
    pub(super) fn choose_version(
        &mut self,
        target: &Target,
        file: &FileVersion,
        options: MergeOptions,
    ) -> (Option<i64>, Dialect) {
        let field = Field::root("containerd");
        let wanted = i64::from(target.config_version());
        let max = target.max_config_version();
        let target_dialect = target.dialect();
        if file.unusable_line {
            self.diags.push(Diagnostic::warning(
                existing_config_field(),
                "merge.version-unusable",
                format!("The file's `version` line is not a config version containerd {target} reads (1 to {max})."),
                format!("pullfix writes `version = {wanted}`, the version for containerd {target}."),
            ));
            return (version_line(wanted), target_dialect);
        }
        let convert = options.convert_to_target_version;
        if file.v2_tables_without_line && (target_dialect == Dialect::V2 || (!convert && reads(target, 2))) {
            // containerd 2.x does not carry a version 1 file's CRI keys over either: 2.1.9 logs
            // `Ignoring unknown key in TOML for plugin` for each (tests/containerd_oracle.rs).
            let message = format!(
                "The file has no `version` line, so containerd reads it as version 1 and ignores every plugins.\"io.containerd.grpc.v1.cri\" table in it{}: none of those settings were in effect.",
                if target.major >= 2 { " (containerd 2.x logs `Ignoring unknown key in TOML for plugin` for each)" } else { "" }
            );
            let fix = format!(
                "pullfix adds `version = 2`{}; check the CRI settings of the file before restarting containerd, they take effect now.",
                if target.major >= 2 { format!(", which containerd {target} migrates at every start") } else { String::new() }
            );
            self.diags.push(Diagnostic::warning(existing_config_field(), "merge.version-missing", message, fix));
            return (Some(2), Dialect::V2);
        }
        if file.dialect() == target_dialect {
            if file.version() <= max {
                return (file.line, file.dialect());
            }
            self.diags.push(Diagnostic::info(
                field,
                "merge.version-too-new",
                format!(
                    "The file says version {}, which containerd {target} cannot read (it reads up to {max}).",
                    file.version()
                ),
                format!("pullfix writes `version = {wanted}`; the registry keys are the same."),
            ));
            return (version_line(wanted), target_dialect);
        }
        let v = file.version();
        let readable = reads(target, v);
        // A file without a `version` line or any plugin settings (a new, empty or
        // top-level-only file) loses nothing when it gets the target's own version.
        let keep_older = !convert && (file.line.is_some() || self.doc.as_table().contains_key("plugins"));
        let convert_hint = format!(
            "To convert the file to version {wanted} instead, use `pullfix apply --form <your form> --convert-version` or the page's convert choice, then move the settings pullfix lists to their version {wanted} paths{}.",
            if wanted >= 3 { " (`containerd config migrate` on containerd 2.x prints the file converted as the daemon reads it; it folds in the drop-ins an `imports` line names, so run it on a copy without that line)" } else { "" }
        );
        if keep_older && readable {
            self.diags.push(Diagnostic::info(
                field,
                "merge.version-kept",
                format!(
                    "The file is a version {v} config; containerd {target} would get version {wanted} from a new file, but it reads version {v}{}, so pullfix keeps the file's version and writes the form's settings at version {v}'s paths ({}): the file's other settings (SystemdCgroup, the snapshotter, ...) keep applying.",
                    if target.major >= 2 && v == 2 { " (it migrates a version 2 file at every start)" } else { "" },
                    file.dialect().cri_table_name(),
                ),
                convert_hint,
            ));
            return (file.line, file.dialect());
        }
        if keep_older && v < 2 && reads(target, 2) {
            // Only 2.x targets get here (1.x reads version 1). 2.x renames a version 1 file's
            // plugins but does not move their keys to version 3's: 2.1.9 ignores every CRI
            // setting of it (tests/containerd_oracle.rs), so the node runs on the defaults.
            self.diags.push(Diagnostic::warning(
                field,
                "merge.version-raised",
                format!(
                    "The file is a version 1 config, and containerd {target} ignores its CRI settings (it logs `Ignoring unknown key in TOML for plugin` for each and uses its defaults): none of them are in effect now. pullfix writes `version = 2` with the plugins' full names, which containerd {target} migrates at every start, so after the restart the file's CRI settings (its sandbox_image, snapshotter, runtimes, registry keys) take effect."
                ),
                format!("Check the file's CRI settings before restarting containerd: they take effect now. {convert_hint}"),
            ));
            return (Some(2), Dialect::V2);
        }
        if !convert && !keep_older && readable {
            // A new, empty or top-level-only file: nothing in it is at a version's plugin
            // paths, so writing the target's version loses nothing (the change says why).
            return (version_line(wanted), target_dialect);
        }
        let keep_hint = if !readable {
            format!(" containerd {target} cannot read version {v}, so keeping it is not possible.")
        } else if convert {
            format!(
                " Without the conversion choice pullfix keeps the file's version {v}, which containerd {target} reads."
            )
        } else {
            String::new() // (returned above: nothing in the file to keep)
        };
        self.diags.push(Diagnostic::warning(
            field,
            "merge.version-mismatch",
            format!(
                "The file is a version {v} config ({}), but the form targets containerd {target}, which uses version {wanted} ({}): pullfix writes version {wanted} and the target's plugin paths.",
                file.dialect().cri_table_name(),
                target_dialect.cri_table_name(),
            ),
            format!(
                "Check that containerd {target} is what the node runs (`containerd --version`); settings the new version ignores, if any, are listed in other messages.{keep_hint}"
            ),
        ));
        (version_line(wanted), target_dialect)
    }

    pub(super) fn set_version(&mut self, file: &FileVersion, version: Option<i64>, target: &Target) {
        let path = vec!["version".to_owned()];
        let present = self.doc.as_table().contains_key("version");
        match version {
            None => {
                if present {
                    self.remove(
                        &path,
                        &format!("containerd {target} reads config version 1: a file without a `version` line."),
                    );
                }
            }
            Some(v) => {
                if file.line == Some(v) {
                    return;
                }
                let why = if present {
                    format!("containerd {target} needs config version {v}.")
                } else {
                    if target.major >= 2 {
                        format!(
                            "Without a `version` line containerd reads the file as version 1, whose CRI settings containerd {target} ignores; version {v} is what the file's {} tables are{}.",
                            Dialect::of_version(v).cri_table_name(),
                            if v < i64::from(target.config_version()) {
                                format!(", and containerd {target} migrates a version {v} file")
                            } else {
                                String::new()
                            }
                        )
                    } else {
                        format!(
                            "Without a `version` line containerd reads the file as version 1 and ignores the {} tables; containerd {target} needs version {v}.",
                            Dialect::of_version(v).cri_table_name()
                        )
                    }
                };
                self.set(&path, &Value::from(v), &why);
                if !present {
                    self.move_version_first();
                }
            }
        }
    }

    /// Puts a new `version` line first, where every containerd config has it, below the
    /// file's opening comment block (the part of the first key's comments before a blank line).
    fn move_version_first(&mut self) {
        let root = self.doc.as_table_mut();
        version_entries_first(root);
        let Some(second) = root.iter().nth(1).map(|(k, _)| k.to_owned()) else { return };
        let Some(prefix) =
            root.key(&second).and_then(|k| k.leaf_decor().prefix()).and_then(|p| p.as_str()).map(str::to_owned)
        else {
            return;
        };
        if !prefix.contains('#') {
            return;
        }
        // The last blank line, found by bytes: `rfind` with a `&str` pattern costs the page
        // the two-way searcher's reverse half.
        let (head, rest) = match prefix.as_bytes().windows(2).rposition(|w| w == b"\n\n") {
            Some(i) => (prefix[..i + 1].to_owned(), prefix[i + 1..].to_owned()),
            None => (prefix.clone(), String::new()),
        };
        if let Some(mut k) = root.key_mut("version") {
            k.leaf_decor_mut().set_prefix(head);
        }
        if let Some(mut k) = root.key_mut(&second) {
            k.leaf_decor_mut().set_prefix(rest);
        }
    }

    /// Version 2+ files name plugins by their full id: containerd refuses a short `plugins.cri`
    /// (`invalid plugin key URI "cri" expect io.containerd.x.vx`, seen on 1.6.20). Renames them
    /// as containerd's own version 1 migration does.
    pub(super) fn rename_v1_plugins(&mut self, target: &Target, version: i64) {
        let Some(plugins) = self.doc.get_mut("plugins").filter(|p| TableRef::of(p).is_some()) else { return };
        let short: Vec<String> = TableRef::of(plugins)
            .map(|t| t.entries().into_iter().map(|(k, _)| k.to_owned()).filter(|k| !k.contains('.')).collect())
            .unwrap_or_default();
        let mut unknown = Vec::new();
        let mut renamed = Vec::new();
        for k in short {
            let Some(full) = crate::plugin_ids::full_id(&k) else {
                unknown.push(k);
                continue;
            };
            if TableRef::of(plugins).is_some_and(|t| t.get(full).is_some()) {
                unknown.push(k);
                continue;
            }
            if toml_table::rename(plugins, &k, full) {
                renamed.push((k, full));
            }
        }
        for (k, full) in renamed {
            let why = format!(
                "Config version 2 and later name plugins by their full id: in the version {version} file pullfix writes, containerd {target} would refuse the version 1 name `{k}` and not start."
            );
            self.changes.push(Change {
                key_path: display_path(&["plugins", k.as_str()]),
                old: Some(format!("[{}]", display_path(&["plugins", k.as_str()]))),
                new: None,
                why: why.clone(),
            });
            self.changes.push(Change {
                key_path: display_path(&["plugins", full]),
                old: None,
                new: Some(format!("the former [{}] with its contents", display_path(&["plugins", k.as_str()]))),
                why,
            });
        }
        if !unknown.is_empty() {
            self.diags.push(Diagnostic::error(
                existing_config_field(),
                "merge.v1-plugin-names",
                format!(
                    "The file names plugins by their version 1 short name ({}), which containerd refuses in a version 2+ file, and pullfix does not know their full id (or it is there too).",
                    unknown.iter().map(|k| display_path(&["plugins", k.as_str()])).collect::<Vec<_>>().join(", ")
                ),
                "Rename each to its full id (`containerd config default` lists them, e.g. io.containerd.grpc.v1.cri), or keep the file's version 1.",
            ));
        }
    }

    /// With the conversion to version 3: the version 2 keys the form sets anyway at their
    /// version 3 paths (config_path, node credentials, the sandbox image) are removed instead of
    /// being left for the operator to move (review 9, L2); tables they empty go too.
    pub(super) fn drop_keys_the_form_moves(&mut self, dialect: Dialect, settings: &[super::settings::Setting]) {
        if dialect != Dialect::V3 {
            return;
        }
        let images = Dialect::V3.cri_plugin();
        for s in settings {
            let [plugins, id, rest @ ..] = s.path.as_slice() else { continue };
            if plugins != "plugins" || id != images {
                continue;
            }
            let old_rest: Vec<String> = match rest {
                [a, b] if a == "pinned_images" && b == "sandbox" => vec!["sandbox_image".to_owned()],
                [a, ..] if a == "registry" => rest.to_vec(),
                _ => continue,
            };
            let mut old = vec!["plugins".to_owned(), Dialect::V2.cri_plugin().to_owned()];
            old.extend(old_rest);
            let Some(item) = edit::remove(self.doc, &old) else { continue };
            let secret = super::is_secret_key(old.last().map(String::as_str).unwrap_or(""));
            self.changes.push(super::Change {
                key_path: display_path(&old),
                old: Some(if secret { super::MASK.to_owned() } else { super::mask_item(&item) }),
                new: None,
                why: format!(
                    "A version 3 file ignores it; the form's value goes to {} instead.",
                    display_path(&s.path)
                ),
            });
            // Tables left empty go, unless a comment sits on them (it stays with the table).
            old.pop();
            while old.len() > 1 {
                let Some(item) = edit::get(self.doc, &old) else { break };
                if !TableRef::of(item).is_some_and(|t| t.entries().is_empty()) || has_comment(item) {
                    break;
                }
                edit::remove(self.doc, &old);
                old.pop();
            }
        }
    }

    /// After the version 2 legacy tables of a version 3 result were carried: the version 2 CRI
    /// table's `registry` (and the CRI table itself) when nothing is left in them, unless a
    /// comment sits on them.
    pub(super) fn prune_empty_v2_registry(&mut self) {
        let mut path = Dialect::V2.registry_path();
        for _ in 0..2 {
            for sub in ["mirrors", "configs"] {
                let mut p = path.clone();
                p.push(sub.to_owned());
                if edit::get(self.doc, &p).is_some_and(|i| is_empty_table(i) && !has_comment(i)) {
                    self.remove_empty_table(&p);
                }
            }
            match edit::get(self.doc, &path) {
                Some(i) if is_empty_table(i) && !has_comment(i) => self.remove_empty_table(&path),
                _ => return,
            }
            path.pop();
        }
    }

    fn remove_empty_table(&mut self, path: &[String]) {
        edit::remove(self.doc, path);
        self.changes.push(Change {
            key_path: display_path(path),
            old: Some("{}".to_owned()),
            new: None,
            why: "An empty table at the version 2 path, which a version 3 file ignores.".to_owned(),
        });
    }

    /// Settings in another dialect's tables than the result's are ignored by containerd: each
    /// table, and the single values together, is an error naming where it belongs instead.
    pub(super) fn report_ignored_tables(&mut self, target: &Target, dialect: Dialect, version: Option<i64>) {
        let v = version.unwrap_or(1);
        let mut tables = Vec::new();
        let mut values = Vec::new();
        for other in Dialect::ALL {
            if other == dialect {
                continue;
            }
            // containerd 2.x migrates a version 2 file into the version 3 plugins, merging it
            // with the version 3 tables already there: those are read too.
            if dialect == Dialect::V2 && other == Dialect::V3 && target.major >= 2 {
                continue;
            }
            for e in config_file::ignored_entries(self.doc, other) {
                // In a version 1 file the whole grpc.v1.cri table is unknown, streaming keys too;
                // in a version 2 file grpc.v1.cri is the CRI table itself.
                if dialect == Dialect::V2 && e.plugin == Dialect::V2.cri_plugin() {
                    continue;
                }
                // An empty table holds no setting that could stop applying.
                if e.is_table && e.leaves.is_empty() {
                    continue;
                }
                let old = display_path(&["plugins", e.plugin, e.key.as_str()]);
                let new = config_file::counterpart(&e, other, dialect);
                if e.is_table {
                    tables.push((old, new, e.leaves, e.key));
                } else {
                    values.push((old, new));
                }
            }
        }
        if tables.is_empty() && values.is_empty() {
            return;
        }
        let migrate = if dialect == Dialect::V3 {
            " `containerd config migrate` on containerd 2.x prints the file converted as the daemon reads it (it folds in the drop-ins an `imports` line names: run it on a copy without that line)."
        } else {
            ""
        };
        for (old, new, leaves, key) in tables {
            let shown = notable_first(&leaves, 6);
            let holds = if shown.is_empty() {
                String::new()
            } else {
                let more = leaves.len() - shown.len();
                format!(" ({}{})", shown.join(", "), if more > 0 { format!(" and {more} more") } else { String::new() })
            };
            self.diags.push(Diagnostic::error(
                existing_config_field(),
                "merge.ignored-tables",
                format!("In a version {v} file containerd {target} ignores {old}: its settings{holds} silently stop applying."),
                if key == "registry" {
                    // Moved as it is, its `configs.*.tls` would still be ignored (2.x) and its
                    // `mirrors` would stop the CRI plugin beside the form's config_path.
                    let why = if target.major >= 2 {
                        "containerd 2.x ignores configs.tls at the new path too, and refuses mirrors beside config_path"
                    } else {
                        "beside config_path containerd 1.5-1.7 refuses both and does not load its CRI plugin"
                    };
                    format!(
                        "Move it to {new} without its configs.\"<host>\".tls tables and mirrors: move the node credentials \
                         (configs.\"<host>\".auth) there, and put the TLS settings (ca_file, insecure_skip_verify, cert_file, \
                         key_file) and the mirrors into the form instead (ca_file, skip_verify, client_cert/client_key, \
                         a mirror: + Add mirror on the page, [[registry.mirror]] in a form file) so that they go to hosts.toml: {why}. Then delete {old}."
                    )
                } else {
                    format!("Move the table to {new}, or delete it if containerd's defaults are meant.{migrate}")
                },
            ));
        }
        if !values.is_empty() {
            self.diags.push(Diagnostic::error(
                existing_config_field(),
                "merge.ignored-tables",
                format!(
                    "In a version {v} file containerd {target} ignores these settings, so they silently stop applying: {}.",
                    values.iter().map(|(old, _)| old.as_str()).collect::<Vec<_>>().join(", ")
                ),
                format!(
                    "Move each to its new path, or delete it if containerd's default is meant: {}.{migrate}",
                    values.iter().map(|(old, new)| format!("{old} -> {new}")).collect::<Vec<_>>().join("; ")
                ),
            ));
        }
    }
}

/// Settings an operator most misses when they stop applying, named first.
const NOTABLE: &[&str] = &["SystemdCgroup", "snapshotter", "sandbox_image", "sandbox", "config_path", "endpoint"];

/// Up to `n` of `leaves`, the [`NOTABLE`] ones first, else in file order (no sort: see
/// `version_entries_first`).
fn notable_first(leaves: &[String], n: usize) -> Vec<&str> {
    let notable = leaves.iter().filter(|l| NOTABLE.contains(&l.as_str()));
    let rest = leaves.iter().filter(|l| !NOTABLE.contains(&l.as_str()));
    notable.chain(rest).take(n).map(String::as_str).collect()
}

/// Whether containerd `target` reads a file of config version `v`: up to its highest, and
/// since 2.0 no longer version 1: containerd 2.1.9 starts with a version 1 file but ignores
/// every CRI setting in it (`Ignoring unknown key in TOML for plugin`), so pullfix raises
/// such a file to 2, which 2.x migrates.
fn reads(target: &Target, v: i64) -> bool {
    v <= target.max_config_version() && (target.major < 2 || v >= 2)
}

fn version_line(v: i64) -> Option<i64> {
    if v <= 1 {
        None
    } else {
        Some(v)
    }
}

/// Moves the `version` entry of `t` and of its dotted sub-tables first, keeping the
/// order of the other entries: what `Table::sort_values_by` with a "version first"
/// comparator does, without instantiating a sort for the web page's wasm (each costs
/// several KiB). Entries are moved by re-appending them, keys with their formatting.
fn version_entries_first(t: &mut toml_edit::Table) {
    // Every name, including entries that hold `Item::None` (`iter` skips those).
    let mut names = Vec::new();
    t.retain(|k, _| {
        names.push(k.to_owned());
        true
    });
    if names.iter().skip(1).any(|k| k == "version") {
        for name in names.iter().filter(|k| *k != "version") {
            if let Some((key, item)) = t.remove_entry(name) {
                t.insert_formatted(&key, item);
            }
        }
    }
    for (_, item) in t.iter_mut() {
        if let Item::Table(sub) = item {
            if sub.is_dotted() {
                version_entries_first(sub);
            }
        }
    }
}

/// Whether `item` is a table with no entries.
fn is_empty_table(item: &Item) -> bool {
    TableRef::of(item).is_some_and(|t| t.entries().is_empty())
}

/// Whether a comment sits on the table `item` (its header's decor).
fn has_comment(item: &Item) -> bool {
    let decor = match item {
        Item::Table(t) => t.decor(),
        Item::Value(Value::InlineTable(t)) => t.decor(),
        _ => return false,
    };
    [decor.prefix(), decor.suffix()].into_iter().flatten().any(|r| r.as_str().is_some_and(|s| s.contains('#')))
}

#[cfg(test)]
mod tests {
    use toml_edit::DocumentMut;

    use super::version_entries_first;

    #[test]
    fn a_version_2_file_keeps_its_version_on_2x_unless_converting() {
        use crate::diagnostic::Severity;
        use crate::form::Form;
        use crate::merge::{merge, merge_with, MergeOptions};
        let form = Form { containerd: "2.1".into(), sandbox_image: "m.example/pause:3.10".into(), ..Form::default() };
        let file = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\nSystemdCgroup = true\n";
        let kept = merge(file, &form);
        assert_eq!(kept.version, Some(2));
        assert!(kept.diagnostics.iter().all(|d| d.severity != Severity::Error), "{:?}", kept.diagnostics);
        assert!(kept.text.unwrap().contains("sandbox_image = \"m.example/pause:3.10\""));

        let converted = merge_with(file, &form, MergeOptions { convert_to_target_version: true });
        assert_eq!(converted.version, Some(3));
        let e = converted.diagnostics.iter().find(|d| d.code == "merge.ignored-tables").expect("reported");
        assert_eq!(e.severity, Severity::Error);
        assert!(e.message.contains("SystemdCgroup"), "{}", e.message);
        assert!(e.fix.contains("plugins.\"io.containerd.cri.v1.runtime\".containerd"), "{}", e.fix);

        // 2.x ignores a version 1 file's CRI settings; pullfix writes the nearest version
        // 2.x migrates, 2, and warns that the file's settings take effect.
        let v1 = merge("[plugins.cri.containerd]\nsnapshotter = 'overlayfs'\n", &form);
        assert_eq!(v1.version, Some(2));
        let raised = v1.diagnostics.iter().find(|d| d.code == "merge.version-raised").expect("reported");
        assert_eq!(raised.severity, Severity::Warning);
        assert!(raised.message.contains("none of them are in effect now"), "{}", raised.message);
    }

    /// The same order and text as toml_edit's own stable sort with the comparator it replaces.
    #[test]
    fn version_first_matches_sort_values_by() {
        let texts = [
            "# head\n\n# about a\na = 1 # one\nb.c = 2\nb.version = 3\nb.d = 4\n[plugins]\nx = 1\nversion = 5\n",
            "a = 1\nversion = 2\n",
            "version = 2\na = 1\n",
            "\"q u\" = 'x'\nz = { version = 1, a = 2 }\n[t]\nversion = 1\n",
            "",
        ];
        for text in texts {
            for with_none in [false, true] {
                let mut ours: DocumentMut = text.parse().unwrap();
                if with_none {
                    // `doc["k"]` on a missing key leaves an `Item::None` entry behind.
                    let _ = &mut ours["ghost"];
                }
                ours.insert("version", toml_edit::value(3));
                let mut theirs = ours.clone();
                version_entries_first(ours.as_table_mut());
                theirs.as_table_mut().sort_values_by(|a, _, b, _| (b.get() == "version").cmp(&(a.get() == "version")));
                assert_eq!(ours.to_string(), theirs.to_string(), "{text:?}");
                let keys = |d: &DocumentMut| d.as_table().iter().map(|(k, _)| k.to_owned()).collect::<Vec<_>>();
                assert_eq!(keys(&ours), keys(&theirs), "{text:?}");
                ours["late"] = toml_edit::value(1);
                theirs["late"] = toml_edit::value(1);
                ours["ghost"] = toml_edit::value(2);
                theirs["ghost"] = toml_edit::value(2);
                assert_eq!(ours.to_string(), theirs.to_string(), "{text:?}");
            }
        }
    }
}
