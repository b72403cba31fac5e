//! `pullfix apply`: merge the form into a node's config.toml and write its certs.d files.
//!
//! Only translation: read the form and the node's config.toml, call
//! `pullfix_core::merge::merge_with` and `pullfix_core::render`, then write. Nothing is
//! written when any diagnostic is an error or a path is too long for the file system. The
//! certs.d files are written first and config.toml last, each atomically; when a write
//! fails, the files already written are put back (and new directories removed), so a node
//! is never left half-applied. config.toml is replaced atomically (a temporary
//! file in the same directory, fsync, rename) after a timestamped owner-only backup, keeping
//! its mode and owner (0600 when it now holds credentials). An existing certs.d file that
//! changes gets the same backup beside it, and replacing a hosts.toml that has settings the
//! new one lacks (hand-written `[host."..."]` mirrors, a CA, ...) is a warning naming them
//! (`pullfix_core::merge::replaced::dropped`), dry run included.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context};
use pullfix_core::diagnostic::{has_errors, Diagnostic};
use pullfix_core::merge::{self, diff::unified_diff, MergeOptions};
use pullfix_core::{FileKind, OutputFile};

use super::safe_write;

/// Arguments of `pullfix apply`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit status: 0 applied (or nothing to do; on 1.x also when a drop-in that replaces config.toml's CRI section already has the form's settings, and config.toml is left alone), 1 errors (nothing written), 2 usage or I/O problem.\n\n\
Examples:\n  sudo pullfix apply --form form.toml --diff --dry-run\n  sudo pullfix apply --form form.toml\n\n\
--diff shows the file as it will be, credentials included: mind who watches the terminal."
)]
pub struct Args {
    /// The form: .toml, .yaml, .yml or .json (by extension); `-` reads TOML from stdin.
    #[arg(long, short = 'f', value_name = "FORM")]
    form: String,
    /// The node's containerd config (created when missing).
    #[arg(long, value_name = "PATH", default_value = "/etc/containerd/config.toml")]
    config: PathBuf,
    /// The hosts.toml directory: config_path is set to it and the hosts.toml and CA files
    /// are written under it (overrides the form's config_path).
    #[arg(long, value_name = "DIR")]
    certs_dir: Option<PathBuf>,
    /// Show what would change; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Print a unified diff of every file that changes.
    #[arg(long)]
    diff: bool,
    /// Write the target's own config version and plugin paths even when the target reads the
    /// file's (a version 2 file on containerd 2.x). The file's other settings are not moved:
    /// every one left where the new version ignores it is an error until you move it. A
    /// version 3 file stays 3 on 2.3+: 3 and 4 share every plugin path pullfix writes (4 moves
    /// top-level server settings, which pullfix does not touch).
    #[arg(long)]
    convert_version: bool,
    /// Keep the file's config version when the target reads it: the default now; accepted
    /// for old scripts and does nothing.
    #[arg(long, conflicts_with = "convert_version")]
    keep_file_version: bool,
}

/// One file to put on the node.
struct Planned {
    path: PathBuf,
    contents: String,
    old: Option<String>,
    mode: u32,
    title: String,
    /// What else to do once it is written (a CA in the system trust store needs
    /// `update-ca-certificates`); `None` when the summary says it all.
    note: Option<String>,
    /// A hosts.toml (replacing one is checked for lost settings).
    hosts_toml: bool,
}

impl Planned {
    fn changed(&self) -> bool {
        self.old.as_deref() != Some(self.contents.as_str())
    }
}

