//! Unit tests of the drop-in checks (`imports`).

use super::*;

const MAIN: &str = "version = 2\nimports = [\"/etc/containerd/conf.d/*.toml\"]\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"/etc/containerd/certs.d\"\n";
/// A cgroup drop-in as it must be on 1.x: runc's table whole (runtime_type too).
const CGROUP: &str = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n  runtime_type = \"io.containerd.runc.v2\"\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n";

fn drop_in(path: &str, text: &str) -> DropIn {
    DropIn { path: path.to_owned(), text: Some(text.to_owned()) }
}

#[test]
fn patterns_follow_each_major_versions_rules() {
    let text = "imports = [\"conf.d/*.toml\", \"extra.toml\", \"/abs/../abs/./x.toml\"]\n";
    let p = |v| patterns(text, "/etc/containerd/config.toml", v);
    let one = |s: &str, glob| ImportPattern { pattern: s.to_owned(), glob };
    assert_eq!(
        p(Some("1.6.20")),
        vec![one("/conf.d/*.toml", true), one("/etc/containerd/extra.toml", false), one("/abs/x.toml", false)]
    );
    assert_eq!(p(Some("2.1"))[0], one("/etc/containerd/conf.d/*.toml", true));
    // Review 9, M7: containerd#9746 (1.6.30, 1.7.16) joins the pattern to the directory
    // first; 1.6.20 globs from `/`, 1.7.24 from config.toml's directory (oracle test).
    for (v, rooted) in [
        ("1.5.9", true),
        ("1.6.29", true),
        ("1.6.30", false),
        ("1.6", true),
        ("1.7.15", true),
        ("1.7.16", false),
        ("1.7.24", false),
        ("1.7", false),
        ("2.0.0", false),
    ] {
        let want = if rooted { "/conf.d/*.toml" } else { "/etc/containerd/conf.d/*.toml" };
        assert_eq!(p(Some(v))[0], one(want, true), "{v}");
    }
    assert_eq!(p(None)[0], one("/etc/containerd/conf.d/*.toml", true));
    assert!(patterns("[x", "/c.toml", None).is_empty());
    assert!(patterns("version = 2\n", "/c.toml", None).is_empty());
}

/// Review 9, M7: a relative pattern on a 1.x release that globs it from `/`, or whose
/// patch release is not known, is a warning with the absolute pattern as the fix.
#[test]
fn a_relative_glob_on_1x_is_a_warning_with_the_absolute_pattern() {
    let text = "version = 2\nimports = [\"conf.d/*.toml\", \"/opt/x.toml\", \"extra.toml\"]\n";
    let main = "/etc/containerd/config.toml";
    let f = relative_globs(main, text, Some("1.6.20"));
    assert_eq!(f.len(), 1, "{f:?}");
    let d = &f[0].diagnostic;
    assert_eq!((d.severity, d.code, f[0].file.as_str()), (Severity::Warning, "merge.import-relative-glob", main));
    assert!(d.message.contains("it loads /conf.d/*.toml, not /etc/containerd/conf.d/*.toml"), "{}", d.message);
    assert!(
        d.fix.contains(
            "`imports = [\"/etc/containerd/conf.d/*.toml\", \"/opt/x.toml\", \"/etc/containerd/extra.toml\"]`"
        ),
        "{}",
        d.fix
    );
    let d = &relative_globs(main, text, Some("1.7"))[0].diagnostic;
    assert!(
        d.message.contains("patch release is not known (pullfix read /etc/containerd/conf.d/*.toml)"),
        "{}",
        d.message
    );
    assert!(relative_globs(main, text, Some("1.7.24")).is_empty());
    assert!(relative_globs(main, text, Some("2.1.9")).is_empty());
    assert!(relative_globs(main, text, None).is_empty());
    assert!(relative_globs(main, "imports = [\"/etc/containerd/conf.d/*.toml\"]\n", Some("1.6.20")).is_empty());
}

#[test]
fn on_1x_a_cri_drop_in_is_an_error_naming_it_and_the_fix() {
    let f = check(
        Some("1.6.20"),
        MAIN,
        Some("/etc/containerd/certs.d"),
        &[drop_in("/etc/containerd/conf.d/99-cgroup.toml", CGROUP)],
    );
    assert_eq!(f.len(), 1);
    let d = &f[0].diagnostic;
    assert_eq!((d.severity, d.code), (Severity::Error, "merge.import-replaces-cri"));
    assert!(d.message.contains("/etc/containerd/conf.d/99-cgroup.toml"), "{}", d.message);
    assert!(
        d.fix.contains("`pullfix apply --form <your form> --config /etc/containerd/conf.d/99-cgroup.toml`"),
        "{}",
        d.fix
    );
    // Unknown version: a warning; 2.x: nothing (merged key by key).
    let f = check(None, MAIN, None, &[drop_in("/d.toml", CGROUP)]);
    assert_eq!(f[0].diagnostic.severity, Severity::Warning);
    assert!(check(Some("2.1"), MAIN, Some("/etc/containerd/certs.d"), &[drop_in("/d.toml", CGROUP)]).is_empty());
}

