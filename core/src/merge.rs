//! Merging the form's settings into an existing containerd `config.toml`, losing nothing.
//!
//! [`merge`] parses the operator's file with `toml_edit`, works out which config version and
//! plugin paths (dialect) it uses, and sets only the keys the form needs: untouched parts keep
//! their comments, order and formatting byte for byte. It returns the new text, the list of
//! [`Change`]s (key path, old value, new value, why) and [`Diagnostic`]s, never panics, and is
//! idempotent: merging its output again changes nothing.
//!
//! What it does, in order:
//! - detects the version (no `version` line = 1; 2; 3; 4) and the dialect (`plugins.cri`,
//!   `plugins."io.containerd.grpc.v1.cri"`, `plugins."io.containerd.cri.v1.images"`);
//! - where the form's target needs another version, says so and writes the target's version
//!   and plugin paths (or, with [`MergeOptions::keep_file_version`], keeps the file's when the
//!   target reads it);
//! - with hosts.toml, sets one `config_path` directory (a colon-separated list is corrected) and
//!   removes the legacy `registry.mirrors."<host>"` and `registry.configs."<host>".tls` of the
//!   hosts the form configures (listed in the changes); legacy entries of other hosts are
//!   never removed but reported, since containerd refuses `mirrors` beside `config_path`;
//! - sets the sandbox image and node-level credentials the form asks for.
//!
//! The form's own problems are [`crate::render`]'s diagnostics; these are about the file.

pub mod detect;
pub mod diff;
pub mod edit;
pub mod settings;

use serde::Serialize;
use toml_edit::{DocumentMut, Item, Key, Value};

use crate::diagnostic::{Diagnostic, Field};
use crate::form::{Form, DEFAULT_CONFIG_PATH};
use crate::validate::{self, Style};
use crate::version::Target;
use detect::{Dialect, FileVersion};
use edit::{Layout, SetOutcome};

/// Choices about how to merge.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MergeOptions {
    /// When the file's version differs from the target's but the target still reads it
    /// (a `version = 2` file on containerd 2.x), keep the file's version and plugin paths
    /// instead of switching to the target's.
    pub keep_file_version: bool,
}

/// One key that merge set or removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The TOML key path: `plugins."io.containerd.grpc.v1.cri".registry.config_path`.
    pub key_path: String,
    /// The value before, as TOML text; `None` when the key is new. Credentials are masked.
    pub old: Option<String>,
    /// The value after, as TOML text; `None` when the key was removed. Credentials are masked.
    pub new: Option<String>,
    /// Why, in an operator's words.
    pub why: String,
}

/// Where the existing file fails to parse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParseError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The parser's message.
    pub message: String,
}

/// What [`merge`] produces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MergeResult {
    /// The merged file; `None` only when the existing text is not valid TOML.
    pub text: Option<String>,
    /// Every key set or removed, in the order applied.
    pub changes: Vec<Change>,
    /// Problems with the file or with merging into it; errors mean "do not install".
    pub diagnostics: Vec<Diagnostic>,
    /// The parse error, when the existing text is not TOML.
    pub parse_error: Option<ParseError>,
    /// The version the existing file is read as (1 when it has no line).
    pub file_version: Option<i64>,
    /// The `version` line of the result (`None`: no line, read as 1).
    pub version: Option<i64>,
    /// The hosts.toml directory the result's `config_path` names, when it uses hosts.toml:
    /// render the hosts.toml files for this directory (see [`MergeResult::form_for_files`]).
    pub config_path: Option<String>,
    /// The result holds credentials (node-level auth): write it with mode 0600.
    pub sensitive: bool,
}

impl MergeResult {
    /// True when the text differs from the input: containerd must be restarted to read it.
    pub fn changed(&self) -> bool {
        !self.changes.is_empty()
    }

    /// The form to render the hosts.toml and CA files from, so that they land in the
    /// directory the merged `config_path` names (the file's own directory when the form
    /// names none).
    pub fn form_for_files(&self, form: &Form) -> Form {
        let mut f = form.clone();
        if let Some(cp) = &self.config_path {
            f.config_path = cp.clone();
        }
        f
    }
}

