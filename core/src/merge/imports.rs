//! config.toml's `imports = [...]`: the drop-in files containerd merges into it.
//!
//! containerd loads the main file, then each file its `imports` name (and theirs), in order,
//! and merges each into what it has so far. How differs by major version (containerd's
//! `mergeConfig`, server/config):
//! - 1.x replaces whole `plugins.<id>` entries: a drop-in with any
//!   `plugins."io.containerd.grpc.v1.cri"` table (`plugins.cri` in a version 1 config) replaces
//!   the main file's whole CRI section, registry settings included, so what pullfix writes
//!   into the main file is thrown away. A relative path is relative to the importing file's
//!   directory; a relative pattern with `*` is too since 1.6.30 and 1.7.16 (containerd#9746,
//!   backported as #9835 and #9834), but older releases glob it as it is, i.e. relative to
//!   containerd's working directory (`/` under systemd): 1.6.20 does, 1.7.24 does not
//!   (tests/containerd_oracle.rs).
//! - 2.x merges the plugin tables key by key (mergo): a drop-in overrides only the keys it
//!   sets, so what breaks is a drop-in's own `config_path` or legacy `mirrors` (refused beside
//!   `config_path`) and `configs.*.tls` (ignored). Every relative path, pattern or not, is
//!   relative to the importing file's directory.
//!
//! Pure: [`patterns`] says what the caller must read, the caller reads the files
//! (`pullfix apply` and `pullfix doctor` do), and [`check`] reports.

pub mod effective;
pub mod merged;
mod overrides;
pub mod snapshotter;
mod versions;

pub use versions::raises_version_1;

use toml_edit::{DocumentMut, Item};

use super::edit;
use crate::config_file::display_path;
use crate::diagnostic::{Diagnostic, Severity};
use crate::toml_table::TableRef;
use crate::version::Target;
use effective::version_of;

/// One `imports` entry, made absolute, for the caller to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportPattern {
    /// The absolute path or pattern.
    pub pattern: String,
    /// containerd globs it (it has a `*`): the matches, in order, are the files; none is fine.
    /// Otherwise it is one file, which must exist (containerd does not start without it).
    pub glob: bool,
}

/// One file containerd imports, as the caller read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DropIn {
    /// Its path.
    pub path: String,
    /// Its text; `None` when the file does not exist.
    pub text: Option<String>,
}

/// One problem with a drop-in: the file it is about and what to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The drop-in's path.
    pub file: String,
    /// The problem (field `existing_config`).
    pub diagnostic: Diagnostic,
}

impl Finding {
    /// An error about the file at `file`, on the `existing_config` field.
    pub fn error(file: &str, code: &'static str, message: String, fix: String) -> Finding {
        Finding {
            file: file.to_owned(),
            diagnostic: Diagnostic::error(super::existing_config_field(), code, message, fix),
        }
    }
}

/// An `imports` pattern of the file at `importer` that Go's `filepath.Glob` rejects (an
/// unclosed `[` class, a trailing `\`): containerd does not start (`containerd: syntax error
/// in pattern`) once the directory holds a file (containerd 1.6.20 starts with an empty one),
/// an error like a missing import.
pub fn malformed_pattern(importer: &str, pattern: &str) -> Finding {
    Finding::error(
        importer,
        "merge.import-malformed",
        format!(
            "{importer} imports {pattern:?}, which is malformed for Go's filepath.Glob: containerd does not start (`containerd: syntax error in pattern`) once the directory it names holds a file (Go checks the pattern against each name there), and pullfix does not follow it."
        ),
        format!(
            "Correct the pattern in {importer}'s `imports` (close every `[...]` class, write a literal `[` as `\\[`), check that `containerd config dump` loads it, then run pullfix again."
        ),
    )
}

/// The drop-ins whose `disabled_plugins` names the CRI plugin: containerd appends every
/// file's list, so the plugin stays off whatever config.toml says, and `pullfix apply` on
/// config.toml does not edit drop-ins. One error each.
pub fn disabling_cri(containerd: Option<&str>, drop_ins: &[DropIn]) -> Vec<Finding> {
    let on_2x = containerd.and_then(|v| Target::parse(v).ok()).is_none_or(|t| t.major >= 2);
    let mut out = Vec::new();
    for d in drop_ins {
        let Some(doc) = d.text.as_deref().and_then(|t| t.parse::<DocumentMut>().ok()) else { continue };
        let Some(list) = doc.get("disabled_plugins").and_then(Item::as_array) else { continue };
        let cri: Vec<String> = list
            .iter()
            .filter_map(|v| v.as_str())
            .map(str::trim)
            .filter(|n| crate::plugin_ids::is_cri(n, on_2x))
            .map(|n| format!("{n:?}"))
            .collect();
        if cri.is_empty() {
            continue;
        }
        let quoted = crate::shell::quote(&d.path);
        out.push(Finding {
            file: d.path.clone(),
            diagnostic: Diagnostic::error(
                super::existing_config_field(),
                "merge.import-disables-cri",
                format!(
                    "The drop-in {} disables containerd's CRI plugin (disabled_plugins has {}): containerd adds every file's disabled_plugins together, so the kubelet cannot pull or run anything through this containerd whatever config.toml says, and pullfix apply on config.toml does not edit drop-ins.",
                    d.path,
                    cri.join(", ")
                ),
                if on_2x {
                    format!(
                        "Edit {}: remove {} from its disabled_plugins, or run `pullfix apply --form <your form> --config {quoted}`, which removes it; then run pullfix apply on config.toml again.",
                        d.path,
                        cri.join(", ")
                    )
                } else {
                    // Review 11, N1: on 1.x applying the form to the drop-in gives it a CRI
                    // table, which replaces config.toml's whole CRI section.
                    format!(
                        "Edit {}: remove {} from its disabled_plugins (delete the drop-in when nothing is left), then restart containerd; do not apply the form to the drop-in: on containerd 1.x a drop-in with a CRI table replaces config.toml's whole CRI section.",
                        d.path,
                        cri.join(", ")
                    )
                },
            ),
        });
    }
    out
}

