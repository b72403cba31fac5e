//! The rules: which lines show which [`Family`], and what to say and prefill for each.

use super::facts::{self, Facts, SeenMirror};
use super::prefill::Prefill;
use super::scan::{self, Line};
use super::{Family, Finding};
use crate::form::Scheme;
use crate::host::{Host, HostKind};
use crate::image_ref;
use crate::version::Target;

/// A mirror of the Kubernetes pause images reachable where k8s.gcr.io and registry.k8s.io
/// are not (the one the incident in STORY.md used).
pub const PAUSE_MIRROR: &str = "registry.aliyuncs.com/google_containers/pause";

/// Every finding one line shows.
pub fn match_line(l: &Line<'_>, facts: &Facts) -> Vec<Finding> {
    let rules: [fn(&Line<'_>, &Facts) -> Option<Finding>; 25] = [
        config_version,
        config_load_failed,
        mixed_styles,
        cri_not_loaded,
        runtime_type_missing,
        runtime_not_configured,
        unknown_key,
        hosts_toml,
        ca_file_unusable,
        client_cert_unusable,
        dns,
        connection_refused,
        timeout,
        tls_handshake_timeout,
        http_response,
        x509_unknown_authority,
        x509_name_mismatch,
        x509_expired,
        unauthorized,
        pull_secret_missing,
        too_many_requests,
        not_found,
        platform_mismatch,
        sandbox_image,
        sandbox_mismatch,
    ];
    rules.iter().filter_map(|r| r(l, facts)).collect()
}

fn has_any(l: &Line<'_>, needles: &[&str]) -> bool {
    needles.iter().any(|n| l.lower.contains(n))
}

/// Builds a finding; the containerd version the text prints is prefilled on every one.
fn finding(
    family: Family,
    l: &Line<'_>,
    facts: &Facts,
    title: String,
    explanation: String,
    fix: String,
    mut prefill: Prefill,
) -> Option<Finding> {
    if prefill.containerd.is_none() {
        prefill.containerd = facts.containerd.clone().filter(|v| Target::parse(v).is_ok());
    }
    // The text prints versions but none is the failing node's for sure (a mixed fleet, or
    // a version the wording contradicts): prefill none, the form's is kept.
    let conflict = facts.containerd.is_none() && !facts.containerd_printed.is_empty();
    if prefill.containerd.is_none() && facts.containerd_major == Some(2) && !conflict {
        // Only the message format says 2.x: every 2.x reads the same config version.
        prefill.containerd = Some("2.0".to_owned());
    }
    if prefill.containerd.is_none() {
        // The release whose default pause image the text names; reported by
        // [`version_note`] as an assumption.
        prefill.containerd = facts.containerd_guess.clone();
    }
    Some(Finding {
        family,
        code: family.code(),
        title,
        excerpt: scan::excerpt(l.raw),
        line: l.number,
        explanation,
        fix,
        prefill,
    })
}

/// The registry a line is about: the URL containerd contacted, else the image the line
/// names, else the host it looked up, else the text's registry.
fn line_registry(l: &Line<'_>, facts: &Facts) -> Option<String> {
    url_registry(l).or_else(|| line_image_registry(l)).or_else(|| lookup(l)).or_else(|| facts.registry.clone())
}

fn url_registry(l: &Line<'_>) -> Option<String> {
    scan::url_hosts(&l.text)
        .into_iter()
        .map(|u| image_ref::canonical_registry(&u.hostport))
        .find(|h| Host::parse(h).is_ok() && !matches!(h.as_str(), "github.com" | "docs.docker.com" | "www.docker.com"))
}

fn line_image(l: &Line<'_>) -> Option<String> {
    ["failed to pull and unpack image", "failed to pull image", "failed to resolve reference", "pulling image"]
        .iter()
        .find_map(|m| scan::quoted_after(&l.text, m).filter(|s| image_ref::is_image_reference(s)))
        .map(str::to_owned)
}

fn line_image_registry(l: &Line<'_>) -> Option<String> {
    line_image(l).as_deref().and_then(image_ref::image_registry)
}

fn lookup(l: &Line<'_>) -> Option<String> {
    if !l.lower.contains("lookup ") {
        return None;
    }
    scan::word_after(&l.text, "lookup ").filter(|h| Host::parse(h).is_ok()).map(|h| h.to_ascii_lowercase())
}

/// The pull Secret's key for a registry (Docker Hub's is `https://index.docker.io/v1/`).
fn secret_key(registry: &str) -> String {
    Host::parse(registry).ok().and_then(|h| crate::secret::key_for(&h)).unwrap_or_else(|| registry.to_owned())
}

/// What to check when the text names only the mirror's host, not its path.
fn path_hint(m: &SeenMirror) -> &'static str {
    if m.path_known {
        ""
    } else {
        " (the text shows only the mirror's host: give its URL as your existing hosts.toml names it, for a Harbor \
         proxy-cache project `https://HARBOR/v2/PROJECT` with override_path)"
    }
}

/// Whether applying the prefill changes what containerd reads (its config or hosts.toml),
/// which depends on its version.
fn changes_node_files(p: &Prefill) -> bool {
    p.scheme.is_some()
        || p.ca_needed
        || p.skip_verify.is_some()
        || p.credentials_needed
        || p.node_auth.is_some()
        || p.sandbox_image.is_some()
        || p.mirror.is_some()
}

