//! The carry-over rules of [`super`]: what each legacy table becomes in hosts.toml, when the
//! form's own settings win, and that a second merge (and a second apply, through the marks)
//! gives the same files.

use toml_edit::DocumentMut;

use super::*;
use crate::diagnostic::Severity;
use crate::form::Form;
use crate::merge::{merge, MergeResult};
use crate::output::FileKind;

const REG: &str = "[plugins.\"io.containerd.grpc.v1.cri\".registry]";

/// A version 2 file whose registry table holds `body` (keys relative to `registry.`).
fn file(body: &str) -> String {
    let mut s = format!("version = 2\n\n{REG}\n  config_path = \"\"\n");
    for line in body.lines() {
        match line.strip_prefix('[') {
            Some(rest) => s.push_str(&format!("\n[plugins.\"io.containerd.grpc.v1.cri\".registry.{rest}\n")),
            None => s.push_str(&format!("  {line}\n")),
        }
    }
    s
}

fn form(r: Registry) -> Form {
    Form { containerd: "1.6.20".into(), registries: vec![r], ..Form::default() }
}

fn reg(host: &str) -> Registry {
    Registry { host: host.into(), username: "u".into(), password: "p".into(), ..Registry::default() }
}

/// The merge, and registry 0's hosts.toml as `apply` writes it, parsed.
fn run(existing: &str, f: &Form) -> (MergeResult, String, DocumentMut) {
    let r = merge(existing, f);
    let mut files = crate::render(&r.form_for_files(f)).files;
    r.mark_files(&mut files);
    let host = Host::parse(&f.registries[0].host).unwrap().reference();
    let text = files
        .into_iter()
        .find(|x| x.kind == FileKind::HostsToml && x.path.ends_with(&format!("/{host}/hosts.toml")))
        .map(|x| x.contents)
        .unwrap_or_default();
    let doc = text.parse().expect("hosts.toml is TOML");
    (r, text, doc)
}

fn codes(r: &MergeResult, code: &str) -> Vec<String> {
    r.diagnostics.iter().filter(|d| d.code == code).map(|d| d.message.clone()).collect()
}

fn removed_why(r: &MergeResult, tail: &str) -> String {
    r.changes
        .iter()
        .find(|c| c.key_path.ends_with(tail) && c.new.is_none())
        .map(|c| c.why.clone())
        .unwrap_or_else(|| panic!("{tail} not removed: {:#?}", r.changes))
}

#[test]
fn skip_verify_is_carried_only_without_a_ca_in_the_form() {
    let existing = file("[configs.\"harbor.example.net\".tls]\ninsecure_skip_verify = true");
    let (r, text, doc) = run(&existing, &form(reg("harbor.example.net")));
    assert_eq!(doc["skip_verify"].as_bool(), Some(true), "{text}");
    assert!(text.contains(CARRIED_MARK), "{text}");
    assert!(!r.text.as_deref().unwrap().contains("insecure_skip_verify"));
    assert!(removed_why(&r, "tls")
        .starts_with("Carried into /etc/containerd/certs.d/harbor.example.net/hosts.toml: skip_verify = true."));
    let infos = codes(&r, "merge.legacy-carried");
    assert_eq!(infos.len(), 1, "{infos:?}");
    assert!(infos[0].contains("skip_verify = true") && infos[0].contains("harbor.example.net/hosts.toml"), "{infos:?}");
    assert!(r.diagnostics.iter().filter(|d| d.code == "merge.legacy-carried").all(|d| d.severity == Severity::Info));

    for with_ca in [
        Registry { ca_file: "/etc/ssl/ca.pem".into(), ..reg("harbor.example.net") },
        Registry {
            ca_pem: "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n".into(),
            ..reg("harbor.example.net")
        },
    ] {
        let (r, text, doc) = run(&existing, &form(with_ca));
        assert!(doc.get("skip_verify").is_none(), "{text}");
        assert!(doc["ca"].as_str().is_some(), "{text}");
        assert!(r.carried.is_empty(), "{:?}", r.carried);
        assert!(removed_why(&r, "tls").starts_with("The form's TLS settings for harbor.example.net replace it"));
    }
    // The form's own skip_verify: nothing to carry, the file says the same.
    let (r, _, doc) = run(&existing, &form(Registry { skip_verify: true, ..reg("harbor.example.net") }));
    assert_eq!(doc["skip_verify"].as_bool(), Some(true));
    assert!(r.carried.is_empty());
}

