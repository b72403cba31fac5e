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
//! - keeps the file's version and writes the form's settings at that version's paths when the
//!   target reads it (a `version = 2` file on containerd 2.x, which 2.x migrates at every start);
//!   writes the target's version and plugin paths only when it cannot read the file's, or with
//!   [`MergeOptions::convert_to_target_version`], and then reports, as errors, every setting left
//!   at a path the result's version ignores, with the path it belongs at;
//! - with hosts.toml, sets one `config_path` directory (a colon-separated list stays when the
//!   target reads it, 1.x and 2.0, and is cut to one directory for 2.1+) and
//!   removes the legacy `registry.mirrors."<host>"` and `registry.configs."<host>".tls` of the
//!   hosts the form configures (listed in the changes), after carrying what they said into the
//!   hosts.toml files where the form says nothing about it ([`carry`]); legacy entries of other
//!   hosts are never removed but reported, since containerd refuses `mirrors` beside `config_path`;
//! - removes the CRI plugin from `disabled_plugins` (Docker's containerd.io default disables it)
//!   and, in a version 2+ result, gives the version 1 short names in `disabled_plugins` and
//!   `required_plugins` their full ids (the `plugins` module);
//! - sets the sandbox image and node-level credentials the form asks for; with the form's
//!   sandbox image empty, names the one the file keeps (a warning on k8s.gcr.io: [`sandbox`]).
//!
//! The form's own problems are [`crate::render()`]'s diagnostics; these are about the file.

pub mod carry;
pub mod diff;
pub mod edit;
pub mod imports;
pub mod page;
mod plugins;
mod registry;
pub mod replaced;
pub mod roots;
pub mod runtimes;
pub mod sandbox;
pub mod settings;
mod version;

use serde::Serialize;
use toml_edit::{DocumentMut, Item, Value};

use crate::config_file::{self, Dialect};
pub use crate::config_file::{display_path, ParseError};
use crate::diagnostic::{Diagnostic, Field};
use crate::form::Form;
use crate::host::Host;
use crate::output::{FileKind, OutputFile};
use crate::toml_table::TableRef;
use crate::validate::{self, Style};
use crate::version::Target;
use edit::{Layout, SetOutcome};

/// Choices about how to merge.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MergeOptions {
    /// Write the target's own config version and plugin paths even when the target still
    /// reads the file's version (a `version = 2` file on containerd 2.x). Off by default: the
    /// file's other settings (SystemdCgroup, the snapshotter, ...) stay at the paths it has
    /// and pullfix does not move them, so converting leaves them where the new version
    /// ignores them (reported as errors) until the operator moves them. A version 3 file stays
    /// 3 for a version 4 target: both use the same plugin paths.
    pub convert_to_target_version: bool,
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
    /// The result holds credentials (the form's node-level auth, or the file's own): mode 0600.
    pub sensitive: bool,
    /// What the removed legacy `mirrors` and `configs.tls` tables said that the form does not,
    /// per registry: [`MergeResult::form_for_files`] puts it into the hosts.toml files.
    pub carried: Vec<carry::Carried>,
    /// The directories of the file's colon-separated `config_path` the result no longer
    /// reads (the target reads `config_path` as one directory): the caller lists the registry
    /// directories in them for [`MergeResult::name_lost_registries`].
    pub dropped_config_dirs: Vec<String>,
    /// A kept colon-separated `config_path` list whose order merging changed (pullfix's
    /// directory put first): the directories before and after. The caller lists each one's
    /// `<host>` subdirectories for [`MergeResult::check_list_order`].
    pub reordered_config_dirs: Option<roots::ListOrder>,
}

impl MergeResult {
    /// True when the text differs from the input: containerd must be restarted to read it.
    pub fn changed(&self) -> bool {
        !self.changes.is_empty()
    }

    /// The form to render the hosts.toml and CA files from, so that they land in the
    /// directory the merged `config_path` names (the file's own directory when the form
    /// names none) and carry what the removed legacy tables said ([`MergeResult::carried`]).
    pub fn form_for_files(&self, form: &Form) -> Form {
        let mut f = form.clone();
        if let Some(cp) = &self.config_path {
            f.config_path = cp.clone();
        }
        for c in &self.carried {
            if let Some(r) = f.registries.get_mut(c.registry) {
                c.adopt(r);
            }
        }
        f
    }