#[test]
fn on_1x_only_the_plugin_id_the_version_reads_counts_and_the_last_wins() {
    // A version 2 node does not read plugins.cri: it does not start with it (review 10, H2).
    let v1_table = "[plugins.cri.containerd]\n  snapshotter = \"overlayfs\"\n";
    let f = check(Some("1.6.20"), MAIN, None, &[drop_in("/a.toml", v1_table)]);
    let codes: Vec<_> = f.iter().map(|f| (f.file.as_str(), f.diagnostic.severity, f.diagnostic.code)).collect();
    assert_eq!(codes, [("/a.toml", Severity::Error, "merge.import-short-plugin-ids")]);
    assert!(f[0].diagnostic.message.contains("invalid plugin key URI \"cri\""), "{}", f[0].diagnostic.message);
    assert!(check(Some("2.1.9"), MAIN, None, &[drop_in("/a.toml", v1_table)]).is_empty());
    // A version 1 main file does.
    let f = check(Some("1.6.20"), "imports = [\"/a.toml\"]\n", None, &[drop_in("/a.toml", v1_table)]);
    assert!(f[0].diagnostic.message.contains("plugins.\"cri\""), "{}", f[0].diagnostic.message);
    let legacy = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry.mirrors.\"harbor.example.net\"]\n  endpoint = [\"https://harbor.example.net\"]\n";
    let f = check(Some("1.6.20"), MAIN, None, &[drop_in("/a.toml", CGROUP), drop_in("/b.toml", legacy)]);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].file, "/b.toml");
    assert!(f[0].diagnostic.message.contains("legacy registry.mirrors for harbor.example.net"));
    assert!(f[0].diagnostic.message.contains("/a.toml also has one"));
}

#[test]
fn on_2x_legacy_keys_and_a_config_path_in_drop_ins_are_reported() {
    let text = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"/other\"\n[plugins.\"io.containerd.grpc.v1.cri\".registry.mirrors.\"docker.io\"]\n  endpoint = [\"https://m.example\"]\n[plugins.\"io.containerd.grpc.v1.cri\".registry.configs.\"h.example\".tls]\n  insecure_skip_verify = true\n";
    let f = check(Some("2.1"), MAIN, Some("/etc/containerd/certs.d"), &[drop_in("/d.toml", text)]);
    let codes: Vec<_> = f.iter().map(|f| (f.diagnostic.severity, f.diagnostic.code)).collect();
    assert_eq!(
        codes,
        vec![
            (Severity::Error, "merge.import-legacy-mirrors"),
            (Severity::Warning, "merge.import-legacy-tls"),
            // Review 9, L8: the drop-in's config_path is the one containerd uses.
            (Severity::Error, "merge.import-config-path"),
        ]
    );
    let d = &f[2].diagnostic;
    assert!(
        d.message.contains("containerd reads hosts.toml from \"/other\" instead of \"/etc/containerd/certs.d\""),
        "{}",
        d.message
    );
    assert!(d.fix.contains("Delete config_path from /d.toml (or set it to \"/etc/containerd/certs.d\")"), "{}", d.fix);
    assert!(d.fix.contains("`pullfix apply --form <your form> --certs-dir /other`"), "{}", d.fix);
    // Unknown version: a warning; the same value as config.toml's: nothing.
    let f = check(None, MAIN, Some("/etc/containerd/certs.d"), &[drop_in("/d.toml", text)]);
    assert_eq!(
        f.iter().find(|f| f.diagnostic.code == "merge.import-config-path").map(|f| f.diagnostic.severity),
        Some(Severity::Warning)
    );
    let same =
        "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"/etc/containerd/certs.d\"\n";
    assert!(check(Some("2.1"), MAIN, Some("/etc/containerd/certs.d"), &[drop_in("/d.toml", same)]).is_empty());
    // A later drop-in that sets config.toml's value back: containerd uses that one.
    let f = check(
        Some("2.1"),
        MAIN,
        Some("/etc/containerd/certs.d"),
        &[drop_in("/d.toml", text), drop_in("/e.toml", same)],
    );
    assert!(f.iter().all(|f| f.diagnostic.code != "merge.import-config-path"), "{f:?}");
}

const V3_MAIN: &str = "version = 3\nimports = [\"/etc/containerd/conf.d/*.toml\"]\n[plugins.\"io.containerd.cri.v1.images\".registry]\n  config_path = \"/etc/containerd/certs.d\"\n[plugins.\"io.containerd.cri.v1.images\".registry.configs.\"harbor.example.net\".auth]\n  username = \"robot$ci\"\n[plugins.\"io.containerd.cri.v1.images\".pinned_images]\n  sandbox = \"harbor.example.net/library/pause:3.10\"\n[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.runc]\n  runtime_type = \"io.containerd.runc.v2\"\n";