/// The note that the text does not print the containerd version while a finding's fix
/// depends on it: 1.x (or an unknown major) and some prefill changes containerd's files.
/// It quotes the pause image's line when the version is inferred from it, else `first`'s.
/// `kept` is the version the operator's form already names: it is kept, and the note says
/// so (and what the text hints at) instead of claiming an assumption.
pub fn version_note(lines: &[Line<'_>], facts: &Facts, findings: &[Finding], kept: Option<&str>) -> Option<Finding> {
    if facts.containerd.is_some() {
        return None;
    }
    let first = findings.iter().find(|f| changes_node_files(&f.prefill))?;
    if !facts.containerd_printed.is_empty() {
        return versions_conflict_note(lines, facts, kept);
    }
    if facts.containerd_major == Some(2) {
        return None;
    }
    let pause_line = facts
        .containerd_guess
        .as_ref()
        .and(facts.pause_image.as_deref())
        .and_then(|p| lines.iter().find(|l| l.text.contains(p)));
    // A line that looks like containerd's version output but was not read: quote it, and
    // never claim that the text does not contradict the form.
    let unread = facts.containerd_unread.and_then(|n| lines.iter().find(|l| l.number == n));
    let line = unread.or(pause_line).or_else(|| lines.iter().find(|l| l.number == first.line))?;
    let why = "The version decides the files: 1.5 and later read hosts.toml (`config_path`); 1.3 and 1.4 have no \
               hosts.toml and need the inline `registry.configs` keys in config.toml; 1.2 has no TLS setting at all; \
               2.x reads other section names (version 3). containerd silently ignores files written for another \
               version, so the fix would seem applied and change nothing.";
    let (heading, lead) = match unread {
        Some(u) => (
            format!("pullfix could not read the containerd version on line {}", u.number),
            format!(
                "Line {} (`{}`) looks like containerd's version output, but pullfix could not read a version from it",
                u.number,
                scan::excerpt(u.raw)
            ),
        ),
        None => (
            "The text does not print the containerd version".to_owned(),
            "No line prints containerd's version".to_owned(),
        ),
    };
    let (title, explanation) = match (kept, &facts.containerd_guess, &facts.pause_image) {
        (Some(k), Some(v), Some(p)) if k != v => (
            format!("{heading}: the form's {k} is kept"),
            format!(
                "{lead}, so the form's `containerd = \"{k}\"` is kept and every fix here is for {k}. The pause image \
                 {p} is containerd {v}'s own default, which hints that the node may run {v} (unless {p} is a \
                 configured sandbox image): if it does, the files for {k} do nothing there. {why}"
            ),
        ),
        (Some(k), ..) => (
            format!("{heading}: the form's {k} is kept"),
            match unread {
                Some(_) => format!(
                    "{lead}, so the form's `containerd = \"{k}\"` is kept and every fix here is for {k}; if that line \
                     names another release, these fixes are for the wrong containerd. {why}"
                ),
                None => format!(
                    "{lead}, so the form's `containerd = \"{k}\"` is kept and every fix here is for {k}; nothing in \
                     the text contradicts it. {why}"
                ),
            },
        ),
        (None, Some(v), Some(p)) => (
            format!("{heading}: the form assumes {v}, whose default pause image is {p}"),
            format!(
                "{lead}, but the pause image {p} is containerd {v}'s own default, so the node {} runs {v} with \
                 its default sandbox image (a configured sandbox image can be any image: then this is wrong). {why}",
                if unread.is_some() { "may" } else { "most likely" }
            ),
        ),
        (None, ..) => (
            format!("{heading}: set it in the form"),
            format!(
                "{lead}{}, and the fix depends on it. The written form leaves `containerd` empty rather than assume a \
                 version (pullfix generates nothing until it is set; the page's form keeps the version it shows). {why}",
                if facts.containerd_major == Some(1) { format!(" (the messages only say 1.x; {})", OLD_PATH_2X.trim_end_matches('.')) } else { String::new() }
            ),
        ),
    };
    let fix = match (unread, kept) {
        (Some(u), Some(k)) => format!(
            "Read the version on line {} (the third word of `containerd --version`, crictl's `RuntimeVersion`): if it \
             is not {k}, set the form's `containerd` to it before generating (1.4 and older need a different setup \
             than 1.5+: inline `registry.configs` instead of hosts.toml).",
            u.number
        ),
        (Some(u), None) => format!(
            "Set the form's `containerd` to the version line {} prints (the third word of `containerd --version`, \
             crictl's `RuntimeVersion`, e.g. 1.4.13 or 1.6.20) before generating; 1.4 and older need a different \
             setup than 1.5+ (inline `registry.configs` instead of hosts.toml).",
            u.number
        ),
        (None, Some(k)) => format!(
            "Check with `containerd --version` on the node that it runs {k}; if it prints another version, set the \
             form's `containerd` to it before generating (1.4 and older need a different setup than 1.5+: inline \
             `registry.configs` instead of hosts.toml)."
        ),
        (None, None) => "Run `containerd --version` on the node and set the form's `containerd` to what it prints \
                         (e.g. 1.4.13 or 1.6.20) before generating; 1.4 and older need a different setup than 1.5+ \
                         (inline `registry.configs` instead of hosts.toml)."
            .to_owned(),
    };
    finding(
        Family::ContainerdVersionUnknown,
        line,
        facts,
        title,
        explanation,
        fix,
        Prefill { containerd: kept.map(str::to_owned), ..Prefill::default() },
    )
}

/// The note for a text that prints containerd versions of which none is read: more than
/// one different version (a mixed fleet), or one whose major the message wording
/// contradicts. Lists them; the form's version (`kept`) is kept, none is prefilled.
fn versions_conflict_note(lines: &[Line<'_>], facts: &Facts, kept: Option<&str>) -> Option<Finding> {
    let printed = &facts.containerd_printed;
    let first = printed.first()?;
    let line = lines.iter().find(|l| l.number == first.line)?;
    let list = printed.iter().map(|p| format!("{} (line {})", p.version, p.line)).collect::<Vec<_>>().join(", ");
    let versions = printed.iter().map(|p| p.version.as_str()).collect::<Vec<_>>().join(", ");
    let wording = facts::text_major_hint(lines);
    let said = |m: u32| {
        if m >= 2 {
            "2.x's (`failed to resolve image:`, `io.containerd.cri.v1.` sections)"
        } else {
            "1.x's (`failed to resolve reference`; 2.x says `failed to resolve image:`)"
        }
    };
    let wording_s = match wording {
        Some((m, n)) => {
            let fit: Vec<&str> =
                printed.iter().filter(|p| facts::major_of(&p.version) == Some(m)).map(|p| p.version.as_str()).collect();
            let which = match fit.as_slice() {
                [] => format!(" No printed version is a {m}.x: the failing pull ran on a node the text does not show."),
                [v] => format!(" That points at the node that runs {v}."),
                _ => format!(" That points at a node that runs {}.", fit.join(" or ")),
            };
            format!(" The error's wording on line {n} is containerd {}.{which}", said(m))
        }
        None => String::new(),
    };
    let (title, lead) = if printed.len() > 1 {
        (
            format!("The text prints more than one containerd version ({versions})"),
            format!(
                "The text prints the containerd versions {list}: nodes that run different releases (a fleet in the \
                 middle of an upgrade). The fix is for the node whose pull failed, and pullfix cannot tell which one \
                 that is, so it prefills no version.{wording_s}"
            ),
        )
    } else {
        let m = wording.map_or(0, |w| w.0);
        (
            format!("The text prints containerd {versions}, but the error's wording is containerd {m}.x's"),
            format!(
                "Line {} prints containerd {versions}, but the failing pull's message is worded as containerd {m}.x \
                 words it, so the pull ran on another containerd (another node, or before an upgrade) and pullfix \
                 does not prefill {versions}.{wording_s}",
                first.line
            ),
        )
    };
    let kept_s = match kept {
        Some(k) => format!(" The form's `containerd = \"{k}\"` is kept: check that it is the failing node's."),
        None => " The written form leaves `containerd` empty (pullfix generates nothing until it is set).".to_owned(),
    };
    let why = "The version decides the files: a version 3 config (2.x) stops containerd 1.x from starting, and 1.x's \
               section names are silently ignored by 2.x.";
    finding(
        Family::ContainerdVersionUnknown,
        line,
        facts,
        format!("{title}: set the failing node's version"),
        format!("{lead}{kept_s} {why}"),
        "Find the node the pod was scheduled on (`kubectl get pod -o wide`, the event's node), run `containerd \
         --version` there (or read its CONTAINER-RUNTIME column) and set the form's `containerd` to that version \
         before generating. In a mixed fleet generate once per containerd version and apply each result only to \
         the nodes that run it."
            .to_owned(),
        Prefill { containerd: kept.map(str::to_owned), ..Prefill::default() },
    )
}

/// Why `failed to resolve reference` does not prove 1.x (real containerd 2.1.9).
const OLD_PATH_2X: &str = "`failed to resolve reference` is also containerd 2.x's wording when config.toml has \
                           legacy `registry.mirrors` or `configs`, which make 2.1+ fall back to its older pull path.";

/// Whether the line is `ctr`'s own error (`ctr: failed to ...`): ctr never reads
/// config.toml's registry settings.
fn is_ctr(l: &Line<'_>) -> bool {
    l.lower.trim_start().starts_with("ctr: ")
}

fn show(r: &Option<String>) -> &str {
    // A placeholder the operator fills in, as in `<image>:<tag>`: it often stands in code.
    r.as_deref().unwrap_or("<registry>")
}

// ---- containerd's own config -------------------------------------------------------

fn config_version(l: &Line<'_>, facts: &Facts) -> Option<Finding> {
    let num = |s: &str| -> Option<u32> {
        let s = s.trim_start_matches([' ', '`', '\'', '"']);
        let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        s[..end].parse().ok()
    };
    let after = |m: &str| scan::find_ci(&l.text, m).and_then(|i| num(&l.text[i + m.len()..]));
    // 2.x: `expected containerd config version equal to or less than N, got M`; 1.7
    // (real 1.7.24): `containerd config version `M` is not supported, the max version is
    // `N`` and `failed to load TOML ...: unsupported config version `M``. 1.6 starts.
    const M: &str = "expected containerd config version equal to or less than";
    let (max, got) = if l.lower.contains(M) {
        let rest = &l.text[scan::find_ci(&l.text, M)? + M.len()..];
        (num(rest), scan::find_ci(rest, "got ").and_then(|j| num(&rest[j + 4..])))
    } else if l.lower.contains("the max version is") {
        (after("the max version is"), after("containerd config version"))
    } else if l.lower.contains("unsupported config version") {
        (Some(2), after("unsupported config version"))
    } else {
        return None;
    };
    let (max_s, got_s) = (max.map_or("?".to_owned(), |n| n.to_string()), got.map_or("?".to_owned(), |n| n.to_string()));
    let sections = match max {
        Some(2) => " with the 1.x section names (plugins.\"io.containerd.grpc.v1.cri\")",
        Some(3) => " with the 2.x section names (plugins.\"io.containerd.cri.v1.images\")",
        _ => "",
    };
    finding(
        Family::ConfigVersionTooNew,
        l,
        facts,
        format!("a config file (config.toml or a drop-in it imports: the file in `failed to load TOML from <file>`) says version = {got_s}, this containerd reads at most version {max_s}"),
        format!(
            "containerd refuses to start: the file named in `failed to load TOML from <file>` (config.toml or a drop-in its `imports` line names) declares config version {got_s}, but the \
             installed containerd understands versions up to {max_s}. This happens when a config written by a newer \
             release (containerd 2.3's `config default` prints version = 4) reaches an older node, or after a \
             downgrade. Nothing on the node runs until it is fixed."
        ),
        format!(
            "Write `version = {max_s}`{sections} in that file (a drop-in written for a newer containerd belongs off this node), or regenerate it for this node's containerd \
             (`containerd --version`) with pullfix, then `systemctl restart containerd`."
        ),
        {
            // Only 1.7 refuses with `the max version is 2` (1.6 starts): the form's target is
            // 1.7 unless the text prints the exact version (review 11 web N7).
            let mut p = Prefill::default();
            if max == Some(2) && facts.containerd.is_none() && l.lower.contains("is not supported, the max version is") {
                p.containerd = Some("1.7".to_owned());
            }
            p
        },
    )
}

/// containerd exits because it cannot load config.toml (`containerd: failed to load TOML
/// from <path>: <why>`), for a reason other than the version ([`config_version`]): 2.x's
/// `invalid disabled plugin URI "cri" expect io.containerd.x.vx` (real 2.1.9, a version 3
/// file with Docker's `disabled_plugins = ["cri"]`), a TOML syntax error, ...
fn config_load_failed(l: &Line<'_>, facts: &Facts) -> Option<Finding> {
    let short = l.lower.contains("invalid disabled plugin uri");
    // A version 1 short plugin name (`[plugins.cri]`) in a merged version 2+ config: 1.6.20
    // and 1.7.24 name the last file loaded, not the one with the short name (review 10 H2).
    let key_uri = l.lower.contains("invalid plugin key uri");
    // 2.x's own words for a file it cannot parse, and for an `imports` entry that does not
    // exist (`containerd: open <path>: no such file or directory`; real 2.1.9, review 10 L1).
    let unmarshal = has_any(l, &["failed to unmarshal toml", "failure unmarshaling toml"]);
    // 2.x's `containerd: open <path>: ...`; 1.x's `failed to load TOML: <path>: open <path>: ...`.
    let missing = (l.lower.trim_start().starts_with("containerd: open ")
        || (l.lower.contains("failed to load toml") && l.lower.contains(": open ")))
        && l.lower.contains("no such file or directory");
    if !(short || key_uri || unmarshal || missing || l.lower.contains("failed to load toml"))
        || has_any(l, &["config version", "unsupported config version"])
    {
        return None;
    }
    let name = scan::quoted_after(&l.text, "invalid disabled plugin URI").unwrap_or("cri");
    // The file 2.x's log names (`file=...` on its `Failure unmarshaling TOML` line), which may
    // be a drop-in (review 11 N5).
    let bad_file = scan::word_after(&l.text, "file=").map(|f| f.trim_matches('"').to_owned());
    let (title, why, fix) = if key_uri {
        let key = scan::quoted_after(&l.text, "invalid plugin key URI").unwrap_or("cri");
        (
            format!("containerd does not start: a plugin table uses the version 1 name \"{key}\""),
            format!(
                " In config version 2 and later (config.toml's `version` line, or a drop-in's: the merged files \
                 take the last file's version) plugin tables need their full ids; a version 1 config.toml or an old \
                 drop-in still says [plugins.{key}]. The file the error names is the last one loaded, not \
                 necessarily the one with the short name."
            ),
            format!(
                "Rename every [plugins.{key}...] table, in config.toml and its drop-ins, to its full id \
                 ([plugins.\"io.containerd.grpc.v1.cri\"...] for cri) and give config.toml `version = 2` \
                 (`pullfix apply` does both for config.toml; `pullfix doctor` names the file with the short name), \
                 then `systemctl restart containerd`."
            ),
        )
    } else if missing {
        let path = scan::word_after(&l.text, "open ").map_or("", |w| w.trim_end_matches(':'));
        (
            format!("containerd does not start: {path}, a file config.toml imports, is missing"),
            " An `imports` entry that names a file (not a glob) must exist; a glob that matches nothing is fine."
                .to_owned(),
            format!(
                "Create {path} or remove it from `imports` in config.toml (or use a glob such as \
                 `/etc/containerd/conf.d/*.toml`), then `systemctl restart containerd`. `pullfix doctor` checks every \
                 imported file."
            ),
        )
    } else if short {
        (
            format!("containerd does not start: disabled_plugins names \"{name}\", not a full plugin URI"),
            format!(
                " In a version 3 config, containerd 2.x wants full plugin ids (`io.containerd.grpc.v1.cri`) in \
                 `disabled_plugins`; the short \"{name}\" (the default of Docker's containerd.io package, read by \
                 1.x and in 2.x's migrated version 2 files) makes it exit."
            ),
            "Remove \"cri\" from `disabled_plugins` (the kubelet needs the CRI plugin; any other entry needs its full \
             id, e.g. `io.containerd.snapshotter.v1.zfs`), then `systemctl restart containerd`. `pullfix doctor` \
             checks the file."
                .to_owned(),
        )
    } else if let Some(file) = bad_file.filter(|_| unmarshal) {
        (
            format!("containerd does not start: {file} is not valid TOML"),
            format!(" {file} is config.toml or one of the drop-ins it imports; containerd parses every file at start."),
            format!(
                "Correct {file} at the row and column the log names (`containerd config dump` shows the first error), \
                 then `systemctl restart containerd`. `pullfix doctor` checks config.toml and every imported file."
            ),
        )
    } else {
        (
            "containerd does not start: it cannot load config.toml or a drop-in it imports".to_owned(),
            String::new(),
            "Correct the file where the error points (`containerd config dump` shows the first error; `journalctl -u \
             containerd` names the file), or regenerate it for this node's containerd with pullfix, then `systemctl \
             restart containerd`. `pullfix doctor` checks config.toml and every imported file."
                .to_owned(),
        )
    };
    finding(
        Family::ConfigLoadFailed,
        l,
        facts,
        title,
        format!(
            "containerd exits at start because it cannot load its config: nothing runs on the node, so the kubelet \
             sees the runtime as down.{why}"
        ),
        fix,
        Prefill::default(),
    )
}

/// `container.Runtime.Name must be set`: the pod's runtime table (the default runtime, or
/// its RuntimeClass handler) has no `runtime_type`. 1.x fills it in for no runtime; 2.x only
/// for `runc` (real 1.7.24 with an options-only runc table, real 2.1.9 with
/// `default_runtime_name = "crun"`, and both with an options-only `nvidia` handler).
fn runtime_type_missing(l: &Line<'_>, facts: &Facts) -> Option<Finding> {
    if !l.lower.contains("runtime.name must be set") {
        return None;
    }
    let which = match facts.containerd_major {
        Some(2) => {
            "containerd 2.x fills `runtime_type` in only for a runtime named `runc`: the pod's runtime (the \
             default, `default_runtime_name`, e.g. crun or kata, or its RuntimeClass handler, e.g. nvidia) has a \
             table without it."
        }
        Some(_) => {
            "containerd 1.x fills `runtime_type` in for no runtime: the pod's runtime table (the default, often \
             only `runtimes.runc.options` with `SystemdCgroup = true`, or its RuntimeClass handler's) lacks it."
        }
        None => {
            "containerd 1.x fills `runtime_type` in for no runtime, 2.x only for one named `runc`: the pod's \
             runtime table (the default runtime's or its RuntimeClass handler's; an options-only table) lacks it."
        }
    };
    finding(
        Family::RuntimeTypeMissing,
        l,
        facts,
        "the pod's containerd runtime has no runtime_type: its containers and sandbox cannot be created".to_owned(),
        format!(
            "containerd refused to create the container because its runtime name is empty. {which} Pods on that \
             runtime do not start (FailedCreatePodSandBox: every pod when it is the default runtime, those of the \
             RuntimeClass otherwise); image pulls are not the problem."
        ),
        "Set `runtime_type = \"io.containerd.runc.v2\"` (kata: `io.containerd.kata.v2`) in that runtime's table: \
         `[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.<name>]` on 1.x, \
         `[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.<name>]` in a version 3 file (its `options` \
         stay in the `.options` table; `<name>` is the pod's RuntimeClass handler, else `default_runtime_name`), then \
         `systemctl restart containerd`. `pullfix doctor` names every such table."
            .to_owned(),
        Prefill::default(),
    )
}

/// A runtime containerd has no table for: a pod's RuntimeClass handler (`no runtime for
/// "kata" is configured`, real 2.1.9), or the default runtime itself (`no corresponding runtime
/// configured in `containerd.runtimes` for `containerd` `default_runtime_name = "runc"``, real
/// 1.6.20 and 1.7.24: a drop-in with only an nvidia runtime replaced the CRI section, and the
/// CRI plugin does not load). Reviews 10 and 11 (N10, N11).
fn runtime_not_configured(l: &Line<'_>, facts: &Facts) -> Option<Finding> {
    let handler = if l.lower.contains("is configured") { scan::quoted_after(&l.text, "no runtime for") } else { None };
    let default = l.lower.contains("no corresponding runtime configured");
    if handler.is_none() && !default {
        return None;
    }
    let (title, why, name) = match handler {
        Some(h) => (
            format!("containerd has no runtime for the RuntimeClass handler \"{h}\""),
            format!(
                "Pods with a RuntimeClass whose handler is \"{h}\" need a `containerd.runtimes.{h}` table in the \
                 config containerd loads; it has none (a drop-in that is not loaded, a table at another config \
                 version's path, or a node the runtime was never installed on). Those pods do not start; others do."
            ),
            h.to_owned(),
        ),
        None => {
            let name = scan::quoted_after(&l.text, "default_runtime_name = ").unwrap_or("runc");
            (
                format!("containerd's CRI plugin did not load: no runtime table for its default runtime \"{name}\""),
                format!(
                    "The CRI section containerd uses has no `containerd.runtimes.{name}` table, so the CRI plugin \
                     refuses its config: the kubelet sees the runtime as down and no pod starts. On 1.x this happens \
                     when a drop-in with a CRI table (only an nvidia or kata runtime, say) replaces config.toml's \
                     whole CRI section, runc's table included."
                ),
                name.to_owned(),
            )
        }
    };
    finding(
        Family::RuntimeNotConfigured,
        l,
        facts,
        title,
        why,
        format!(
            "Add `[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.{name}]` (1.x, or a version 2 file) \
             or `[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.{name}]` (a version 3 file) with its \
             `runtime_type` to the config containerd loads (on 1.x into the drop-in that holds the CRI section, if one \
             does), restart containerd, and check with `containerd config dump | grep -n 'runtimes.{name}'`. \
             `pullfix doctor` lists the drop-ins containerd loads."
        ),
        Prefill::default(),
    )
}

fn mixed_styles(l: &Line<'_>, facts: &Facts) -> Option<Finding> {
    if !(l.lower.contains("cannot be set when `config_path` is provided")
        || l.lower.contains("cannot be set when config_path is provided"))
    {
        return None;
    }
    let key = if l.lower.contains("configs.tls") { "registry.configs.\"…\".tls" } else { "registry.mirrors" };
    finding(
        Family::MixedConfigStyles,
        l,
        facts,
        format!("`{key}` and `config_path` are both set: the CRI plugin did not load"),
        format!(
            "containerd accepts either hosts.toml files (`config_path`) or the deprecated inline `{key}` keys, never \
             both. With both, the CRI plugin refuses its config and does not load; containerd itself keeps running, so \
             `ctr` works while the kubelet sees the runtime as down and every pod on the node fails."
        ),
        "Keep `config_path` and move every mirror and TLS setting into `<config_path>/<host>/hosts.toml` (pullfix \
         generates them); delete the `registry.mirrors` and `registry.configs.\"…\".tls` tables (`configs.\"…\".auth` \
         may stay). Then `systemctl restart containerd`. `pullfix doctor` names the offending tables."
            .to_owned(),
        Prefill::default(),
    )
}

fn cri_not_loaded(l: &Line<'_>, facts: &Facts) -> Option<Finding> {
    if !(l.lower.contains("unknown service runtime.v1") || l.lower.contains("unknown service runtime.v1alpha2")) {
        return None;
    }
    finding(
        Family::CriNotLoaded,
        l,
        facts,
        "containerd runs without its CRI plugin".to_owned(),
        "crictl and the kubelet talk to containerd's CRI service, and containerd answered that it has none: the CRI \
         plugin did not load. containerd itself runs (so `ctr` works). Usual causes: `config_path` together with \
         `mirrors` or `configs.tls`, another invalid CRI setting, or `disabled_plugins = [\"cri\"]` (the default of \
         Docker's containerd.io package)."
            .to_owned(),
        "Find the reason with `journalctl -u containerd | grep 'failed to load plugin io.containerd.grpc.v1.cri'` and \
         check the files with `pullfix doctor`; remove \"cri\" from disabled_plugins; restart containerd."
            .to_owned(),
        Prefill::default(),
    )
}

fn unknown_key(l: &Line<'_>, facts: &Facts) -> Option<Finding> {
    if !l.lower.contains("ignoring unknown key in toml for plugin") {
        return None;
    }
    let key = scan::quoted_after(&l.text, "key=").or_else(|| scan::word_after(&l.text, "key=")).unwrap_or("?");
    let plugin = scan::quoted_after(&l.text, "plugin=").or_else(|| scan::word_after(&l.text, "plugin=")).unwrap_or("?");
    let words: Vec<&str> = key.split_whitespace().collect();
    // Options 2.0 removed, which every 1.x default file has: harmless (real 2.1.9 log of
    // an upgraded node, where the rest of the file was migrated and works).
    const REMOVED: &[&str] = &[
        "disable_cgroup",
        "systemd_cgroup",
        "no_pivot",
        "default_runtime",
        "untrusted_workload_runtime",
        "runtime_engine",
        "runtime_root",
    ];
    if words.iter().any(|w| REMOVED.contains(w)) {
        return None;
    }
    if let ["registry", "configs", host, "tls", ..] = words.as_slice() {
        return legacy_tls_ignored(l, facts, host);
    }
    // Runtime settings (runc's options, SystemdCgroup) at 1.x's place in a file 2.x reads as
    // version 3: a drop-in without a `version` line under a version 3 config.toml (review 10 L2).
    if words.first() == Some(&"containerd") && plugin == "io.containerd.grpc.v1.cri" && facts.migrated_from.is_none() {
        let table = format!("plugins.\"io.containerd.cri.v1.runtime\".{}", words.join("."));
        return finding(
            Family::UnknownConfigKey,
            l,
            facts,
            format!("containerd ignored the runtime settings `{key}` of plugin {plugin}"),
            "containerd 2.x read them in a version 3 file (config.toml, or a drop-in without its own `version` \
             line, which takes config.toml's), where runtimes live under plugins.\"io.containerd.cri.v1.runtime\": \
             they have no effect, so runc runs with its defaults (SystemdCgroup = false: the cgroupfs driver)."
                .to_owned(),
            format!(
                "Move the table to [{table}] (the same keys; a `version = 2` line in a drop-in under a version 3 \
                 config.toml does not help: 2.x then drops runtime keys config.toml already has), check with \
                 `containerd config dump`, then restart containerd. `pullfix doctor` names the file."
            ),
            Prefill::default(),
        );
    }
    let why = match facts.migrated_from {
        Some(v) => format!(
            "containerd 2.x migrated the version {v} config.toml at start (see the `Configuration migrated` line), \
             and this key has no place in 2.x: it has no effect."
        ),
        None => "This is what happens to 1.x keys in a version 3 config: `registry` (mirrors, configs, config_path) \
                 or `sandbox_image` under plugins.\"io.containerd.grpc.v1.cri\" are not migrated, only warned about, \
                 so TLS, mirrors and the pause image silently fall back to the defaults."
            .to_owned(),
    };
    finding(
        Family::UnknownConfigKey,
        l,
        facts,
        format!("containerd ignored the key `{key}` of plugin {plugin}"),
        format!(
            "containerd 2.x read a key that plugin {plugin} does not have and ignored it: the setting has no effect. \
             {why}"
        ),
        "Write the settings where 2.x reads them: `[plugins.\"io.containerd.cri.v1.images\".registry] config_path` with \
         TLS and mirrors in hosts.toml, and `[plugins.\"io.containerd.cri.v1.images\".pinned_images] sandbox` for the \
         pause image (pullfix does this for the form's containerd version; set the exact version in the form). \
         Restart containerd."
            .to_owned(),
        Prefill::default(),
    )
}

/// `key="registry configs <host> tls"`: 2.x dropped the inline TLS settings (migrated
/// file or not), so a private CA or skip_verify that worked on 1.x is gone.
fn legacy_tls_ignored(l: &Line<'_>, facts: &Facts, host: &str) -> Option<Finding> {
    let mut prefill = Prefill::for_registry(Some(host));
    prefill.ca_needed = true;
    let cp = crate::form::DEFAULT_CONFIG_PATH;
    finding(
        Family::UnknownConfigKey,
        l,
        facts,
        format!("containerd 2.x ignores the legacy TLS settings of {host} (`registry.configs.\"{host}\".tls`)"),
        format!(
            "containerd 2.x no longer has `registry.configs.\"…\".tls`: its `ca_file`, `insecure_skip_verify` and \
             client certificates are ignored without any error, even in a file it migrates (the rest of such a file \
             works). Pulls from {host} then fail with `x509: certificate signed by unknown authority`."
        ),
        format!(
            "Give {host} its TLS in hosts.toml: `config_path = \"{cp}\"` in the registry section and `ca = \
             \"{cp}/{host}/ca.crt\"` (or skip_verify) in {cp}/{host}/hosts.toml; delete the `tls` table, and move \
             any `registry.mirrors` into hosts.toml too (beside `config_path` they stop the CRI plugin). The form \
             gets {host} with its CA path: `pullfix apply` writes the files. Restart containerd."
        ),
        prefill,
    )
}

fn hosts_toml(l: &Line<'_>, facts: &Facts) -> Option<Finding> {
    let tree = l.lower.contains("invalid `host` tree");
    if !(tree || (l.lower.contains("failed to decode") && l.lower.contains("hosts"))) {
        return None;
    }
    // `/etc/containerd/certs.d/<host>/hosts.toml` names the registry.
    let path = l
        .text
        .split(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == ',')
        .find(|w| w.ends_with("/hosts.toml"))
        .map(|w| w.trim_end_matches(':'));
    let dir_host = path.and_then(|p| strip_suffixes(p, "/hosts.toml").rsplit('/').next()).map(|h| {
        // `10.50.1.104_5000_` is the port-safe spelling of `10.50.1.104:5000`.
        match h.strip_suffix('_').and_then(|s| s.rsplit_once('_')) {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => format!("{name}:{port}"),
            _ => h.to_owned(),
        }
    });
    let detail = scan::quoted_after(&l.text, "error=").unwrap_or("");
    let why = if tree {
        " containerd 1.5 to 1.7 (verified on 1.6.20 and 1.7.24; 2.1.9 accepts it) reject a hosts.toml without any \
         [host.\"…\"] table (for example one with only `server = …`) with `invalid `host` tree`."
    } else if detail.to_ascii_lowercase().contains("duplicate") {
        " The same [host.\"…\"] table appears twice."
    } else {
        ""
    };
    finding(
        Family::HostsTomlInvalid,
        l,
        facts,
        format!("containerd ignored the hosts.toml {}", path.unwrap_or("of a registry")),
        format!(
            "containerd could not read a hosts.toml ({}), logged it once and ignored the whole file: its mirrors, \
             `ca`, `skip_verify` and `server` are silently gone, so pulls go to the upstream with default TLS and \
             fail there (x509, timeouts). Only Docker-style `*.crt`, `*.cert` and `*.key` files in that directory \
             are still read (verified on 2.1.9: a `ca.crt` there kept pulls working).{why}",
            if detail.is_empty() { "see the line" } else { detail }
        ),
        "Make the file valid TOML with each [host.\"URL\"] table written once and at least one [host.\"URL\"] table \
         (pullfix generates such files); `pullfix doctor --certs-dir /etc/containerd/certs.d` checks them. hosts.toml \
         is re-read on every pull: no restart needed."
            .to_owned(),
        Prefill::for_registry(dir_host.as_deref()),
    )
}

/// `s.trim_end_matches(suffix)` without the reverse two-way searcher (page size).
/// containerd could not use the CA file its config names. hosts.toml's `ca`:
/// `unable to read CA cert "<path>": open <path>: no such file or directory` and, for a
/// file that holds no PEM certificate, `unable to load CA cert "<path>"`
/// (remotes/docker/config/hosts.go); 1.x inline `tls.ca_file`:
/// `get TLSConfig for registry "<url>": failed to load CA file: open <path>: ...`
/// (pkg/cri/server/image_pull.go).
fn ca_file_unusable(l: &Line<'_>, facts: &Facts) -> Option<Finding> {
    let read = l.lower.contains("unable to read ca cert");
    let load = l.lower.contains("unable to load ca cert");
    let inline = l.lower.contains("failed to load ca file");
    if !(read || load || inline) {
        return None;
    }
    let path = ["unable to read CA cert", "unable to load CA cert"]
        .iter()
        .find_map(|m| scan::quoted_after(&l.text, m))
        .or_else(|| scan::word_after(&l.text, "open ").map(|w| w.trim_end_matches(':')))
        .map(str::to_owned);
    let path_s = path.as_deref().unwrap_or("the CA file");
    let reg = line_registry(l, facts);
    let r = show(&reg);
    let mut prefill = Prefill::for_registry(reg.as_deref());
    prefill.ca_needed = true;
    let (title, why) = if load {
        (
            format!("{path_s} is not a usable CA certificate"),
            "The file exists but holds no complete PEM certificate: a truncated paste, a private key or request \
             instead of the certificate, DER instead of PEM, or OpenSSL's TRUSTED CERTIFICATE form."
                .to_owned(),
        )
    } else if l.lower.contains("permission denied") {
        (format!("containerd cannot read {path_s}"), "The file exists but containerd may not read it.".to_owned())
    } else {
        (
            format!("The CA file {path_s} is missing on this node"),
            "The config points at a CA file that was never copied to this node (a hosts.toml or config.toml \
             written without its ca.crt, or a path with a typo)."
                .to_owned(),
        )
    };
    let key = if inline { "`registry.configs.\"…\".tls.ca_file` in config.toml" } else { "hosts.toml's `ca`" };
    finding(
        Family::CaFileUnusable,
        l,
        facts,
        title,
        format!(
            "{key} names {path_s}, and containerd gives up on {r} before contacting it: every pull from it fails, \
             whatever the credentials. {why}"
        ),
        format!(
            "Put the registry's CA certificate (PEM, from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----) \
             at {path_s} on every node (`openssl x509 -noout -subject -in {path_s}` checks it), or paste it into the \
             form's CA certificate field for {r}: pullfix then writes the file and checks it is a complete \
             certificate. No restart is needed for hosts.toml; the inline keys need `systemctl restart containerd`."
        ),
        prefill,
    )
}

/// containerd could not use the client certificate (mTLS) hosts.toml's `client` names:
/// `unable to read CERT file "<path>": open <path>: ...` for a missing certificate or key (the
/// same words for both), `failed to load X509 key pair: tls: private key does not match public
/// key` for a pair that does not belong together (real 1.7.24 and 2.1.9, review 10 M2); and a
/// registry that asks for one the node did not send, or does not accept:
/// `remote error: tls: bad certificate` (TLS 1.2) / `tls: certificate required` (TLS 1.3)
/// (real 1.7.24 and 2.1.9 against a registry with `clientcas`, review 11 N4).
fn client_cert_unusable(l: &Line<'_>, facts: &Facts) -> Option<Finding> {
    let read = l.lower.contains("unable to read cert file");
    let pair = l.lower.contains("failed to load x509 key pair");
    let refused = has_any(l, &["remote error: tls: bad certificate", "remote error: tls: certificate required"]);
    if !(read || pair || refused) {
        return None;
    }
    let reg = line_registry(l, facts);
    let r = show(&reg);
    let mut prefill = Prefill::for_registry(reg.as_deref());
    let named = scan::quoted_after(&l.text, "unable to read CERT file");
    if let Some(path) = named {
        if path.ends_with(".key") {
            prefill.client_key = Some(path.to_owned());
        } else {
            prefill.client_cert = Some(path.to_owned());
        }
    } else if refused {
        let dir = format!("{}/{}", crate::form::DEFAULT_CONFIG_PATH, reg.as_deref().unwrap_or("<registry>"));
        prefill.client_cert = Some(format!("{dir}/client.cert"));
        prefill.client_key = Some(format!("{dir}/client.key"));
    }
    let (title, why) = match named {
        Some(path) => (
            format!("The client certificate file {path} is missing or unreadable on this node"),
            format!(
                "hosts.toml's `client` names {path} (a client certificate or its key: containerd says CERT for \
                 both), and it was never copied to this node, or containerd may not read it."
            ),
        ),
        None if refused => (
            format!("{r} asks for a client certificate (mTLS) and refused the node's"),
            format!(
                "{r} only talks to clients with a certificate its CA signed: the node sent none (hosts.toml has no \
                 `client` for it) or one {r} does not accept (signed by another CA, expired)."
            ),
        ),
        None => (
            "The client certificate and key for mTLS do not belong together".to_owned(),
            "hosts.toml's `client` pair names a certificate and a key that do not match (an old key, or the \
             certificate of another client)."
                .to_owned(),
        ),
    };
    finding(
        Family::ClientCertUnusable,
        l,
        facts,
        title,
        format!("{why} containerd gives up on {r}: every pull from it fails."),
        format!(
            "Put the client certificate and its own key on every node where hosts.toml's `client = [[\"<cert>\", \
             \"<key>\"]]` says (`openssl x509 -noout -pubkey -in <cert> | openssl md5` and `openssl pkey -pubout \
             -in <key> | openssl md5` must match; the certificate must be signed by a CA {r} trusts), and \
             give the same paths in the form's client certificate and key for {r}. No restart is needed for \
             hosts.toml."
        ),
        prefill,
    )
}

fn strip_suffixes<'a>(mut s: &'a str, suffix: &str) -> &'a str {
    while let Some(rest) = s.strip_suffix(suffix) {
        s = rest;
    }
    s
}

