//! `<config_path>/<namespace>/hosts.toml`: one per registry on containerd 1.5+.
//!
//! containerd reads the `[host."<url>"]` tables in file order and always appends the
//! top-level `server` (or, without one, the registry itself) as the last host
//! (`parseHostsFile` / `ConfigureHosts` in `remotes/docker/config/hosts.go`). So
//! `mirror_only` makes the last mirror the `server`: nothing else is ever contacted.
//!
//! containerd reads only the image's registry's hosts.toml, so a mirror on another listed
//! registry's host (Docker Hub through a Harbor proxy cache) gets that registry's CA,
//! client certificate and skip_verify in its own table ([`plan::Inherit::AnyRegistry`]).

use toml_edit::{value, Array, DocumentMut, Item, Table};

use crate::diagnostic::Diagnostic;
use crate::form::Registry;
use crate::host::Host;
use crate::output::{AfterApply, FileKind, OutputFile, Placement};
use crate::plan::{self, Contact, Source, Tls};
use crate::shell;
use crate::validate::{Checked, Style};

/// Renders one hosts.toml per registry when the target uses hosts.toml.
pub fn render(checked: &Checked, _diags: &mut Vec<Diagnostic>) -> Vec<OutputFile> {
    if checked.style != Style::HostsToml {
        return Vec::new();
    }
    checked
        .registries()
        .filter(|(i, r, host)| {
            // `_default` with neither mirrors nor TLS has nothing to say (rules: default.empty).
            !(host.kind == crate::host::HostKind::Default
                && checked.mirrors[*i].iter().all(Option::is_none)
                && plan::default_has_nothing(checked, r))
        })
        .map(|(i, r, host)| file(checked, i, r, host))
        .collect()
}

/// The node path of a registry's hosts.toml.
pub fn node_path(checked: &Checked, host: &Host) -> String {
    format!("{}/{}/hosts.toml", checked.config_path, host.reference())
}