/// Runs `pullfix apply`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut form = match super::input::read_form(&args.form)? {
        Ok(f) => f,
        Err(message) => {
            eprintln!("error: {message}");
            return Ok(ExitCode::from(1));
        }
    };
    if let Some(dir) = &args.certs_dir {
        let abs = if dir.is_absolute() { dir.clone() } else { std::env::current_dir()?.join(dir) };
        form.config_path = abs.to_str().context("--certs-dir must be valid UTF-8")?.trim_end_matches('/').to_owned();
    }
    let existing = match fs::read_to_string(&args.config) {
        Ok(t) => Some(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("reading {}", args.config.display())),
    };
    let config_name = args.config.display().to_string();
    // `--keep-file-version` asks for what merging does by default.
    let _ = args.keep_file_version;
    // Review 10, H2: a version 1 config.toml under a `version = 2` drop-in stops containerd
    // 1.x (the merged config is version 2, which wants full plugin ids): write version 2.
    let containerd = Some(form.containerd.trim()).filter(|v| !v.is_empty());
    let mut convert = args.convert_version;
    if let Some(text) = existing.as_deref().filter(|_| !convert) {
        let drop_ins = super::drop_ins::read(&args.config, text, containerd);
        if let Some((from, v)) = merge::imports::raises_version_1(containerd, text, &drop_ins) {
            eprintln!(
                "info: existing_config: {config_name} is a version 1 config (plugins.cri ...), but the drop-in {from} says version = {v}: containerd merges the version lines, and containerd {} does not start with version 1 plugin names in a version {v} config (`invalid plugin key URI \"cri\" expect io.containerd.x.vx`). pullfix writes {config_name} at version 2 with the plugins' full ids (as --convert-version does).",
                containerd.unwrap_or("1.x")
            );
            convert = true;
        }
    }
    let mut merged = merge::merge_with(
        existing.as_deref().unwrap_or(""),
        &form,
        MergeOptions { convert_to_target_version: convert },
    );
    // A cut config_path list: name the registries whose directories stop being read.
    let lost: Vec<(String, Vec<String>)> =
        merged.dropped_config_dirs.iter().map(|d| (d.clone(), registry_dirs(Path::new(d)))).collect();
    merged.name_lost_registries(&lost);
    // A reordered config_path list: no other registry may switch directories.
    if let Some(order) = merged.reordered_config_dirs.clone() {
        let listing: Vec<(String, Vec<String>)> =
            order.after.iter().map(|d| (d.clone(), subdirectories(Path::new(d)))).collect();
        merged.check_list_order(&form, &listing);
    }
    // Review 11, N1: on 1.x the form applied to a drop-in without a CRI table gives it one,
    // which replaces the whole CRI section of the config.toml importing it (its runtimes,
    // SystemdCgroup): refused.
    refuse_new_cri_table_in_drop_in(&args.config, existing.as_deref(), containerd, &mut merged);
    // Drop-ins (`imports`): on 1.x one with a CRI table replaces this file's CRI section.
    let mut owned_by: Option<String> = None;
    if let Some(main) = merged.text.clone() {
        let (drop_ins, malformed) = super::drop_ins::read_checked(&args.config, &main, containerd);
        let found: Vec<Diagnostic> = malformed
            .into_iter()
            .chain(merge::imports::check_at(
                containerd,
                &super::drop_ins::absolute(&args.config),
                &main,
                merged.config_path.as_deref(),
                &drop_ins,
            ))
            .chain(merge::imports::disabling_cri(containerd, &drop_ins))
            .map(|f| f.diagnostic)
            .collect();
        // On 1.x a drop-in that sets config_path itself owns the CRI section (pullfix was
        // applied to it): config.toml's registry settings would be thrown away, so config.toml
        // is not written. Already up to date (a re-run on a good node): the certs.d files are
        // still written, exit 0. Otherwise: say where to apply the form, exit 1.
        if !has_errors(&found) {
            if let Some(o) = merge::imports::cri_owner(containerd, &main, &drop_ins).filter(|o| o.config_path.is_some())
            {
                let options = MergeOptions { convert_to_target_version: convert };
                let into = merge::merge_with(&o.text, &form, options);
                let quoted = pullfix_core::shell::quote(&o.path);
                if into.text.as_deref() != Some(o.text.as_str()) {
                    for d in &found {
                        eprintln!("{d}");
                    }
                    eprintln!(
                        "error: existing_config: containerd {} uses the CRI section of {} (it sets config_path itself) instead of {config_name}'s, and it lacks some of the form's settings ({}). Fix: apply the form to it: `pullfix apply --form <your form> --config {quoted}` (and the same options).",
                        containerd.unwrap_or("1.x"),
                        o.path,
                        into.changes.iter().map(|c| c.key_path.as_str()).collect::<Vec<_>>().join(", "),
                    );
                    eprintln!("pullfix: nothing was written.");
                    return Ok(ExitCode::from(1));
                }
                eprintln!(
                    "info: existing_config: {} already has the form's settings and is the CRI section containerd uses, so {config_name} is left as it is (settings there would be thrown away); the certs.d files are checked below. Next time apply the form to it: `pullfix apply --form <your form> --config {quoted}`.",
                    o.path
                );
                owned_by = Some(o.path);
            }
        }
        // containerd 2.0-2.2 migrates config.toml and its drop-ins merged: whether a version 2
        // snapshotter survives depends on every file, not config.toml's tables alone.
        if let Some(snap) = merge::imports::snapshotter::merged_loss(
            containerd,
            &super::drop_ins::absolute(&args.config),
            &main,
            &drop_ins,
        ) {
            merged.diagnostics.retain(|d| d.code != merge::runtimes::SNAPSHOTTER_CODE);
            merged.diagnostics.extend(snap.into_iter().map(|f| f.diagnostic));
        }
        merged.diagnostics.extend(found);
    }
    // A drop-in without a `version` line takes the version of the config.toml importing it
    // (containerd merges `version`: mergo keeps the non-zero one), so "read as version 1" is
    // only true for a main file.
    if merged.diagnostics.iter().any(|d| d.code == "merge.version-missing") {
        let importer = super::drop_ins::importing_main(&args.config, containerd);
        let main_version = importer.as_ref().and_then(|m| fs::read_to_string(m).ok()).and_then(|t| {
            t.parse::<toml_edit::DocumentMut>().ok().and_then(|d| d.get("version").and_then(|v| v.as_integer()))
        });
        let named_config_toml = args.config.file_name().is_some_and(|n| n == "config.toml");
        for d in merged.diagnostics.iter_mut().filter(|d| d.code == "merge.version-missing") {
            match (&importer, main_version) {
                (Some(main), Some(2)) => {
                    *d = Diagnostic::info(
                        d.field.clone(),
                        d.code,
                        format!(
                            "{config_name} has no `version` line, but {} imports it and says version = 2, which a drop-in takes: its plugins.\"io.containerd.grpc.v1.cri\" settings were in effect.",
                            main.display()
                        ),
                        "pullfix adds `version = 2` to it, the version it already had: nothing changes for containerd.",
                    );
                }
                (None, _) if !named_config_toml => {
                    d.message = format!(
                        "{} If {config_name} is a drop-in that a config.toml with `version = 2` imports, it takes that version and its settings were in effect (pullfix found no such config.toml in /etc/containerd or beside it).",
                        d.message
                    );
                }
                _ => {}
            }
        }
    }
    // What an earlier apply carried into a hosts.toml from the (now gone) legacy tables stays
    // while the form does not set it; the rendered files mark what was carried.
    merged.keep_from_hosts_toml(&form, |path| fs::read_to_string(path).ok());
    let mut rendered = pullfix_core::render(&merged.form_for_files(&form));
    merged.mark_files(&mut rendered.files);
    // A CA carried from the node's own config.toml is not the form's to copy around: only
    // say something when that file is gone.
    merged.drop_carried_ca_notes(&form, &mut rendered.diagnostics);
    merged.rehome_carried_diagnostics(&form, &mut rendered.diagnostics);
    merged.drop_default_sandbox_note(&mut rendered.diagnostics);
    for (field, path) in merged.carried_ca_files(&form) {
        if !Path::new(&path).exists() {
            rendered.diagnostics.push(Diagnostic::warning(
                field,
                "merge.carried-ca-missing",
                format!(
                    "The CA {path:?}, carried into the hosts.toml from the old config.toml, does not exist on this node: pulls that use it fail with `unable to read CA cert ... no such file or directory`."
                ),
                format!(
                    "Copy the CA to {path} (`sudo install -D -m 0644 ca.crt {}`), or paste it into the form's ca_pem.",
                    pullfix_core::shell::quote(&path)
                ),
            ));
        }
    }
    if existing.is_none() {
        eprintln!(
            "info: {config_name} does not exist: apply creates it with only the settings below (containerd's defaults stay in effect for everything else)."
        );
    }
    for d in rendered.diagnostics.iter().chain(&merged.diagnostics) {
        eprintln!("{d}");
    }
    let Some(text) = merged.text.clone() else {
        eprintln!("pullfix: {config_name} is not valid TOML; nothing was written.");
        return Ok(ExitCode::from(1));
    };
    if has_errors(&rendered.diagnostics) || has_errors(&merged.diagnostics) {
        eprintln!("pullfix: there are errors (above); nothing was written.");
        return Ok(ExitCode::from(1));
    }

    let config_mode = existing_mode(&args.config).unwrap_or(0o644);
    // config.toml's CRI section is replaced by a drop-in's that has the settings: keep it.
    let text = if owned_by.is_some() { existing.clone().unwrap_or_default() } else { text };
    if owned_by.is_some() {
        merged.changes.clear();
    }
    let config = Planned {
        path: args.config.clone(),
        contents: text,
        old: existing.clone(),
        mode: if merged.sensitive { config_mode & 0o600 } else { config_mode },
        title: "containerd config".to_owned(),
        note: None,
        hosts_toml: false,
    };
    let mut node_files = Vec::new();
    for f in rendered.files.iter().filter(|f| matches!(f.kind, FileKind::HostsToml | FileKind::Certificate)) {
        node_files.push(planned_node_file(f)?);
    }

    // An existing hosts.toml may be hand-written: say what replacing it drops (it is backed up).
    for p in node_files.iter().filter(|p| p.hosts_toml && p.changed()) {
        let Some(old) = &p.old else { continue };
        let dropped = merge::replaced::dropped(old, &p.contents);
        if !dropped.is_empty() {
            eprintln!(
                "warning: {}: the new file drops or changes what the existing one has: {}. Fix: {}; put what is still wanted into the form (mirrors as [[registry.mirror]], the CA as ca_file or ca_pem, skip_verify, client_cert and client_key) and apply again.",
                p.path.display(),
                dropped.join("; "),
                if args.dry_run {
                    "The old file would be backed up beside it"
                } else {
                    "The old file is backed up beside it (`backup:` below)"
                },
            );
        }
    }
    for c in &merged.changes {
        eprintln!(
            "{config_name}: {}: {} -> {}\n    {}",
            c.key_path,
            c.old.as_deref().unwrap_or("(absent)"),
            c.new.as_deref().unwrap_or("(removed)"),
            c.why
        );
    }
    if args.diff {
        let mut out = std::io::stdout().lock();
        for p in std::iter::once(&config).chain(&node_files).filter(|p| p.changed()) {
            let name = p.path.display().to_string();
            let (a, b) = (format!("{name} (now)"), format!("{name} (after apply)"));
            out.write_all(unified_diff(p.old.as_deref().unwrap_or(""), &p.contents, &a, &b).as_bytes())?;
        }
    }

    let config_changed = config.changed();
    let certs_changed = node_files.iter().any(Planned::changed);
    // Every name is checked before anything is written, and config.toml comes last: the
    // certs.d files do nothing until config_path points at them, and a failure on the way
    // undoes what was written, so the node is left as it was.
    for p in std::iter::once(&config).chain(&node_files).filter(|p| p.changed()) {
        check_name(&p.path)?;
    }
    // The root of a file's writes (review 13, M-1): a hosts.toml directory's parent
    // (config_path) for the files in `<config_path>/<host>/`, else the file's directory.
    let host_dirs: Vec<&Path> = node_files.iter().filter(|p| p.hosts_toml).filter_map(|p| p.path.parent()).collect();
    let root_of = |path: &Path| -> PathBuf {
        let parent = path.parent().unwrap_or(Path::new("/"));
        match parent.parent() {
            Some(root) if host_dirs.contains(&parent) => root.to_path_buf(),
            _ => parent.to_path_buf(),
        }
    };
    if args.dry_run {
        // What the real run would refuse (a link, a directory another user owns or can write).
        for p in std::iter::once(&config).chain(&node_files).filter(|p| p.changed()) {
            let root = root_of(&p.path);
            safe_write::check_root(&root)?;
            safe_write::check_below(&root, p.path.strip_prefix(&root).unwrap_or(&p.path))?;
        }
        for p in node_files.iter().filter(|p| p.changed() && p.old.is_some()) {
            eprintln!("would back up {} to {}", p.path.display(), backup_path(&p.path).display());
        }
    } else {
        let backup_dir = imported_backup_dir(&args.config, containerd);
        let mut undo = Undo::default();
        let mut backups: Vec<(PathBuf, PathBuf)> = Vec::new();
        let mut config_backup: Option<PathBuf> = None;
        let result = (|| -> anyhow::Result<()> {
            for p in node_files.iter().filter(|p| p.changed()) {
                undo.make_parent(&root_of(&p.path), &p.path)?;
                let old_mode = existing_mode(&p.path).unwrap_or(p.mode);
                if let Some(old) = &p.old {
                    let backup = backup_path(&p.path);
                    undo.backups.push(backup.clone());
                    // Owner-only, like config.toml's backup.
                    write_atomic(&backup, old.as_bytes(), old_mode & 0o600)
                        .with_context(|| format!("backing up {} to {}", p.path.display(), backup.display()))?;
                    backups.push((p.path.clone(), backup));
                }
                undo.files.push((p.path.clone(), p.old.clone(), old_mode));
                write_atomic(&p.path, p.contents.as_bytes(), p.mode)
                    .with_context(|| format!("writing {}", p.path.display()))?;
            }
            if config_changed {
                undo.make_parent(&root_of(&config.path), &config.path)?;
                if existing.is_some() {
                    let backup = match &backup_dir {
                        Some(dir) => {
                            let file = dir.join(args.config.file_name().unwrap_or_default());
                            undo.make_parent(dir.parent().unwrap_or(Path::new("/")), &file)?;
                            backup_path(&file)
                        }
                        None => backup_path(&args.config),
                    };
                    undo.backups.push(backup.clone());
                    config_backup = Some(backup.clone());
                    // Owner-only: the backup may hold credentials.
                    write_atomic(&backup, existing.as_deref().unwrap_or("").as_bytes(), config_mode & 0o600)
                        .with_context(|| format!("backing up {} to {}", config_name, backup.display()))?;
                }
                write_atomic(&config.path, config.contents.as_bytes(), config.mode)
                    .with_context(|| format!("writing {config_name}"))?;
            }
            Ok(())
        })();
        if let Err(e) = result {
            let left = undo.undo();
            if left.is_empty() {
                eprintln!("pullfix: apply failed; what it had written is undone, the node is as it was.");
            } else {
                eprintln!("pullfix: apply failed, and these could not be restored: {}", left.join(", "));
            }
            return Err(e);
        }
        for p in node_files.iter().filter(|p| p.changed()) {
            if let Some((_, b)) = backups.iter().find(|(path, _)| *path == p.path) {
                eprintln!("backup: {}", b.display());
            }
            eprintln!("wrote {} ({})", p.path.display(), p.title);
            if let Some(note) = &p.note {
                eprintln!("    {note}");
            }
        }
        if config_changed {
            if let Some(b) = &config_backup {
                eprintln!("backup: {}", b.display());
            }
            eprintln!("wrote {config_name}");
        }
    }
    let would = if args.dry_run { "would change (dry run, nothing written)" } else { "changed" };
    let summary = match (config_changed, certs_changed) {
        (true, _) => format!(
            "{config_name} {would}: containerd reads it only at start, run `sudo systemctl restart containerd`{}.",
            if certs_changed { " (the certs.d files are read on every pull)" } else { "" }
        ),
        (false, true) => format!(
            "only the certs.d files {would}: no restart needed, containerd reads hosts.toml and CA files on every pull."
        ),
        (false, false) => "nothing to change: the node already has these settings.".to_owned(),
    };
    println!("{summary}");
    Ok(ExitCode::SUCCESS)
}