#[test]
fn ca_file_and_client_certificate_are_carried_unless_the_form_has_its_own() {
    let existing = file(
        "[configs.\"harbor.example.net\".tls]\nca_file = \"/etc/pki/harbor-ca.crt\"\ncert_file = \"/etc/pki/c.crt\"\nkey_file = \"/etc/pki/c.key\"\ninsecure_skip_verify = false",
    );
    let (r, text, doc) = run(&existing, &form(reg("harbor.example.net")));
    assert_eq!(doc["ca"].as_str(), Some("/etc/pki/harbor-ca.crt"), "{text}");
    let client = doc["client"].as_array().and_then(|a| a.get(0)).and_then(|p| p.as_array()).expect("client pair");
    assert_eq!(client.iter().filter_map(|v| v.as_str()).collect::<Vec<_>>(), ["/etc/pki/c.crt", "/etc/pki/c.key"]);
    assert!(doc.get("skip_verify").is_none());
    assert_eq!(codes(&r, "merge.legacy-carried").len(), 2);

    let own = Registry {
        ca_file: "/etc/ssl/new-ca.pem".into(),
        client_cert: "/etc/pki/n.crt".into(),
        client_key: "/etc/pki/n.key".into(),
        ..reg("harbor.example.net")
    };
    let (r, text, doc) = run(&existing, &form(own));
    assert_eq!(doc["ca"].as_str(), Some("/etc/ssl/new-ca.pem"), "{text}");
    assert!(text.contains("/etc/pki/n.crt") && !text.contains("/etc/pki/c.crt"), "{text}");
    assert!(r.carried.is_empty() && !text.contains(CARRIED_MARK));

    // A key pullfix does not map is named in a warning; half a client pair too.
    let odd = file("[configs.\"harbor.example.net\".tls]\ncert_file = \"/c.crt\"\nserver_name = \"x\"");
    let (r, _, _) = run(&odd, &form(reg("harbor.example.net")));
    let lost = codes(&r, "merge.legacy-not-carried").join("\n");
    assert!(lost.contains("server_name = \"x\"") && lost.contains("only one of cert_file and key_file"), "{lost}");
}

#[test]
fn mirror_endpoints_are_carried_in_order_with_scheme_and_path() {
    let existing = file(
        "[mirrors.\"harbor.example.net\"]\nendpoint = [\"mirror.example.net\", \"localhost:5000\", \"https://cache.example.net/v2/proxy/\", \"harbor.example.net\", \"http://10.0.0.9:5000\"]",
    );
    let (r, text, doc) = run(&existing, &form(reg("harbor.example.net")));
    assert_eq!(doc["server"].as_str(), Some("https://harbor.example.net"), "{text}");
    let hosts = doc["host"].as_table().expect("[host]");
    let urls: Vec<&str> = hosts.iter().map(|(k, _)| k).collect();
    assert_eq!(
        urls,
        [
            "https://mirror.example.net",
            "http://localhost:5000",
            "https://cache.example.net/v2/proxy",
            "http://10.0.0.9:5000"
        ],
        "{text}"
    );
    assert_eq!(hosts["https://cache.example.net/v2/proxy"]["override_path"].as_bool(), Some(true));
    assert!(hosts["https://mirror.example.net"].get("override_path").is_none());
    assert_eq!(
        hosts["https://mirror.example.net"]["capabilities"].as_array().map(|a| a.len()),
        Some(2),
        "legacy mirrors pull and resolve"
    );
    // The registry itself was listed before the last mirror: hosts.toml tries it last.
    assert!(codes(&r, "merge.legacy-not-carried").iter().any(|m| m.contains("before the mirror http://10.0.0.9:5000")));
    assert!(removed_why(&r, "mirrors.\"harbor.example.net\"").starts_with("Carried into "));
    assert_eq!(codes(&r, "merge.legacy-carried").len(), 4);
}