    /// The CA files the hosts.toml files name because they were carried from the node's own
    /// config.toml (not from the form): the form's field each fills and its node path.
    pub fn carried_ca_files(&self, form: &Form) -> Vec<(Field, String)> {
        let f = self.form_for_files(form);
        let mut out = Vec::new();
        for c in &self.carried {
            let Some(r) = f.registries.get(c.registry) else { continue };
            if !c.ca_file.is_empty() {
                out.push((Field::registry(c.registry).key("ca_file"), c.ca_file.clone()));
            }
            for mt in c.mirror_tls.iter().filter(|mt| mt.ca) {
                if let Some(j) = r.mirrors.iter().position(|m| m.url == mt.url) {
                    let path = r.mirrors[j].ca_file.clone();
                    out.push((Field::registry(c.registry).index("mirror", j).key("ca_file"), path));
                }
            }
        }
        out
    }

    /// Drops the render's "pullfix does not write this CA, copy it to every node" notes for
    /// CA paths carried from the node's config.toml ([`MergeResult::carried_ca_files`]): the
    /// node's containerd already read that file, and each carried CA has its own info.
    /// (`pullfix apply` checks that such a file still exists.)
    pub fn drop_carried_ca_notes(&self, form: &Form, diagnostics: &mut Vec<Diagnostic>) {
        let carried = self.carried_ca_files(form);
        diagnostics.retain(|d| {
            !(matches!(d.code, "ca_file.not-written" | "ca_file.mirror-not-written")
                && carried.iter().any(|(f, _)| f == &d.field))
        });
    }

    /// Moves the diagnostics that only the carried settings raise (the form's field is empty,
    /// the value came from the pasted file: a carried skip_verify's warning, a carried
    /// mirror's notes) from the form's field to the pasted file's, saying where they come
    /// from. `diagnostics` are those of rendering [`MergeResult::form_for_files`].
    pub fn rehome_carried_diagnostics(&self, form: &Form, diagnostics: &mut [Diagnostic]) {
        if self.carried.is_empty() {
            return;
        }
        let own = crate::render(form).diagnostics;
        for d in diagnostics.iter_mut() {
            let form_field = d.field.as_str().starts_with("registry[");
            if form_field && !own.iter().any(|o| o.field == d.field && o.code == d.code) {
                d.message = format!("From the pasted config.toml (carried into hosts.toml): {}", d.message);
                // The form's own fix ("turn skip_verify off") cannot be followed for a value
                // the form does not hold.
                d.fix = "The setting comes from the pasted config.toml, not from the form: delete it from that file \
                         before merging, or set the registry's own value in the form, which always wins (a CA in the \
                         form replaces a carried skip_verify)."
                    .to_owned();
                d.field = existing_config_field();
            }
        }
    }

    /// Names the registries that lose their settings in the warning about a cut
    /// `config_path` list: per dropped directory ([`MergeResult::dropped_config_dirs`]), the
    /// names of its subdirectories holding a hosts.toml or CA/client certificate files.
    pub fn name_lost_registries(&mut self, lost: &[(String, Vec<String>)]) {
        Merger::name_lost_registries(&mut self.diagnostics, lost);
    }

