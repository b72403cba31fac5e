//! Merging into existing config.toml files: golden files (read by eye), properties over the
//! corpus in `tests/fixtures/configs/`, and the real containerd 1.6 as an oracle.
//!
//! `UPDATE_GOLDEN=1 cargo test --test merge` rewrites `tests/golden-merge/` (then read the diff).

#[path = "merge/cases.rs"]
mod cases;
#[path = "merge/support.rs"]
mod support;

use std::path::Path;

use pullfix_core::merge::{merge, merge_with, MergeOptions};
use pullfix_core::{parse_form, Form, FormFormat};
use support::{corpus, fixture, golden_check, key_paths, report};

fn form(text: &str) -> Form {
    parse_form(text, FormFormat::Toml).unwrap_or_else(|e| panic!("bad test form: {e}\n{text}"))
}

#[test]
fn golden_merges() {
    let mut failures = Vec::new();
    for case in cases::CASES {
        let input = fixture(case.fixture);
        let r = merge_with(
            &input,
            &form(case.form),
            MergeOptions { convert_to_target_version: case.convert_to_target_version },
        );
        let text = r.text.clone().unwrap_or_else(|| panic!("{}: no text: {:?}", case.name, r.diagnostics));
        failures.extend(golden_check(&format!("{}.toml", case.name), &text));
        let mut rep = report(&r);
        // What was carried from the legacy tables, as the hosts.toml files `apply` writes.
        if !r.carried.is_empty() {
            let f = form(case.form);
            let mut files = pullfix_core::render(&r.form_for_files(&f)).files;
            r.mark_files(&mut files);
            rep.push_str("\ncarried:\n");
            for c in &r.carried {
                let text = files.iter().find(|x| format!("/{}", x.path) == c.hosts_toml).map(|x| x.contents.as_str());
                rep.push_str(&format!(
                    "- {} ({} item(s)):\n{}\n",
                    c.hosts_toml,
                    c.items.len(),
                    text.unwrap_or("(no file!)")
                ));
            }
        }
        failures.extend(golden_check(&format!("{}.report.txt", case.name), &rep));
    }
    assert!(failures.is_empty(), "golden files differ (UPDATE_GOLDEN=1 rewrites them):\n{}", failures.join("\n"));
}

#[test]
fn golden_merges_are_idempotent_and_parse() {
    for case in cases::CASES {
        let f = form(case.form);
        let opts = MergeOptions { convert_to_target_version: case.convert_to_target_version };
        let once = merge_with(&fixture(case.fixture), &f, opts).text.unwrap();
        once.parse::<toml_edit::DocumentMut>().unwrap_or_else(|e| panic!("{}: result does not parse: {e}", case.name));
        let twice = merge_with(&once, &f, opts);
        assert_eq!(twice.text.as_deref(), Some(once.as_str()), "{}: second merge changed the text", case.name);
        assert!(twice.changes.is_empty(), "{}: second merge lists changes {:?}", case.name, twice.changes);
    }
}

#[test]
fn an_empty_form_changes_nothing_byte_for_byte() {
    for (name, text) in corpus() {
        let f = form("containerd = \"2.3\"");
        let r = merge_with(&text, &f, MergeOptions::default());
        // Only hosts.toml's config_path (and, for files 2.3 cannot read, the version line and
        // the version 1 plugin names version 2 refuses) may change, and the CRI plugin the
        // form's settings are for leaves disabled_plugins.
        for c in &r.changes {
            let v1_rename = c.key_path.starts_with("plugins.") && !c.key_path[8..].contains('.')
                || c.key_path == r#"plugins."io.containerd.grpc.v1.cri""#;
            assert!(
                c.key_path.ends_with("registry.config_path")
                    || c.key_path == "version"
                    || c.key_path == "disabled_plugins"
                    || v1_rename,
                "{name}: unexpected change {c:?}"
            );
        }
        if r.changes.is_empty() {
            assert_eq!(r.text.as_deref(), Some(text.as_str()), "{name}: text changed without a change");
        }
    }
}

