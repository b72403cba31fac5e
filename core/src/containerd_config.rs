//! The block for `/etc/containerd/config.toml`, with the `version` line the target needs.
//!
//! - 1.2: `version = 1`, `[plugins.cri]`, `registry.mirrors` and `registry.auths` (keyed
//!   by endpoint URL); no TLS settings exist.
//! - 1.3 - 1.7: `version = 2`, `[plugins."io.containerd.grpc.v1.cri"]`; `registry.config_path`
//!   (1.5+) or the inline `registry.mirrors` / `registry.configs` (1.3, 1.4, `legacy_config`).
//! - 2.x: `version = 3` (2.3+: `version = 4`, the same tables), `[plugins."io.containerd.cri.v1.images"]`, `registry.config_path`,
//!   `pinned_images.sandbox`.
//!
//! Node credentials (`node_auth`) are keyed by every host containerd contacts.

use toml_edit::{value, Array, DocumentMut, Item, Table};

use crate::diagnostic::{Diagnostic, Field};
use crate::form::Registry;
use crate::host::HostKind;
use crate::output::{AfterApply, FileKind, OutputFile, Placement};
use crate::per_host::keep_first;
use crate::plan::{self, Contact, Source, Tls};
use crate::validate::{Checked, Style};

/// Where the block goes on the node.
pub const NODE_PATH: &str = "/etc/containerd/config.toml";

/// Renders the config.toml block.
pub fn render(checked: &Checked, diags: &mut Vec<Diagnostic>) -> Vec<OutputFile> {
    let t = checked.target;
    let mut doc = DocumentMut::new();
    doc["version"] = value(i64::from(t.config_version()));
    let cri = t.dialect().cri_table();

    let sandbox = checked.form.sandbox_image.trim();
    if !sandbox.is_empty() && crate::rules::image_registry(sandbox).is_some() {
        if t.has_pinned_images() {
            table(doc.as_table_mut(), &[&cri[..], &["pinned_images"]].concat())["sandbox"] = value(sandbox);
        } else {
            table(doc.as_table_mut(), &cri)["sandbox_image"] = value(sandbox);
        }
    }

    let registry_path = [cri[0], cri[1], "registry"];
    let mut keys = HostKeys::default();
    match checked.style {
        Style::HostsToml => {
            let reg = table(doc.as_table_mut(), &registry_path);
            reg["config_path"] = value(checked.config_path.as_str());
            if let Some(mut k) = reg.key_mut("config_path") {
                k.leaf_decor_mut().set_prefix("# hosts.toml files under this directory are re-read on every pull.\n");
            }
            for (i, r, _) in checked.registries().filter(|(_, r, _)| r.node_auth) {
                node_auth(r, i, &plan::contacts(checked, i), |c| c.host.clone(), &mut keys, diags);
            }
        }
        Style::Inline => {
            if t.has_hosts_toml() {
                let reg = table(doc.as_table_mut(), &registry_path);
                reg["config_path"] = value("");
                if let Some(mut k) = reg.key_mut("config_path") {
                    k.leaf_decor_mut().set_prefix(
                        "# Must stay empty: with config_path set, inline mirrors or configs.tls stop the CRI plugin.\n",
                    );
                }
            }
            for (i, r, host) in checked.registries() {
                let contacts = plan::contacts(checked, i);
                let ns = if host.kind == HostKind::Default { "*".to_owned() } else { host.reference() };
                let endpoints: Array = contacts
                    .iter()
                    .filter(|c| !(c.source == Source::Upstream && host.kind == HostKind::DockerHub))
                    .map(inline_endpoint)
                    .collect();
                if !endpoints.is_empty() {
                    let m = table(doc.as_table_mut(), &[&registry_path[..], &["mirrors", &ns]].concat());
                    m["endpoint"] = value(endpoints);
                }
                // `_default` has no upstream here, and its mirrors' TLS is keyed by their hosts.
                for c in contacts.iter().filter(|c| !c.tls.is_empty()) {
                    keys.tls(&c.host, &c.tls, i, diags);
                }
                node_auth(r, i, &contacts, |c| c.host.clone(), &mut keys, diags);
            }
        }
        Style::V1Mirrors => {
            for (i, r, host) in checked.registries() {
                if host.kind == HostKind::Default {
                    continue;
                }
                let contacts = plan::contacts(checked, i);
                // 1.2 tries the mirrors, then the registry over HTTPS by itself: list the
                // registry only when it speaks plain HTTP.
                let endpoints: Array = contacts
                    .iter()
                    .filter(|c| c.source != Source::Upstream || c.scheme == "http")
                    .map(Contact::origin)
                    .collect();
                if !endpoints.is_empty() {
                    let m = table(doc.as_table_mut(), &[&registry_path[..], &["mirrors", &host.reference()]].concat());
                    m["endpoint"] = value(endpoints);
                }
                node_auth(r, i, &contacts, Contact::origin, &mut keys, diags);
            }
        }
    }
    for (host, (tls, _)) in &keys.tls {
        let t = table(doc.as_table_mut(), &[&registry_path[..], &["configs", host, "tls"]].concat());
        if !tls.ca.is_empty() {
            t["ca_file"] = value(tls.ca.as_str());
        }
        if let Some((cert, key)) = &tls.client {
            t["cert_file"] = value(cert.as_str());
            t["key_file"] = value(key.as_str());
        }
        if tls.skip_verify {
            t["insecure_skip_verify"] = value(true);
        }
    }
    let auth_parent: &[&str] = if checked.style == Style::V1Mirrors { &["auths"] } else { &["configs"] };
    for (host, (auth, _)) in &keys.auth {
        let mut path: Vec<&str> = [&registry_path[..], auth_parent, &[host.as_str()]].concat();
        if checked.style != Style::V1Mirrors {
            path.push("auth");
        }
        let t = table(doc.as_table_mut(), &path);
        // containerd prefers a user name over a token: write the pair only when complete.
        if !auth.username.is_empty() && !auth.password.is_empty() {
            t["username"] = value(auth.username.as_str());
            t["password"] = value(auth.password.as_str());
        }
        if !auth.identity_token.is_empty() {
            t["identitytoken"] = value(auth.identity_token.as_str());
        }
    }

    let sensitive = !keys.auth.is_empty();
    vec![OutputFile {
        path: NODE_PATH.trim_start_matches('/').to_owned(),
        contents: doc.to_string(),
        kind: FileKind::ContainerdConfig,
        title: format!("containerd config block for {t} (config version {})", t.config_version()),
        instructions: instructions(checked, sensitive),
        after: AfterApply::RestartContainerd,
        placement: Placement::Node,
        sensitive,
    }]
}