    /// Checks a reordered `config_path` list ([`MergeResult::reordered_config_dirs`]) against
    /// the node's directories: `listing` gives each listed directory's subdirectory names
    /// (`<host>` and `_default`). When the new order makes containerd read a registry the form
    /// does not write from another directory than before, the file's order is kept if the
    /// form's registries are not shadowed in it (pullfix's directory last when it was not in
    /// the list); otherwise an error names those registries.
    pub fn check_list_order(&mut self, form: &Form, listing: &[(String, Vec<String>)]) {
        let Some(order) = self.reordered_config_dirs.clone() else { return };
        let default_ns =
            Target::parse(form.containerd.trim()).ok().and_then(|t| t.has_default_namespace()) != Some(false);
        let own: Vec<String> =
            form.registries.iter().filter_map(|r| Host::parse(r.host.trim()).ok()).map(|h| h.reference()).collect();
        // pullfix writes the form's registries into its own directory.
        let mut listing = listing.to_vec();
        match listing.iter_mut().find(|(d, _)| *d == order.chosen) {
            Some((_, subs)) => subs.extend(own.iter().cloned()),
            None => listing.push((order.chosen.clone(), own.clone())),
        }
        let moved = roots::moved_hosts(&listing, &order.before, &order.after, default_ns, &own);
        if moved.is_empty() {
            return;
        }
        let mut kept = order.before.clone();
        if !kept.contains(&order.chosen) {
            kept.push(order.chosen.clone());
        }
        let shadowed: Vec<String> = own
            .iter()
            .filter_map(|h| match roots::winner(&listing, &kept, h, default_ns) {
                Some((d, sub)) if d != order.chosen => {
                    Some(format!("{h} is read from {}/{sub}", d.trim_end_matches('/')))
                }
                _ => None,
            })
            .collect();
        if !shadowed.is_empty() || !roots::moved_hosts(&listing, &order.before, &kept, default_ns, &own).is_empty() {
            self.diagnostics.extend(roots::list_order_error(&moved, &shadowed));
            return;
        }
        self.keep_list(&order, &kept);
    }

    /// Writes `kept` as the `config_path` list instead of the reordered one, and says so.
    fn keep_list(&mut self, order: &roots::ListOrder, kept: &[String]) {
        let Some(mut doc) = self.text.as_deref().and_then(|t| t.parse::<DocumentMut>().ok()) else { return };
        let value = kept.join(":");
        let layout = Layout::detect(&doc);
        edit::set(&mut doc, &order.key, &Value::from(value.as_str()), layout);
        self.text = Some(doc.to_string());
        let key = display_path(&order.key);
        if *kept == order.before[..] {
            self.changes.retain(|c| c.key_path != key);
        } else if let Some(c) = self.changes.iter_mut().find(|c| c.key_path == key) {
            c.new = Some(edit::show_value(&Value::from(value.as_str())));
        }
        self.reordered_config_dirs = None;
        for d in self.diagnostics.iter_mut().filter(|d| d.code == "merge.config-path-list") {
            if let (Some(a), Some(b)) = (d.message.find(" (as "), d.message.find(" and writes its files")) {
                if a < b {
                    d.message.replace_range(
                        a..b,
                        &format!(
                            " in its order (as {value:?}: putting {:?} first would change the directory containerd reads for registries the form does not write, and no earlier directory has the form's registries or a _default)",
                            order.chosen
                        ),
                    );
                }
            }
        }
    }

    /// Puts [`carry::CARRIED_MARK`] above each carried setting in the rendered hosts.toml
    /// files, so that a later apply keeps them ([`MergeResult::keep_from_hosts_toml`]).
    pub fn mark_files(&self, files: &mut [OutputFile]) {
        for f in files.iter_mut().filter(|f| f.kind == FileKind::HostsToml) {
            if let Some(c) = self.carried.iter().find(|c| c.hosts_toml.trim_start_matches('/') == f.path) {
                f.contents = c.mark(&f.contents);
            }
        }
    }

    /// Keeps what an earlier apply carried into the registries' existing hosts.toml files
    /// (marked with [`carry::CARRIED_MARK`]) and the form still does not set: by then the
    /// legacy tables it came from are gone, so without this a second apply would drop it.
    /// `read` gives the text of a node path (`None`: no such file); each kept setting is an
    /// info. Does nothing unless the result uses hosts.toml.
    pub fn keep_from_hosts_toml(&mut self, form: &Form, mut read: impl FnMut(&str) -> Option<String>) {
        let Some(cp) = self.config_path.clone() else { return };
        let mut seen = Vec::new();
        for (i, r) in form.registries.iter().enumerate() {
            let Ok(host) = Host::parse(r.host.trim()) else { continue };
            let ns = host.reference();
            if seen.contains(&ns) {
                continue;
            }
            seen.push(ns.clone());
            let path = format!("{cp}/{ns}/hosts.toml");
            let Some(text) = read(&path) else { continue };
            let kept = carry::kept(&text, i, r, &path);
            for item in &kept.items {
                self.diagnostics.push(Diagnostic::info(
                    existing_config_field(),
                    "merge.carried-kept",
                    format!(
                        "Kept {item} in {path}: an earlier pullfix apply carried it there from the old config.toml, and the form still does not set it."
                    ),
                    format!("To drop it, delete it and the comment above it from {path}; to decide it yourself, set it in the form's registry {ns}."),
                ));
            }
            carry::absorb(&mut self.carried, kept);
        }
    }
}