/// The `imports` of the config text at `path` (a file's own path, absolute), in order, as
/// containerd `containerd` (`None`: unknown) resolves them. Nothing when the text is not TOML
/// or has no `imports`.
pub fn patterns(text: &str, path: &str, containerd: Option<&str>) -> Vec<ImportPattern> {
    let Ok(doc) = text.parse::<DocumentMut>() else { return Vec::new() };
    let dir = match path.rfind('/') {
        Some(0) => "/",
        Some(i) => &path[..i],
        None => ".",
    };
    let from_cwd = containerd.and_then(|v| Target::parse(v).ok()).is_some_and(|t| reads_from_cwd(&t));
    let mut out = Vec::new();
    for entry in imports(&doc) {
        let glob = entry.contains('*');
        let pattern = if entry.starts_with('/') {
            entry
        } else if glob && from_cwd {
            // Before containerd#9746 the pattern is globbed as it is: relative to
            // containerd's working directory.
            format!("/{entry}")
        } else {
            format!("{}/{entry}", dir.trim_end_matches('/'))
        };
        out.push(ImportPattern { pattern: clean(&pattern), glob });
    }
    out
}

/// The fix for config.toml's version 2 settings under a drop-in of a higher version: the
/// commands that migrate a copy of config.toml WITHOUT its `imports` line and put the line
/// back. `containerd config migrate` loads the imports like the daemon (2.1.9: run on
/// config.toml itself it prints the merged config at the drop-in's version, config.toml's
/// version 2 settings dropped, not moved, and the drop-ins' tables baked in); on the copy it
/// moves every setting to its version 3 path and prints `imports = []`, which the commands
/// replace with config.toml's own line. Verified with the real 2.1.9
/// (tests/containerd_oracle.rs runs these commands).
pub fn migrate_without_imports(main_path: &str, main: Option<&DocumentMut>, t: &Target) -> String {
    let q = crate::shell::quote(main_path);
    let new = crate::shell::quote(&format!("{main_path}.new"));
    let entries: toml_edit::Array = main.map(imports).unwrap_or_default().into_iter().collect();
    let line = crate::shell::quote(&format!("imports = {entries}"));
    // Deletes the top-level `imports = [...]`, one line or several (up to the line ending in `]`).
    let strip = r#"awk '/^[[:space:]]*imports[[:space:]]*=/{s=1} !s{print} s&&/\][[:space:]]*(#.*)?$/{s=0}'"#;
    format!(
        "migrate a copy of config.toml without its `imports` line and put the line back (`containerd config migrate` run on config.toml itself loads the drop-ins too, so it drops these version 2 settings instead of moving them): `{strip} {q} > /tmp/config-noimports.toml && {{ printf '%s\\n' {line}; containerd -c /tmp/config-noimports.toml config migrate | grep -v '^imports = \\[\\]$'; }} > {new}`. Check the result with `containerd -c {new} config dump` (the sandbox image, config_path, node credentials and SystemdCgroup must be at their version {} paths), then replace config.toml with it: `cp -p {q} /root/config.toml.v2 && cat {new} > {q} && rm {new}`, run `pullfix apply` again and restart containerd.",
        t.config_version()
    )
}

/// Whether containerd `t` globs a relative `imports` pattern from its working directory
/// (`Some(true)`: 1.5 and older, 1.6 before 1.6.30, 1.7 before 1.7.16) or from the importing
/// file's directory (`Some(false)`: those releases on, containerd#9746, and 2.x). `None`: a
/// 1.6 or 1.7 without its patch release, which could be either (read as 1.6 before 1.6.30
/// and 1.7.16+, the releases most nodes run).
pub fn globs_from_cwd(t: &Target) -> Option<bool> {
    match (t.major, t.minor, t.patch) {
        (1, 6, Some(p)) => Some(p < 30),
        (1, 7, Some(p)) => Some(p < 16),
        (1, 6 | 7, None) => None,
        (1, m, _) => Some(m < 6),
        _ => Some(false),
    }
}

/// Where pullfix looks for a relative pattern's files: [`globs_from_cwd`], a 1.6 without its
/// patch release read as before 1.6.30, a 1.7 as 1.7.16+.
fn reads_from_cwd(t: &Target) -> bool {
    globs_from_cwd(t).unwrap_or(t.minor == 6)
}

/// The relative `*` patterns among the `imports` of the file at `importer` (its text) whose
/// directory depends on containerd's release: a warning each, since the drop-ins next to
/// config.toml are not loaded when containerd globs from its working directory (`/` under
/// systemd), and pullfix cannot tell which it does without the patch release. An absolute
/// pattern means the same to every release.
pub fn relative_globs(importer: &str, text: &str, containerd: Option<&str>) -> Vec<Finding> {
    relative_globs_loading(importer, text, containerd, |_| Vec::new())
}