// ---- the network --------------------------------------------------------------------

fn dns(l: &Line<'_>, facts: &Facts) -> Option<Finding> {
    let host = lookup(l)?;
    // Go's `lookup H on RESOLVER: <error>` is a failed lookup whatever the error (the
    // resolver unreachable: `dial udp R:53: connect: network is unreachable`).
    if !(has_any(
        l,
        &[
            "no such host",
            "i/o timeout",
            "server misbehaving",
            "temporary failure in name resolution",
            "no answer",
            "connection refused",
            "read udp",
        ],
    ) || l.lower.contains(&format!("lookup {host} on ")))
    {
        return None;
    }
    let resolver =
        scan::word_after(&l.text, &format!("lookup {host} on ")).map(|r| format!(" ({r})")).unwrap_or_default();
    if let Some(r) = facts::line_redirect(l, facts.image.as_deref(), &facts.mirror_hosts)
        .filter(|r| r.host.split(':').next().is_some_and(|h| h.eq_ignore_ascii_case(&host)))
    {
        return dns_redirect(l, facts, &r, &resolver);
    }
    let why = if l.lower.contains("no such host") {
        "answered that the name does not exist"
    } else if l.lower.contains("connection refused") {
        "refused the query (no DNS server listens there)"
    } else if has_any(l, UNREACHABLE) {
        "could not even be reached (the node has no route to it: no default route, or a resolver on a network the \
         node is not on) and gave no answer"
    } else {
        "did not answer in time"
    };
    // The name of a configured mirror (the request carries `ns=` or the mirror's API path): the
    // registry stays the image's, with that mirror.
    if let Some(m) = facts::line_mirror(l, facts.image.as_deref(), &facts.mirror_hosts)
        .filter(|m| m.host.split(':').next().is_some_and(|h| h.eq_ignore_ascii_case(&host)))
    {
        let (reg, url) = (&m.registry, &m.url);
        let mut prefill = Prefill::for_registry(Some(reg));
        prefill.mirror = Some(url.clone());
        return finding(
            Family::DnsLookup,
            l,
            facts,
            format!("The node cannot resolve {host}, {reg}'s configured mirror"),
            format!(
                "DNS: the node's resolver{resolver} {why} for {host}. containerd pulled {reg}'s image through its \
                 configured mirror {url} and reports the first host's error: this is the mirror's name failing, not \
                 {reg}. containerd resolves names itself with the node's /etc/resolv.conf and /etc/hosts."
            ),
            format!(
                "Make {host} resolvable on every node (the DNS server in /etc/resolv.conf, or `MIRROR-IP {host}` in \
                 /etc/hosts), or correct the mirror's URL in the form for {reg} if the mirror moved. Do not add {host} \
                 as a registry: images keep naming {reg}."
            ),
            prefill,
        );
    }
    // The registry the form should configure keeps its port when the image names one.
    let registry = line_image_registry(l)
        .or_else(|| facts.registry.clone())
        .filter(|r| r.split(':').next() == Some(host.as_str()))
        .unwrap_or_else(|| host.clone());
    finding(
        Family::DnsLookup,
        l,
        facts,
        format!("The node cannot resolve {host}"),
        format!(
            "DNS: the node's resolver{resolver} {why} for {host}. containerd resolves registry names itself with the \
             node's /etc/resolv.conf and /etc/hosts; no containerd setting, hosts.toml or Secret can fix name \
             resolution."
        ),
        format!(
            "Make the name resolvable on every node: fix the DNS server in /etc/resolv.conf, or add the registry to \
             /etc/hosts, e.g. `REGISTRY-IP {host}` with the registry's real address. Keep the name in image \
             references: switching them to the IP makes the IP the registry (its own hosts.toml directory and Secret \
             key), and TLS then fails unless the registry's certificate carries that IP as a SAN (`x509: cannot \
             validate certificate for <ip> because it doesn't contain any IP SANs`)."
        ),
        Prefill::for_registry(Some(&registry)),
    )
}

