//! The drop-in findings that come from what containerd 2.x ends up using ([`super::effective`]):
//! a drop-in's sandbox image or `config_path` that wins over config.toml's
//! (`merge.import-sandbox`, `merge.import-config-path`), and a version 2 drop-in under a
//! version 3 config.toml on 2.0-2.2 (`merge.import-lowers-version`).

use toml_edit::DocumentMut;

use super::effective::{self, Fate, V2Setting};
use super::{DropIn, Finding};
use crate::diagnostic::{Diagnostic, Severity};
use crate::version::Target;

/// What [`findings`] found, and the drop-ins whose version 2 registry table it explained (their
/// legacy `mirrors`/`configs.*.tls` are not reported again as if merged key by key).
pub(super) struct Found {
    /// The findings.
    pub findings: Vec<Finding>,
    /// Drop-ins whose `plugins."io.containerd.grpc.v1.cri"` settings a finding covers.
    pub covered: Vec<String>,
}

/// The findings for containerd `target` (`None`: unknown, modelled as 2.1 and reported as
/// warnings) given config.toml (`main_path`, parsed) with the hosts.toml directory
/// `config_path` (pullfix's) and the parsed drop-ins in load order.
pub(super) fn findings(
    target: Option<&Target>,
    main_path: &str,
    main: &DocumentMut,
    config_path: Option<&str>,
    parsed: &[(&DropIn, DocumentMut)],
) -> Found {
    let mut found = Found { findings: Vec::new(), covered: Vec::new() };
    let model = target.copied().unwrap_or(Target { major: 2, minor: 1, patch: None });
    let severity = if target.is_some() { Severity::Error } else { Severity::Warning };
    let on = match target {
        Some(t) => format!("containerd {t}"),
        None => "containerd 2.x".to_owned(),
    };
    let mut files: Vec<(&str, &DocumentMut)> = vec![(main_path, main)];
    files.extend(parsed.iter().map(|(d, doc)| (d.path.as_str(), doc)));
    let Some(eff) = effective::effective(&model, &files) else { return found };
    let field = super::super::existing_config_field;
    let push = |found: &mut Found, file: &str, d: Diagnostic| {
        found.findings.push(Finding { file: file.to_owned(), diagnostic: d });
    };
    // The sandbox image: config.toml's own, and the one in effect when a drop-in sets it.
    let main_sandbox = effective::effective(&model, &[(main_path, main)]).and_then(|e| e.sandbox);
    if let (Some(won), Some(own)) = (&eff.sandbox, &main_sandbox) {
        if won.file != main_path && won.value != own.value {
            let message = format!(
                "The drop-in {} sets {} = {:?}: {on} merges drop-ins after config.toml, so every pod sandbox starts from that image, not from config.toml's {} = {:?} (the sandbox image pullfix sets); the kubelet sends no pull Secret for it, and when the nodes cannot reach it every pod fails with \"failed to get sandbox image\".",
                won.file, won.key, won.value, own.key, own.value
            );
            let fix = format!(
                "Delete {} from {} (or set it to {:?}), restart containerd, and check with `containerd config dump | grep -n sandbox`.",
                won.key, won.file, own.value
            );
            push(
                &mut found,
                &won.file,
                Diagnostic { severity, ..Diagnostic::error(field(), "merge.import-sandbox", message, fix) },
            );
        }
    }
    // The registry's config_path.
    if let (Some(won), Some(main_cp)) = (&eff.config_path, config_path) {
        if won.file != main_path && won.value.trim() != main_cp {
            let dir = won.value.trim();
            let message = format!(
                "The drop-in {} sets {} = {:?}: {on} merges drop-ins after config.toml, so containerd reads hosts.toml from {} instead of {main_cp:?}, and the hosts.toml files pullfix writes there are not read (pulls that need their CA, mirrors or skip_verify fail: x509, no mirror).",
                won.file,
                won.key,
                won.value,
                if dir.is_empty() { "nowhere (an empty config_path)".to_owned() } else { format!("{dir:?}") }
            );
            let fix = if dir.is_empty() {
                format!("Delete config_path from {} (or set it to {main_cp:?}), then restart containerd.", won.file)
            } else {
                format!(
                    "Delete config_path from {} (or set it to {main_cp:?}) and restart containerd; or keep that directory and write the hosts.toml files there: `pullfix apply --certs-dir {}` (same form).",
                    won.file,
                    crate::shell::quote(dir)
                )
            };
            push(
                &mut found,
                &won.file,
                Diagnostic { severity, ..Diagnostic::error(field(), "merge.import-config-path", message, fix) },
            );
        }
    }
    // A version 2 drop-in under a version 3 config.toml (2.0-2.2: the merge comes first).
    if model.max_config_version() != 3 || effective::version_of(main) != 3 {
        return found;
    }
    let docs: Vec<&DocumentMut> = files.iter().map(|(_, d)| *d).collect();
    let last_versioned = files.iter().rev().find(|(_, d)| effective::version_of(d) != 0).map(|(p, _)| *p);
    for (d, doc) in parsed {
        let settings = effective::v2_settings(doc, eff.version, &docs);
        if settings.is_empty() {
            continue;
        }
        found.covered.push(d.path.clone());
        let own = effective::version_of(doc);
        let has = if own == 0 { "has no `version` line".to_owned() } else { format!("has `version = {own}`") };
        let list = |fate: Fate| -> Vec<String> {
            settings.iter().filter(|s| s.fate == fate).map(V2Setting::described).collect()
        };
        let moves: Vec<String> = settings.iter().map(|s| format!("{} -> {}", s.path(), s.v3_path())).collect();
        let registry = settings.iter().any(|s| s.rel == ["registry"]);
        // The drop-in as version 3, to paste, when pullfix can write it.
        let paste = effective::rewritten_v3(doc).map(|text| {
            let lines: Vec<String> = text.lines().map(crate::shell::quote).collect();
            format!(": `printf '%s\\n' {} > {}`", lines.join(" "), crate::shell::quote(&d.path))
        });
        let fix = format!(
            "Rewrite {} as a version 3 drop-in, which containerd merges key by key: `version = 3` and each setting at its version 3 path ({}){}{}; then restart containerd and check with `containerd config dump`.",
            d.path,
            moves.join("; "),
            if registry {
                ", with its legacy mirrors and configs.*.tls put into the form instead (they go to hosts.toml) and only configs.\"<host>\".auth kept"
            } else {
                ""
            },
            paste.unwrap_or_default()
        );
        let (sev, message) = if eff.version >= 3 {
            (
                severity,
                format!(
                    "The drop-in {} {has} and holds version 2 CRI settings, but the merged config is version 3 ({on} takes the last file's version, here {}'s), so containerd ignores them instead of migrating them (`Ignoring unknown key in TOML for plugin`) and they do not apply: {}.",
                    d.path,
                    last_versioned.unwrap_or(main_path),
                    list(Fate::Ignored).join(", ")
                ),
            )
        } else {
            let mut parts = Vec::new();
            let dropped = list(Fate::Dropped);
            if !dropped.is_empty() {
                parts.push(format!(
                    "the version 3 runtime tables (config.toml's) already have these keys and the migration only fills in missing ones, so they do not apply: {}",
                    dropped.join(", ")
                ));
            }
            let replaced = registry && eff.registry_from_v2.as_deref() == Some(d.path.as_str());
            if replaced {
                parts.push(format!(
                    "its registry table replaces the whole plugins.\"io.containerd.cri.v1.images\".registry of config.toml, so config.toml's config_path ({}) and node credentials are gone: hosts.toml is not read and pulls fail (x509, 401)",
                    eff.config_path.as_ref().map_or_else(|| "now empty".to_owned(), |c| format!("now {:?}", c.value))
                ));
            }
            let overrides: Vec<String> = settings
                .iter()
                .filter(|s| s.fate == Fate::Overrides && s.rel != ["registry"])
                .map(V2Setting::described)
                .collect();
            if !overrides.is_empty() {
                parts.push(format!("these override config.toml's version 3 values: {}", overrides.join(", ")));
            }
            let applied = list(Fate::Applied);
            if !applied.is_empty() {
                parts.push(format!("these apply (config.toml's version 3 tables lack them): {}", applied.join(", ")));
            }
            let sev = if !dropped.is_empty() || replaced { severity } else { Severity::Warning };
            (
                sev,
                format!(
                    "The drop-in {} {has} under a version 3 config.toml: {on} takes the last file's version ({}), so the merged config is version 2 and it migrates it at every start (`Configuration migrated from version 2`), table by table: {}.",
                    d.path,
                    match last_versioned {
                        Some(p) if p != d.path => format!("{p}'s"),
                        _ => "this drop-in's".to_owned(),
                    },
                    parts.join("; ")
                ),
            )
        };
        push(
            &mut found,
            &d.path,
            Diagnostic { severity: sev, ..Diagnostic::error(field(), "merge.import-lowers-version", message, fix) },
        );
    }
    found
}