/// [`relative_globs`], with `matching` giving the drop-ins an absolute pattern matches (the
/// caller globs and reads them): when the pattern made absolute, as the fix says (or as
/// 1.6.30+ and 1.7.16+ read it by themselves), would load a drop-in with a CRI table, the
/// warning says that containerd 1.x then replaces config.toml's whole CRI section, and the fix
/// moves those tables into config.toml first (review 10, M4: verified with 1.6.20).
pub fn relative_globs_loading(
    importer: &str,
    text: &str,
    containerd: Option<&str>,
    matching: impl Fn(&str) -> Vec<DropIn>,
) -> Vec<Finding> {
    let Some(t) = containerd.and_then(|v| Target::parse(v).ok()) else { return Vec::new() };
    let from_cwd = globs_from_cwd(&t);
    if t.major != 1 || from_cwd == Some(false) {
        return Vec::new();
    }
    let Ok(doc) = text.parse::<DocumentMut>() else { return Vec::new() };
    let dir = match importer.rfind('/') {
        Some(0) | None => "",
        Some(i) => &importer[..i],
    };
    let mut out = Vec::new();
    for entry in imports(&doc).into_iter().filter(|e| e.contains('*') && !e.starts_with('/')) {
        let beside = clean(&format!("{dir}/{entry}"));
        let rooted = clean(&format!("/{entry}"));
        let how = match from_cwd {
            Some(true) => format!(
                "containerd {t} globs it from its working directory (`/` under systemd), so it loads {rooted}, not {beside} (only 1.6.30+ and 1.7.16+ join it to {importer}'s directory, containerd#9746)"
            ),
            _ => format!(
                "containerd 1.6 before 1.6.30 and 1.7 before 1.7.16 glob it from their working directory (`/` under systemd: {rooted}), later releases from {importer}'s directory ({beside}, containerd#9746), and the node's patch release is not known (pullfix read {})",
                if reads_from_cwd(&t) { &rooted } else { &beside }
            ),
        };
        // Every relative entry made absolute as the newer releases read it.
        let abs: toml_edit::Array = imports(&doc)
            .iter()
            .map(|e| if e.starts_with('/') { e.clone() } else { clean(&format!("{dir}/{e}")) })
            .collect();
        let line = format!("imports = {abs}");
        let with_cri: Vec<String> = matching(&beside)
            .into_iter()
            .filter(|d| {
                d.text.as_deref().and_then(|t| t.parse::<DocumentMut>().ok()).is_some_and(|doc| {
                    ["cri", "io.containerd.grpc.v1.cri"]
                        .iter()
                        .any(|id| edit::get(&doc, &["plugins".to_owned(), (*id).to_owned()]).is_some())
                })
            })
            .map(|d| d.path)
            .collect();
        let (consequence, first) = if with_cri.is_empty() {
            (String::new(), String::new())
        } else {
            (
                format!(
                    " Written as an absolute path (or read by 1.6.30+ and 1.7.16+, which join it to {importer}'s directory themselves), it loads {}, which {} a plugins.\"io.containerd.grpc.v1.cri\" table: containerd 1.x then replaces config.toml's whole CRI section with the last such drop-in's, so config.toml's config_path, sandbox image and node credentials are thrown away (x509, 401, containerd's default pause image).",
                    with_cri.join(", "),
                    if with_cri.len() == 1 { "has" } else { "each have" }
                ),
                format!(
                    "First move the CRI tables of {} into {importer} (plugins.\"io.containerd.grpc.v1.cri\"..., e.g. runc's runtime_type and SystemdCgroup; `pullfix apply` keeps them there) and delete them from the drop-in (delete a drop-in left empty). Only then ",
                    with_cri.join(", ")
                ),
            )
        };
        out.push(Finding {
            file: importer.to_owned(),
            diagnostic: Diagnostic::warning(
                super::existing_config_field(),
                "merge.import-relative-glob",
                format!("{importer} imports {entry:?}, a relative pattern: {how}.{consequence}"),
                format!(
                    "{first}{} the pattern as an absolute path in {importer}, which every containerd release reads the same: `{line}`; then check with `containerd config dump` (its `imports` line lists the files loaded{}).",
                    if first.is_empty() { "Write" } else { "write" },
                    if first.is_empty() { "" } else { "; config_path and the sandbox image must be config.toml's" }
                ),
            ),
        });
    }
    out
}

/// An absolute path with `.`, `..` and doubled slashes resolved, as Go's `filepath.Clean`.
fn clean(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    format!("/{}", parts.join("/"))
}

/// The `imports` entries of a parsed file.
fn imports(doc: &DocumentMut) -> Vec<String> {
    doc.get("imports")
        .and_then(Item::as_array)
        .map(|a| a.iter().filter_map(|v| v.as_str()).map(str::to_owned).collect())
        .unwrap_or_default()
}

/// The config version containerd merges config.toml (`main`) and its drop-ins to: the last
/// file's non-zero `version` (0: none sets one). A drop-in's `version = 2` makes a version-less
/// config.toml version 2 too (review 10, H2).
pub fn merged_version(main: &str, drop_ins: &[DropIn]) -> i64 {
    let texts = std::iter::once(Some(main)).chain(drop_ins.iter().map(|d| d.text.as_deref()));
    texts.filter_map(|t| t?.parse::<DocumentMut>().ok()).map(|d| version_of(&d)).rfind(|v| *v != 0).unwrap_or(0)
}

/// Whether the text has an `imports` line with at least one entry.
pub fn has_imports(text: &str) -> bool {
    text.parse::<DocumentMut>().is_ok_and(|d| !imports(&d).is_empty())
}

/// The info for a pasted config.toml that imports drop-ins: the page sees only the one file.
/// `containerd` is the form's target: with a known release only its rule is told (review 10
/// web L5); the merged file's `version` decides 2.x's version 2 drop-in clause.
pub fn not_seen_here(text: &str, containerd: Option<&str>) -> Option<Diagnostic> {
    let doc = text.parse::<DocumentMut>().ok().filter(|d| !imports(d).is_empty())?;
    let one_x = "on containerd 1.x a drop-in with any plugins.\"io.containerd.grpc.v1.cri\" table replaces this file's whole CRI section, the registry settings merged here included";
    let two_x = "on containerd 2.x a drop-in's own config_path, sandbox image, node credentials, mirrors or configs.*.tls win over this file's";
    let v3 = version_of(&doc) >= 3;
    let rule = match containerd.and_then(|v| Target::parse(v).ok()).map(|t| t.major) {
        Some(1) => format!("{one_x}."),
        Some(_) if v3 => format!("{two_x}, and a version 2 drop-in under this version 3 file is migrated table by table (its registry table replaces this one)."),
        Some(_) => format!("{two_x}."),
        None => format!("{one_x}; {two_x}."),
    };
    Some(Diagnostic::info(
        super::existing_config_field(),
        "merge.imports-not-seen",
        format!("The pasted config.toml imports drop-in files (`imports = [...]`), which this page cannot see: {rule}"),
        "On the node run `pullfix apply` (it reads the drop-ins and says which one to merge into) or `pullfix doctor`; or check the drop-ins by hand: `containerd config dump` shows what containerd really uses.",
    ))
}

