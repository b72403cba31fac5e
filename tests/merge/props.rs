//! Properties over the corpus and random forms: the result parses, merging is idempotent,
//! every key path and comment of the original survives unless the change list removes it,
//! and every change names a key the result really has.

use proptest::prelude::*;

use pullfix_core::merge::{merge_with, MergeOptions};
use pullfix_core::{Form, Mirror, Registry, Scheme};

use super::support::{comments, corpus, is_under, key_paths};

const VERSIONS: &[&str] = &["1.2", "1.3", "1.4", "1.5", "1.6", "1.6.20", "1.7", "2.0", "2.1", "2.2", "2.3", "9.9", ""];
const HOSTS: &[&str] =
    &["harbor.example.net", "10.50.1.104:5000", "docker.io", "registry.k8s.io", "_default", "10.50.1.104", "bad host"];
const MIRRORS: &[&str] = &[
    "https://harbor.example.net/v2/dockerhub-proxy",
    "https://mirror.gcr.io",
    "http://10.50.1.104:5000",
    "no-scheme.example",
];

fn registry() -> impl Strategy<Value = Registry> {
    (
        prop::sample::select(HOSTS),
        any::<bool>(),
        prop::option::of(Just("/etc/ssl/certs/ca.pem")),
        any::<bool>(),
        prop::option::of(Just(("robot$ci", "p@ss word\"'"))),
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec((prop::sample::select(MIRRORS), any::<bool>(), any::<bool>()), 0..3),
    )
        .prop_map(|(host, http, ca, skip, cred, node_auth, mirror_only, mirrors)| Registry {
            host: host.to_owned(),
            scheme: if http { Scheme::Http } else { Scheme::Https },
            ca_file: ca.unwrap_or_default().to_owned(),
            skip_verify: skip,
            username: cred.map(|c| c.0.to_owned()).unwrap_or_default(),
            password: cred.map(|c| c.1.to_owned()).unwrap_or_default(),
            node_auth,
            mirror_only,
            mirrors: mirrors
                .into_iter()
                .map(|(url, override_path, skip_verify)| Mirror {
                    url: url.to_owned(),
                    override_path,
                    skip_verify,
                    ..Mirror::default()
                })
                .collect(),
            ..Registry::default()
        })
}

fn form() -> impl Strategy<Value = Form> {
    (
        prop::sample::select(VERSIONS),
        prop::sample::select(&["", "/etc/containerd/certs.d", "/opt/certs.d"][..]),
        prop::sample::select(
            &["", "registry.aliyuncs.com/google_containers/pause:3.6", "harbor.example.net/library/pause:3.10"][..],
        ),
        any::<bool>(),
        prop::collection::vec(registry(), 0..4),
    )
        .prop_map(|(v, cp, sandbox, legacy, registries)| Form {
            containerd: v.to_owned(),
            config_path: cp.to_owned(),
            sandbox_image: sandbox.to_owned(),
            legacy_config: legacy,
            registries,
            ..Form::default()
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn merging_keeps_everything_it_does_not_list(form in form(), file in any::<prop::sample::Index>(), convert in any::<bool>()) {
        let files = corpus();
        let (name, original) = &files[file.index(files.len())];
        let opts = MergeOptions { convert_to_target_version: convert };
        let r = merge_with(original, &form, opts);
        let text = r.text.clone().expect("every corpus file parses");
        prop_assert!(text.parse::<toml_edit::DocumentMut>().is_ok(), "{name}: result does not parse:\n{text}");

        let removed: Vec<&str> = r.changes.iter().filter(|c| c.new.is_none()).map(|c| c.key_path.as_str()).collect();
        // Only these are ever removed: the version line (for a version 1 target), version 1
        // plugin names (renamed), and the legacy mirrors / configs.tls of hosts the form names.
        let named: Vec<String> = form.registries.iter().map(|r| r.host.clone())
            .chain(form.registries.iter().flat_map(|r| r.mirrors.iter().map(|m| m.url.split('/').nth(2).unwrap_or("").to_owned())))
            .chain(["registry-1.docker.io".to_owned()])
            .collect();
        for p in &removed {
            let legacy = named.iter().any(|h| {
                let q = pullfix_core::merge::display_path(&[h.as_str()]);
                p.ends_with(&format!(".registry.mirrors.{q}")) || p.ends_with(&format!(".registry.configs.{q}.tls"))
            });
            let rename = p.starts_with("plugins.") && !p[8..].contains('.');
            // A version 3 result: the version 2 keys the form writes at their version 3 paths.
            let v2 = "plugins.\"io.containerd.grpc.v1.cri\".";
            let moved = p.strip_prefix(v2).is_some_and(|k| {
                (k == "sandbox_image" && !form.sandbox_image.trim().is_empty())
                    || k == "registry.config_path"
                    || named.iter().any(|h| k.starts_with(&format!("registry.configs.{}.auth.", pullfix_core::merge::display_path(&[h.as_str()]))))
            });
            let empty = r.changes.iter().any(|c| c.key_path == *p && c.new.is_none() && c.old.as_deref() == Some("{}"));
            prop_assert!(legacy || rename || moved || empty || *p == "version", "{name}: removed an unrelated key {p}");
        }
        let after = key_paths(&text);
        for p in key_paths(original) {
            let gone = removed.iter().any(|r| is_under(&p, r));
            // A value may only disappear when the change list removes it or a new key now lives under it
            // (an empty table that received keys).
            let kept = after.iter().any(|a| is_under(a, &p));
            prop_assert!(gone || kept, "{name}: key {p} lost; changes {:?}", r.changes);
        }
        let mut left = comments(&text).into_iter().map(|(_, c)| c).collect::<Vec<_>>();
        for (owner, c) in comments(original) {
            if removed.iter().any(|r| is_under(&owner, r)) {
                continue;
            }
            let i = left.iter().position(|x| *x == c);
            prop_assert!(i.is_some(), "{name}: comment {c:?} (on {owner}) lost");
            if let Some(i) = i { left.swap_remove(i); }
        }
        for c in r.changes.iter().filter(|c| c.new.is_some()) {
            prop_assert!(after.iter().any(|a| is_under(a, &c.key_path)), "{name}: change {} not in the result", c.key_path);
        }

        let again = merge_with(&text, &form, opts);
        prop_assert_eq!(again.text.as_deref(), Some(text.as_str()), "{}: not idempotent", name);
        prop_assert!(again.changes.is_empty(), "{}: second merge changes {:?}", name, again.changes);
    }

    #[test]
    fn any_text_gives_text_or_a_located_error(text in "(\\PC|\n){0,200}", form in form()) {
        let r = merge_with(&text, &form, MergeOptions::default());
        match (&r.text, &r.parse_error) {
            (Some(t), None) => prop_assert!(t.parse::<toml_edit::DocumentMut>().is_ok()),
            (None, Some(e)) => prop_assert!(e.line >= 1 && e.column >= 1 && e.line <= text.lines().count().max(1) + 1),
            _ => prop_assert!(false, "text and parse_error disagree: {:?}", r),
        }
    }
}