fn file(checked: &Checked, i: usize, r: &Registry, host: &Host) -> OutputFile {
    let ns = host.reference();
    let is_default = host.kind == crate::host::HostKind::Default;
    // A hosts.toml is read only for its own registry: a mirror on another listed registry's
    // host (a Harbor proxy cache for Docker Hub) must carry that registry's TLS itself.
    let mut contacts = plan::contacts_with(checked, i, plan::Inherit::AnyRegistry);
    let upstream_last = contacts.last().is_some_and(|c| c.source == Source::Upstream);
    // The root (top-level) host: the upstream, or under mirror_only the last mirror.
    let root: Option<Contact> =
        if upstream_last || (r.mirror_only && !contacts.is_empty()) { contacts.pop() } else { None };
    let mirror_as_server = root.as_ref().is_some_and(|c| c.source != Source::Upstream);

    let mut doc = DocumentMut::new();
    match &root {
        Some(c) => {
            doc["server"] = value(c.url());
            if mirror_as_server {
                put_capabilities(doc.as_table_mut(), c);
                if c.override_path {
                    doc["override_path"] = value(true);
                }
            }
            put_tls(doc.as_table_mut(), &c.tls);
        }
        // `_default`: no server; the top-level TLS applies to whichever registry it catches.
        None => put_tls(doc.as_table_mut(), &plan::registry_tls(checked, r, host)),
    }
    if !contacts.is_empty() {
        let mut hosts = Table::new();
        hosts.set_implicit(true);
        for c in &contacts {
            let mut t = Table::new();
            put_capabilities(&mut t, c);
            if c.override_path {
                t["override_path"] = value(true);
            }
            put_tls(&mut t, &c.tls);
            hosts.insert(&c.url(), Item::Table(t));
        }
        doc["host"] = Item::Table(hosts);
    } else {
        // containerd 1.6 and 1.7 log "invalid `host` tree" and ignore a hosts.toml that has no
        // [host] table at all, CA included (verified on 1.6.20 and 1.7.24; 2.1.9 reads it); an
        // empty one keeps the file in use.
        let mut hosts = Table::new();
        hosts.decor_mut().set_prefix(
            "\n# Keep this empty table: containerd 1.6 and 1.7 ignore a hosts.toml without a [host] table.\n",
        );
        doc["host"] = Item::Table(hosts);
    }

    let order: Vec<String> = contacts.iter().chain(root.iter()).map(Contact::url).collect();
    let path = node_path(checked, host);
    let mut instructions = format!(
        "Save as {path} on every node ({}). containerd reads it on the next pull: no restart needed. \
         It tries, in order: {}.",
        shell::command(["mkdir", "-p", parent(&path)]),
        match (order.is_empty(), is_default && !mirror_as_server) {
            (true, _) => format!("{ns} itself"),
            (false, true) => format!("{}, then the image's own registry", order.join(", then ")),
            (false, false) => order.join(", then "),
        },
    );
    if mirror_as_server {
        if let Some(up) = plan::upstream(checked, r, host) {
            instructions.push_str(&format!(
                " mirror_only: containerd always appends the top-level `server` as the last host, so the last mirror is the server here and {} is never contacted.",
                up.url()
            ));
        }
    }
    let example = if is_default { "<registry>".to_owned() } else { ns.clone() };
    // Only the Secret has the credentials: the registry's own, or an authenticating mirror's.
    let test = crate::pull_auth::test_pull_creds(checked, i);
    let creds = test.as_ref().map(|t| t.creds.as_str());
    // The image stays a bare placeholder; the user name is quoted (`robot$ci`).
    let flag =
        |name: &str, creds: Option<&str>| creds.map(|c| format!("{name} {} ", shell::quote(c))).unwrap_or_default();
    // ctr reads no config.toml: node credentials (node_auth) need --user there too (review 9, L7).
    let node_user = (r.node_auth && !r.username.trim().is_empty()).then(|| format!("{}:<password>", r.username.trim()));
    instructions.push_str(&format!(
        " Test with `crictl pull {}{example}/<image>:<tag>` (the kubelet's path) or `ctr images pull {}--hosts-dir {} {example}/<image>:<tag>`{}.",
        flag("--creds", creds),
        flag("--user", creds.or(node_user.as_deref())),
        shell::quote(&checked.config_path),
        if creds.is_none() && node_user.is_some() { " (ctr does not read config.toml's credentials)" } else { "" }
    ));
    match test.as_ref().and_then(|t| t.mirror) {
        Some(j) => {
            let mirror = checked.hosts.get(j).and_then(Option::as_ref).map(Host::reference).unwrap_or_default();
            instructions.push_str(&format!(
                " The pull Secret's entry for {ns}'s images carries the credentials of its mirror {mirror} \
                 (registry[{j}]): containerd presents them to the mirror. These node commands do not use the \
                 Secret: put {mirror}'s password in place of <password> (without it a private proxy project \
                 answers 401 Unauthorized, although pods with the Secret pull fine)."
            ));
        }
        None if creds.is_some() => instructions.push_str(
            " The credentials are only in the pull Secret, which these node commands do not use: put the password in \
             place of <password> (without it a private repository answers 401 Unauthorized, although pods with the \
             Secret pull fine).",
        ),
        None => {}
    }
    OutputFile {
        path: path.trim_start_matches('/').to_owned(),
        contents: doc.to_string(),
        kind: FileKind::HostsToml,
        title: format!("hosts.toml for {ns} (containerd {})", checked.target),
        instructions,
        after: AfterApply::NothingPickedUpOnPull,
        placement: Placement::Node,
        sensitive: false,
    }
}

fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or(path, |(p, _)| p)
}

fn put_capabilities(t: &mut Table, c: &Contact) {
    if c.capabilities.is_empty() {
        return;
    }
    let caps: Array = c.capabilities.iter().map(String::as_str).collect();
    t["capabilities"] = value(caps);
}