/// Review 9, M1: a drop-in's sandbox image wins on 2.x: an error naming both values.
#[test]
fn on_2x_a_drop_in_sandbox_image_that_wins_is_an_error() {
    let pause = "version = 3\n[plugins.'io.containerd.cri.v1.images'.pinned_images]\n  sandbox = 'registry.k8s.io/pause:3.10'\n";
    let f = check(Some("2.1.9"), V3_MAIN, Some("/etc/containerd/certs.d"), &[drop_in("/c/50-pause.toml", pause)]);
    assert_eq!(f.len(), 1, "{f:?}");
    let d = &f[0].diagnostic;
    assert_eq!((d.severity, d.code, f[0].file.as_str()), (Severity::Error, "merge.import-sandbox", "/c/50-pause.toml"));
    assert!(
        d.message.contains(
            "sets plugins.\"io.containerd.cri.v1.images\".pinned_images.sandbox = \"registry.k8s.io/pause:3.10\""
        ),
        "{}",
        d.message
    );
    assert!(d.message.contains("not from config.toml's plugins.\"io.containerd.cri.v1.images\".pinned_images.sandbox = \"harbor.example.net/library/pause:3.10\""), "{}", d.message);
    assert!(d.fix.starts_with("Keep one sandbox image, in config.toml: delete plugins.\"io.containerd.cri.v1.images\".pinned_images.sandbox from /c/50-pause.toml; if \"registry.k8s.io/pause:3.10\" is the image the nodes must use"), "{}", d.fix);
    assert!(d.fix.contains("otherwise config.toml's \"harbor.example.net/library/pause:3.10\" is used"), "{}", d.fix);
    // The same image, or a drop-in before one that sets config.toml's back: nothing.
    let same = pause.replace("registry.k8s.io/pause:3.10", "harbor.example.net/library/pause:3.10");
    assert!(check(Some("2.1.9"), V3_MAIN, None, &[drop_in("/a.toml", &same)]).is_empty());
    assert!(check(Some("2.1.9"), V3_MAIN, None, &[drop_in("/a.toml", pause), drop_in("/b.toml", &same)]).is_empty());
    // A version 2 config.toml and drop-in (2.x migrates both): the drop-in's sandbox_image wins.
    let v2 = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\"]\n  sandbox_image = \"registry.k8s.io/pause:3.10\"\n";
    let main = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\"]\n  sandbox_image = \"harbor.example.net/library/pause:3.10\"\n";
    let f = check(Some("2.1.9"), main, None, &[drop_in("/a.toml", v2)]);
    assert_eq!(f.iter().map(|f| f.diagnostic.code).collect::<Vec<_>>(), ["merge.import-sandbox"]);
    // On 1.x the drop-in replaces the whole CRI section: merge.import-replaces-cri says so.
    let f = check(Some("1.7.24"), main, None, &[drop_in("/a.toml", v2)]);
    assert_eq!(f.iter().map(|f| f.diagnostic.code).collect::<Vec<_>>(), ["merge.import-replaces-cri"]);
}

/// Review 9, H2: a version 2 drop-in under a version 3 config.toml on 2.0-2.2.
#[test]
fn on_2x_a_version_2_drop_in_under_a_version_3_file_is_reported_per_table() {
    let cgroup = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n";
    let f = check(Some("2.1.9"), V3_MAIN, Some("/etc/containerd/certs.d"), &[drop_in("/c/99-cgroup.toml", cgroup)]);
    assert_eq!(f.len(), 1, "{f:?}");
    let d = &f[0].diagnostic;
    assert_eq!((d.severity, d.code), (Severity::Error, "merge.import-lowers-version"));
    assert!(d.message.contains("the merged config is version 2"), "{}", d.message);
    assert!(
        d.message.contains(
            "so they do not apply: plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes (SystemdCgroup)"
        ),
        "{}",
        d.message
    );
    assert!(d.fix.contains("Rewrite /c/99-cgroup.toml as a version 3 drop-in"), "{}", d.fix);
    assert!(d.fix.contains("`printf '%s\\n' 'version = 3' '[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.runc.options]' '  SystemdCgroup = true' > /c/99-cgroup.toml`"), "{}", d.fix);
    assert!(d.fix.contains("plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes -> plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes"), "{}", d.fix);
    // With config.toml's runtimes table missing, the drop-in's applies: a warning.
    let bare = V3_MAIN.replace("[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.runc]\n  runtime_type = \"io.containerd.runc.v2\"\n", "");
    let d = &check(Some("2.1.9"), &bare, None, &[drop_in("/c/99-cgroup.toml", cgroup)])[0].diagnostic;
    assert_eq!(d.severity, Severity::Warning);
    assert!(d.message.contains("these apply (config.toml's version 3 tables lack them): plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes (SystemdCgroup)"), "{}", d.message);
    // Mirrors only: the registry table is replaced (config_path gone); no key-by-key story.
    let mirrors = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry.mirrors.\"quay.io\"]\n  endpoint = [\"https://q.example\"]\n";
    let f = check(Some("2.1.9"), V3_MAIN, Some("/etc/containerd/certs.d"), &[drop_in("/m.toml", mirrors)]);
    let codes: Vec<_> = f.iter().map(|f| (f.diagnostic.severity, f.diagnostic.code)).collect();
    assert_eq!(codes, [(Severity::Error, "merge.import-lowers-version")], "{f:?}");
    assert!(f[0].diagnostic.message.contains("replaces the whole plugins.\"io.containerd.cri.v1.images\".registry of config.toml, so config.toml's config_path (now empty) and node credentials are gone"), "{}", f[0].diagnostic.message);
    // A sandbox_image and config_path in it override: reported with the sandbox check too.
    let pause = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\"]\n  sandbox_image = \"h/pause:9.99\"\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"/etc/containerd/v2dropin.d\"\n";
    let f = check(Some("2.1.9"), V3_MAIN, Some("/etc/containerd/certs.d"), &[drop_in("/p.toml", pause)]);
    let mut codes: Vec<_> = f.iter().map(|f| f.diagnostic.code).collect();
    codes.sort_unstable();
    assert_eq!(codes, ["merge.import-config-path", "merge.import-lowers-version", "merge.import-sandbox"]);
    // A later version 3 drop-in: merged version 3, the version 2 settings are ignored.
    let f = check(Some("2.1.9"), V3_MAIN, None, &[drop_in("/a.toml", cgroup), drop_in("/b.toml", "version = 3\n")]);
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(f[0].diagnostic.message.contains("merged config is version 3"), "{}", f[0].diagnostic.message);
    assert!(f[0].diagnostic.message.contains("(`Ignoring unknown key in TOML for plugin`) and they do not apply: plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes (SystemdCgroup)."), "{}", f[0].diagnostic.message);
    // A drop-in without a version line takes config.toml's 3: ignored too.
    let f = check(Some("2.1.9"), V3_MAIN, None, &[drop_in("/a.toml", &cgroup.replace("version = 2\n", ""))]);
    assert_eq!(f.iter().map(|f| f.diagnostic.code).collect::<Vec<_>>(), ["merge.import-lowers-version"]);
    // 2.3+ migrates each file on load; 1.x replaces the CRI section: not this finding.
    assert!(check(Some("2.3"), V3_MAIN, None, &[drop_in("/a.toml", cgroup)]).is_empty());
}