#[test]
fn docker_hub_upstream_is_not_a_mirror_and_the_form_mirrors_win() {
    let existing = file(
        "[mirrors.\"docker.io\"]\nendpoint = [\"https://docker.mirrors.ustc.edu.cn\", \"https://registry-1.docker.io\", \"index.docker.io\"]",
    );
    let (r, text, doc) = run(&existing, &form(reg("docker.io")));
    assert_eq!(doc["server"].as_str(), Some("https://registry-1.docker.io"));
    let urls: Vec<&str> = doc["host"].as_table().unwrap().iter().map(|(k, _)| k).collect();
    assert_eq!(urls, ["https://docker.mirrors.ustc.edu.cn"], "{text}");
    assert!(codes(&r, "merge.legacy-not-carried").is_empty(), "{:?}", r.diagnostics);

    let own = Registry {
        mirrors: vec![crate::form::Mirror { url: "https://hub.example.net".into(), ..Default::default() }],
        ..reg("docker.io")
    };
    let (r, text, doc) = run(&existing, &form(own));
    let urls: Vec<&str> = doc["host"].as_table().unwrap().iter().map(|(k, _)| k).collect();
    assert_eq!(urls, ["https://hub.example.net"], "{text}");
    assert!(removed_why(&r, "mirrors.\"docker.io\"").starts_with("The form's mirrors for docker.io replace it"));
    assert!(codes(&r, "merge.legacy-not-carried").iter().any(|m| m.contains("https://docker.mirrors.ustc.edu.cn")));

    // Only the registry itself: nothing to carry, and the message says why.
    let itself = file("[mirrors.\"harbor.example.net\"]\nendpoint = [\"harbor.example.net\"]");
    let (r, _, doc) = run(&itself, &form(reg("harbor.example.net")));
    assert!(doc["host"].as_table().unwrap().is_empty());
    assert!(r.carried.is_empty());
    assert!(removed_why(&r, "mirrors.\"harbor.example.net\"").starts_with("It names only harbor.example.net itself"));
}

#[test]
fn the_registry_itself_over_http_makes_its_scheme_http() {
    let existing = file(
        "[mirrors.\"10.50.1.104:5000\"]\nendpoint = [\"http://10.50.1.104:5000\"]\n[configs.\"10.50.1.104:5000\".tls]\ninsecure_skip_verify = true",
    );
    let (r, text, doc) = run(&existing, &form(reg("10.50.1.104:5000")));
    assert_eq!(doc["server"].as_str(), Some("http://10.50.1.104:5000"), "{text}");
    assert!(doc.get("skip_verify").is_none(), "no TLS over plain HTTP: {text}");
    assert!(removed_why(&r, "tls").contains("plain HTTP"));
    // With TLS in the form the registry stays https, and a warning says the http line is not carried.
    let (r, _, doc) = run(&existing, &form(Registry { ca_file: "/etc/ssl/ca.pem".into(), ..reg("10.50.1.104:5000") }));
    assert_eq!(doc["server"].as_str(), Some("https://10.50.1.104:5000"));
    assert!(codes(&r, "merge.legacy-not-carried").iter().any(|m| m.contains("over plain HTTP")));
}

#[test]
fn a_mirror_gets_its_hosts_legacy_tls_and_that_table_goes() {
    let existing = file(
        "[mirrors.\"docker.io\"]\nendpoint = [\"https://cache.example.net:8443\"]\n[configs.\"cache.example.net:8443\".tls]\nca_file = \"/etc/pki/cache.crt\"\ninsecure_skip_verify = true",
    );
    let (r, text, doc) = run(&existing, &form(reg("docker.io")));
    let m = &doc["host"]["https://cache.example.net:8443"];
    assert_eq!(m["ca"].as_str(), Some("/etc/pki/cache.crt"), "{text}");
    assert_eq!(m["skip_verify"].as_bool(), Some(true), "{text}");
    let merged = r.text.as_deref().unwrap();
    assert!(!merged.contains("cache.example.net:8443\".tls"), "{merged}");
    assert!(removed_why(&r, "configs.\"cache.example.net:8443\".tls").starts_with("Carried into the mirror"));
    assert!(!r.diagnostics.iter().any(|d| d.code == "merge.legacy-tls-left"), "{:#?}", r.diagnostics);
}