/// The field diagnostics about the pasted file are attached to.
pub fn existing_config_field() -> Field {
    Field::root("existing_config")
}

/// Merges with the default options: the form's target decides the version.
pub fn merge(existing: &str, form: &Form) -> MergeResult {
    merge_with(existing, form, MergeOptions::default())
}

/// Merges the form's settings into `existing`, the text of a containerd `config.toml`.
pub fn merge_with(existing: &str, form: &Form, options: MergeOptions) -> MergeResult {
    let mut doc: DocumentMut = match existing.parse() {
        Ok(d) => d,
        Err(e) => return parse_failure(existing, &e),
    };
    let mut scratch = Vec::new();
    let first = validate::check(form, &mut scratch);
    let target = first.target;
    let file = detect::detect(&doc);
    let layout = Layout::detect(&doc);
    let mut m = Merger { doc: &mut doc, layout, changes: Vec::new(), diags: Vec::new() };

    let (version, dialect) = m.choose_version(&target, &file, options);
    let hosts_mode = first.style == Style::HostsToml;
    // The engine renders the settings; with hosts.toml, for the directory the file already uses
    // when the form names none.
    let checked = if hosts_mode {
        let cp = m.choose_config_path(form, dialect);
        if cp == first.config_path {
            first
        } else {
            let mut f = form.clone();
            f.config_path = cp;
            validate::check(&f, &mut scratch)
        }
    } else {
        first
    };
    let plan = settings::plan(&checked, dialect);

    if file.dialect == Dialect::V1 && version.is_some_and(|v| v >= 2) {
        m.rename_v1_plugins(&target);
    }
    m.set_version(&file, version, &target);
    m.report_ignored_tables(&target, dialect, version);
    if hosts_mode {
        m.remove_conflicting_legacy(&target, dialect, &plan.hosts);
    }
    for s in &plan.settings {
        m.set(&s.path, &s.value, &s.why);
    }
    m.reset_stale_skip_verify(&plan.settings);
    let sensitive = plan.sensitive;
    let config_path = hosts_mode.then(|| checked.config_path.clone());
    m.report_k3s(existing);
    let Merger { changes, diags, .. } = m;
    let text = doc.to_string();
    MergeResult {
        text: Some(text),
        changes,
        diagnostics: diags,
        parse_error: None,
        file_version: Some(file.version),
        version,
        config_path,
        sensitive,
    }
}

fn parse_failure(existing: &str, e: &toml_edit::TomlError) -> MergeResult {
    let offset = e.span().map(|s| s.start).unwrap_or(0).min(existing.len());
    let before = existing.get(..offset).unwrap_or(existing);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    let message = e.message().trim().to_owned();
    let diag = Diagnostic::error(
        existing_config_field(),
        "merge.invalid-toml",
        format!("The existing config.toml is not valid TOML at line {line}, column {column}: {message}"),
        "Fix that line (containerd would not start with it either), or paste the whole file exactly as it is on the node.",
    );
    MergeResult {
        text: None,
        changes: Vec::new(),
        diagnostics: vec![diag],
        parse_error: Some(ParseError { line, column, message }),
        file_version: None,
        version: None,
        config_path: None,
        sensitive: false,
    }
}

/// A key path as TOML writes it: `plugins."io.containerd.grpc.v1.cri".registry`.
pub fn display_path<S: AsRef<str>>(path: &[S]) -> String {
    path.iter().map(|p| Key::new(p.as_ref()).display_repr().into_owned()).collect::<Vec<_>>().join(".")
}

fn is_secret_key(k: &str) -> bool {
    matches!(k, "password" | "auth" | "identitytoken")
}

const MASK: &str = "\"********\"";

struct Merger<'d> {
    doc: &'d mut DocumentMut,
    layout: Layout,
    changes: Vec<Change>,
    diags: Vec<Diagnostic>,
}