/// The subdirectories of a hosts.toml directory that containerd reads for a registry: those
/// with a hosts.toml, or (without one) `*.crt` CA and `*.cert`/`*.key` client files.
pub(super) fn registry_dirs(dir: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(dir) else { return Vec::new() };
    let mut out: Vec<String> = entries
        .flatten()
        .filter(|e| e.path().is_dir())
        .filter(|e| {
            fs::read_dir(e.path()).is_ok_and(|files| {
                files.flatten().any(|f| {
                    let name = f.file_name().to_string_lossy().into_owned();
                    name == "hosts.toml" || [".crt", ".cert", ".key"].iter().any(|x| name.ends_with(x))
                })
            })
        })
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    out.sort();
    out
}

/// Every subdirectory name of `dir` (containerd 1.x takes any `<host>` or `_default`
/// directory of a config_path root, whatever it holds); sorted, empty when unreadable.
pub(super) fn subdirectories(dir: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(dir) else { return Vec::new() };
    let mut out: Vec<String> =
        entries.flatten().filter(|e| e.path().is_dir()).map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    out.sort();
    out
}

/// The longest file name (one path component) and path Linux file systems take.
const NAME_MAX: usize = 255;
const PATH_MAX: usize = 4095;

/// Fails when the path has a component or a total length the file system would refuse
/// (`File name too long`), before anything is written.
fn check_name(path: &Path) -> anyhow::Result<()> {
    let total = path.as_os_str().len();
    if total > PATH_MAX {
        bail!("cannot write {}: the path is {total} bytes, longer than the {PATH_MAX} a path can have; nothing was written", path.display());
    }
    for c in path.components() {
        let len = c.as_os_str().len();
        if len > NAME_MAX {
            bail!(
                "cannot write {}: the name {:?} is {len} bytes, longer than the {NAME_MAX} a file or directory name can have; nothing was written",
                path.display(),
                c.as_os_str()
            );
        }
    }
    Ok(())
}