fn put_tls(t: &mut Table, tls: &Tls) {
    if !tls.ca.is_empty() {
        t["ca"] = value(tls.ca.as_str());
    }
    if let Some((cert, key)) = &tls.client {
        let pair: Array = [cert.as_str(), key.as_str()].into_iter().collect();
        let mut outer = Array::new();
        outer.push(pair);
        t["client"] = value(outer);
    }
    if tls.skip_verify {
        t["skip_verify"] = value(true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::{Form, Mirror};

    fn render_one(r: Registry, containerd: &str) -> (String, String) {
        let mut d = Vec::new();
        let c = crate::validate::check(
            &Form { containerd: containerd.into(), registries: vec![r], ..Form::default() },
            &mut d,
        );
        let f = render(&c, &mut d).pop().expect("one file");
        (f.path, f.contents)
    }

    #[test]
    fn plain_registry_has_a_server_and_an_empty_host_table() {
        let (path, text) = render_one(Registry { host: "10.50.1.104:5000".into(), ..Registry::default() }, "1.7");
        assert_eq!(path, "etc/containerd/certs.d/10.50.1.104:5000/hosts.toml");
        let doc: toml_edit::DocumentMut = text.parse().expect("valid TOML");
        assert_eq!(doc["server"].as_str(), Some("https://10.50.1.104:5000"));
        assert!(doc["host"].as_table().is_some_and(|t| t.is_empty()), "{text}");
    }

    #[test]
    fn mirror_only_makes_the_last_mirror_the_server() {
        let m = |u: &str| Mirror { url: u.into(), override_path: true, ..Mirror::default() };
        let r = Registry {
            host: "docker.io".into(),
            mirror_only: true,
            mirrors: vec![m("https://a.example/v2/p"), m("https://b.example/v2/p")],
            ..Registry::default()
        };
        let (_, text) = render_one(r, "1.7");
        let doc: DocumentMut = text.parse().unwrap();
        assert_eq!(doc["server"].as_str(), Some("https://b.example/v2/p"));
        assert_eq!(doc["override_path"].as_bool(), Some(true));
        assert!(doc["host"].get("https://a.example/v2/p").is_some());
        assert!(!text.contains("registry-1.docker.io"));
    }

    #[test]
    fn not_rendered_for_inline_targets() {
        let mut d = Vec::new();
        let form = Form {
            containerd: "1.4".into(),
            registries: vec![Registry { host: "a.example".into(), ..Registry::default() }],
            ..Form::default()
        };
        assert!(render(&crate::validate::check(&form, &mut d), &mut d).is_empty());
    }

    /// The test pull in the note: with the credentials only in the pull Secret it passes
    /// them itself (the user quoted, the password a placeholder); with node credentials
    /// or none it needs none.
    #[test]
    fn the_test_pull_passes_credentials_only_the_secret_has() {
        let note = |username: &str, node_auth: bool| {
            let r = Registry {
                host: "harbor.example.net".into(),
                username: username.into(),
                password: "s3cret".into(),
                node_auth,
                ..Registry::default()
            };
            let mut d = Vec::new();
            let c = crate::validate::check(&Form { registries: vec![r], ..Form::default() }, &mut d);
            render(&c, &mut d).pop().expect("one file").instructions
        };
        let secret_only = note("robot$ci", false);
        assert!(
            secret_only.contains("`crictl pull --creds 'robot$ci:<password>' harbor.example.net/<image>:<tag>`"),
            "{secret_only}"
        );
        assert!(secret_only.contains("`ctr images pull --user 'robot$ci:<password>' --hosts-dir"), "{secret_only}");
        assert!(secret_only.contains("401"), "{secret_only}");
        assert!(!secret_only.contains("s3cret"), "never the password: {secret_only}");
        for n in [note("robot$ci", true), note("", false)] {
            assert!(n.contains("`crictl pull harbor.example.net/<image>:<tag>`") && !n.contains("--creds"), "{n}");
        }
    }

    /// Docker Hub through a Harbor proxy cache whose robot account is only in the Secret
    /// (review 5, L5): the Secret's `https://index.docker.io/v1/` entry carries Harbor's
    /// credentials, so docker.io's test pull needs them as much as harbor's own does.
    #[test]
    fn the_test_pull_through_an_authenticating_mirror_passes_the_mirrors_credentials() {
        let notes = |host: &str, harbor_node_auth: bool, own: Option<(&str, &str)>| {
            let proxy = Mirror {
                url: "https://harbor.example.net/v2/dockerhub-proxy".into(),
                override_path: true,
                ..Mirror::default()
            };
            let (username, password) = own.unwrap_or_default();
            let hub = Registry {
                host: host.into(),
                mirror_only: true,
                mirrors: vec![proxy],
                username: username.into(),
                password: password.into(),
                ..Registry::default()
            };
            let harbor = Registry {
                host: "harbor.example.net".into(),
                username: "robot$ci".into(),
                password: "s3cret".into(),
                node_auth: harbor_node_auth,
                ..Registry::default()
            };
            let form = Form { containerd: "1.6.20".into(), registries: vec![hub, harbor], ..Form::default() };
            let mut d = Vec::new();
            let c = crate::validate::check(&form, &mut d);
            let auths = crate::pull_auth::pull_auths(&c, "", &mut d);
            let files = render(&c, &mut d);
            let of =
                |ns: &str| files.iter().find(|f| f.path.contains(&format!("/{ns}/"))).expect(ns).instructions.clone();
            (of(host), of("harbor.example.net"), auths)
        };

        let (hub, harbor, auths) = notes("docker.io", false, None);
        // The Secret the note is about: docker.io's key with Harbor's robot account.
        let entry = auths.iter().find(|a| a.key == crate::secret::DOCKER_HUB_KEY).expect("docker.io entry");
        assert_eq!(entry.entry.username, "robot$ci");
        assert!(
            hub.contains("`crictl pull --creds 'robot$ci:<password>' docker.io/<image>:<tag>`"),
            "docker.io's note: {hub}"
        );
        assert!(hub.contains("`ctr images pull --user 'robot$ci:<password>' --hosts-dir"), "{hub}");
        assert!(hub.contains("its mirror harbor.example.net (registry[1])") && hub.contains("401"), "{hub}");
        assert!(!hub.contains("s3cret"), "never the password: {hub}");
        assert!(harbor.contains("`crictl pull --creds 'robot$ci:<password>' harbor.example.net/"), "{harbor}");

        // Harbor's account on the nodes: containerd presents it to the mirror, no --creds.
        let (hub, harbor, _) = notes("docker.io", true, None);
        assert!(hub.contains("`crictl pull docker.io/<image>:<tag>`") && !hub.contains("--creds"), "{hub}");
        assert!(!harbor.contains("--creds"), "{harbor}");

        // docker.io's own account: the Secret carries it, and the note names it, not Harbor's.
        let (hub, _, auths) = notes("docker.io", false, Some(("hubuser", "pw")));
        let entry = auths.iter().find(|a| a.key == crate::secret::DOCKER_HUB_KEY).expect("docker.io entry");
        assert_eq!(entry.entry.username, "hubuser");
        assert!(hub.contains("--creds 'hubuser:<password>'") && !hub.contains("robot$ci"), "{hub}");
        assert!(!hub.contains("(registry[1])"), "{hub}");

        // `_default` has no Secret entry, so its test pull gets no mirror credentials either.
        let (default, _, auths) = notes("_default", false, None);
        assert!(auths.iter().all(|a| a.image_registry != "_default"), "{auths:?}");
        assert!(!default.contains("--creds"), "{default}");
    }
}