/// Review 7, M2: a version 3 drop-in makes the merged config version 3 on 2.x, so a
/// version 2 config.toml's CRI keys are not migrated.
#[test]
fn on_2x_a_drop_in_that_raises_the_version_is_reported() {
    let nvidia = "version = 3\n[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.nvidia]\n  runtime_type = \"io.containerd.runc.v2\"\n";
    let f = check(Some("2.1"), MAIN, Some("/etc/containerd/certs.d"), &[drop_in("/n.toml", nvidia)]);
    let codes: Vec<_> = f.iter().map(|f| (f.diagnostic.severity, f.diagnostic.code, f.file.as_str())).collect();
    assert_eq!(codes, vec![(Severity::Error, "merge.import-raises-version", "/n.toml")]);
    // Review 8, L1: `--convert-version` refuses on any real upgraded config.toml (its
    // other v2 tables); containerd's own migration is the way.
    let fix = &f[0].diagnostic.fix;
    // Review 9, H1: `config migrate` loads the imports too: a copy without them.
    assert!(!fix.contains("config migrate >"), "{fix}");
    assert!(fix.contains("awk '/^[[:space:]]*imports[[:space:]]*=/{s=1} !s{print} s&&/\\][[:space:]]*(#.*)?$/{s=0}' /etc/containerd/config.toml > /tmp/config-noimports.toml && { printf '%s\\n' 'imports = [\"/etc/containerd/conf.d/*.toml\"]'; containerd -c /tmp/config-noimports.toml config migrate | grep -v '^imports = \\[\\]$'; } > /etc/containerd/config.toml.new"), "{fix}");
    assert!(fix.contains("run `pullfix apply` again"), "{fix}");
    assert!(!fix.contains("--convert-version"), "{fix}");
    // Review 8, L2: on 2.3+ it works or containerd refuses to start, depending on the
    // patch release (#12608, #12891, #13939): a warning that says so, not "ignored".
    let d = &check(Some("2.3"), MAIN, None, &[drop_in("/n.toml", nvidia)])[0].diagnostic;
    assert_eq!(d.severity, Severity::Warning);
    for pr in ["#12608", "#12891", "#13939", "does not start", "patch release"] {
        assert!(d.message.contains(pr), "{pr}: {}", d.message);
    }
    assert!(!d.message.contains("ignored") && !d.message.contains("pulls fail"), "{}", d.message);
    assert!(d.fix.contains("containerd config dump") && d.fix.contains("containerd config migrate"), "{}", d.fix);
    // A version 3 main file, a main file without v2 CRI tables, a drop-in without a
    // version line, or 1.x: nothing.
    let v3_main = "version = 3\n[plugins.\"io.containerd.cri.v1.images\".registry]\n  config_path = \"/c\"\n";
    assert!(check(Some("2.1"), v3_main, None, &[drop_in("/n.toml", nvidia)]).is_empty());
    assert!(check(Some("2.1"), "version = 2\n", None, &[drop_in("/n.toml", nvidia)]).is_empty());
    assert!(check(Some("2.1"), MAIN, None, &[drop_in("/n.toml", &nvidia.replace("version = 3\n", ""))]).is_empty());
    // 1.7 does not start with a version 3 drop-in (review 10, H3); 1.6 starts.
    let f = check(Some("1.7"), MAIN, None, &[drop_in("/n.toml", "version = 3\n")]);
    let codes: Vec<_> = f.iter().map(|f| (f.diagnostic.severity, f.diagnostic.code)).collect();
    assert_eq!(codes, [(Severity::Error, "merge.import-version-too-new")]);
    let f = check(Some("1.6.20"), MAIN, None, &[drop_in("/n.toml", "version = 3\n")]);
    let codes: Vec<_> = f.iter().map(|f| (f.diagnostic.severity, f.diagnostic.code)).collect();
    assert_eq!(codes, [(Severity::Warning, "merge.import-version-too-new")]);
}