/// The node cannot resolve the host a registry redirected a blob download to (a CDN or
/// object storage): the registry itself answered, so its form entry stays as it is and
/// the CDN is no mirror; the CDN's name must resolve (and be allowed through the firewall
/// or proxy) from every node.
fn dns_redirect(l: &Line<'_>, facts: &Facts, r: &facts::SeenRedirect, resolver: &str) -> Option<Finding> {
    let (reg, host) = (&r.registry, &r.host);
    let name = host.split(':').next().unwrap_or(host);
    finding(
        Family::DnsLookup,
        l,
        facts,
        format!("The node cannot resolve {name}, where {reg} redirected the image download"),
        format!(
            "DNS: the node's resolver{resolver} did not give an address for {name}. The image's manifest resolved on \
             {reg}, then {reg} redirected a layer (blob) download to {name}, a CDN or object storage that serves its \
             blobs (ghcr.io sends them to pkg-containers.githubusercontent.com, Docker Hub to \
             production.cloudflare.docker.com). {name} is no registry and no mirror: the registry is still {reg}. A \
             DNS, firewall or proxy allow-list that names {reg} but not its download host causes exactly this."
        ),
        format!(
            "Allow {name} wherever {reg} is allowed: make it resolvable in the nodes' DNS (/etc/resolv.conf's \
             server, a split-horizon or filtering resolver), and open the firewall or proxy allow-list for \
             https://{host} (behind a proxy, containerd's HTTPS_PROXY must reach it and NO_PROXY must not name it). \
             Do not add {name} as a mirror or a registry in the form: containerd only follows {reg}'s redirect to it. \
             Check from the node with `getent hosts {name}` and `curl -sI https://{host}/`."
        ),
        Prefill::for_registry(Some(reg)),
    )
}