fn instructions(checked: &Checked, sensitive: bool) -> String {
    let t = checked.target;
    let v = t.config_version();
    let why = match v {
        1 => "containerd 1.2 does not read it, newer releases do: it marks the plugins.cri layout".to_owned(),
        2 => format!("without it containerd {t} reads the file as version 1 and silently ignores every plugins.\"io.containerd.grpc.v1.cri\" table"),
        3 => format!("containerd {t} migrates a version 2 file at every start but ignores a version 1 file's CRI settings, and the io.containerd.cri.v1.images section exists only from version 3 on"),
        _ => format!("the version containerd {t}'s own `config default` writes; an existing `version = 3` may stay, as {t} reads version 3 and the io.containerd.cri.v1.images section is the same in 3 and 4"),
    };
    let mut s = format!(
        "Merge into {NODE_PATH} on every node. The file needs exactly one `version` line at the top, `version = {v}` ({why}). \
         Where a table already exists in the file, set these keys inside it instead of adding a second copy \
         (TOML rejects repeated tables). Then run `sudo systemctl restart containerd`: config.toml is read only at start."
    );
    match checked.style {
        Style::HostsToml => s.push_str(&format!(
            " The hosts.toml files under {} need no restart; remove any registry.mirrors or registry.configs.*.tls \
             left in the file (beside config_path, mirrors stop the CRI plugin on 1.5 and later, 2.x included; \
             configs.*.tls stops it on 1.x and is ignored on 2.x).",
            checked.config_path
        )),
        Style::Inline if t.has_hosts_toml() => s.push_str(
            " Keep registry.config_path empty: beside it, inline mirrors or configs.tls stop the CRI plugin from loading \
             (containerd keeps running and the kubelet sees the runtime as down).",
        ),
        Style::Inline => {}
        Style::V1Mirrors => s.push_str(
            " containerd 1.2 has no per-registry TLS settings: a private CA goes into the node's system trust store.",
        ),
    }
    if sensitive {
        s.push_str(" This block holds registry credentials: keep config.toml readable by root only (chmod 600).");
    }
    s
}

/// A legacy endpoint keeps its path as the API root and adds `/v2` only when there is
/// none; hosts.toml adds `/v2` to a path unless `override_path`. Written so both agree.
fn inline_endpoint(c: &Contact) -> String {
    if !c.override_path && !c.path.is_empty() && !c.path.ends_with("/v2") {
        format!("{}/v2", c.url())
    } else {
        c.url()
    }
}