/// What apply has changed so far, to put back when a later step fails.
#[derive(Default)]
struct Undo {
    /// Directories it created, outermost first.
    dirs: Vec<PathBuf>,
    /// Files it wrote: the path, the old contents (`None`: it did not exist) and mode.
    files: Vec<(PathBuf, Option<String>, u32)>,
    /// Backups it wrote.
    backups: Vec<PathBuf>,
}

impl Undo {
    /// Checks `root` and makes `path`'s directories below it by [`safe_write`]'s rules (no
    /// link followed, no directory another user owns or can write, new ones 0755),
    /// remembering which directories were new; fails when `path` is a link.
    fn make_parent(&mut self, root: &Path, path: &Path) -> anyhow::Result<()> {
        safe_write::prepare_root(root, &mut self.dirs)?;
        let parent = path.parent().unwrap_or(root);
        let rel = parent.strip_prefix(root).unwrap_or(Path::new(""));
        safe_write::make_dirs_below(root, rel, &mut self.dirs)?;
        safe_write::check_file(path, root)
    }

    /// Restores old contents, removes new files, the backup and new directories; returns
    /// what could not be put back.
    fn undo(self) -> Vec<String> {
        let mut left = Vec::new();
        for (path, old, mode) in self.files.into_iter().rev() {
            let r = match &old {
                Some(text) => write_atomic(&path, text.as_bytes(), mode),
                None => match fs::remove_file(&path) {
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                    r => r.map_err(anyhow::Error::from),
                },
            };
            if r.is_err() {
                left.push(path.display().to_string());
            }
        }
        for b in self.backups {
            let _ = fs::remove_file(b);
        }
        for d in self.dirs.into_iter().rev() {
            if fs::remove_dir(&d).is_err() && d.exists() {
                left.push(d.display().to_string());
            }
        }
        left
    }
}