fn connection_refused(l: &Line<'_>, facts: &Facts) -> Option<Finding> {
    if !l.lower.contains("connection refused") || lookup(l).is_some() {
        // `lookup ... read: connection refused` is the DNS server refusing: a DNS finding.
        return None;
    }
    if let Some(f) = unreachable_elsewhere(l, facts, Family::ConnectionRefused) {
        return Some(f);
    }
    let reg = line_registry(l, facts);
    let addr = scan::word_after(&l.text, "dial tcp ").filter(|a| !a.ends_with("lookup")).unwrap_or("");
    // Docker Hub itself refused: on a node with a docker.io mirror containerd gets there only
    // after every mirror failed (real 1.7.24: a mirror's 404, then Docker Hub; review 10 web L4).
    let hub = scan::url_hosts(&l.text).iter().any(|u| u.hostport.starts_with("registry-1.docker.io"));
    let mut why = "The address answered, but nothing listens on that port: the registry is down, listens on another \
                   port, or the image names the wrong port (https means 443 and http 80 unless the image says \
                   `host:5000`)."
        .to_owned();
    if hub {
        why.push_str(
            " If docker.io has a mirror in hosts.toml, containerd reached Docker Hub only because every mirror failed \
             first: check the mirror (a 404 means a wrong project path or override_path), and set mirror_only on \
             docker.io where the nodes must never fall back to Docker Hub.",
        );
    }
    finding(
        Family::ConnectionRefused,
        l,
        facts,
        format!("Connection refused by {}", if addr.is_empty() { show(&reg) } else { addr }),
        why,
        format!(
            "Check from the node that the registry is up (`curl -v {0}/v2/`). Name the port exactly as the \
             registry listens in the image references, the form's host, and so in hosts.toml and the Secret.",
            // The host containerd contacted (Docker Hub's is registry-1.docker.io).
            scan::url_hosts(&l.text)
                .into_iter()
                .next()
                .map_or_else(|| format!("https://{}", show(&reg)), |u| format!("{}://{}", u.scheme, u.hostport))
        ),
        Prefill::for_registry(reg.as_deref()),
    )
}

/// Registries on the public internet that air-gapped or firewalled nodes cannot reach.
fn is_public(registry: &str) -> bool {
    let h = registry.split(':').next().unwrap_or(registry);
    matches!(
        h,
        "k8s.gcr.io"
            | "registry.k8s.io"
            | "gcr.io"
            | "docker.io"
            | "quay.io"
            | "ghcr.io"
            | "mcr.microsoft.com"
            | "public.ecr.aws"
    ) || [".gcr.io", ".pkg.dev", ".docker.io", ".docker.com", ".amazonaws.com", ".googleapis.com"]
        .iter()
        .any(|s| h.ends_with(s))
}

/// A connect that failed at once for lack of a route (no timeout involved).
const UNREACHABLE: &[&str] = &["no route to host", "network is unreachable", "cannot assign requested address"];

fn timeout(l: &Line<'_>, facts: &Facts) -> Option<Finding> {
    if lookup(l).is_some() || l.lower.contains("tls handshake timeout") {
        return None;
    }
    if !has_any(l, &["i/o timeout", "request canceled while waiting for connection", "client.timeout exceeded"])
        && !has_any(l, UNREACHABLE)
    {
        return None;
    }
    if let Some(f) = unreachable_elsewhere(l, facts, Family::NetworkTimeout) {
        return Some(f);
    }
    let image_reg = line_image_registry(l);
    let reg = if image_reg.as_deref().is_some_and(is_public) { image_reg } else { line_registry(l, facts) };
    let public = reg.as_deref().is_some_and(is_public);
    let pause = line_image(l).filter(|i| i.contains("/pause:") || facts.pause_image.as_deref() == Some(i.as_str()));
    let mut prefill = Prefill::for_registry(reg.as_deref());
    if public {
        if let Some(m) = pause.as_deref().and_then(pause_mirror) {
            // The fix is the sandbox image, not a registry entry for k8s.gcr.io.
            prefill = Prefill { sandbox_image: Some(m), ..Prefill::default() };
        }
        return finding(
            Family::PublicRegistryUnreachable,
            l,
            facts,
            format!("The node cannot reach {}", show(&reg)),
            format!(
                "Connections to {} {}: the node has no route to the internet, a firewall drops the traffic, or \
                 the registry is blocked where the node runs (k8s.gcr.io and registry.k8s.io from mainland China).{}",
                show(&reg),
                network_failure(l),
                ipv6_note(l)
            ),
            format!(
                "Pull through something the node can reach: add a mirror for {} in the form (a Harbor proxy-cache \
                 project or a public mirror), or copy the images into your own registry. For the pause image, set the \
                 form's sandbox image to a reachable copy (e.g. {PAUSE_MIRROR}:TAG) or pre-pull it on every node.",
                show(&reg)
            ),
            prefill,
        );
    }
    let why = if has_any(l, UNREACHABLE) {
        "The connection failed at once, nothing timed out: the node has no route to that address (no default route, \
         no route to that subnet, or a firewall answering with ICMP unreachable), or a proxy is needed."
    } else {
        "The node sends but gets no answer: a firewall drops the traffic, the address is not routed from the node, or \
         a proxy is needed."
    };
    finding(
        Family::NetworkTimeout,
        l,
        facts,
        if has_any(l, UNREACHABLE) {
            format!("The node has no route to {}", show(&reg))
        } else {
            format!("Connections to {} time out", show(&reg))
        },
        format!(
            "{why} containerd does not use a proxy unless its service environment sets HTTPS_PROXY.{}",
            ipv6_note(l)
        ),
        format!(
            "From the node, `curl -v https://{}/v2/` must answer. Open the firewall or route, or set HTTPS_PROXY / \
             NO_PROXY in containerd's systemd unit (`systemctl edit containerd`) and restart it.",
            show(&reg)
        ),
        prefill,
    )
}