/// The field diagnostics about the pasted file are attached to.
pub fn existing_config_field() -> Field {
    Field::root("existing_config")
}

/// Merges with the default options: the file keeps its version when the target reads it.
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
    let file = config_file::detect(&doc);
    let layout = Layout::detect(&doc);
    let headerless = !edit::has_headers(&doc);
    let mut m = Merger {
        doc: &mut doc,
        layout,
        changes: Vec::new(),
        diags: Vec::new(),
        dropped_dirs: Vec::new(),
        list_order: None,
    };

    let (version, dialect) = m.choose_version(&target, &file, options);
    // Version 1 short plugin names in a file written at version 2+: a version 1 file, or a
    // version 2 file that kept `[plugins.cri]` (containerd 1.x does not start with it; review
    // 11 web N6).
    let short_names = m.doc.get("plugins").and_then(TableRef::of).is_some_and(|p| {
        p.entries().into_iter().any(|(k, _)| !k.contains('.') && crate::plugin_ids::full_id(k).is_some())
    });
    if (file.dialect() == Dialect::V1 || short_names) && version.is_some_and(|v| v >= 2) {
        m.rename_v1_plugins(&target, version.unwrap_or(2));
    }
    let hosts_mode = first.style == Style::HostsToml;
    // The engine renders the settings; with hosts.toml, for the directory the file already uses
    // when the form names none.
    let mut kept_list = None;
    let checked = if hosts_mode {
        let (cp, list) = m.choose_config_path(form, dialect, &target);
        kept_list = list;
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
    let mut plan = settings::plan(&checked, dialect);
    if let Some(list) = &kept_list {
        // The target reads the list: it stays, with the directory pullfix writes to in it.
        for s in plan.settings.iter_mut().filter(|s| s.path.last().is_some_and(|k| k == "config_path")) {
            s.value = Value::from(list.as_str());
        }
    }

    m.set_version(&file, version, &target);
    m.fix_plugin_lists(&target, version);
    m.drop_keys_the_form_moves(dialect, &plan.settings);
    let mut carried: Vec<carry::Carried> = Vec::new();
    // A version 3 result (converted, or a version 3 file with a 1.x snippet appended): the
    // form's registries' legacy tables at the version 2 path are carried and removed as in a
    // version 2 file, not left as ignored tables (review 10 web M1).
    if hosts_mode && dialect == Dialect::V3 {
        let carry = m.carry_legacy(&checked, Dialect::V2);
        m.remove_conflicting_legacy(&target, Dialect::V2, &plan.hosts, &carry);
        carried = carry.carried;
        m.prune_empty_v2_registry();
    }
    m.report_ignored_tables(&target, dialect, version);
    if hosts_mode {
        let carry = m.carry_legacy(&checked, dialect);
        m.remove_conflicting_legacy(&target, dialect, &plan.hosts, &carry);
        carried.extend(carry.carried);
    }
    for s in &plan.settings {
        m.set(&s.path, &s.value, &s.why);
    }
    m.reset_stale_skip_verify(&plan.settings);
    if !hosts_mode {
        m.report_kept_skip_verify(dialect, &plan.settings);
    }
    m.report_node_auth_left(dialect, &plan.hosts, &plan.settings);
    m.report_kept_sandbox(form, dialect);
    let sensitive = plan.sensitive || holds_credentials(m.doc);
    let config_path = hosts_mode.then(|| checked.config_path.clone());
    m.report_k3s(existing);
    m.diags.extend(runtimes::check(m.doc, version.unwrap_or(1), Some(target.major)));
    m.diags.extend(runtimes::default_missing(m.doc, version.unwrap_or(1), Some(target.major)));
    m.diags.extend(runtimes::snapshotter_lost(m.doc, version.unwrap_or(1), Some(target.major)));
    let Merger { mut changes, mut diags, dropped_dirs, list_order, .. } = m;
    // A legacy endpoint's `user:password@` must not reach the terminal or CI logs.
    for d in &mut diags {
        d.message = mask_userinfo(&d.message);
        d.fix = mask_userinfo(&d.fix);
    }
    for c in &mut changes {
        for v in [&mut c.old, &mut c.new].into_iter().flatten() {
            *v = mask_userinfo(v);
        }
        c.why = mask_userinfo(&c.why);
    }
    for c in &mut carried {
        for i in &mut c.items {
            *i = mask_userinfo(i);
        }
    }
    if headerless {
        edit::keep_trailing_comments_above_new_tables(&mut doc);
    }
    let text = doc.to_string();
    MergeResult {
        text: Some(text),
        changes,
        diagnostics: diags,
        parse_error: None,
        file_version: Some(file.version()),
        version,
        config_path,
        sensitive,
        carried,
        dropped_config_dirs: dropped_dirs,
        reordered_config_dirs: list_order,
    }
}