impl Merger<'_> {
    fn set(&mut self, path: &[String], value: &Value, why: &str) {
        match edit::set(self.doc, path, value, self.layout) {
            SetOutcome::Unchanged => {}
            SetOutcome::Changed { old } => {
                let secret = is_secret_key(path.last().map(String::as_str).unwrap_or(""));
                self.changes.push(Change {
                    key_path: display_path(path),
                    old: old.map(|o| if secret { MASK.to_owned() } else { o }),
                    new: Some(if secret { MASK.to_owned() } else { edit::show_value(value) }),
                    why: why.to_owned(),
                });
            }
            SetOutcome::Blocked { at, found } => {
                let obstacle = display_path(&path[..at.min(path.len())]);
                self.diags.push(Diagnostic::error(
                    existing_config_field(),
                    "merge.blocked",
                    format!(
                        "Cannot set {}: the file has {found} at {obstacle} where containerd expects {}.",
                        display_path(path),
                        if at >= path.len() { "a value" } else { "a table" }
                    ),
                    format!(
                        "Delete or fix {obstacle} in the file (containerd cannot read it as it is), then merge again."
                    ),
                ));
            }
        }
    }

    fn remove(&mut self, path: &[String], why: &str) -> bool {
        match edit::remove(self.doc, path) {
            Some(old) => {
                self.changes.push(Change {
                    key_path: display_path(path),
                    old: Some(mask_item(&old)),
                    new: None,
                    why: why.to_owned(),
                });
                true
            }
            None => false,
        }
    }

    /// Decides the version line and the plugin paths of the result.
    fn choose_version(&mut self, target: &Target, file: &FileVersion, options: MergeOptions) -> (Option<i64>, Dialect) {
        let field = Field::root("containerd");
        let wanted = i64::from(target.config_version());
        let max = detect::max_readable_version(target);
        let target_dialect = Dialect::of_version(wanted);
        if file.unusable_line {
            self.diags.push(Diagnostic::warning(
                existing_config_field(),
                "merge.version-unusable",
                format!("The file's `version` line is not a config version containerd {target} reads (1 to {max})."),
                format!("pullfix writes `version = {wanted}`, the version for containerd {target}."),
            ));
            return (version_line(wanted), target_dialect);
        }
        if file.v2_tables_without_line && target_dialect == Dialect::V2 {
            self.diags.push(Diagnostic::warning(
                existing_config_field(),
                "merge.version-missing",
                "The file has no `version` line, so containerd reads it as version 1 and ignores every plugins.\"io.containerd.grpc.v1.cri\" table in it: none of those settings were in effect.",
                "pullfix adds `version = 2`; check the CRI settings of the file before restarting containerd, they take effect now.",
            ));
            return (Some(2), Dialect::V2);
        }
        if file.dialect == target_dialect {
            if file.version <= max {
                return (file.line, file.dialect);
            }
            self.diags.push(Diagnostic::info(
                field,
                "merge.version-too-new",
                format!(
                    "The file says version {}, which containerd {target} cannot read (it reads up to {max}).",
                    file.version
                ),
                format!("pullfix writes `version = {wanted}`; the registry keys are the same."),
            ));
            return (version_line(wanted), target_dialect);
        }
        let readable = file.version <= max;
        if options.keep_file_version && readable {
            self.diags.push(Diagnostic::info(
                field,
                "merge.version-kept",
                format!(
                    "The file is a version {} config; containerd {target} would get version {wanted} from a new file, but it reads version {}, so the file's version and plugin paths are kept as asked.",
                    file.version, file.version
                ),
                String::new(),
            ));
            return (file.line, file.dialect);
        }
        let keep_hint = if readable {
            format!(
                " Or keep the file's version {} (containerd {target} reads it): the option to keep the file's version.",
                file.version
            )
        } else {
            format!(" containerd {target} cannot read version {}, so keeping it is not possible.", file.version)
        };
        self.diags.push(Diagnostic::warning(
            field,
            "merge.version-mismatch",
            format!(
                "The file is a version {} config ({}), but the form targets containerd {target}, which uses version {wanted} ({}): pullfix writes version {wanted} and the target's plugin paths.",
                file.version,
                dialect_name(file.dialect),
                dialect_name(target_dialect),
            ),
            format!(
                "Check that containerd {target} is what the node runs (`containerd --version`); if the file came from another version, move its CRI settings to the new paths (listed in another message).{keep_hint}"
            ),
        ));
        (version_line(wanted), target_dialect)
    }

    fn set_version(&mut self, file: &FileVersion, version: Option<i64>, target: &Target) {
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
                    format!(
                        "Without a `version` line containerd reads the file as version 1 and ignores the {} tables; containerd {target} needs version {v}.",
                        dialect_name(Dialect::of_version(v))
                    )
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
        root.sort_values_by(|a, _, b, _| (b.get() == "version").cmp(&(a.get() == "version")));
        let Some(second) = root.iter().nth(1).map(|(k, _)| k.to_owned()) else { return };
        let Some(prefix) =
            root.key(&second).and_then(|k| k.leaf_decor().prefix()).and_then(|p| p.as_str()).map(str::to_owned)
        else {
            return;
        };
        if !prefix.contains('#') {
            return;
        }
        let (head, rest) = match prefix.rfind("\n\n") {
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
    fn rename_v1_plugins(&mut self, target: &Target) {
        let Some(plugins) = self.doc.get_mut("plugins").and_then(Item::as_table_like_mut) else { return };
        let short: Vec<String> = plugins.iter().map(|(k, _)| k.to_owned()).filter(|k| !k.contains('.')).collect();
        let mut unknown = Vec::new();
        let mut renamed = Vec::new();
        for k in short {
            let Some(full) = V1_PLUGIN_IDS.iter().find(|(s, _)| *s == k).map(|(_, f)| *f) else {
                unknown.push(k);
                continue;
            };
            if plugins.contains_key(full) {
                unknown.push(k);
                continue;
            }
            if let Some(item) = plugins.remove(&k) {
                plugins.insert(full, item);
                renamed.push((k, full));
            }
        }
        for (k, full) in renamed {
            let why = format!(
                "Config version 2 and later name plugins by their full id; containerd {target} refuses the version 1 name `{k}` and does not start."
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

    /// Tables in another dialect than the result's are ignored by containerd: say which.
    fn report_ignored_tables(&mut self, target: &Target, dialect: Dialect, version: Option<i64>) {
        let mut ignored = Vec::new();
        for other in [Dialect::V1, Dialect::V2, Dialect::V3] {
            if other != dialect {
                ignored.extend(detect::keys_ignored_when_leaving(self.doc, other));
            }
        }
        // In a version 1 file the whole grpc.v1.cri table is unknown, streaming keys too;
        // in a version 2 file grpc.v1.cri is the CRI table itself.
        if dialect == Dialect::V2 {
            ignored.retain(|k| !k.starts_with("plugins.\"io.containerd.grpc.v1.cri\""));
        }
        if ignored.is_empty() {
            return;
        }
        let v = version.unwrap_or(1);
        let fix = if dialect == Dialect::V3 {
            "Move these settings to their version 3 paths (`containerd config migrate` prints the migrated file on containerd 2.x), or delete them."
        } else {
            "Move these settings to the tables this version reads, or delete them."
        };
        self.diags.push(Diagnostic::warning(
            existing_config_field(),
            "merge.ignored-tables",
            format!(
                "In a version {v} file containerd {target} ignores these settings ({} paths): {}.",
                dialect_name(Dialect::of_version(v)),
                ignored.join(", ")
            ),
            fix,
        ));
    }

    fn choose_config_path(&mut self, form: &Form, dialect: Dialect) -> String {
        let from_form = form.config_path.trim();
        if !from_form.is_empty() {
            return from_form.to_owned();
        }
        let mut path = dialect.registry_path();
        path.push("config_path".into());
        let existing = edit::get(self.doc, &path).and_then(Item::as_str).map(str::trim).unwrap_or("");
        if existing.is_empty() {
            return DEFAULT_CONFIG_PATH.to_owned();
        }
        if existing.contains(':') {
            let dirs: Vec<&str> = existing.split(':').filter(|d| !d.trim().is_empty()).collect();
            let chosen = dirs.first().map(|d| d.trim()).unwrap_or(DEFAULT_CONFIG_PATH).to_owned();
            let dropped: Vec<&str> = dirs.iter().skip(1).copied().collect();
            self.diags.push(Diagnostic::warning(
                existing_config_field(),
                "merge.config-path-list",
                format!(
                    "config_path is a colon-separated list ({existing:?}); containerd 2.1+ pulls read it as one directory name, so none of them is found. pullfix sets it to {chosen:?}.{}",
                    if dropped.is_empty() { String::new() } else { format!(" hosts.toml files under {} are no longer read.", dropped.join(", ")) }
                ),
                "Move every registry's directory into the one config_path directory.",
            ));
            return chosen;
        }
        if existing != DEFAULT_CONFIG_PATH {
            self.diags.push(Diagnostic::info(
                Field::root("config_path"),
                "merge.config-path-kept",
                format!(
                    "The file already uses {existing:?} as its hosts.toml directory; the hosts.toml files go there."
                ),
                "Set config_path in the form to use another directory.",
            ));
        }
        existing.to_owned()
    }

    /// With hosts.toml, legacy `mirrors` and `configs.*.tls` stop containerd's CRI plugin from loading.
    fn remove_conflicting_legacy(&mut self, target: &Target, dialect: Dialect, hosts: &[String]) {
        let registry = dialect.registry_path();
        let sub = |tail: &[&str]| -> Vec<String> {
            let mut p = registry.clone();
            p.extend(tail.iter().map(|s| (*s).to_owned()));
            p
        };
        for h in hosts {
            self.remove(
                &sub(&["mirrors", h]),
                &format!("hosts.toml replaces the legacy mirror of {h}: containerd refuses `mirrors` beside config_path and does not load its CRI plugin (every pull fails)."),
            );
            self.remove(
                &sub(&["configs", h, "tls"]),
                &format!("The TLS settings of {h} move to its hosts.toml: containerd 1.5-1.7 refuses `configs.tls` beside config_path, 2.x ignores it."),
            );
        }
        let others = |doc: &DocumentMut, tail: &[&str], want_tls: bool| -> Vec<String> {
            let Some(t) = edit::get(doc, &sub(tail)).and_then(Item::as_table_like) else { return Vec::new() };
            t.iter()
                .filter(|(k, v)| {
                    !hosts.iter().any(|h| h == k)
                        && (!want_tls || v.as_table_like().is_some_and(|c| c.contains_key("tls")))
                })
                .map(|(k, _)| k.to_owned())
                .collect()
        };
        let mirrors = others(self.doc, &["mirrors"], false);
        if !mirrors.is_empty() {
            self.diags.push(Diagnostic::error(
                existing_config_field(),
                "merge.legacy-mirrors-left",
                format!(
                    "The file still has legacy registry.mirrors for {}: beside config_path containerd does not load its CRI plugin, so every pull on the node fails.",
                    mirrors.join(", ")
                ),
                "Add these registries (with their mirror URLs) to the form so pullfix writes their hosts.toml and removes the old lines, or delete the lines.",
            ));
        }
        let tls = others(self.doc, &["configs"], true);
        if !tls.is_empty() {
            let (sev_error, consequence) = if target.major >= 2 {
                (false, "containerd 2.x silently ignores them, so their CA or skip-verify no longer applies")
            } else {
                (true, "beside config_path containerd 1.5-1.7 does not load its CRI plugin, so every pull fails")
            };
            let message =
                format!("The file still has legacy registry.configs.*.tls for {}: {consequence}.", tls.join(", "));
            let fix = "Add these registries (with their CA) to the form so their TLS settings move to hosts.toml, or delete the tls tables.";
            self.diags.push(if sev_error {
                Diagnostic::error(existing_config_field(), "merge.legacy-tls-left", message, fix)
            } else {
                Diagnostic::warning(existing_config_field(), "merge.legacy-tls-left", message, fix)
            });
        }
    }

    /// The engine writes `insecure_skip_verify` only when the form asks for it: a `true` left
    /// in a `configs."<host>".tls` table the form now sets would still switch verification off.
    fn reset_stale_skip_verify(&mut self, settings: &[settings::Setting]) {
        let mut tables: Vec<&[String]> = Vec::new();
        for s in settings {
            if let Some(i) = s.path.iter().position(|p| p == "tls") {
                let t = &s.path[..=i];
                if !tables.contains(&t) {
                    tables.push(t);
                }
            }
        }
        for t in tables {
            let mut key = t.to_vec();
            key.push("insecure_skip_verify".into());
            if settings.iter().any(|s| s.path == key) {
                continue;
            }
            if edit::get(self.doc, &key).and_then(Item::as_bool) == Some(true) {
                self.set(
                    &key,
                    &Value::from(false),
                    "The form verifies this host's certificate (its CA); the file's skip-verify would switch that off.",
                );
            }
        }
    }

    fn report_k3s(&mut self, existing: &str) {
        if existing.contains("/var/lib/rancher/") {
            self.diags.push(Diagnostic::warning(
                existing_config_field(),
                "merge.k3s",
                "This looks like a k3s or RKE2 generated config.toml: k3s rewrites it at every start, so edits to it are lost.",
                "Put the merged text into config.toml.tmpl next to it (k3s uses it as the template), or configure registries in /etc/rancher/k3s/registries.yaml.",
            ));
        }
    }
}

/// containerd 1.x's version 1 plugin names and their full ids (from `containerd config default`
/// of 1.6 and the plugin registrations).
const V1_PLUGIN_IDS: &[(&str, &str)] = &[
    ("cri", "io.containerd.grpc.v1.cri"),
    ("linux", "io.containerd.runtime.v1.linux"),
    ("task", "io.containerd.runtime.v2.task"),
    ("opt", "io.containerd.internal.v1.opt"),
    ("restart", "io.containerd.internal.v1.restart"),
    ("tracing", "io.containerd.internal.v1.tracing"),
    ("scheduler", "io.containerd.gc.v1.scheduler"),
    ("bolt", "io.containerd.metadata.v1.bolt"),
    ("cgroups", "io.containerd.monitor.v1.cgroups"),
    ("diff-service", "io.containerd.service.v1.diff-service"),
    ("tasks-service", "io.containerd.service.v1.tasks-service"),
    ("walking", "io.containerd.differ.v1.walking"),
    ("aufs", "io.containerd.snapshotter.v1.aufs"),
    ("btrfs", "io.containerd.snapshotter.v1.btrfs"),
    ("devmapper", "io.containerd.snapshotter.v1.devmapper"),
    ("native", "io.containerd.snapshotter.v1.native"),
    ("overlayfs", "io.containerd.snapshotter.v1.overlayfs"),
    ("zfs", "io.containerd.snapshotter.v1.zfs"),
    ("otlp", "io.containerd.tracing.processor.v1.otlp"),
];

fn version_line(v: i64) -> Option<i64> {
    if v <= 1 {
        None
    } else {
        Some(v)
    }
}

fn dialect_name(d: Dialect) -> &'static str {
    match d {
        Dialect::V1 => "plugins.cri",
        Dialect::V2 => "plugins.\"io.containerd.grpc.v1.cri\"",
        Dialect::V3 => "plugins.\"io.containerd.cri.v1.images\"",
    }
}

fn mask_item(item: &Item) -> String {
    let shown = edit::show_item(item);
    let has_secret = match item {
        Item::Value(_) => false,
        other => other.as_table_like().is_some_and(|t| {
            fn any(t: &dyn toml_edit::TableLike) -> bool {
                t.iter().any(|(k, v)| is_secret_key(k) || v.as_table_like().is_some_and(any))
            }
            any(t)
        }),
    };
    if has_secret {
        "{ ... credentials hidden ... }".to_owned()
    } else {
        shown
    }
}