/// What a network failure on a line looks like, in the words of a sentence's verb.
fn network_failure(l: &Line<'_>) -> &'static str {
    if l.lower.contains("connection refused") {
        "are refused"
    } else if l.lower.contains("tls handshake timeout") {
        "open, but the TLS handshake times out"
    } else if has_any(l, UNREACHABLE) {
        "have no route"
    } else {
        "time out"
    }
}

/// `dial tcp [IPv6]:443: connect: cannot assign requested address`: the name resolved
/// to an IPv6 address and the node has no IPv6 address to connect from.
fn ipv6_note(l: &Line<'_>) -> &'static str {
    if l.lower.contains("cannot assign requested address") && l.lower.contains("dial tcp [") {
        " `cannot assign requested address` on an IPv6 address ([…]) means the node has no IPv6 address or route to \
         connect from: the name resolved to an IPv6 address (Docker Hub and CDNs publish them) on an IPv4-only node. \
         Give the node IPv6 connectivity, or make its resolver return only IPv4 addresses for the registry (an \
         /etc/hosts entry with its IPv4 address)."
    } else {
        ""
    }
}

/// A timeout, refused connection or missing route on a host that is not the image's
/// registry: a redirect target (a CDN or object storage, see [`facts::SeenRedirect`]) or a
/// configured mirror (a request with containerd's `ns=` query or a mirror's API path).
/// Neither is the registry being unreachable: for a redirect the registry answered and
/// its download host must be allowed; for a mirror the configured mirror is what failed
/// (containerd reports the first host's error), and the form keeps that mirror.
fn unreachable_elsewhere(l: &Line<'_>, facts: &Facts, family: Family) -> Option<Finding> {
    let addr = scan::word_after(&l.text, "dial tcp ").filter(|a| !a.ends_with("lookup"));
    let at = addr.map(|a| format!(" ({a})")).unwrap_or_default();
    let what = network_failure(l);
    if let Some(r) = facts::line_redirect(l, facts.image.as_deref(), &facts.mirror_hosts) {
        let (reg, host) = (&r.registry, &r.host);
        let name = host.split(':').next().unwrap_or(host);
        return finding(
            family,
            l,
            facts,
            format!("The node cannot reach {name}, where {reg} redirected the image download"),
            format!(
                "Connections to {name}{at} {what}. The image's manifest resolved on {reg}, so {reg} itself is \
                 reachable; then {reg} redirected a layer (blob) download to {name}, a CDN or object storage that \
                 serves its blobs (Docker Hub sends them to production.cloudflare.docker.com, registry.k8s.io to \
                 *.pkg.dev or S3). {name} is no registry and no mirror: the registry is still {reg}. A firewall or \
                 proxy allow-list that names {reg} but not its download host causes exactly this."
            ),
            format!(
                "Allow {name} wherever {reg} is allowed: open the firewall or proxy allow-list for https://{host}{at} \
                 from every node (behind a proxy, containerd's HTTPS_PROXY must reach it and NO_PROXY must not name \
                 it; set them with `systemctl edit containerd` and restart it). Object storage and CDNs answer on \
                 many addresses: allow the name, not one IP. Do not add {name} as a mirror or a registry in the \
                 form: containerd only follows {reg}'s redirect to it, with {reg}'s settings. Check from the node \
                 with `curl -sI https://{host}/`."
            ),
            Prefill::for_registry(Some(reg)),
        );
    }
    let m = facts::line_mirror(l, facts.image.as_deref(), &facts.mirror_hosts)?;
    let (reg, host, url) = (&m.registry, &m.host, &m.url);
    let mut prefill = Prefill::for_registry(Some(reg));
    prefill.mirror = Some(url.clone());
    let down = if family == Family::ConnectionRefused {
        "the address answered, but nothing listens on that port: the mirror is down or listens on another port"
    } else if family == Family::TlsHandshakeTimeout {
        "the port accepts the connection but never completes TLS (a plain-HTTP service on that port, whose URL then \
         needs `http://`; a hung or overloaded mirror; a proxy or firewall inspecting TLS)"
    } else {
        "a firewall drops the traffic, the address is not routed from the node, the mirror is down, or a proxy is \
         needed (containerd uses one only when its service environment sets HTTPS_PROXY)"
    };
    finding(
        family,
        l,
        facts,
        format!("{reg}'s configured mirror {host}{at} is unreachable"),
        format!(
            "containerd pulled {reg}'s image through its configured mirror {url} (the request carries containerd's \
             `ns={ns}` query or the mirror's API path), and connections to {host}{at} {what}: {down}. containerd \
             tries the hosts of certs.d/{reg}/hosts.toml in order and reports the first host's error, so this is \
             the mirror failing, not {reg}: adding another mirror for {reg} does not fix a mirror that is already \
             there.",
            // 2.x redacts it (`ns=%5BREDACTED%5D`, real 2.1.9).
            ns = if l.lower.contains("ns=%5bredacted%5d") { "%5BREDACTED%5D" } else { reg }
        ),
        format!(
            "Make the mirror reachable from every node: check it is up (`curl -v {url}/v2/` from the node), open the \
             firewall or route to {host}{at}, or set HTTPS_PROXY / NO_PROXY in containerd's systemd unit \
             (`systemctl edit containerd`) and restart it. If the mirror moved (another host or port), correct its \
             URL on {reg}'s mirror entry{path_hint}. The form keeps {reg} with the mirror {url}; do not make {host} a \
             registry of its own: a pull of a {reg} image reads only certs.d/{reg}/hosts.toml.",
            path_hint = path_hint(&m),
        ),
        prefill,
    )
}

fn pause_mirror(pause: &str) -> Option<String> {
    let reg = image_ref::image_registry(pause)?;
    if !matches!(reg.as_str(), "k8s.gcr.io" | "registry.k8s.io" | "gcr.io") {
        return None;
    }
    image_ref::image_tag(pause).map(|t| format!("{PAUSE_MIRROR}:{t}"))
}

fn tls_handshake_timeout(l: &Line<'_>, facts: &Facts) -> Option<Finding> {
    if !l.lower.contains("tls handshake timeout") {
        return None;
    }
    if let Some(f) = unreachable_elsewhere(l, facts, Family::TlsHandshakeTimeout) {
        return Some(f);
    }
    let reg = line_registry(l, facts);
    finding(
        Family::TlsHandshakeTimeout,
        l,
        facts,
        format!("TLS handshake with {} timed out", show(&reg)),
        "The TCP connection opened but the TLS handshake did not finish in time: a slow or filtering link (Docker Hub \
         and gcr.io from restricted networks), a proxy or firewall inspecting TLS, an MTU problem, or a plain-HTTP \
         service on that port that never answers the handshake."
            .to_owned(),
        format!(
            "Retry from the node (`curl -v https://{}/v2/`). For public registries, pull through a reachable mirror \
             (add one in the form); behind a proxy, set HTTPS_PROXY in containerd's systemd unit. If the port serves \
             plain HTTP, set the registry's scheme to http.",
            show(&reg)
        ),
        Prefill::for_registry(reg.as_deref()),
    )
}

fn http_response(l: &Line<'_>, facts: &Facts) -> Option<Finding> {
    if !l.lower.contains("server gave http response to https client") {
        return None;
    }
    let reg = line_registry(l, facts);
    let mut prefill = Prefill::for_registry(reg.as_deref());
    prefill.scheme = Some(Scheme::Http);
    finding(
        Family::HttpResponseToHttps,
        l,
        facts,
        format!("{} serves plain HTTP, containerd spoke HTTPS", show(&reg)),
        "containerd uses HTTPS unless told otherwise, and this registry answers plain HTTP. Docker's \
         `insecure-registries` setting does not apply to containerd."
            .to_owned(),
        format!(
            "Declare the registry as plain HTTP: hosts.toml `server = \"http://{0}\"` and `[host.\"http://{0}\"]` \
             (or a 1.x legacy mirror endpoint `http://{0}`). The prefill sets the form's scheme to http. Better: serve \
             the registry over TLS.",
            show(&reg)
        ),
        prefill,
    )
}

// ---- TLS certificates ------------------------------------------------------------------

fn x509_unknown_authority(l: &Line<'_>, facts: &Facts) -> Option<Finding> {
    if !l.lower.contains("certificate signed by unknown authority") {
        return None;
    }
    if let Some(r) = facts::line_redirect(l, facts.image.as_deref(), &facts.mirror_hosts) {
        return x509_redirect(l, facts, &r);
    }
    let mirror = facts::line_mirror(l, facts.image.as_deref(), &facts.mirror_hosts);
    let reg = match &mirror {
        Some(m) => Some(m.registry.clone()),
        None => line_registry(l, facts),
    };
    let mut prefill = Prefill::for_registry(reg.as_deref());
    prefill.mirror = mirror.as_ref().map(|m| m.url.clone());
    prefill.ca_needed = true;
    const LEGACY_TLS: &str = " On containerd 2.x a legacy `registry.configs.\"…\".tls` `ca_file` or \
                              `insecure_skip_verify` is ignored without any error, which is why a setup that \
                              worked on 1.x fails like this after an upgrade.";
    let upgrade = match facts.containerd_major {
        _ if is_ctr(l) => " `ctr` reads hosts.toml only with `--hosts-dir /etc/containerd/certs.d` and never \
                            config.toml's registry settings."
            .to_owned(),
        Some(2) => LEGACY_TLS.to_owned(),
        // 2.1+ words its errors like 1.x when legacy mirrors or configs make it fall back
        // to the older pull path (real 2.1.9).
        _ if facts.containerd.is_none() && l.lower.contains("failed to resolve reference") => {
            format!(" {OLD_PATH_2X}{LEGACY_TLS}")
        }
        _ => String::new(),
    };
    if let Some(m) = &mirror {
        return finding(
            Family::X509UnknownAuthority,
            l,
            facts,
            format!("containerd does not trust the CA that signed {}'s certificate ({}'s mirror)", m.host, m.registry),
            format!(
                "containerd pulled {reg}'s image through its mirror {url}, whose certificate was issued by a private \
                 CA (Harbor's own, a company CA) that containerd does not trust.{upgrade} A pull of a {reg} image \
                 reads only certs.d/{reg}/hosts.toml: a `ca` in certs.d/{host}/hosts.toml alone serves images named \
                 {host}/..., not this mirror entry.",
                reg = m.registry,
                host = m.host,
                url = m.url,
            ),
            format!(
                "Put the CA on the mirror's entry in {reg}'s hosts.toml: `[host.\"{url}\"]` with `ca = \
                 \"{cp}/{host}/ca.crt\"` in {cp}/{reg}/hosts.toml (1.5+){path_hint}, and the CA file at that path on \
                 every node; on 1.3-1.4 `registry.configs.\"{host}\".tls.ca_file` (keyed by the mirror's host, which \
                 containerd contacts). The form gets {reg} with the mirror {url} and its CA path. `skip_verify = \
                 true` on the mirror works too, but turns off the check.",
                reg = m.registry,
                host = m.host,
                url = m.url,
                cp = crate::form::DEFAULT_CONFIG_PATH,
                path_hint = path_hint(m),
            ),
            prefill,
        );
    }
    finding(
        Family::X509UnknownAuthority,
        l,
        facts,
        format!("containerd does not trust the CA that signed {}'s certificate", show(&reg)),
        format!(
            "The registry's certificate was issued by a private CA (Harbor's own, a company CA) that containerd does \
             not trust. `ctr --skip-verify` or `docker` settings do not change what the kubelet's pulls trust.{upgrade}"
        ),
        format!(
            "Give containerd the CA: hosts.toml `ca = \"/etc/containerd/certs.d/{1}/ca.crt\"` for {0} (1.5+), or on \
             1.3-1.4 `registry.configs.\"{1}\".tls.ca_file`, or on 1.2 the system trust store \
             (update-ca-certificates, restart containerd). Paste the CA's PEM into the form. `skip_verify = true` \
             works too, but turns off the check.",
            show(&reg),
            // In a path, a placeholder that reads as one (the text named no registry).
            reg.as_deref().unwrap_or("<registry host:port>")
        ),
        prefill,
    )
}

/// An unknown CA on the host a registry redirected a blob download to. containerd
/// follows the redirect with the HTTP client of the host that redirected (the registry, or
/// the mirror that resolved the image), so the CA belongs there or in the system trust
/// store; a hosts.toml entry for the redirect target is never read, and as a mirror it
/// answers 404 (the review's lab, real containerd 1.6.20).
fn x509_redirect(l: &Line<'_>, facts: &Facts, r: &facts::SeenRedirect) -> Option<Finding> {
    let mut prefill = Prefill::for_registry(Some(&r.registry));
    prefill.ca_needed = true;
    let (reg, host, cp) = (&r.registry, &r.host, crate::form::DEFAULT_CONFIG_PATH);
    finding(
        Family::X509UnknownAuthority,
        l,
        facts,
        format!("containerd does not trust the certificate of {host}, where {reg} redirected the image download"),
        format!(
            "The image's manifest resolved, then {reg} redirected a layer (blob) download to {host}, a CDN or object \
             storage (Docker Hub sends them to production.cloudflare.docker.com, registry.k8s.io to *.pkg.dev or S3), \
             and containerd did not trust the CA that signed {host}'s certificate. Public CDNs have public \
             certificates: an unknown CA there usually means a TLS-intercepting company proxy or firewall re-signs \
             the traffic with its own CA (or the registry redirects to storage with a private CA). containerd follows \
             a redirect with the TLS settings of the host that redirected, so {host} is no mirror: a hosts.toml or \
             `[host]` entry for it is never used for this download."
        ),
        format!(
            "Trust the CA that signed {host}'s certificate (behind a TLS-intercepting proxy, the proxy's CA): add it \
             to the node's system trust store (`update-ca-certificates` or `update-ca-trust`, then `systemctl restart \
             containerd`), or to {reg}'s own `ca` in {cp}/{reg}/hosts.toml (1.5+; containerd adds it to the system \
             roots): `ca = \"{cp}/{reg}/ca.crt\"` holding that CA, as a bundle together with {reg}'s own CA when \
             that is private too (on 1.3-1.4, {reg}'s `registry.configs.\"…\".tls.ca_file`). Do not add {host} as a \
             mirror. If {reg}'s images come through a mirror, the CA goes on that mirror's entry instead. The form \
             gets {reg} with that CA path: paste the CA (or the bundle) into its CA certificate field."
        ),
        prefill,
    )
}

fn is_ip(s: &str) -> bool {
    Host::parse(s).map(|h| matches!(h.kind, HostKind::Ipv4 | HostKind::Ipv6)).unwrap_or(false) || s.contains(':')
}

fn x509_name_mismatch(l: &Line<'_>, facts: &Facts) -> Option<Finding> {
    let no_ip_sans = l.lower.contains("doesn't contain any ip sans");
    let valid_for = l.lower.contains("certificate is valid for") && l.lower.contains(", not ");
    let legacy_cn = l.lower.contains("legacy common name field") || l.lower.contains("not valid for any names");
    if !(no_ip_sans || valid_for || legacy_cn) {
        return None;
    }
    let reg = line_registry(l, facts);
    let port = reg.as_deref().and_then(|r| Host::parse(r).ok()).and_then(|h| h.port);
    let names: Vec<String> = if valid_for {
        let i = scan::find_ci(&l.text, "certificate is valid for ")? + "certificate is valid for ".len();
        let rest = &l.text[i..];
        let end = scan::find_ci(rest, ", not ").unwrap_or(rest.len());
        rest[..end].split(", ").map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect()
    } else {
        Vec::new()
    };
    let wanted = if no_ip_sans {
        scan::word_after(&l.text, "cannot validate certificate for ").map(str::to_owned)
    } else if valid_for {
        scan::word_after(&l.text, ", not ").map(|s| s.trim_end_matches('"').to_owned())
    } else {
        None
    }
    .or_else(|| reg.clone())
    .unwrap_or_else(|| "<registry>".to_owned());
    let name = names.iter().find(|n| !is_ip(n) && !n.starts_with('*') && Host::parse(n).is_ok()).cloned();
    let (prefill, fix) = match &name {
        Some(n) => {
            let new = match port {
                Some(p) => format!("{n}:{p}"),
                None => n.clone(),
            };
            (
                Prefill::for_registry(Some(&new)),
                format!(
                    "Use a name the certificate carries: pull `{new}/…` instead of `{wanted}`, and if the node \
                     cannot resolve {n}, add `{wanted} {n}` to /etc/hosts on every node. The prefill switches the \
                     form's registry to {new}. Or reissue the certificate with {wanted} as a SAN."
                ),
            )
        }
        None => {
            let mut p = Prefill::for_registry(reg.as_deref());
            p.skip_verify = Some(true);
            (
                p,
                format!(
                    "Safe fix: reissue the registry's certificate with {wanted} as a subjectAltName (IP:{wanted} for \
                     an address; the Common Name alone is not used) and give containerd its CA; or pull by a DNS name \
                     the certificate carries. Stopgap, applied by the prefill: skip_verify for {} (no certificate \
                     check at all).",
                    show(&reg)
                ),
            )
        }
    };
    let explanation = if no_ip_sans {
        format!(
            "Images name the registry by its IP address {wanted}, and the certificate has no IP SAN for it: a \
             certificate only covers the names and addresses listed in its subjectAltName. This typically follows a \
             switch from the registry's name to its IP after a DNS problem."
        )
    } else if valid_for {
        format!("The certificate is valid for {}, but containerd connected to {wanted}.", names.join(", "))
    } else {
        "The certificate names its host only in the legacy Common Name field, which Go (and so containerd) ignores \
         since Go 1.15: it needs a subjectAltName."
            .to_owned()
    };
    finding(
        Family::X509NameMismatch,
        l,
        facts,
        format!("The registry's certificate does not cover {wanted}"),
        explanation,
        fix,
        prefill,
    )
}

fn x509_expired(l: &Line<'_>, facts: &Facts) -> Option<Finding> {
    if !l.lower.contains("certificate has expired or is not yet valid") {
        return None;
    }
    let reg = line_registry(l, facts);
    finding(
        Family::X509Expired,
        l,
        facts,
        format!("{}'s certificate has expired (or the node's clock is wrong)", show(&reg)),
        "The certificate is outside its validity period as seen by the node's clock.".to_owned(),
        "Renew the registry's certificate, or fix the node's clock (`timedatectl`, NTP). No containerd setting fixes \
         an expired certificate short of skip_verify."
            .to_owned(),
        Prefill::for_registry(reg.as_deref()),
    )
}

// ---- credentials ------------------------------------------------------------------------

fn unauthorized(l: &Line<'_>, facts: &Facts) -> Option<Finding> {
    const NEEDLES: &[&str] = &[
        "401 unauthorized",
        "no basic auth credentials",
        "insufficient_scope",
        "pull access denied",
        "authorization failed",
        "unauthorized: authentication required",
        "unauthorized: unauthorized",
        "requested access to the resource is denied",
    ];
    if !has_any(l, NEEDLES) {
        return if l.lower.contains("403 forbidden") { forbidden(l, facts) } else { None };
    }
    let mirror = facts::line_mirror(l, facts.image.as_deref(), &facts.mirror_hosts);
    let reg = match &mirror {
        Some(m) => Some(m.registry.clone()),
        None => line_registry(l, facts),
    };
    let mut prefill = Prefill::for_registry(reg.as_deref());
    prefill.mirror = mirror.as_ref().map(|m| m.url.clone());
    prefill.credentials_needed = true;
    prefill.namespace = facts.namespace.clone();
    let maybe_name = if l.lower.contains("pull access denied") || l.lower.contains("insufficient_scope") {
        " The registry gives the same answer for a repository that does not exist, so check the image name too."
    } else {
        ""
    };
    let r = show(&reg);
    if let Some(m) = &mirror {
        if l.lower.contains("failed to get sandbox image") {
            prefill.node_auth = Some(true);
            prefill.namespace = None;
        }
        return finding(
            Family::Unauthorized,
            l,
            facts,
            format!("The mirror {} refused the pull of {}'s image: it wants credentials", m.host, m.registry),
            format!(
                "containerd pulled {reg}'s image through its mirror {host} (the registry's hosts.toml or mirrors \
                 entry), and {host} answered 401: the mirror wants credentials and got none it accepts (containerd \
                 reports the first host's failure, even when it then also tried {reg} itself). Credentials for {reg} \
                 do not help: node-level `configs.\"{reg}\".auth` is never used for the mirror, because containerd \
                 looks node credentials up by the host it contacts.{maybe_name}",
                reg = m.registry,
                host = m.host,
            ),
            format!(
                "Give containerd {host}'s credentials (its robot account, not a {reg} account): a \
                 kubernetes.io/dockerconfigjson Secret keyed for the image's registry ({key}, the key the kubelet \
                 picks by the image's name) carrying {host}'s username and password, in the pod's namespace and its \
                 imagePullSecrets; or node-level `configs.\"{host}\".auth` in config.toml (needed for the pause \
                 image and pods without Secrets). The form gets {reg} with the mirror {url}{path_hint} and a registry \
                 {host} for its credentials: pullfix then keys the Secret for {reg} with them.",
                reg = m.registry,
                host = m.host,
                key = secret_key(&m.registry),
                url = m.url,
                path_hint = path_hint(m),
            ),
            prefill,
        );
    }
    if l.lower.contains("failed to get sandbox image") {
        // The kubelet never sends an imagePullSecret for the pause image (REFERENCE, verified).
        prefill.node_auth = Some(true);
        prefill.namespace = None;
        return finding(
            Family::Unauthorized,
            l,
            facts,
            format!("{r} refused the sandbox (pause) image pull: containerd has no credentials for it"),
            format!(
                "containerd pulls the pause image itself, with only the node-level credentials in its own config; \
                 the kubelet never sends a pod's imagePullSecrets for it, so a Secret cannot fix this. The registry \
                 got no credentials it accepts (none for `{r}` in config.toml, or wrong ones).{maybe_name}"
            ),
            format!(
                "Give containerd node-level credentials for exactly `{r}`: `configs.\"{r}\".auth` in config.toml \
                 (the form's node auth, with the username and password), then `systemctl restart containerd`; or \
                 point the sandbox image at a public mirror the nodes can reach."
            ),
            prefill,
        );
    }
    finding(
        Family::Unauthorized,
        l,
        facts,
        format!("{r} refused the pull: missing or wrong credentials"),
        format!(
            "The registry wants credentials and got none it accepts: no pull Secret, a Secret keyed for another \
             server (`10.50.1.104` and `10.50.1.104:443` are different), a wrong password, or a user without pull \
             permission on the project. `ctr --user` works by hand, but the kubelet has no such flag.{ctr}{maybe_name}",
            ctr = if is_ctr(l) {
                " This is ctr's own error: ctr sends credentials only with `--user USER:PASSWORD` (it never reads \
                 config.toml's `configs.auth`)."
            } else {
                ""
            }
        ),
        format!(
            "Give the kubelet credentials for exactly `{r}`: a kubernetes.io/dockerconfigjson Secret with server \
             `{r}` in the pod's namespace, listed in the pod's (or its ServiceAccount's) imagePullSecrets; or \
             node-level `configs.\"{r}\".auth` in config.toml (needed for the pause image and pods without Secrets). \
             Enter the username and password in the form: pullfix generates both."
        ),
        prefill,
    )
}

/// A 403: the registry (or a proxy before it) understood who asks and refuses. New
/// credentials of the same account do not help, so the form is not asked for them.
fn forbidden(l: &Line<'_>, facts: &Facts) -> Option<Finding> {
    let reg = line_registry(l, facts);
    let r = show(&reg);
    finding(
        Family::Forbidden,
        l,
        facts,
        format!("{r} answered 403 Forbidden: the request is understood but not allowed"),
        "A 403 is not a missing password (that is a 401): the account that pulls has no pull permission on this \
         project or repository (Harbor: the user's project membership, or the robot account's permissions), the \
         project is private and the pull is anonymous on purpose, or a proxy or firewall in front of the registry \
         refuses the request."
            .to_owned(),
        format!(
            "Give the account pull permission on the project in the registry (Harbor: Projects > the project > \
             Members, or the robot account's permissions), or use credentials of an account that has it; if a proxy \
             answers rather than `{r}` (see the response's Server header with `curl -v https://{r}/v2/`), allow \
             the registry's /v2/ paths through it."
        ),
        Prefill::for_registry(reg.as_deref()),
    )
}

fn pull_secret_missing(l: &Line<'_>, facts: &Facts) -> Option<Finding> {
    if !(l.lower.contains("failedtoretrieveimagepullsecret")
        || l.lower.contains("unable to retrieve some image pull secrets"))
    {
        return None;
    }
    let names = if facts.missing_secrets.is_empty() { "?".to_owned() } else { facts.missing_secrets.join(", ") };
    let ns = facts.namespace.clone();
    let mut prefill = Prefill::for_registry(facts.registry.as_deref());
    prefill.credentials_needed = true;
    prefill.namespace = ns.clone();
    prefill.secret_name = facts.missing_secrets.first().cloned();
    let ns_s = ns.as_deref().unwrap_or("NAMESPACE");
    let first = facts.missing_secrets.first().map_or("regcred", String::as_str);
    finding(
        Family::PullSecretMissing,
        l,
        facts,
        format!("The pull Secret {names} does not exist in namespace {ns_s}"),
        format!(
            "The pod lists imagePullSecrets ({names}) that the kubelet cannot find in the pod's namespace ({ns_s}). A \
             Secret only serves pods in its own namespace. The kubelet pulls without it, so a private registry then \
             answers 401."
        ),
        format!(
            "Create it in the pod's namespace: `kubectl create secret docker-registry {first} --docker-server={} \
             --docker-username=… --docker-password=… -n {ns_s}` (pullfix generates it from the form), or fix the name \
             in imagePullSecrets.",
            facts.registry.as_deref().unwrap_or("REGISTRY")
        ),
        prefill,
    )
}

fn too_many_requests(l: &Line<'_>, facts: &Facts) -> Option<Finding> {
    if !has_any(l, &["toomanyrequests", "429 too many requests", "pull rate limit"]) {
        return None;
    }
    let reg = line_registry(l, facts).unwrap_or_else(|| "docker.io".to_owned());
    let mut prefill = Prefill::for_registry(Some(&reg));
    prefill.credentials_needed = true;
    finding(
        Family::TooManyRequests,
        l,
        facts,
        format!("{reg} rate-limited the pull (toomanyrequests)"),
        "Docker Hub limits anonymous pulls per IP address (a whole NAT'ed cluster counts as one) and, less so, \
         authenticated ones."
            .to_owned(),
        "Pull with a Docker Hub account (a Secret for docker.io, keyed `https://index.docker.io/v1/`, or node-level \
         auth), or through a pull-through cache: add a mirror for docker.io in the form (e.g. a Harbor proxy-cache \
         project with override_path)."
            .to_owned(),
        prefill,
    )
}

// ---- the image ---------------------------------------------------------------------------

fn not_found(l: &Line<'_>, facts: &Facts) -> Option<Finding> {
    let hit = l.lower.contains("manifest unknown")
        || (l.lower.contains("failed to resolve") && l.lower.contains(": not found"))
        || l.lower.contains("notfound desc = failed to pull and unpack image")
        || l.lower.contains("repository name not known to registry");
    if !hit || l.lower.contains("pull access denied") || l.lower.contains("no match for platform") {
        return None;
    }
    let reg = line_image_registry(l).or_else(|| line_registry(l, facts));
    let image = line_image(l).or_else(|| facts.image.clone()).unwrap_or_else(|| "the image".to_owned());
    finding(
        Family::ManifestNotFound,
        l,
        facts,
        format!("{image} does not exist on {}", show(&reg)),
        "The registry answered and has no such repository or tag: a typo, an image never pushed, a missing Harbor \
         project in the path, or a mirror that serves another path (a Harbor proxy-cache project needs its project \
         in the mirror URL with override_path)."
            .to_owned(),
        format!(
            "Check the exact name on the node (`crictl pull {image}`) and the tags the registry has (`skopeo list-tags \
             docker://REPOSITORY`). For a proxy-cache mirror, set the mirror URL to `https://HARBOR/v2/PROJECT` with \
             override_path."
        ),
        Prefill::for_registry(reg.as_deref()),
    )
}

fn platform_mismatch(l: &Line<'_>, facts: &Facts) -> Option<Finding> {
    if !l.lower.contains("no match for platform in manifest") {
        return None;
    }
    let reg = line_image_registry(l).or_else(|| line_registry(l, facts));
    let image = line_image(l).or_else(|| facts.image.clone()).unwrap_or_else(|| "the image".to_owned());
    finding(
        Family::PlatformMismatch,
        l,
        facts,
        format!("{image} has no variant for this node's CPU architecture"),
        "The registry has the image, but not for the node's platform (an arm64 node and an amd64-only image, or the \
         reverse). No registry setting changes this."
            .to_owned(),
        "Push a multi-architecture image (`docker buildx build --platform linux/amd64,linux/arm64 --push`), or \
         schedule the pod onto matching nodes (nodeSelector `kubernetes.io/arch`)."
            .to_owned(),
        Prefill::for_registry(reg.as_deref()),
    )
}

fn sandbox_image(l: &Line<'_>, facts: &Facts) -> Option<Finding> {
    if !l.lower.contains("failed to get sandbox image") {
        return None;
    }
    let pause =
        scan::quoted_after(&l.text, "failed to get sandbox image").map(str::to_owned).or(facts.pause_image.clone());
    let pause_s = pause.as_deref().unwrap_or("the pause image");
    let mirror = pause.as_deref().and_then(pause_mirror);
    let (prefill, how) = match &mirror {
        Some(m) => {
            let p = Prefill { sandbox_image: Some(m.clone()), ..Prefill::default() };
            (p, format!("e.g. `{m}`, or a copy in your own registry"))
        }
        None => {
            // The pause image is on a private registry: the kubelet never sends a pull Secret for it.
            let mut p = Prefill::for_registry(pause.as_deref().and_then(image_ref::image_registry).as_deref());
            p.credentials_needed = true;
            p.node_auth = Some(true);
            (p, "and, for a private registry, node-level credentials (the form's node auth)".to_owned())
        }
    };
    finding(
        Family::SandboxImage,
        l,
        facts,
        format!("containerd cannot pull the sandbox (pause) image {pause_s}"),
        format!(
            "Every pod starts with a sandbox from the pause image {pause_s}, which containerd pulls itself, from its \
             own config (`sandbox_image`, or `pinned_images.sandbox` on 2.x) and never with the pod's \
             imagePullSecrets. Until it can be pulled no pod starts on the node (FailedCreatePodSandBox); the line's \
             own cause (timeout, x509, 401) is reported separately."
        ),
        format!(
            "Point containerd's sandbox image at a reachable copy ({how}) in the form, apply it and `systemctl restart \
             containerd`; or pre-pull the pause image on every node (`ctr -n k8s.io images pull` / `import`)."
        ),
        prefill,
    )
}

fn sandbox_mismatch(l: &Line<'_>, facts: &Facts) -> Option<Finding> {
    if !(l.lower.contains("detected that the sandbox image") && l.lower.contains("inconsistent")) {
        return None;
    }
    let current = scan::quoted_after(&l.text, "detected that the sandbox image").unwrap_or("?");
    let wanted = scan::quoted_after(&l.text, "recommended to use")
        .or_else(|| scan::quoted_after(&l.text, "recommended that using"))
        .filter(|s| image_ref::is_image_reference(s));
    let prefill = Prefill { sandbox_image: wanted.map(str::to_owned), ..Prefill::default() };
    let w = wanted.unwrap_or("kubeadm's pause image");
    finding(
        Family::SandboxImageMismatch,
        l,
        facts,
        format!("containerd's pause image {current} differs from kubeadm's {w}"),
        format!(
            "kubeadm pre-pulls {w}, but containerd starts sandboxes with {current}. Usually harmless (since \
             Kubernetes 1.29 the runtime alone decides), but nodes then need both images, and if {current} is \
             unreachable no pod starts."
        ),
        format!("Set containerd's sandbox image to {w} (or a reachable copy of it) and restart containerd."),
        prefill,
    )
}

#[cfg(test)]
mod tests {
    use crate::diagnose::{diagnose, Family};

    /// containerd 2.1.9's warning for a version 2 file's `configs."<host>".tls` (recorded in
    /// tests/fixtures/errors/2.1.9/configs-tls-ignored.containerd-log.txt): the registry and
    /// its CA are what the fix needs.
    #[test]
    fn an_ignored_legacy_tls_table_names_its_registry() {
        let line = r#"level=warning msg="Ignoring unknown key in TOML for plugin" error="strict mode: fields in the document are missing in the target struct" key="registry configs harbor.example.net:8443 tls" plugin=io.containerd.cri.v1.images"#;
        let d = diagnose(line);
        let f = &d.findings[0];
        assert_eq!(f.family, Family::UnknownConfigKey);
        assert_eq!(f.prefill.registry().as_deref(), Some("harbor.example.net:8443"));
        assert!(f.prefill.ca_needed);
        assert!(f.fix.contains("hosts.toml"), "{}", f.fix);
        // Any other unknown key keeps the general reading.
        let other = line.replace("registry configs harbor.example.net:8443 tls", "sandbox_image");
        assert_eq!(diagnose(&other).findings[0].prefill.registry(), None);
    }
}