#[test]
fn merging_again_and_applying_again_change_nothing() {
    let existing = file(
        "[configs.\"harbor.example.net\".tls]\ninsecure_skip_verify = true\nca_file = \"/etc/pki/h.crt\"\n[mirrors.\"harbor.example.net\"]\nendpoint = [\"harbor-cache.example.net/v2/p\"]\n[configs.\"harbor-cache.example.net\".tls]\ninsecure_skip_verify = true",
    );
    let f = form(reg("harbor.example.net"));
    let (first, text1, _) = run(&existing, &f);
    assert!(!first.carried.is_empty());
    let once = first.text.clone().unwrap();
    // config.toml: the second merge changes nothing and has nothing left to carry.
    let mut second = merge(&once, &f);
    assert_eq!(second.text.as_deref(), Some(once.as_str()));
    assert!(second.changes.is_empty() && second.carried.is_empty());
    // hosts.toml: what the first apply wrote is kept through its marks.
    let path = "/etc/containerd/certs.d/harbor.example.net/hosts.toml";
    second.keep_from_hosts_toml(&f, |p| (p == path).then(|| text1.clone()));
    let mut files = crate::render(&second.form_for_files(&f)).files;
    second.mark_files(&mut files);
    let text2 = files.iter().find(|x| x.kind == FileKind::HostsToml).map(|x| x.contents.clone()).unwrap();
    assert_eq!(text2, text1);
    assert_eq!(codes(&second, "merge.carried-kept").len(), 4, "{:#?}", second.diagnostics);
    // Unmarked settings (hand-written, or from the form) are not kept; the form's own win.
    let bare = text1.replace(&format!("{CARRIED_MARK}\n"), "");
    let kept = kept(&bare, 0, &f.registries[0], path);
    assert!(kept.is_empty(), "{kept:?}");
    let own = Registry { ca_file: "/etc/ssl/new.pem".into(), ..reg("harbor.example.net") };
    let kept2 = super::kept(&text1, 0, &own, path);
    assert!(kept2.ca_file.is_empty() && !kept2.skip_verify && kept2.legacy_mirrors, "{kept2:?}");
}

/// A carried CA (the registry's and a legacy mirror's) was read by the node's containerd:
/// the render's "copy the CA to every node" notes are dropped for them, not for the form's own.
#[test]
fn carried_ca_paths_get_no_copy_notes() {
    let existing = file(
        "[mirrors.\"docker.io\"]\nendpoint = [\"https://m.example\"]\n[configs.\"m.example\".tls]\nca_file = \"/etc/m-ca.crt\"\n[configs.\"docker.io\".tls]\nca_file = \"rel/hub.crt\"",
    );
    let f = form(reg("docker.io"));
    let r = merge(&existing, &f);
    let mut diags = crate::render(&r.form_for_files(&f)).diagnostics;
    let notes = |d: &[Diagnostic]| d.iter().filter(|d| d.code.starts_with("ca_file.")).count();
    assert_eq!(notes(&diags), 2, "{diags:?}");
    let carried = r.carried_ca_files(&f);
    assert_eq!(
        carried.iter().map(|(f, p)| (f.as_str().to_owned(), p.as_str())).collect::<Vec<_>>(),
        [
            ("registry[0].ca_file".to_owned(), "/rel/hub.crt"),
            ("registry[0].mirror[0].ca_file".to_owned(), "/etc/m-ca.crt")
        ]
    );
    r.drop_carried_ca_notes(&f, &mut diags);
    assert_eq!(notes(&diags), 0, "{diags:?}");
    // The form's own ca_file keeps its note.
    let own = form(Registry { ca_file: "/etc/own.crt".into(), ..reg("docker.io") });
    let r = merge(&existing, &own);
    let mut diags = crate::render(&r.form_for_files(&own)).diagnostics;
    r.drop_carried_ca_notes(&own, &mut diags);
    assert!(diags.iter().any(|d| d.code == "ca_file.not-written"), "{diags:?}");
}