fn node_auth(
    r: &Registry,
    i: usize,
    contacts: &[Contact],
    key: impl Fn(&Contact) -> String,
    keys: &mut HostKeys,
    diags: &mut Vec<Diagnostic>,
) {
    if !r.node_auth || !plan::usable_credentials(r) {
        return;
    }
    let auth =
        Auth { username: r.username.clone(), password: r.password.clone(), identity_token: r.identity_token.clone() };
    for c in contacts {
        keys.auth(&key(c), &auth, i, diags);
    }
}

/// Node credentials for one host.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Auth {
    username: String,
    password: String,
    identity_token: String,
}

/// Per-host settings collected across registries (with the registry index that set them),
/// first come first kept.
#[derive(Debug, Default)]
struct HostKeys {
    tls: Vec<(String, (Tls, usize))>,
    auth: Vec<(String, (Auth, usize))>,
}

impl HostKeys {
    fn tls(&mut self, host: &str, tls: &Tls, i: usize, diags: &mut Vec<Diagnostic>) {
        if let Some((_, first)) = keep_first(&mut self.tls, host.to_owned(), (tls.clone(), i), |a, b| a.0 == b.0) {
            diags.push(Diagnostic::warning(
                Field::registry(i).key("ca_file"),
                "tls.conflict",
                format!("registry[{first}] already sets different TLS for {host}; the inline config has one TLS entry per host, so the first is kept."),
                "Give both entries the same CA, client certificate and skip_verify for this host.",
            ));
        }
    }

    fn auth(&mut self, host: &str, auth: &Auth, i: usize, diags: &mut Vec<Diagnostic>) {
        if let Some((_, first)) = keep_first(&mut self.auth, host.to_owned(), (auth.clone(), i), |a, b| a.0 == b.0) {
            diags.push(Diagnostic::error(
                Field::registry(i).key("node_auth"),
                "node_auth.conflict",
                format!("registry[{first}] already puts different node credentials on {host}; containerd keeps one per host, so these are left out."),
                "Use the same account for both registries on this host, or turn node_auth off here and use a pull Secret.",
            ));
        }
    }
}