#[test]
fn invalid_toml_gives_line_and_column_and_no_text() {
    let r = merge("version = 2\n[plugins]\n  a = = 1\n", &Form::default());
    assert_eq!(r.text, None);
    let e = r.parse_error.expect("a parse error");
    assert_eq!((e.line, e.column), (3, 7), "{e:?}");
    assert_eq!(r.diagnostics.len(), 1);
    assert!(r.diagnostics[0].message.contains("line 3, column 7"), "{}", r.diagnostics[0].message);
    let dup = merge("[a]\nx = 1\n[a]\ny = 2\n", &Form::default());
    assert_eq!(dup.text, None);
    assert_eq!(dup.parse_error.map(|e| e.line), Some(3));
}

#[test]
fn key_paths_of_a_merge_are_set() {
    let f = form(concat!(
        "containerd = \"1.7\"\nsandbox_image = \"harbor.example.net/pause:3.9\"\n",
        "[[registry]]\nhost = \"harbor.example.net\"\nusername = \"u\"\npassword = \"p\"\nnode_auth = true\n"
    ));
    let r = merge(&fixture("containerd-1.7.34-default.toml"), &f);
    let doc: toml_edit::DocumentMut = r.text.unwrap().parse().unwrap();
    let cri = &doc["plugins"]["io.containerd.grpc.v1.cri"];
    assert_eq!(cri["sandbox_image"].as_str(), Some("harbor.example.net/pause:3.9"));
    assert_eq!(cri["registry"]["config_path"].as_str(), Some("/etc/containerd/certs.d"));
    assert_eq!(cri["registry"]["configs"]["harbor.example.net"]["auth"]["username"].as_str(), Some("u"));
    assert_eq!(cri["registry"]["configs"]["harbor.example.net"]["auth"]["password"].as_str(), Some("p"));
    assert!(r.sensitive);
    // The change list never shows the password.
    assert!(r.changes.iter().all(|c| c.new.as_deref() != Some("\"p\"")), "{:?}", r.changes);
    let before = key_paths(&fixture("containerd-1.7.34-default.toml"));
    let after = key_paths(&doc.to_string());
    let new: Vec<&String> = after.iter().filter(|p| !before.contains(p)).collect();
    assert_eq!(
        new,
        [
            r#"plugins."io.containerd.grpc.v1.cri".registry.configs."harbor.example.net".auth.username"#,
            r#"plugins."io.containerd.grpc.v1.cri".registry.configs."harbor.example.net".auth.password"#
        ]
    );
    // The only path gone is the empty `configs` table, which now holds the auth.
    let gone: Vec<&String> = before.iter().filter(|p| !after.contains(p)).collect();
    assert_eq!(gone, [r#"plugins."io.containerd.grpc.v1.cri".registry.configs"#]);
}

#[test]
fn corpus_has_what_the_issue_lists() {
    let names: Vec<String> = corpus().into_iter().map(|(n, _)| n).collect();
    for want in [
        "containerd-1.6.20-debian-default.toml",
        "debian-local-config-default.toml",
        "kubeadm-1.4-node.toml",
        "kubeadm-1.7-node.toml",
        "containerd-2.1-version3-hand.toml",
        "k3s-generated.toml",
        "kubespray-legacy-mirrors.toml",
        "comments-everywhere.toml",
    ] {
        assert!(names.iter().any(|n| n == want), "missing fixture {want}");
    }
    assert!(Path::new(support::FIXTURES).is_dir());
}

/// review4 L3: moving a version 3 file's ignored 1.x registry table as it is would carry its
/// `configs.tls` (still ignored) and `mirrors` (refused beside config_path) along.
#[test]
fn an_ignored_1x_registry_table_is_moved_without_tls_and_mirrors() {
    let f = form(
        "containerd = \"2.0.11\"\n[[registry]]\nhost = \"harbor.example.net\"\nusername = \"admin\"\npassword = \"x\"\n",
    );
    let r = merge(&fixture("version3-with-1x-registry-2.0.11.toml"), &f);
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.code == "merge.ignored-tables" && d.message.contains("\"io.containerd.grpc.v1.cri\".registry"))
        .unwrap_or_else(|| panic!("no ignored-tables error: {:#?}", r.diagnostics));
    assert!(!d.fix.contains("Move the table to"), "{}", d.fix);
    assert!(d.fix.contains("configs.\"<host>\".auth") && d.fix.contains("into the form"), "{}", d.fix);
    assert!(d.fix.contains("without its configs.\"<host>\".tls tables and mirrors"), "{}", d.fix);
}

#[path = "merge/props.rs"]
mod props;

#[path = "merge/containerd.rs"]
mod containerd;

#[test]
fn keys_in_the_way_are_errors_not_panics_and_nothing_else_changes() {
    let f = form(
        "containerd = \"1.7\"\nsandbox_image = \"x.example/pause:1\"\n[[registry]]\nhost = \"harbor.example.net\"\n",
    );
    for text in [
        "version = 2\nplugins = 5\n",
        "version = 2\n[[plugins]]\nx = 1\n",
        "version = 2\n[plugins]\n\"io.containerd.grpc.v1.cri\" = \"oops\"\n",
        "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\"]\nregistry = [1, 2]\nsandbox_image = { a = 1 }\n",
        "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry.config_path]\na = 1\n",
    ] {
        let r = merge(text, &f);
        let out = r.text.clone().expect("valid TOML gives text");
        assert!(
            r.diagnostics.iter().any(|d| d.code == "merge.blocked" && d.severity == pullfix_core::Severity::Error),
            "{text:?}: {:?}",
            r.diagnostics
        );
        for p in key_paths(text) {
            assert!(key_paths(&out).iter().any(|a| support::is_under(a, &p)), "{text:?}: lost {p}");
        }
    }
}

/// The web review's file (review-web.md item 2): merged for 1.7 and 2.x with the default
/// options, SystemdCgroup, the snapshotter, the form's pause image and config_path all sit at
/// paths the target reads; converted to version 3 on request, the stranded tables are errors.
#[test]
fn reviewers_version_2_file_keeps_systemd_cgroup_where_each_target_reads_it() {
    let input = fixture("v2-systemd-legacy-registry.toml");
    let pause = "registry.aliyuncs.com/google_containers/pause:3.6";
    for target in ["1.7", "2.0", "2.1", "2.3"] {
        let f = form(&format!(
            "containerd = \"{target}\"\nsandbox_image = \"{pause}\"\n[[registry]]\nhost = \"hub.mooc.com\"\nskip_verify = true\nusername = \"admin\"\npassword = \"Harbor12345\"\nnode_auth = true\n"
        ));
        let r = merge(&input, &f);
        let doc: toml_edit::DocumentMut = r.text.clone().expect("text").parse().expect("merged TOML parses");
        let version = doc["version"].as_integer().expect("a version line");
        // Version 2 is read by 1.7 as is and migrated by 2.x at every start (SystemdCgroup to
        // io.containerd.cri.v1.runtime, the pause image to pinned_images.sandbox, the registry table
        // to io.containerd.cri.v1.images); version 3+ reads only the new plugins.
        let (cri, runtime, images) = if version == 2 {
            let c = &doc["plugins"]["io.containerd.grpc.v1.cri"];
            (c, c, c)
        } else {
            let p = &doc["plugins"];
            (&p["io.containerd.cri.v1.runtime"], &p["io.containerd.cri.v1.runtime"], &p["io.containerd.cri.v1.images"])
        };
        assert_eq!(version, 2, "{target}: the file keeps its version 2, which {target} reads");
        assert_eq!(
            runtime["containerd"]["runtimes"]["runc"]["options"]["SystemdCgroup"].as_bool(),
            Some(true),
            "{target}: SystemdCgroup is not where containerd {target} reads it:\n{doc}"
        );
        assert_eq!(cri["containerd"]["snapshotter"].as_str(), Some("overlayfs"), "{target}");
        assert_eq!(images["sandbox_image"].as_str(), Some(pause), "{target}: the form's pause image");
        assert_eq!(images["registry"]["config_path"].as_str(), Some("/etc/containerd/certs.d"), "{target}");
        assert!(doc["plugins"].get("io.containerd.cri.v1.images").is_none(), "{target}: no version 3 table added");
        // The legacy mirror and TLS of the form's host made way for hosts.toml; its node-level auth stays.
        let reg = &images["registry"];
        assert!(reg["mirrors"].get("hub.mooc.com").is_none(), "{target}");
        assert!(reg["configs"]["hub.mooc.com"].get("tls").is_none(), "{target}");
        assert_eq!(reg["configs"]["hub.mooc.com"]["auth"]["username"].as_str(), Some("admin"), "{target}");
        let errors: Vec<_> = r.diagnostics.iter().filter(|d| d.severity == pullfix_core::Severity::Error).collect();
        assert!(errors.is_empty(), "{target}: {errors:?}");
        assert!(r.diagnostics.iter().any(|d| d.code == "merge.version-kept") == target.starts_with('2'), "{target}");
    }

    let f = form(&format!("containerd = \"2.1\"\nsandbox_image = \"{pause}\"\n"));
    let r = merge_with(&input, &f, MergeOptions { convert_to_target_version: true });
    let doc: toml_edit::DocumentMut = r.text.clone().unwrap().parse().unwrap();
    assert_eq!(doc["version"].as_integer(), Some(3));
    let stranded = r
        .diagnostics
        .iter()
        .find(|d| {
            d.code == "merge.ignored-tables" && d.message.contains(r#"plugins."io.containerd.grpc.v1.cri".containerd"#)
        })
        .expect("the containerd table is reported");
    assert_eq!(stranded.severity, pullfix_core::Severity::Error);
    assert!(stranded.message.contains("SystemdCgroup"), "{}", stranded.message);
    assert!(stranded.fix.contains(r#"plugins."io.containerd.cri.v1.runtime".containerd"#), "{}", stranded.fix);
    // The old sandbox_image is replaced by the form's, at its version 3 path (review 9, L2).
    let moved = r
        .changes
        .iter()
        .find(|c| c.key_path == r#"plugins."io.containerd.grpc.v1.cri".sandbox_image"# && c.new.is_none())
        .expect("the old sandbox_image is removed");
    assert!(moved.why.contains(r#"plugins."io.containerd.cri.v1.images".pinned_images.sandbox"#), "{}", moved.why);
    assert_eq!(doc["plugins"]["io.containerd.cri.v1.images"]["pinned_images"]["sandbox"].as_str(), Some(pause));
}

#[test]
fn node_credentials_the_form_no_longer_sets_are_reported_not_kept_silently() {
    let file =
        "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"/etc/containerd/certs.d\"\n\
                [plugins.\"io.containerd.grpc.v1.cri\".registry.configs.\"harbor.example.net\".auth]\n  \
                username = \"olduser\"\n  password = \"old\"\n";
    let without = merge(file, &form("containerd = \"1.6\"\n[[registry]]\nhost = \"harbor.example.net\"\nusername = \"admin\"\npassword = \"new\"\n"));
    let d = without.diagnostics.iter().find(|d| d.code == "merge.node-auth-left").expect("reported");
    assert!(d.message.contains("harbor.example.net") && d.message.contains("401"), "{}", d.message);
    // Kept as it was: pullfix never deletes credentials it was not asked about.
    assert!(without.text.unwrap().contains("username = \"olduser\""));
    // With node credentials in the form they are replaced, and nothing is reported.
    let with = merge(
        file,
        &form("containerd = \"1.6\"\n[[registry]]\nhost = \"harbor.example.net\"\nusername = \"admin\"\npassword = \"new\"\nnode_auth = true\n"),
    );
    assert!(with.diagnostics.iter().all(|d| d.code != "merge.node-auth-left"), "{:?}", with.diagnostics);
    assert!(with.text.unwrap().contains("username = \"admin\""));
    // Another registry's credentials are none of the form's business.
    let other = merge(file, &form("containerd = \"1.6\"\n[[registry]]\nhost = \"other.example.net\"\n"));
    assert!(other.diagnostics.iter().all(|d| d.code != "merge.node-auth-left"));
}
