//! The drop-in findings that come from what containerd 2.x ends up using ([`super::effective`]):
//! a drop-in's sandbox image or `config_path` that wins over config.toml's
//! (`merge.import-sandbox`, `merge.import-config-path`), and a version 2 drop-in under a
//! version 3 config.toml on 2.0-2.2 (`merge.import-lowers-version`).

use toml_edit::DocumentMut;

use super::effective::{self, Fate, V2Setting};
use super::{DropIn, Finding};
use crate::diagnostic::{Diagnostic, Severity};
use crate::toml_table::TableRef;
use crate::version::Target;

/// What [`findings`] found, and the drop-ins whose version 2 registry table it explained (their
/// legacy `mirrors`/`configs.*.tls` are not reported again as if merged key by key).
pub(super) struct Found {
    /// The findings.
    pub findings: Vec<Finding>,
    /// Drop-ins whose `plugins."io.containerd.grpc.v1.cri"` settings a finding covers.
    pub covered: Vec<String>,
}

/// What every check of [`findings`] works from: the release modelled (2.1 when unknown), how
/// the messages name it, the findings' severity, and config.toml with its drop-ins in load order.
struct Ctx<'a> {
    model: Target,
    on: &'a str,
    severity: Severity,
    main_path: &'a str,
    main: &'a DocumentMut,
    files: &'a [(&'a str, &'a DocumentMut)],
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
                "The drop-in {} sets {} = {:?}: {on} merges drop-ins after config.toml, so every pod sandbox starts from that image, not from config.toml's {} = {:?} (where `pullfix apply` writes the form's sandbox image); the kubelet sends no pull Secret for it, and when the nodes cannot reach it every pod fails with \"failed to get sandbox image\".",
                won.file, won.key, won.value, own.key, own.value
            );
            // Review 11, N9: which of the two is the right one is the operator's call (a drop-in
            // pullfix was applied to on 1.x holds the form's image).
            let fix = format!(
                "Keep one sandbox image, in config.toml: delete {} from {}; if {:?} is the image the nodes must use (e.g. on a private registry they can reach), put it into the form's sandbox image and run `pullfix apply --form <your form> --config {}` (it sets config.toml's), otherwise config.toml's {:?} is used. Restart containerd and check with `containerd config dump | grep -n sandbox`.",
                won.key, won.file, won.value, crate::shell::quote(main_path), own.value
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
                    "Delete config_path from {} (or set it to {main_cp:?}) and restart containerd; or keep that directory and write the hosts.toml files there: `pullfix apply --form <your form> --certs-dir {}`.",
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
    let ctx = Ctx { model, on: &on, severity, main_path, main, files: &files };
    auth(&mut found, &ctx);
    // A drop-in at version 3 paths merged at version 2 (2.0-2.2).
    if model.max_config_version() == 3 && eff.version == 2 && effective::version_of(main) < 3 {
        v3_under_v2(&mut found, &ctx, parsed);
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
        let sandbox = settings.iter().any(|s| s.rel == ["sandbox_image"]);
        let fix = format!(
            "{} {}, which containerd merges key by key: `version = 3` and each setting at its version 3 path ({}){}{}{}; then restart containerd and check with `containerd config dump`.",
            if own >= 3 { "Move the version 2 settings of" } else { "Rewrite" },
            if own >= 3 { format!("{} to their version 3 paths", d.path) } else { format!("{} as a version 3 drop-in", d.path) },
            Some(moves.iter().filter(|m| !m.contains("sandbox_image ->")).cloned().collect::<Vec<_>>().join("; "))
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| "nothing else to move".to_owned()),
            if sandbox {
                " and without its sandbox_image (pullfix's form sets the sandbox image in config.toml; a drop-in's at its version 3 path would win over it, so it is left out)"
            } else {
                ""
            },
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
            let lost = list(Fate::Lost);
            if !lost.is_empty() {
                parts.push(format!(
                    "the migration carries a version 2 snapshotter over only together with a version 2 runtimes table, and no file has one, so it drops this one (config.toml's version 3 snapshotter, or overlayfs, stays): {}",
                    lost.join(", ")
                ));
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

/// The hosts whose node credentials (`registry.configs."<host>".auth`) config.toml sets.
fn auth_hosts(main: &DocumentMut) -> Vec<String> {
    let mut out = Vec::new();
    for plugin in ["io.containerd.cri.v1.images", "io.containerd.grpc.v1.cri"] {
        let configs = effective::item_at(main, &["plugins", plugin, "registry", "configs"]);
        for (host, t) in configs.and_then(TableRef::of).map(|t| t.entries()).unwrap_or_default() {
            if TableRef::of(t).is_some_and(|t| t.get("auth").is_some()) && !out.iter().any(|h| h == host) {
                out.push(host.to_owned());
            }
        }
    }
    out
}

/// The credential fields of `registry.configs."<host>".auth` (`auth` is base64 `user:pass` and
/// wins over username/password when set).
const AUTH_FIELDS: [&str; 4] = ["username", "password", "auth", "identitytoken"];

/// Review 10, M3: a drop-in's node credentials for a host config.toml has credentials for win
/// key by key on 2.x (2.1.9: the sandbox pull then gets `401 Unauthorized`). One error per
/// drop-in and host.
fn auth(found: &mut Found, ctx: &Ctx<'_>) {
    let Ctx { model, on, severity, main_path, main, files } = *ctx;
    let model = &model;
    for host in auth_hosts(main) {
        // (drop-in, key, field, username value when that is the field)
        let mut won: Vec<(String, String, &str, Option<String>)> = Vec::new();
        for field in AUTH_FIELDS {
            let rel = ["configs", host.as_str(), "auth", field];
            let Some(w) = effective::registry_setting(model, files, &rel) else { continue };
            let own = effective::registry_setting(model, &[(main_path, main)], &rel);
            if w.file != main_path && own.as_ref().map(|o| &o.value) != Some(&w.value) {
                let shown = (field == "username").then(|| w.value.clone());
                won.push((w.file, w.key, field, shown));
            }
        }
        let mut files_won: Vec<&str> = won.iter().map(|(f, ..)| f.as_str()).collect();
        files_won.dedup();
        for file in files_won {
            let mine: Vec<&(String, String, &str, Option<String>)> = won.iter().filter(|w| w.0 == file).collect();
            let keys: Vec<String> = mine
                .iter()
                .map(|(_, key, _, user)| match user {
                    Some(u) => format!("{key} = {u:?}"),
                    None => key.clone(),
                })
                .collect();
            let table = mine
                .first()
                .map(|(_, key, ..)| key.rsplit_once('.').map_or(key.as_str(), |(t, _)| t))
                .unwrap_or_default();
            let message = format!(
                "The drop-in {file} sets node credentials for {host} ({}): {on} merges drop-ins after config.toml key by key, so these win over config.toml's (the ones pullfix writes from the form), and pulls that rely on node credentials, the sandbox image's included (the kubelet sends no Secret for it), fail with 401 Unauthorized when they are stale.",
                keys.join(", ")
            );
            let fix = format!(
                "Delete the [{table}] table from {file} (or give it the same credentials as config.toml), restart containerd, and check with `containerd config dump` that {host}'s auth is config.toml's."
            );
            found.findings.push(Finding {
                file: file.to_owned(),
                diagnostic: Diagnostic {
                    severity,
                    ..Diagnostic::error(super::super::existing_config_field(), "merge.import-auth", message, fix)
                },
            });
        }
    }
}

/// Review 10, H1: a drop-in with version 3 tables merged at version 2 on 2.0-2.2 (it has no
/// `version` line, config.toml says 2): the migration of the merged version 2 keys only fills
/// in the version 3 runtime keys that are missing, so config.toml's runtimes (runc's
/// SystemdCgroup) are dropped where the drop-in has a version 3 runtimes table, and the version
/// 2 image keys (registry, sandbox image) replace the drop-in's version 3 ones.
fn v3_under_v2(found: &mut Found, ctx: &Ctx<'_>, parsed: &[(&DropIn, DocumentMut)]) {
    let Ctx { model, on, severity, main_path, main, files } = *ctx;
    let model = &model;
    const IMAGES: &str = "io.containerd.cri.v1.images";
    const RUNTIME: &str = crate::config_file::V3_RUNTIME_PLUGIN;
    const GRPC: &str = "io.containerd.grpc.v1.cri";
    let last_versioned = files.iter().rev().find(|(_, d)| effective::version_of(d) != 0).map_or(main_path, |(p, _)| *p);
    for (d, doc) in parsed {
        let has_v3 = [IMAGES, RUNTIME].iter().any(|p| effective::item_at(doc, &["plugins", p]).is_some());
        if !has_v3 {
            continue;
        }
        // Other files' version 2 runtime settings this drop-in's version 3 tables drop.
        let mut dropped = Vec::new();
        for (file, other) in files.iter().filter(|(f, _)| *f != d.path) {
            for s in effective::v2_settings(other, 2, &[doc]).into_iter().filter(|s| s.fate == Fate::Dropped) {
                let whose = if *file == main_path { "config.toml's".to_owned() } else { format!("{file}'s") };
                dropped.push(format!("{whose} {}", s.described()));
            }
        }
        // Its own version 3 image keys that the version 2 ones replace.
        let v2_has = |rel: &[&str]| {
            files.iter().any(|(_, f)| effective::item_at(f, &[&["plugins", GRPC][..], rel].concat()).is_some())
        };
        let mut lost = Vec::new();
        let images = effective::item_at(doc, &["plugins", IMAGES]).and_then(TableRef::of);
        for (k, _) in images.map(|t| t.entries()).unwrap_or_default() {
            let over = match k {
                "pinned_images" => v2_has(&["sandbox_image"]),
                k if crate::config_file::V3_IMAGE_CONTAINERD_KEYS.contains(&k) => v2_has(&["containerd", k]),
                k => v2_has(&[k]),
            };
            if over {
                let what = if k == "registry" { " (replaced whole: its node credentials and mirrors too)" } else { "" };
                let key = if k == "pinned_images" {
                    vec!["plugins", IMAGES, k, "sandbox"]
                } else {
                    vec!["plugins", IMAGES, k]
                };
                lost.push(format!("{}{what}", crate::config_file::display_path(&key)));
            }
        }
        if dropped.is_empty() && lost.is_empty() {
            continue;
        }
        let own = effective::version_of(doc);
        let has = if own == 0 { "has no `version` line".to_owned() } else { format!("says version = {own}") };
        let mut parts = Vec::new();
        if !dropped.is_empty() {
            parts.push(format!(
                "the migration only fills in the version 3 runtime keys that are missing, and the drop-in has them, so these no longer apply: {}{}",
                dropped.join(", "),
                if dropped.iter().any(|d| d.contains("SystemdCgroup")) {
                    " (without runc's SystemdCgroup containerd runs runc with the cgroupfs driver, a mismatch with a kubelet on the systemd driver)"
                } else {
                    ""
                }
            ));
        }
        if !lost.is_empty() {
            parts.push(format!(
                "the version 2 image keys win over the drop-in's version 3 ones, which do not apply: {}",
                lost.join(", ")
            ));
        }
        let message = format!(
            "The drop-in {} {has} but uses version 3 plugin sections; the merged config is version 2 ({}'s `version` line), so {on} migrates the merged version 2 settings at every start (`Configuration migrated from version 2`): {}.",
            d.path,
            if last_versioned == main_path { "config.toml" } else { last_versioned },
            parts.join("; ")
        );
        let paste = effective::rewritten_v2(doc).map(|(text, left_out)| {
            let lines: Vec<String> = text.lines().map(crate::shell::quote).collect();
            format!(
                ": `printf '%s\\n' {} > {}`{}",
                lines.join(" "),
                crate::shell::quote(&d.path),
                if left_out.is_empty() {
                    String::new()
                } else {
                    format!(
                        " ({} left out: config.toml's, which pullfix's form sets, is the one in effect now, and at its version 2 path the drop-in's would win)",
                        left_out.join(", ")
                    )
                }
            )
        });
        let fix = format!(
            "Write {} at version 2 paths (plugins.\"io.containerd.grpc.v1.cri\"), which containerd merges with config.toml's before migrating them together{}; then restart containerd and check with `containerd config dump`. Do not just add `version = 3` to it: that stops the migration of config.toml's version 2 settings (registry, sandbox image) unless config.toml is migrated first ({}).",
            d.path,
            paste.unwrap_or_default(),
            super::migrate_without_imports(main_path, Some(main), model)
        );
        // Only an image key such as its sandbox image lost (config.toml's, pullfix's, wins): a
        // warning; runtime settings or the drop-in's registry table lost: an error.
        let lost_registry = lost.iter().any(|l| l.contains(".registry"));
        let severity = if dropped.is_empty() && !lost_registry { Severity::Warning } else { severity };
        found.covered.push(d.path.clone());
        found.findings.push(Finding {
            file: d.path.clone(),
            diagnostic: Diagnostic {
                severity,
                ..Diagnostic::error(super::super::existing_config_field(), "merge.import-v3-under-v2", message, fix)
            },
        });
    }
}