/// The table at `path` under `root`, created (implicit, so empty parents print no
/// header) where missing. A non-table in the way is replaced.
fn table<'a>(root: &'a mut Table, path: &[&str]) -> &'a mut Table {
    let mut t = root;
    for k in path {
        let item = t.entry(k).or_insert_with(|| {
            let mut n = Table::new();
            n.set_implicit(true);
            Item::Table(n)
        });
        if !item.is_table() {
            let mut n = Table::new();
            n.set_implicit(true);
            *item = Item::Table(n);
        }
        t = match item.as_table_mut() {
            Some(t) => t,
            None => unreachable!("just made a table"),
        };
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::{Form, Mirror};

    fn render_form(form: &Form) -> (DocumentMut, OutputFile, Vec<Diagnostic>) {
        let mut d = Vec::new();
        let c = crate::validate::check(form, &mut d);
        let f = render(&c, &mut d).pop().expect("config");
        (f.contents.parse().expect("parses"), f, d)
    }

    #[test]
    fn version_line_and_section_per_target() {
        for (v, n, section) in
            [("1.2", 1, "cri"), ("1.4", 2, "io.containerd.grpc.v1.cri"), ("2.0", 3, "io.containerd.cri.v1.images")]
        {
            let form =
                Form { containerd: v.into(), sandbox_image: "registry.k8s.io/pause:3.10".into(), ..Form::default() };
            let (doc, _, _) = render_form(&form);
            assert_eq!(doc["version"].as_integer(), Some(n));
            assert!(doc["plugins"].get(section).is_some(), "{v}");
        }
    }

    #[test]
    fn node_auth_goes_to_every_contacted_host() {
        let form = Form {
            containerd: "1.7".into(),
            registries: vec![Registry {
                host: "docker.io".into(),
                username: "u".into(),
                password: "p".into(),
                node_auth: true,
                mirrors: vec![Mirror { url: "https://m.example".into(), ..Mirror::default() }],
                ..Registry::default()
            }],
            ..Form::default()
        };
        let (doc, f, _) = render_form(&form);
        let configs = &doc["plugins"]["io.containerd.grpc.v1.cri"]["registry"]["configs"];
        assert_eq!(configs["m.example"]["auth"]["username"].as_str(), Some("u"));
        assert_eq!(configs["registry-1.docker.io"]["auth"]["password"].as_str(), Some("p"));
        assert!(f.sensitive);
    }

    #[test]
    fn a_proxy_caches_account_stays_off_the_upstream_when_the_warning_is_followed() {
        let proxy = Mirror {
            url: "https://harbor.example.net/v2/dockerhub-proxy".into(),
            override_path: true,
            ..Mirror::default()
        };
        let hub = Registry { host: "docker.io".into(), mirrors: vec![proxy], ..Registry::default() };
        let account =
            |r: Registry| Registry { username: "robot$proxy".into(), password: "pw1".into(), node_auth: true, ..r };
        let configs = |doc: &DocumentMut| {
            let t = doc["plugins"]["io.containerd.grpc.v1.cri"]["registry"]["configs"].as_table().expect("configs");
            t.iter().map(|(k, _)| k.to_owned()).collect::<Vec<_>>()
        };
        let form = |registries| Form { containerd: "1.7".into(), registries, ..Form::default() };
        // The web preset with credentials: written for both, with a warning that says how not to.
        let (doc, _, d) = render_form(&form(vec![account(hub.clone())]));
        assert_eq!(configs(&doc), ["harbor.example.net", "registry-1.docker.io"]);
        let w = d.iter().find(|d| d.code == "node_auth.upstream-gets-credentials").expect("warning");
        assert!(w.message.contains("sends the mirror's password to registry-1.docker.io"), "{}", w.message);
        assert!(w.fix.contains("[[registry]] for harbor.example.net with node_auth"), "{}", w.fix);
        assert!(w.fix.contains("mirror_only = true"), "{}", w.fix);
        // mirror_only: the upstream is never contacted, so it gets no credentials.
        let (doc, _, d) = render_form(&form(vec![account(Registry { mirror_only: true, ..hub.clone() })]));
        assert_eq!(configs(&doc), ["harbor.example.net"]);
        assert!(!d.iter().any(|d| d.code == "node_auth.upstream-gets-credentials"), "{d:?}");
        // The fix followed: the account on Harbor's own entry.
        let harbor = account(Registry { host: "harbor.example.net".into(), ..Registry::default() });
        let (doc, _, d) = render_form(&form(vec![hub, harbor]));
        assert_eq!(configs(&doc), ["harbor.example.net"]);
        assert!(!d.iter().any(|d| d.code == "node_auth.upstream-gets-credentials"), "{d:?}");
    }

    #[test]
    fn default_is_the_wildcard_mirror_in_inline_config() {
        let form = Form {
            containerd: "1.4".into(),
            registries: vec![Registry {
                host: "_default".into(),
                mirrors: vec![Mirror {
                    url: "https://cache.example".into(),
                    ca_file: "/cache-ca.crt".into(),
                    ..Mirror::default()
                }],
                ..Registry::default()
            }],
            ..Form::default()
        };
        let (doc, _, d) = render_form(&form);
        let registry = &doc["plugins"]["io.containerd.grpc.v1.cri"]["registry"];
        let endpoint = &registry["mirrors"]["*"]["endpoint"];
        assert_eq!(endpoint.as_array().and_then(|a| a.get(0)).and_then(|v| v.as_str()), Some("https://cache.example"));
        assert_eq!(registry["configs"]["cache.example"]["tls"]["ca_file"].as_str(), Some("/cache-ca.crt"));
        // Only the note on 1.4's default pause image (the form sets none).
        assert!(d.iter().all(|d| d.code == "sandbox_image.default"), "{d:?}");
    }

    #[test]
    fn conflicting_node_credentials_keep_the_first() {
        let r = |host: &str, user: &str| Registry {
            host: host.into(),
            username: user.into(),
            password: "p".into(),
            node_auth: true,
            mirror_only: true,
            mirrors: vec![Mirror { url: "https://m.example".into(), ..Mirror::default() }],
            ..Registry::default()
        };
        let form = Form { registries: vec![r("a.example", "one"), r("b.example", "two")], ..Form::default() };
        let (doc, _, d) = render_form(&form);
        let configs = &doc["plugins"]["io.containerd.grpc.v1.cri"]["registry"]["configs"];
        assert_eq!(configs["m.example"]["auth"]["username"].as_str(), Some("one"));
        assert!(d.iter().any(|d| d.code == "node_auth.conflict" && d.field.as_str() == "registry[1].node_auth"));
    }
}