/// Review 8, L4: a drop-in that disables CRI is an error naming it (1.x and 2.x ids).
#[test]
fn a_drop_in_disabling_cri_is_an_error() {
    let docker = drop_in("/c/conf.d/10-docker.toml", "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]\n");
    let f =
        disabling_cri(Some("1.6.20"), &[drop_in("/c/conf.d/20-zfs.toml", "disabled_plugins = [\"zfs\"]\n"), docker]);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!((f[0].file.as_str(), f[0].diagnostic.severity), ("/c/conf.d/10-docker.toml", Severity::Error));
    assert!(
        f[0].diagnostic.fix.starts_with("Edit /c/conf.d/10-docker.toml: remove \"io.containerd.grpc.v1.cri\""),
        "{}",
        f[0].diagnostic.fix
    );
    // Review 11, N1: on 1.x applying the form to the drop-in would give it a CRI table.
    assert!(!f[0].diagnostic.fix.contains("pullfix apply"), "{}", f[0].diagnostic.fix);
    assert!(f[0].diagnostic.fix.contains("do not apply the form to the drop-in"), "{}", f[0].diagnostic.fix);
    let v2 = drop_in("/d.toml", "disabled_plugins = [\"io.containerd.cri.v1.images\"]\n");
    let f = disabling_cri(Some("2.1"), std::slice::from_ref(&v2));
    assert_eq!(f.len(), 1);
    assert!(
        f[0].diagnostic.fix.contains("`pullfix apply --form <your form> --config /d.toml`"),
        "{}",
        f[0].diagnostic.fix
    );
    assert!(disabling_cri(Some("1.7"), &[v2]).is_empty());
}

/// Review 8, L3: containerd does not start with a malformed pattern: an error.
#[test]
fn a_malformed_pattern_is_an_error() {
    let f = malformed_pattern("/etc/containerd/config.toml", "/etc/containerd/conf.d/*[");
    assert_eq!((f.diagnostic.severity, f.diagnostic.code), (Severity::Error, "merge.import-malformed"));
    assert_eq!(f.file, "/etc/containerd/config.toml");
    assert!(f.diagnostic.message.contains("syntax error in pattern"), "{}", f.diagnostic.message);
}

#[test]
fn missing_and_invalid_drop_ins_stop_containerd() {
    let f = check(
        Some("1.6.20"),
        MAIN,
        None,
        &[DropIn { path: "/gone.toml".into(), text: None }, drop_in("/bad.toml", "[x\n")],
    );
    let codes: Vec<_> = f.iter().map(|f| f.diagnostic.code).collect();
    assert_eq!(codes, vec!["merge.import-missing", "merge.import-invalid"]);
}

#[test]
fn the_page_says_it_cannot_see_drop_ins() {
    assert!(not_seen_here(MAIN, None).is_some());
    assert!(not_seen_here("version = 2\n", None).is_none());
    assert!(not_seen_here("imports = []\n", None).is_none());
    // One release's rule only (review 10 web L5).
    let one = not_seen_here(MAIN, Some("1.7.24")).unwrap().message;
    assert!(one.contains("replaces this file's whole CRI section") && !one.contains("2.x"), "{one}");
    let two = not_seen_here(MAIN, Some("2.1.9")).unwrap().message;
    assert!(two.contains("win over this file's") && !two.contains("1.x"), "{two}");
    let both = not_seen_here(MAIN, None).unwrap().message;
    assert!(both.contains("1.x") && both.contains("2.x"), "{both}");
}

/// Review 10, H2: the version lines of config.toml and its drop-ins together.
#[test]
fn a_drop_in_version_raises_a_version_1_config_toml() {
    let v1 = "imports = [\"/d/*.toml\"]\n[plugins.cri]\n  sandbox_image = \"x/pause:1\"\n";
    let metrics = drop_in("/d/10-metrics.toml", "version = 2\n[metrics]\n  address = \"\"\n");
    assert_eq!(merged_version(v1, &[]), 0);
    assert_eq!(merged_version(v1, std::slice::from_ref(&metrics)), 2);
    assert_eq!(merged_version("version = 2\n", &[drop_in("/a", "x = 1\n"), drop_in("/b", "version = 3\n")]), 3);
    assert_eq!(
        raises_version_1(Some("1.6.20"), v1, std::slice::from_ref(&metrics)),
        Some(("/d/10-metrics.toml".to_owned(), 2))
    );
    // Not on 2.x, not for full names, not when the drop-in's version is beyond the release.
    assert_eq!(raises_version_1(Some("2.1.9"), v1, std::slice::from_ref(&metrics)), None);
    let full = "[plugins.\"io.containerd.grpc.v1.cri\"]\n  sandbox_image = \"x/pause:1\"\n";
    assert_eq!(raises_version_1(Some("1.7.24"), full, std::slice::from_ref(&metrics)), None);
    assert_eq!(raises_version_1(Some("1.7.24"), v1, &[drop_in("/d/g.toml", "version = 3\n")]), None);
    let f = check(Some("1.7.24"), v1, None, &[metrics]);
    let codes: Vec<_> = f.iter().map(|f| (f.file.as_str(), f.diagnostic.code)).collect();
    assert_eq!(codes, [("/etc/containerd/config.toml", "merge.import-short-plugin-ids")]);
    assert!(f[0]
        .diagnostic
        .fix
        .contains("`pullfix apply --form <your form> --convert-version --config /etc/containerd/config.toml`"));
}