fn planned_node_file(f: &OutputFile) -> anyhow::Result<Planned> {
    let path = PathBuf::from(format!("/{}", f.path));
    if path.components().any(|c| matches!(c, std::path::Component::ParentDir)) {
        bail!("refusing to write {:?}: the path leaves its directory", f.path);
    }
    let old = match fs::read_to_string(&path) {
        Ok(t) => Some(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    let note = (f.kind == FileKind::Certificate).then(|| f.instructions.clone());
    Ok(Planned {
        path,
        contents: f.contents.clone(),
        old,
        mode: f.mode(),
        title: f.title.clone(),
        note,
        hosts_toml: f.kind == FileKind::HostsToml,
    })
}

/// Where the backup of an imported drop-in goes: `pullfix-backups/` beside the config.toml
/// that imports it. Beside the drop-in, an `imports` pattern such as `conf.d/*` would match
/// the backup, and containerd 1.x, loading it last, would undo the apply. `None` (beside the
/// file) when no importing config.toml is found.
fn imported_backup_dir(config: &Path, containerd: Option<&str>) -> Option<PathBuf> {
    let main = super::drop_ins::importing_main(config, containerd)?;
    let dir = main.parent()?.join("pullfix-backups");
    let name = config.file_name()?.to_string_lossy().into_owned();
    let probe = format!("{}/{name}.pullfix-backup-20000101T000000Z", super::drop_ins::absolute(&dir));
    let text = fs::read_to_string(&main).ok()?;
    if super::drop_ins::would_import(&main, &text, containerd, &probe) {
        eprintln!(
            "warning: {} imports files under {}: the backup of {} written there is imported too. Fix: move it out of every `imports` pattern after apply.",
            main.display(),
            dir.display(),
            config.display()
        );
    }
    Some(dir)
}

/// `<file>.pullfix-backup-YYYYMMDDTHHMMSSZ`, with a counter if that exists.
fn backup_path(config: &Path) -> PathBuf {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let stamp = utc_stamp(secs);
    let base = format!("{}.pullfix-backup-{stamp}", config.display());
    let mut p = PathBuf::from(&base);
    let mut n = 1;
    while fs::symlink_metadata(&p).is_ok() {
        p = PathBuf::from(format!("{base}.{n}"));
        n += 1;
    }
    p
}

/// `YYYYMMDDTHHMMSSZ` for seconds since the epoch (civil-from-days, proleptic Gregorian).
fn utc_stamp(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z", rem / 3600, rem / 60 % 60, rem % 60)
}

#[cfg(unix)]
fn existing_mode(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    fs::symlink_metadata(path).ok().filter(fs::Metadata::is_file).map(|m| m.permissions().mode() & 0o7777)
}

#[cfg(not(unix))]
fn existing_mode(_path: &Path) -> Option<u32> {
    None
}

/// Writes a temporary file beside `path`, fsyncs it, gives it `mode` and the old file's
/// owner, and renames it over `path` (then fsyncs the directory). A link at `path` is
/// refused, never followed ([`safe_write`]).
fn write_atomic(path: &Path, contents: &[u8], mode: u32) -> anyhow::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    safe_write::check_file(path, dir)?;
    Ok(safe_write::write_file(path, contents, mode, owner(path), true)?)
}

/// The owner (uid, gid) of the regular file at `path`.
#[cfg(unix)]
fn owner(path: &Path) -> Option<(u32, u32)> {
    use std::os::unix::fs::MetadataExt;
    fs::symlink_metadata(path).ok().filter(fs::Metadata::is_file).map(|m| (m.uid(), m.gid()))
}

#[cfg(not(unix))]
fn owner(_path: &Path) -> Option<(u32, u32)> {
    None
}

/// Whether the config text has a CRI plugin table (`plugins."io.containerd.grpc.v1.cri"` or
/// version 1's `plugins.cri`).
fn has_cri_table(text: &str) -> bool {
    text.parse::<toml_edit::DocumentMut>().is_ok_and(|d| {
        d.get("plugins")
            .and_then(|p| p.as_table_like())
            .is_some_and(|p| p.contains_key("io.containerd.grpc.v1.cri") || p.contains_key("cri"))
    })
}

/// Review 11, N1 (real 1.7.24: config.toml's `SystemdCgroup = true` became false): on
/// containerd 1.x, `config` is a drop-in that a config.toml with a CRI table imports, the
/// drop-in (`existing`) has no CRI table and the merged one would: an error, so nothing is
/// written.
fn refuse_new_cri_table_in_drop_in(
    config: &Path,
    existing: Option<&str>,
    containerd: Option<&str>,
    merged: &mut merge::MergeResult,
) {
    let one_x = containerd.and_then(|v| pullfix_core::Target::parse(v).ok()).is_some_and(|t| t.major == 1);
    let Some(after) = merged.text.as_deref() else { return };
    if !one_x || existing.is_some_and(has_cri_table) || !has_cri_table(after) {
        return;
    }
    let Some(main) = super::drop_ins::importing_main(config, containerd) else { return };
    if !fs::read_to_string(&main).is_ok_and(|t| has_cri_table(&t)) {
        return;
    }
    merged.diagnostics.push(Diagnostic::error(
        merge::existing_config_field(),
        "apply.drop-in-would-replace-cri",
        format!(
            "{} is a drop-in that {} imports, and it has no CRI table: the form's settings would give it one, and containerd {} replaces config.toml's whole CRI section with a drop-in's (its runtimes, runc's SystemdCgroup and registry settings would stop applying).",
            config.display(),
            main.display(),
            containerd.unwrap_or("1.x")
        ),
        format!(
            "Apply the form to config.toml instead: `pullfix apply --form <your form> --config {}`; edit the drop-in by hand for what it is for (e.g. delete a disabled_plugins entry).",
            pullfix_core::shell::quote(&main.display().to_string())
        ),
    ));
}

#[cfg(test)]
mod tests {
    use super::utc_stamp;

    #[test]
    fn stamps() {
        assert_eq!(utc_stamp(0), "19700101T000000Z");
        assert_eq!(utc_stamp(951_782_400), "20000229T000000Z");
        assert_eq!(utc_stamp(1_795_730_706), "20261126T220506Z");
    }
}