fn parse_failure(existing: &str, e: &toml_edit::TomlError) -> MergeResult {
    let parse_error = ParseError::new(existing, e);
    let ParseError { line, column, message } = &parse_error;
    let diag = if is_go_template(existing) {
        Diagnostic::error(
            existing_config_field(),
            "merge.k3s-template",
            format!(
                "This is a k3s/RKE2 config.toml.tmpl (Go template markers `{{{{ ... }}}}`, line {line}), not a containerd config.toml: k3s/RKE2 render it into config.toml at every start, so pullfix cannot merge into it."
            ),
            "Configure the registries in registries.yaml instead (`pullfix generate --flavor k3s` or `--flavor rke2`), or edit the template by hand: keep its `{{ ... }}` lines as they are.",
        )
    } else {
        Diagnostic::error(
        existing_config_field(),
        "merge.invalid-toml",
        format!("The existing config.toml is not valid TOML at line {line}, column {column}: {message}"),
        "Fix that line (containerd would not start with it either), or paste the whole file exactly as it is on the node.",
        )
    };
    MergeResult {
        text: None,
        changes: Vec::new(),
        diagnostics: vec![diag],
        parse_error: Some(parse_error),
        file_version: None,
        version: None,
        config_path: None,
        sensitive: false,
        carried: Vec::new(),
        dropped_config_dirs: Vec::new(),
        reordered_config_dirs: None,
    }
}

/// Whether the text has Go template actions (`{{ template "base" . }}`, `{{ .NodeConfig }}`):
/// a k3s/RKE2 `config.toml.tmpl`, which is no TOML until k3s renders it.
pub fn is_go_template(text: &str) -> bool {
    text.lines().any(|l| l.find("{{").is_some_and(|i| l[i + 2..].contains("}}")))
}

/// Whether any credential key (`password`, `auth`, `identitytoken`) holds a value.
fn holds_credentials(doc: &DocumentMut) -> bool {
    fn walk(t: TableRef<'_>) -> bool {
        t.entries().into_iter().any(|(k, item)| match item {
            Item::Value(v) if is_secret_key(k) => v.as_str().is_some_and(|s| !s.is_empty()),
            other => TableRef::of(other).is_some_and(walk),
        })
    }
    walk(TableRef::Table(doc.as_table()))
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
    /// The directories of a colon-separated `config_path` that are no longer read.
    dropped_dirs: Vec<String>,
    /// A kept list that pullfix reordered (its own directory first).
    list_order: Option<roots::ListOrder>,
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

    /// A k3s/RKE2-generated config.toml: k3s rewrites it at every start (and there is no
    /// containerd unit to restart), so a merge into it is lost: an error when the file says it
    /// is generated, a warning when only its paths suggest so (review 11 N8).
    fn report_k3s(&mut self, existing: &str) {
        let generated = existing.lines().take(5).any(|l| {
            let l = l.to_ascii_lowercase();
            l.starts_with('#') && (l.contains("generated by k3s") || l.contains("generated by rke2"))
        });
        if generated || existing.contains("/var/lib/rancher/") {
            let message = "This looks like a k3s or RKE2 generated config.toml: k3s/RKE2 rewrite it at every start (`systemctl restart k3s`, `k3s-agent` or `rke2-server`/`rke2-agent`; there is no containerd service to restart), so a merge into it is lost.";
            let fix = "Configure the registries in registries.yaml instead (`pullfix generate --flavor k3s` or `--flavor rke2`); other containerd settings go into the template next to it (config-v3.toml.tmpl where k3s/RKE2 run containerd 2.x, else config.toml.tmpl), starting with `{{ template \"base\" . }}`.";
            self.diags.push(if generated {
                Diagnostic::error(existing_config_field(), "merge.k3s", message, fix)
            } else {
                Diagnostic::warning(existing_config_field(), "merge.k3s", message, fix)
            });
        }
    }
}