/// Review 10, H1: version 3 tables in a version-less drop-in under a version 2 config.toml
/// (2.0-2.2): what is lost decides the severity; the rewrite is at version 2 paths.
#[test]
fn version_3_tables_merged_at_version_2() {
    let main = format!("{MAIN}[plugins.\"io.containerd.grpc.v1.cri\"]\n  sandbox_image = \"h/pause:1\"\n");
    let pause = "[plugins.'io.containerd.cri.v1.images'.pinned_images]\n  sandbox = 'q/pause:1'\n";
    let f = check(Some("2.1.9"), &main, Some("/etc/containerd/certs.d"), &[drop_in("/p.toml", pause)]);
    let codes: Vec<_> = f.iter().map(|f| (f.diagnostic.severity, f.diagnostic.code)).collect();
    assert_eq!(codes, [(Severity::Warning, "merge.import-v3-under-v2")], "only its sandbox image, which loses");
    assert!(f[0].diagnostic.fix.contains("pinned_images.sandbox = 'q/pause:1' left out"), "{}", f[0].diagnostic.fix);
    // Nothing to lose: config.toml has no version 2 runtimes, the drop-in no image keys.
    let gpu = "[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.nvidia]\n  runtime_type = 'io.containerd.runc.v2'\n";
    assert!(check(Some("2.1.9"), MAIN, Some("/etc/containerd/certs.d"), &[drop_in("/g.toml", gpu)]).is_empty());
    let f = check(
        Some("2.1.9"),
        &format!("{MAIN}{CGROUP}").replacen("version = 2\n", "", 2).replacen("imports", "version = 2\nimports", 1),
        Some("/etc/containerd/certs.d"),
        &[drop_in("/g.toml", gpu)],
    );
    let codes: Vec<_> = f.iter().map(|f| (f.diagnostic.severity, f.diagnostic.code)).collect();
    assert_eq!(codes, [(Severity::Error, "merge.import-v3-under-v2")]);
    // 2.3+ migrates each file on load; 1.x is another story.
    assert!(check(Some("2.3"), MAIN, None, &[drop_in("/g.toml", gpu)])
        .iter()
        .all(|f| f.diagnostic.code != "merge.import-v3-under-v2"));
    // The rewrite: version 2 paths, the drop-in's sandbox and config_path left out.
    let both = "[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.nvidia]\n  runtime_type = 'io.containerd.runc.v2'\n[plugins.'io.containerd.cri.v1.images']\n  snapshotter = 'native'\n[plugins.'io.containerd.cri.v1.images'.registry]\n  config_path = '/x'\n[plugins.'io.containerd.cri.v1.images'.registry.configs.'q'.auth]\n  username = 'u'\n";
    let (text, left_out) = effective::rewritten_v2(&both.parse().expect("TOML")).expect("rewritten");
    let out: DocumentMut = text.parse().expect("TOML");
    let cri = &out["plugins"]["io.containerd.grpc.v1.cri"];
    assert_eq!(out["version"].as_integer(), Some(2), "{text}");
    assert_eq!(
        cri["containerd"]["runtimes"]["nvidia"]["runtime_type"].as_str(),
        Some("io.containerd.runc.v2"),
        "{text}"
    );
    assert_eq!(cri["containerd"]["snapshotter"].as_str(), Some("native"), "{text}");
    assert_eq!(cri["registry"]["configs"]["q"]["auth"]["username"].as_str(), Some("u"), "{text}");
    assert!(cri["registry"].get("config_path").is_none(), "{text}");
    assert_eq!(left_out, ["plugins.\"io.containerd.cri.v1.images\".registry.config_path = '/x'"]);
    assert!(out["plugins"].get("io.containerd.cri.v1.images").is_none(), "{text}");
    let bin_dirs = "[plugins.'io.containerd.cri.v1.runtime'.cni]\n  bin_dirs = ['/opt/cni/bin']\n";
    assert_eq!(effective::rewritten_v2(&bin_dirs.parse().expect("TOML")), None);
}