/// The CRI plugin's id in `plugins` for a config version, on containerd 1.x.
fn cri_id(version: i64) -> &'static str {
    if version <= 1 {
        "cri"
    } else {
        "io.containerd.grpc.v1.cri"
    }
}

/// The registry tables a drop-in may hold, per dialect.
const REGISTRY_PATHS: [[&str; 3]; 3] = [
    ["plugins", "cri", "registry"],
    ["plugins", "io.containerd.grpc.v1.cri", "registry"],
    ["plugins", "io.containerd.cri.v1.images", "registry"],
];

/// What a drop-in's registry tables hold that matters beside hosts.toml.
#[derive(Default)]
struct Legacy {
    mirrors: Vec<String>,
    tls: Vec<String>,
    config_path: Option<(String, String)>,
}

fn legacy(doc: &DocumentMut) -> Legacy {
    legacy_in(doc, &REGISTRY_PATHS)
}

/// [`legacy`] of the registry tables at `paths` only.
fn legacy_in(doc: &DocumentMut, paths: &[[&str; 3]]) -> Legacy {
    let mut out = Legacy::default();
    for p in paths {
        let path: Vec<String> = p.iter().map(|s| (*s).to_owned()).collect();
        let Some(reg) = edit::get(doc, &path).and_then(TableRef::of) else { continue };
        if let Some(m) = reg.get("mirrors").and_then(TableRef::of) {
            out.mirrors.extend(m.entries().into_iter().map(|(k, _)| k.to_owned()));
        }
        if let Some(c) = reg.get("configs").and_then(TableRef::of) {
            for (k, v) in c.entries() {
                if TableRef::of(v).is_some_and(|t| t.get("tls").is_some()) {
                    out.tls.push(k.to_owned());
                }
            }
        }
        if let Some(cp) = reg.get("config_path").and_then(Item::as_str) {
            let mut key = path.clone();
            key.push("config_path".into());
            out.config_path = Some((display_path(&key), cp.to_owned()));
        }
    }
    out
}