/// Masks the password of every `user:password@` URL or endpoint in `text`
/// (`https://u:pw@m.example` -> `https://u:***@m.example`; `u:pw@m.example:5000` too), for
/// messages and change lines; the user name stays, so the operator can tell which entry it is.
/// Words are split at whitespace, quotes, brackets, commas and `=`; only the authority
/// (before the first `/`, `?` or `#` after `://`) is looked at, so an `@` in a path stays.
pub fn mask_userinfo(text: &str) -> String {
    let is_delim =
        |c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`' | '[' | ']' | '(' | ')' | '{' | '}' | ',' | '=');
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let end = rest.find(is_delim).unwrap_or(rest.len());
        let (word, tail) = rest.split_at(end);
        let auth_start = word.find("://").map_or(0, |i| i + 3);
        let after = &word[auth_start..];
        let auth_end = after.find(['/', '?', '#']).unwrap_or(after.len());
        let userinfo = after[..auth_end].rfind('@').and_then(|at| Some((after[..at].find(':')?, at)));
        // `nginx:1.25@sha256:…` is a tag and a digest, not userinfo.
        let digest = |at: usize| ["sha256:", "sha384:", "sha512:"].iter().any(|d| after[at + 1..].starts_with(d));
        let digest = userinfo.is_some_and(|(_, at)| digest(at));
        let userinfo = userinfo.filter(|_| !digest);
        match userinfo {
            Some((colon, at)) if &after[colon + 1..at] != "***" => {
                out.push_str(&word[..auth_start]);
                out.push_str(&after[..=colon]);
                out.push_str("***");
                out.push_str(&after[at..]);
            }
            _ => out.push_str(word),
        }
        let d = tail.chars().next().map_or(0, char::len_utf8);
        out.push_str(&tail[..d]);
        rest = &tail[d..];
    }
    out
}

fn mask_item(item: &Item) -> String {
    let shown = edit::show_item(item);
    let has_secret = match item {
        Item::Value(_) => false,
        other => TableRef::of(other).is_some_and(|t| {
            fn any(t: TableRef<'_>) -> bool {
                t.entries().into_iter().any(|(k, v)| is_secret_key(k) || TableRef::of(v).is_some_and(any))
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

#[cfg(test)]
mod mask_tests {
    use super::mask_userinfo;

    #[test]
    fn userinfo_passwords_are_masked_wherever_they_stand() {
        let cases = [
            ("https://u:pw@quay-mirror2.example.com", "https://u:***@quay-mirror2.example.com"),
            (
                "endpoint = [\"https://a.example\", \"https://u:p@w@m.example/v2?x=1@2\"] -> (removed)",
                "endpoint = [\"https://a.example\", \"https://u:***@m.example/v2?x=1@2\"] -> (removed)",
            ),
            ("has \"u:pw@m.example:5000\" (credentials)", "has \"u:***@m.example:5000\" (credentials)"),
            (
                "robot@example.com, https://m.example/a:b@c, robot$ci:<password>",
                "robot@example.com, https://m.example/a:b@c, robot$ci:<password>",
            ),
            ("nginx:1.25@sha256:0123 h:5000/a:1@sha512:ab", "nginx:1.25@sha256:0123 h:5000/a:1@sha512:ab"),
            ("https://u:***@m.example", "https://u:***@m.example"),
            ("", ""),
            ("ünïcode u:x@h ü", "ünïcode u:***@h ü"),
            ("u:x@sha.example", "u:***@sha.example"),
        ];
        for (text, want) in cases {
            assert_eq!(mask_userinfo(text), want, "{text}");
        }
    }
}