/// Review 10, M3: a drop-in's node credentials for config.toml's host win on 2.x.
#[test]
fn a_drop_in_s_node_credentials_are_an_error_on_2_x() {
    let main = format!("{MAIN}[plugins.\"io.containerd.grpc.v1.cri\".registry.configs.\"h.example\".auth]\n  username = \"ci\"\n  password = \"s\"\n");
    let old = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry.configs.\"h.example\".auth]\n  auth = \"b2xkOm9sZA==\"\n";
    let f = check(Some("2.1.9"), &main, Some("/etc/containerd/certs.d"), &[drop_in("/a.toml", old)]);
    let codes: Vec<_> = f.iter().map(|f| (f.file.as_str(), f.diagnostic.severity, f.diagnostic.code)).collect();
    assert_eq!(codes, [("/a.toml", Severity::Error, "merge.import-auth")]);
    assert!(
        f[0].diagnostic.message.contains(".auth.auth)") && !f[0].diagnostic.message.contains("b2xk"),
        "{}",
        f[0].diagnostic.message
    );
    // Unknown version: a warning; the same value: nothing.
    assert_eq!(
        check(None, &main, None, &[drop_in("/a.toml", old)])
            .iter()
            .find(|f| f.diagnostic.code == "merge.import-auth")
            .map(|f| f.diagnostic.severity),
        Some(Severity::Warning)
    );
    let same = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry.configs.\"h.example\".auth]\n  username = \"ci\"\n";
    assert!(check(Some("2.1.9"), &main, Some("/etc/containerd/certs.d"), &[drop_in("/a.toml", same)]).is_empty());
}

/// Review 11, N11 and N1: on 1.x a drop-in whose CRI section has runtimes but none for the
/// default runtime (a GPU drop-in with only `runtimes.nvidia`) stops the CRI plugin, and one
/// without config.toml's runc SystemdCgroup loses it: the fix moves its tables into config.toml
/// instead of applying the form to the drop-in.
#[test]
fn on_1x_a_gpu_drop_in_without_runc_is_an_error_whose_fix_moves_it_into_config_toml() {
    let gpu = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.nvidia]\n  runtime_type = \"io.containerd.runc.v2\"\n";
    let main = format!("{MAIN}{}", CGROUP.trim_start_matches("version = 2\n"));
    let f = check(Some("1.7.24"), &main, Some("/etc/containerd/certs.d"), &[drop_in("/c/90-gpu.toml", gpu)]);
    assert_eq!(f.len(), 1, "{f:?}");
    let d = &f[0].diagnostic;
    assert_eq!((d.severity, d.code), (Severity::Error, "merge.import-replaces-cri"));
    assert!(d.message.contains("runc's SystemdCgroup = true"), "{}", d.message);
    assert!(d.message.contains("its runtimes \"runc\" are gone"), "{}", d.message);
    assert!(d.message.contains("containerd does not load its CRI plugin at all"), "{}", d.message);
    assert!(d.fix.starts_with("Move the CRI tables of /c/90-gpu.toml into config.toml"), "{}", d.fix);
    assert!(!d.fix.contains("--config /c/90-gpu.toml"), "{}", d.fix);
    // After `pullfix apply` on the drop-in (it sets config_path): still an error.
    let applied =
        format!("{gpu}[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"/etc/containerd/certs.d\"\n");
    let f = check(Some("1.7.24"), &main, None, &[drop_in("/c/90-gpu.toml", &applied)]);
    assert_eq!((f[0].diagnostic.severity, f[0].diagnostic.code), (Severity::Error, "merge.import-replaces-cri"));
    // Only SystemdCgroup lost after such an apply (N1): a warning, not the info it was.
    let disabled = "version = 2\ndisabled_plugins = []\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"/etc/containerd/certs.d\"\n";
    let f = check(Some("1.7.24"), &main, None, &[drop_in("/c/50-disable.toml", disabled)]);
    assert_eq!(f[0].diagnostic.severity, Severity::Warning, "{f:?}");
    assert!(f[0].diagnostic.message.contains("runc's SystemdCgroup = true"), "{}", f[0].diagnostic.message);
}

/// Review 11, N9: config.toml's legacy mirrors and a drop-in's config_path meet on 2.x.
#[test]
fn on_2x_config_tomls_mirrors_beside_a_drop_ins_config_path_are_an_error() {
    let main = "version = 2\nimports = [\"/c/*.toml\"]\n[plugins.\"io.containerd.grpc.v1.cri\".registry.mirrors.\"docker.io\"]\n  endpoint = [\"https://registry-1.docker.io\"]\n";
    let cri =
        "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"/etc/containerd/certs.d\"\n";
    let f = check(Some("2.1.9"), main, None, &[drop_in("/c/50-cri.toml", cri)]);
    let hit = f.iter().find(|f| f.diagnostic.code == "merge.main-mirrors-beside-config-path").expect("reported");
    assert_eq!((hit.diagnostic.severity, hit.file.as_str()), (Severity::Error, DEFAULT_MAIN));
    assert!(hit.diagnostic.message.contains("legacy registry.mirrors for docker.io"), "{}", hit.diagnostic.message);
    // On 1.7.24 the drop-in's section is the one in effect: the upgrade is warned about.
    let f = check(Some("1.7.24"), main, None, &[drop_in("/c/50-cri.toml", cri)]);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].diagnostic.severity, Severity::Warning);
    assert!(f[0].diagnostic.message.contains("after an upgrade they come back"), "{}", f[0].diagnostic.message);
    // No mirrors in config.toml: nothing.
    assert!(check(Some("2.1.9"), MAIN, None, &[drop_in("/c/50-cri.toml", cri)])
        .iter()
        .all(|f| f.diagnostic.code != "merge.main-mirrors-beside-config-path"));
}