/// 1.x's `mirrors."*"` (the mirrors of every registry without its own entry) is the `_default`
/// hosts.toml where the target has one; elsewhere the error says what to do instead.
#[test]
fn the_catch_all_mirrors_go_to_default() {
    let existing = file("[mirrors.\"*\"]\nendpoint = [\"https://mirror.example.com\", \"m2.example.com/v2/p\"]");
    let default_form = |v: &str| Form {
        containerd: v.into(),
        registries: vec![Registry { host: "_default".into(), ..Registry::default() }, reg("harbor.example.net")],
        ..Form::default()
    };
    let f = default_form("1.7");
    let (r, text, doc) = run(&existing, &f);
    assert!(doc["host"]["https://mirror.example.com"].is_table(), "{text}");
    assert_eq!(doc["host"]["https://m2.example.com/v2/p"]["override_path"].as_bool(), Some(true), "{text}");
    assert!(doc.get("server").is_none(), "{text}");
    assert!(text.contains(CARRIED_MARK), "{text}");
    assert!(removed_why(&r, "mirrors.\"*\"").starts_with("Carried into /etc/containerd/certs.d/_default/hosts.toml"));
    assert!(r.diagnostics.iter().all(|d| d.severity != Severity::Error), "{:?}", r.diagnostics);
    // The second apply keeps it from the marks.
    let mut again = merge(r.text.as_deref().unwrap(), &f);
    assert!(again.changes.is_empty(), "{:?}", again.changes);
    again.keep_from_hosts_toml(&f, |p| (p == "/etc/containerd/certs.d/_default/hosts.toml").then(|| text.clone()));
    let mut files = crate::render(&again.form_for_files(&f)).files;
    again.mark_files(&mut files);
    let second = files.iter().find(|x| x.path == "etc/containerd/certs.d/_default/hosts.toml").expect("_default");
    assert_eq!(second.contents, text);

    // No _default in the form: add it (it is carried then).
    let only = form(reg("harbor.example.net"));
    let e = merge(&existing, &Form { containerd: "1.7".into(), ..only.clone() });
    let d = e.diagnostics.iter().find(|d| d.code == "merge.legacy-mirrors-left").expect("reported");
    assert!(d.fix.contains("add `[[registry]] host = \"_default\"`"), "{}", d.fix);
    assert!(!d.fix.contains("Add *"), "{}", d.fix);
    // A target without _default: delete, and the fix does not promise carrying.
    let old = merge(&existing, &default_form("1.6.10"));
    let d = old.diagnostics.iter().find(|d| d.code == "merge.legacy-mirrors-left").expect("reported");
    assert!(d.fix.contains("delete the lines") && !d.fix.contains("carried"), "{}", d.fix);
}

/// Review 9, L1: a legacy mirror the form names itself (the STORY's Harbor proxy-cache project,
/// with override_path) is not "not carried": only the legacy mirrors the form leaves out are.
#[test]
fn legacy_mirrors_the_form_names_itself_are_not_reported_as_lost() {
    let existing = file(
        "[mirrors.\"docker.io\"]\nendpoint = [\"https://harbor.example.net/v2/dockerhub-proxy\", \"https://hub.example.net/\"]",
    );
    let mirror =
        |url: &str, override_path: bool| crate::form::Mirror { url: url.into(), override_path, ..Default::default() };
    let same =
        Registry { mirrors: vec![mirror("https://harbor.example.net/v2/dockerhub-proxy/", true)], ..reg("docker.io") };
    let (r, _, _) = run(&existing, &form(same));
    let lost = codes(&r, "merge.legacy-not-carried");
    assert_eq!(lost.len(), 1, "{lost:?}");
    assert!(lost[0].contains("names the mirrors https://hub.example.net/,"), "{}", lost[0]);
    assert!(!lost[0].contains("dockerhub-proxy"), "{}", lost[0]);

    let both = Registry {
        mirrors: vec![
            mirror("https://harbor.example.net/v2/dockerhub-proxy", true),
            mirror("https://hub.example.net", false),
        ],
        ..reg("docker.io")
    };
    let (r, _, _) = run(&existing, &form(both));
    assert!(codes(&r, "merge.legacy-not-carried").is_empty(), "{:?}", r.diagnostics);
}