/// What config.toml's (`main`) CRI runtimes lose on containerd 1.x when the drop-in `doc`'s CRI
/// section (plugin `id`) replaces it: runc's `SystemdCgroup = true` first, then every runtime
/// table the drop-in does not have.
fn runtime_losses(main: &DocumentMut, doc: &DocumentMut, id: &str) -> Vec<String> {
    let runtimes = |d: &DocumentMut| {
        edit::get(d, &["plugins".to_owned(), id.to_owned(), "containerd".to_owned(), "runtimes".to_owned()])
            .and_then(TableRef::of)
            .map(|t| t.entries().into_iter().map(|(k, v)| (k.to_owned(), v.clone())).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    let systemd = |r: &[(String, Item)]| {
        r.iter().find(|(k, _)| k == "runc").and_then(|(_, v)| {
            TableRef::of(v)?.get("options").and_then(TableRef::of)?.get("SystemdCgroup").and_then(Item::as_bool)
        }) == Some(true)
    };
    let (mine, theirs) = (runtimes(main), runtimes(doc));
    let mut out = Vec::new();
    if systemd(&mine) && !systemd(&theirs) {
        out.push("runc's SystemdCgroup = true (runc runs with the cgroupfs driver, a mismatch with a kubelet on the systemd driver)".to_owned());
    }
    let gone: Vec<String> =
        mine.iter().filter(|(k, _)| !theirs.iter().any(|(t, _)| t == k)).map(|(k, _)| format!("{k:?}")).collect();
    if !gone.is_empty() {
        out.push(format!("its runtimes {} are gone", gone.join(", ")));
    }
    out
}

/// Whether a drop-in's text sets a non-empty registry `config_path` (pullfix was applied to it).
pub fn sets_config_path(text: &str) -> bool {
    text.parse::<DocumentMut>().is_ok_and(|d| legacy(&d).config_path.is_some_and(|(_, cp)| !cp.trim().is_empty()))
}

/// Whether a path is a backup `pullfix apply` writes (`<file>.pullfix-backup-<UTC time>`).
pub fn is_backup(path: &str) -> bool {
    path.rsplit('/').next().is_some_and(|name| name.contains(".pullfix-backup-"))
}

/// The drop-in whose CRI section containerd 1.x uses instead of config.toml's: the last one
/// with a CRI table (1.x replaces whole `plugins.<id>` entries). `None` on 2.x (merged key by
/// key), for an unknown version, or when no drop-in has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriOwner {
    /// The drop-in's path.
    pub path: String,
    /// Its text.
    pub text: String,
    /// The config version of the merged files (a drop-in without a `version` line takes it).
    pub version: i64,
    /// Its non-empty registry `config_path`, when it sets one.
    pub config_path: Option<String>,
}

/// See [`CriOwner`].
pub fn cri_owner(containerd: Option<&str>, main: &str, drop_ins: &[DropIn]) -> Option<CriOwner> {
    let target = containerd.and_then(|v| Target::parse(v).ok())?;
    if target.major >= 2 {
        return None;
    }
    let mut version = main.parse::<DocumentMut>().map(|d| version_of(&d)).unwrap_or(0);
    let parsed: Vec<(&DropIn, &str, DocumentMut)> = drop_ins
        .iter()
        .filter_map(|d| {
            let text = d.text.as_deref()?;
            text.parse::<DocumentMut>().ok().map(|doc| (d, text, doc))
        })
        .collect();
    for (_, _, doc) in &parsed {
        let v = version_of(doc);
        if v != 0 {
            version = v;
        }
    }
    let id = cri_id(version);
    let (d, text, doc) =
        parsed.iter().rev().find(|(_, _, doc)| edit::get(doc, &["plugins".to_owned(), id.to_owned()]).is_some())?;
    let config_path = legacy(doc).config_path.map(|(_, cp)| cp.trim().to_owned()).filter(|cp| !cp.is_empty());
    Some(CriOwner { path: d.path.clone(), text: (*text).to_owned(), version, config_path })
}

/// [`check_at`] for a config.toml at containerd's default path, /etc/containerd/config.toml.
pub fn check(containerd: Option<&str>, main: &str, config_path: Option<&str>, drop_ins: &[DropIn]) -> Vec<Finding> {
    check_at(containerd, DEFAULT_MAIN, main, config_path, drop_ins)
}

/// containerd's default config file.
const DEFAULT_MAIN: &str = "/etc/containerd/config.toml";

/// Checks the drop-ins `main` (the text of the config.toml at `main_path`, as it will be)
/// imports, given in containerd's load order, for containerd `containerd` (`None`: unknown, so
/// 1.x's rule is a warning). `config_path` is the hosts.toml directory the main file sets
/// (pullfix's). `main_path` goes into the commands the fixes give.
pub fn check_at(
    containerd: Option<&str>,
    main_path: &str,
    main: &str,
    config_path: Option<&str>,
    drop_ins: &[DropIn],
) -> Vec<Finding> {
    let target = containerd.and_then(|v| Target::parse(v).ok());
    let mut out = Vec::new();
    let push = |out: &mut Vec<Finding>, file: &str, d: Diagnostic| {
        out.push(Finding { file: file.to_owned(), diagnostic: d });
    };
    let field = super::existing_config_field;
    // containerd merges `version` too: the last file that sets one decides it.
    let main_doc = main.parse::<DocumentMut>().ok();
    let main_version = main_doc.as_ref().map(version_of).unwrap_or(0);
    let mut version = main_version;
    // The last drop-in that sets a version (it decides the merged one).
    let mut version_from: Option<&str> = None;
    let mut parsed = Vec::new();
    for d in drop_ins {
        let Some(text) = &d.text else {
            push(
                &mut out,
                &d.path,
                Diagnostic::error(
                    field(),
                    "merge.import-missing",
                    format!("config.toml imports {}, which does not exist: containerd does not start (`failed to load TOML`).", d.path),
                    format!("Create {} or remove it from config.toml's `imports`.", d.path),
                ),
            );
            continue;
        };
        match text.parse::<DocumentMut>() {
            Ok(doc) => {
                let v = version_of(&doc);
                if v != 0 {
                    version = v;
                    version_from = Some(&d.path);
                }
                parsed.push((d, doc));
            }
            Err(e) => push(
                &mut out,
                &d.path,
                Diagnostic::error(
                    field(),
                    "merge.import-invalid",
                    format!(
                        "The drop-in {} that config.toml imports is not valid TOML ({}): containerd does not start.",
                        d.path,
                        crate::config_file::toml_error(text, &e)
                    ),
                    format!("Fix {} (or remove it from `imports`), then run pullfix again.", d.path),
                ),
            ),
        }
    }
    // Review 10, H2, H3: the versions of all the files together.
    if let Some(t) = &target {
        out.extend(versions::too_new(t, &parsed));
        if let Some(m) = &main_doc {
            out.extend(versions::short_plugin_keys(t, main_path, m, &parsed));
            out.extend(versions::lowers_to_1(t, m, &parsed));
            out.extend(versions::short_ids_at_3(t, main_path, m, &parsed));
        }
    }
    let major = target.as_ref().map(|t| t.major);
    let id = cri_id(version);
    let owners: Vec<&(&DropIn, DocumentMut)> =
        parsed.iter().filter(|(_, doc)| edit::get(doc, &["plugins".to_owned(), id.to_owned()]).is_some()).collect();
    // A backup pullfix (before review 7) left beside a drop-in is imported like any drop-in.
    for d in drop_ins.iter().filter(|d| is_backup(&d.path)) {
        let undoes = major.is_none_or(|m| m < 2) && owners.last().is_some_and(|(last, _)| last.path == d.path);
        let message = format!(
            "config.toml imports {}, a backup that pullfix apply wrote beside the drop-in: containerd loads it like any drop-in{}.",
            d.path,
            if undoes {
                ", and as the last file with a CRI table its CRI section replaces everything before it: the apply it backed up is undone"
            } else {
                ", so the old settings it holds are merged in again"
            }
        );
        let fix = format!(
            "Delete {} or move it where no `imports` pattern matches it (e.g. a pullfix-backups/ directory beside config.toml, where pullfix now puts such backups), then restart containerd.",
            crate::shell::quote(&d.path)
        );
        let diag = if undoes && target.is_some() {
            Diagnostic::error(field(), "merge.import-backup", message, fix)
        } else {
            Diagnostic::warning(field(), "merge.import-backup", message, fix)
        };
        push(&mut out, &d.path, diag);
    }
    if major.is_none_or(|m| m < 2) {
        // 1.x (or unknown): whole plugin tables are replaced; the last CRI drop-in wins (a
        // backup as the last is merge.import-backup's).
        if let Some((last, doc)) = owners.last().filter(|(last, _)| !is_backup(&last.path)) {
            let l = legacy(doc);
            let mut held = Vec::new();
            if !l.mirrors.is_empty() {
                held.push(format!("legacy registry.mirrors for {}", l.mirrors.join(", ")));
            }
            if !l.tls.is_empty() {
                held.push(format!("legacy registry.configs.*.tls for {}", l.tls.join(", ")));
            }
            let others: Vec<&str> = owners[..owners.len() - 1].iter().map(|(d, _)| d.path.as_str()).collect();
            let on = match &target {
                Some(t) => format!("containerd {t}"),
                None => "containerd 1.x (the node's version is not known; 2.x merges key by key)".to_owned(),
            };
            let others = if others.is_empty() {
                String::new()
            } else {
                format!(" ({} also has one; the last file wins.)", others.join(", "))
            };
            let quoted = crate::shell::quote(&last.path);
            let owns = l.config_path.as_ref().is_some_and(|(_, cp)| !cp.trim().is_empty());
            // Review 11, N1, N11: what config.toml's runtimes lose, and a section without a
            // table for its default runtime (the CRI plugin does not load at all).
            let lost = main_doc.as_ref().map(|m| runtime_losses(m, doc, id)).unwrap_or_default();
            let no_default = super::runtimes::default_missing(doc, version.max(1), Some(1)).is_some();
            let lost_words = if lost.is_empty() {
                String::new()
            } else {
                format!(" config.toml's runtime settings do not apply either: {}.", lost.join(", "))
            };
            let no_default_words = if no_default {
                " The drop-in's CRI section has runtimes tables but none for the default runtime, so containerd does not load its CRI plugin at all (`no corresponding runtime configured in containerd.runtimes`): no pod runs, and applying the form to the drop-in does not change that."
            } else {
                ""
            };
            // Review 11, N9: 2.x merges key by key, so config.toml's legacy registry keys come
            // back at the upgrade, beside the drop-in's config_path.
            let main_legacy = main_doc.as_ref().map(|m| legacy_in(m, &REGISTRY_PATHS[..2])).unwrap_or_default();
            let upgrade = if owns && !(main_legacy.mirrors.is_empty() && main_legacy.tls.is_empty()) {
                let mut what = Vec::new();
                if !main_legacy.mirrors.is_empty() {
                    what.push(format!("registry.mirrors for {}", main_legacy.mirrors.join(", ")));
                }
                if !main_legacy.tls.is_empty() {
                    what.push(format!("registry.configs.*.tls for {}", main_legacy.tls.join(", ")));
                }
                format!(
                    " config.toml still has legacy {}: containerd 1.x ignores them now, but 2.x merges config.toml and its drop-ins key by key, so after an upgrade they come back beside the drop-in's config_path and 2.x does not load its CRI images plugin (mirrors beside config_path; TLS settings ignored): delete them from config.toml before upgrading.",
                    what.join(" and ")
                )
            } else {
                String::new()
            };
            let move_fix = format!(
                "Move the CRI tables of {} into config.toml (under plugins.\"{id}\", beside its runtimes: e.g. the drop-in's runtimes.<name> tables) and delete them from the drop-in (delete the drop-in when nothing is left), then run `pullfix apply --form <your form> --config {}` and restart containerd; `containerd config dump` must show config.toml's runtimes (runc with SystemdCgroup) and the drop-in's together.",
                last.path,
                crate::shell::quote(main_path)
            );
            let d = if owns {
                // pullfix (or someone) gave the drop-in its own config_path: its CRI section is
                // the one in effect, and that is the fix; legacy keys beside it still break it.
                let message = format!(
                    "config.toml imports {path}, which has a plugins.\"{id}\" table. It sets config_path itself, so {on} uses the drop-in's CRI section (registry settings included) instead of config.toml's.{held}{lost_words}{no_default_words}{upgrade}{others}",
                    path = last.path,
                    held = if held.is_empty() {
                        String::new()
                    } else {
                        format!(" The drop-in also has {}: beside config_path containerd 1.x does not load its CRI plugin, so every pull fails.", held.join(" and "))
                    },
                );
                if held.is_empty() && lost.is_empty() && !no_default && upgrade.is_empty() {
                    Diagnostic::info(
                        field(),
                        "merge.import-replaces-cri",
                        message,
                        format!(
                            "Apply the form to {} (`pullfix apply --form <your form> --config {quoted}`).",
                            last.path
                        ),
                    )
                } else {
                    let fix = if held.is_empty() && lost.is_empty() && !no_default {
                        format!(
                            "Delete the legacy registry.mirrors and configs.*.tls tables from config.toml (put them into the form: mirrors with + Add mirror on the page, [[registry.mirror]] in a form file; ca_file, skip_verify) before upgrading to containerd 2.x; the drop-in's CRI section is the one in effect now (`pullfix apply --form <your form> --config {quoted}` keeps it up to date)."
                        )
                    } else if held.is_empty() {
                        move_fix.clone()
                    } else {
                        format!(
                            "Put those mirrors and TLS settings into the form (mirrors: + Add mirror on the page, [[registry.mirror]] in a form file; ca_file, skip_verify) and delete the mirrors and configs.*.tls tables from {}; then {}",
                            last.path,
                            move_fix.replacen("Move", "move", 1)
                        )
                    };
                    if target.is_some() && (!held.is_empty() || no_default) {
                        Diagnostic::error(field(), "merge.import-replaces-cri", message, fix)
                    } else {
                        Diagnostic::warning(field(), "merge.import-replaces-cri", message, fix)
                    }
                }
            } else {
                // Review 9, M1 on 1.x: its sandbox image replaces config.toml's too.
                let sandbox = edit::get(doc, &["plugins".to_owned(), id.to_owned(), "sandbox_image".to_owned()])
                    .and_then(Item::as_str)
                    .map(|s| format!(" Its sandbox_image = {s:?} is the pause image every pod sandbox starts from, not config.toml's."))
                    .unwrap_or_default();
                let message = format!(
                    "config.toml imports {path}, which has a plugins.\"{id}\" table: {on} replaces the main file's whole CRI section with the drop-in's, so the registry settings (config_path, node credentials) and the sandbox image in config.toml are thrown away and pulls fail (x509, 401).{held}{sandbox}{lost_words}{no_default_words}{others}",
                    path = last.path,
                    held = if held.is_empty() { String::new() } else { format!(" The drop-in has {}, which is what containerd uses.", held.join(" and ")) },
                );
                // Applying the form to the drop-in keeps its runtimes as they are: only when it
                // loses nothing of config.toml's is that a fix (review 11, N1, N11).
                let fix = if lost.is_empty() && !no_default {
                    format!(
                        "Run `pullfix apply --form <your form> --config {quoted}` so the CRI section containerd uses gets the settings, or {}",
                        move_fix.replacen("Move", "move", 1)
                    )
                } else {
                    move_fix.clone()
                };
                if target.is_some() {
                    Diagnostic::error(field(), "merge.import-replaces-cri", message, fix)
                } else {
                    Diagnostic::warning(field(), "merge.import-replaces-cri", message, fix)
                }
            };
            push(&mut out, &last.path, d);
        }
        if target.is_some() {
            return out;
        }
    }
    // 2.x: containerd's LoadConfig merges every file first (mergo.WithOverride: the last
    // non-zero `version` wins), then runs the plugins' ConfigMigration only when the merged
    // `config.Version < version.ConfigVersion`, and the CRI migration (io.containerd.grpc.v1.cri
    // -> io.containerd.cri.v1.images / .runtime) returns early for `configVersion >=
    // version.ConfigVersion` (containerd/containerd cmd/containerd/server/config/config.go
    // LoadConfig + mergeConfig, cmd/containerd/command/config.go dumpConfig, the CRI
    // plugins' configMigration). So a version 3 drop-in stops the migration of a version 2
    // config.toml on 2.0-2.2, and its v2 keys are ignored (`Ignoring unknown key in TOML for
    // plugin`). 2.3+ (ConfigVersion 4) migrates each file on load: a warning (see below).
    let v2_cri = main_doc
        .as_ref()
        .is_some_and(|d| edit::get(d, &["plugins".to_owned(), "io.containerd.grpc.v1.cri".to_owned()]).is_some());
    if let (Some(t), Some(from)) = (&target, version_from) {
        if t.major >= 2 && main_version < 3 && version >= 3 && v2_cri {
            let migrate = migrate_without_imports(main_path, main_doc.as_ref(), t);
            let (snap_words, snap_fix) = main_doc.as_ref().map(snapshotter_words).unwrap_or_default();
            let d = if t.max_config_version() == 3 {
                Diagnostic::error(
                    field(),
                    "merge.import-raises-version",
                    format!(
                        "The drop-in {from} sets version = {version}: containerd merges config.toml and its drop-ins before it migrates anything, so the merged config is version {version} and config.toml's version {main_version} keys under plugins.\"io.containerd.grpc.v1.cri\" (registry, sandbox image) are ignored, not migrated: pulls fail (x509, 401) and the default pause image is used.{snap_words}"
                    ),
                    format!("On the containerd {t} node {snap_fix}{migrate}"),
                )
            } else {
                // 2.3+: containerd#12608 migrates each file on load, before the merge;
                // #12891 then refused a drop-in of a higher version than config.toml, and
                // #13939 reverted that on release/2.3. Which one a node has depends on its
                // patch release.
                Diagnostic::warning(
                    field(),
                    "merge.import-raises-version",
                    format!(
                        "The drop-in {from} sets version = {version}, above config.toml's version {main_version}. containerd {t}'s outcome depends on its patch release: since containerd/containerd#12608 each file is migrated on load, so config.toml's version {main_version} keys keep working, but the releases with #12891 refuse such a drop-in (`drop-in config version {version} higher than root config version {main_version}`) and containerd does not start, until #13939 reverted that on release/2.3."
                    ),
                    format!(
                        "Run `containerd config dump` on the node: if it fails with that message, or to be safe on every release, {migrate}"
                    ),
                )
            };
            push(&mut out, from, d);
        }
    }
    // 2.x (or unknown): key by key, so only what the drop-ins set themselves matters, and
    // what wins: a drop-in's sandbox image or config_path, a version 2 drop-in's fate.
    let severity = if target.is_some() { Severity::Error } else { Severity::Warning };
    let found = main_doc
        .as_ref()
        .map(|m| overrides::findings(target.as_ref(), main_path, m, config_path, &parsed))
        .unwrap_or(overrides::Found { findings: Vec::new(), covered: Vec::new() });
    for (d, doc) in &parsed {
        // A version 2 registry table whose fate a merge.import-lowers-version finding tells.
        let l = if found.covered.contains(&d.path) {
            legacy_in(doc, &[REGISTRY_PATHS[0], REGISTRY_PATHS[2]])
        } else {
            legacy(doc)
        };
        if !l.mirrors.is_empty() {
            let message = format!(
                "The drop-in {} has legacy registry.mirrors for {}: containerd merges it into config.toml key by key, and beside config_path it does not load its CRI plugin, so every pull fails.",
                d.path,
                l.mirrors.join(", ")
            );
            let fix = format!(
                "Put those mirrors into the form (+ Add mirror on the page, [[registry.mirror]] in a form file) and delete the mirrors tables from {}.",
                d.path
            );
            push(
                &mut out,
                &d.path,
                Diagnostic { severity, ..Diagnostic::error(field(), "merge.import-legacy-mirrors", message, fix) },
            );
        }
        if !l.tls.is_empty() {
            push(
                &mut out,
                &d.path,
                Diagnostic::warning(
                    field(),
                    "merge.import-legacy-tls",
                    format!(
                        "The drop-in {} has legacy registry.configs.*.tls for {}: with config_path containerd 2.x ignores them (1.5-1.7 refuse them), so their CA or skip-verify no longer applies.",
                        d.path,
                        l.tls.join(", ")
                    ),
                    format!("Put those TLS settings into the form (ca_file, skip_verify) and delete the tls tables from {}.", d.path),
                ),
            );
        }
    }
    out.extend(found.findings);
    if let Some(m) = &main_doc {
        out.extend(main_mirrors_beside_drop_in_config_path(target.as_ref(), main_path, m, &parsed));
    }
    out
}

/// What [`check_at`]'s `merge.import-raises-version` adds about a version 2 config.toml's
/// non-default `containerd.snapshotter` (empty when it sets none): it is ignored with the rest
/// (real 2.1.9: overlayfs, whatever runtimes config.toml has), and without a runtimes table the
/// migration the fix runs drops it too ([`super::runtimes::snapshotter_lost`]), so the fix adds
/// runc's table first.
fn snapshotter_words(main: &DocumentMut) -> (String, String) {
    let containerd = ["plugins", "io.containerd.grpc.v1.cri", "containerd"];
    let Some(name) = effective::item_at(main, &[&containerd[..], &["snapshotter"]].concat())
        .and_then(Item::as_str)
        .filter(|s| !s.is_empty() && *s != "overlayfs")
    else {
        return Default::default();
    };
    let words = format!(" Its snapshotter = {name:?} is ignored too, so images are unpacked with overlayfs.");
    if effective::item_at(main, &[&containerd[..], &["runtimes"]].concat()).is_some() {
        return (words, String::new());
    }
    let runc = display_path(&[&containerd[..], &["runtimes", "runc"]].concat());
    let fix = format!(
        "first add [{runc}] with `runtime_type = \"{}\"` to config.toml (without a runtimes table the migration drops its snapshotter = {name:?} too), then ",
        super::runtimes::RUNC_V2
    );
    (words, fix)
}

/// Review 11, N9: config.toml's legacy `registry.mirrors` and a drop-in's `config_path`, which
/// containerd 2.x merges key by key into one registry table: beside `config_path` the CRI
/// images plugin refuses to load ("invalid cri image config: mirrors cannot be set when
/// config_path is provided", real 2.1.9), so no image is pulled. The usual way there is
/// an upgrade of a 1.x node whose CRI settings moved into a drop-in (1.x ignored config.toml's
/// whole CRI section). `target` `None`: modelled as 2.1, a warning.
fn main_mirrors_beside_drop_in_config_path(
    target: Option<&Target>,
    main_path: &str,
    main: &DocumentMut,
    parsed: &[(&DropIn, DocumentMut)],
) -> Vec<Finding> {
    let model = target.copied().unwrap_or(Target { major: 2, minor: 1, patch: None });
    if model.major < 2 {
        return Vec::new();
    }
    let mut files: Vec<(&str, &DocumentMut)> = vec![(main_path, main)];
    files.extend(parsed.iter().map(|(d, doc)| (d.path.as_str(), doc)));
    let Some(eff) = effective::effective(&model, &files) else { return Vec::new() };
    let Some(cp) = eff.config_path.filter(|c| c.file != main_path && !c.value.trim().is_empty()) else {
        return Vec::new();
    };
    let paths: &[[&str; 3]] = if eff.version >= 3 { &REGISTRY_PATHS[2..] } else { &REGISTRY_PATHS[1..] };
    let mirrors = legacy_in(main, paths).mirrors;
    if mirrors.is_empty() {
        return Vec::new();
    }
    let on = target.map_or_else(|| "containerd 2.x".to_owned(), |t| format!("containerd {t}"));
    let message = format!(
        "config.toml has legacy registry.mirrors for {} and the drop-in {} sets {} = {:?}: {on} merges config.toml and its drop-ins key by key into one registry table, and with mirrors beside config_path its CRI images plugin does not load (its log: \"failed to load plugin ... mirrors cannot be set when config_path is provided\"), so the kubelet gets `unknown service runtime.v1.ImageService` and no pod starts. (containerd 1.x ignored config.toml's CRI section while the drop-in had one: this breaks at the upgrade to 2.x.)",
        mirrors.join(", "),
        cp.file,
        cp.key,
        cp.value
    );
    let fix = format!(
        "Delete the registry.mirrors tables from config.toml: add {} to the form as [[registry]] entries (pullfix carries their mirror URLs into hosts.toml) and run `pullfix apply --form <your form> --config {}`, which removes them (or delete the tables by hand); restart containerd and check that `containerd config dump` has no registry.mirrors.",
        mirrors.join(", "),
        crate::shell::quote(main_path)
    );
    let d = if target.is_some() {
        Diagnostic::error(super::existing_config_field(), "merge.main-mirrors-beside-config-path", message, fix)
    } else {
        Diagnostic::warning(super::existing_config_field(), "merge.main-mirrors-beside-config-path", message, fix)
    };
    vec![Finding { file: main_path.to_owned(), diagnostic: d }]
}

/// The registry `config_path` containerd 2.x uses when a drop-in's wins over config.toml's
/// (`main`, at `main_path`): that drop-in's path and the directory (possibly empty). `None` on
/// 1.x (see [`cri_owner`]), with an unknown version, or when config.toml's is the one in effect.
pub fn drop_in_config_path(
    containerd: Option<&str>,
    main_path: &str,
    main: &str,
    drop_ins: &[DropIn],
) -> Option<effective::Setting> {
    effective_of(containerd, main_path, main, drop_ins)?.config_path.filter(|s| s.file != main_path)
}

/// [`effective::effective`] of config.toml (`main`, at `main_path`) and its drop-ins, for a
/// known containerd 2.x version; `None` otherwise (or when config.toml is not TOML).
pub fn effective_of(
    containerd: Option<&str>,
    main_path: &str,
    main: &str,
    drop_ins: &[DropIn],
) -> Option<effective::Effective> {
    let target = containerd.and_then(|v| Target::parse(v).ok())?;
    let main_doc = main.parse::<DocumentMut>().ok()?;
    let docs: Vec<(&str, DocumentMut)> = drop_ins
        .iter()
        .filter_map(|d| Some((d.path.as_str(), d.text.as_deref()?.parse::<DocumentMut>().ok()?)))
        .collect();
    let mut files: Vec<(&str, &DocumentMut)> = vec![(main_path, &main_doc)];
    files.extend(docs.iter().map(|(p, d)| (*p, d)));
    effective::effective(&target, &files)
}

#[cfg(test)]
mod tests;