/// Review 11, N2 and N13: a version 1 drop-in under a version 2 config.toml (1.x), and
/// plugins.cri tables read at version 3 (2.x).
#[test]
fn version_1_drop_ins_and_short_ids_at_version_3() {
    let metrics = drop_in("/c/50.toml", "version = 1\n[metrics]\n  address = \"127.0.0.1:1338\"\n");
    let f = check(Some("1.6.20"), MAIN, None, std::slice::from_ref(&metrics));
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!((f[0].diagnostic.code, f[0].file.as_str()), ("merge.import-lowers-to-1", "/c/50.toml"));
    assert!(f[0].diagnostic.message.contains("the merged config is version 1"), "{}", f[0].diagnostic.message);
    assert!(check(Some("2.1.9"), MAIN, None, std::slice::from_ref(&metrics)).is_empty());
    assert!(check(Some("1.6.20"), MAIN, None, &[drop_in("/c/50.toml", "version = 2\n")]).is_empty());

    let cgroup =
        drop_in("/c/99-cgroup.toml", "[plugins.cri.containerd.runtimes.runc.options]\n  SystemdCgroup = true\n");
    let f = check(Some("2.1.9"), V3_MAIN, None, std::slice::from_ref(&cgroup));
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!((f[0].diagnostic.code, f[0].file.as_str()), ("merge.short-plugin-ids-at-3", "/c/99-cgroup.toml"));
    assert!(f[0]
        .diagnostic
        .fix
        .contains("[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.runc.options] SystemdCgroup = true"));
    let own = format!("{V3_MAIN}[plugins.cri.containerd.runtimes.runc.options]\n  SystemdCgroup = true\n");
    let f = check(Some("2.1.9"), &own, None, &[]);
    assert_eq!((f[0].diagnostic.code, f[0].file.as_str()), ("merge.short-plugin-ids-at-3", DEFAULT_MAIN));
    // 1.x: not this rule (merge.import-short-plugin-ids').
    assert!(check(Some("1.7.24"), MAIN, None, std::slice::from_ref(&cgroup))
        .iter()
        .all(|f| f.diagnostic.code != "merge.short-plugin-ids-at-3"));
}

/// A version 2 snapshotter and a drop-in on 2.1.9 (tests/containerd_oracle/
/// drop_in_snapshotter.rs): a version 3 drop-in makes containerd ignore config.toml's (the
/// error names it, and without runtimes its fix adds runc's table before the migration); a
/// version 2 drop-in's under a version 3 config.toml is dropped without a version 2 runtimes
/// table.
#[test]
fn on_2x_a_drop_in_tells_the_fate_of_a_version_2_snapshotter() {
    let snap = "[plugins.\"io.containerd.grpc.v1.cri\".containerd]\n  snapshotter = \"native\"\n";
    let runc = "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n  runtime_type = \"io.containerd.runc.v2\"\n";
    let v3 = drop_in("/n.toml", "version = 3\n");
    let raised = |main: &str| {
        let f = check(Some("2.1.9"), main, None, std::slice::from_ref(&v3));
        f.into_iter().find(|f| f.diagnostic.code == "merge.import-raises-version").expect("reported").diagnostic
    };
    let d = raised(&format!("{MAIN}{snap}"));
    assert!(
        d.message.ends_with("Its snapshotter = \"native\" is ignored too, so images are unpacked with overlayfs."),
        "{}",
        d.message
    );
    assert!(d.fix.starts_with("On the containerd 2.1.9 node first add [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc] with `runtime_type = \"io.containerd.runc.v2\"` to config.toml (without a runtimes table the migration drops its snapshotter = \"native\" too), then migrate a copy"), "{}", d.fix);
    // With runtimes the migration keeps it: only the message names it.
    let d = raised(&format!("{MAIN}{snap}{runc}"));
    assert!(d.message.contains("Its snapshotter = \"native\" is ignored too"), "{}", d.message);
    assert!(d.fix.starts_with("On the containerd 2.1.9 node migrate a copy"), "{}", d.fix);
    // overlayfs (the default) or no snapshotter: nothing to add.
    let d = raised(&format!("{MAIN}{}", snap.replace("native", "overlayfs")));
    assert!(!d.message.contains("snapshotter") && !d.fix.contains("first add"), "{}", d.message);
    // A version 2 drop-in's snapshotter under a version 3 config.toml.
    let f = check(Some("2.1.9"), V3_MAIN, None, &[drop_in("/s.toml", &format!("version = 2\n{snap}"))]);
    let d = &f.iter().find(|f| f.diagnostic.code == "merge.import-lowers-version").expect("reported").diagnostic;
    assert_eq!(d.severity, Severity::Warning);
    assert!(d.message.contains("so it drops this one (config.toml's version 3 snapshotter, or overlayfs, stays): plugins.\"io.containerd.grpc.v1.cri\".containerd.snapshotter"), "{}", d.message);
    assert!(!d.message.contains("override"), "{}", d.message);
    let f = check(Some("2.1.9"), V3_MAIN, None, &[drop_in("/s.toml", &format!("version = 2\n{snap}{runc}"))]);
    let d = &f.iter().find(|f| f.diagnostic.code == "merge.import-lowers-version").expect("reported").diagnostic;
    assert!(d.message.contains("these override config.toml's version 3 values: plugins.\"io.containerd.grpc.v1.cri\".containerd.snapshotter"), "{}", d.message);
}
