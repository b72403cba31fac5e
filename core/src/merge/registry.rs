//! The registry part of a merge: the hosts.toml directory, legacy keys that conflict with it,
//! and a stale skip-verify.

use toml_edit::{DocumentMut, Item, Value};

use super::carry::Carry;
use super::{edit, existing_config_field, settings, Merger};
use crate::config_file::Dialect;
use crate::diagnostic::{Diagnostic, Field};
use crate::form::{Form, DEFAULT_CONFIG_PATH};
use crate::toml_table::TableRef;
use crate::version::Target;

impl Merger<'_> {
    /// The hosts.toml directory pullfix writes to, and (second) the colon-separated list the
    /// file keeps as its `config_path` when the target reads such a list (1.x, 2.0; the
    /// directory is one of its entries). With a list the target reads as one name (2.1+),
    /// `config_path` becomes the one directory and the others are in [`Merger::dropped_dirs`].
    pub(super) fn choose_config_path(
        &mut self,
        form: &Form,
        dialect: Dialect,
        target: &Target,
    ) -> (String, Option<String>) {
        let from_form = form.config_path.trim();
        let mut path = dialect.registry_path();
        path.push("config_path".into());
        let existing = edit::get(self.doc, &path).and_then(Item::as_str).map(str::trim).unwrap_or("");
        if existing.is_empty() {
            return (if from_form.is_empty() { DEFAULT_CONFIG_PATH.to_owned() } else { from_form.to_owned() }, None);
        }
        if existing.contains(':') {
            let dirs: Vec<&str> = existing.split(':').map(str::trim).filter(|d| !d.is_empty()).collect();
            let chosen = if from_form.is_empty() {
                dirs.first().copied().unwrap_or(DEFAULT_CONFIG_PATH).to_owned()
            } else {
                from_form.to_owned()
            };
            let dropped: Vec<String> = dirs.iter().filter(|d| **d != chosen).map(|d| (*d).to_owned()).collect();
            if (target.major, target.minor) < (2, 1) {
                // containerd before 2.1 reads every directory of the list: keep it, with
                // pullfix's directory first. 1.x (`hostDirFromRoots`) uses the first root that
                // has a `<host>` directory, so a later position is shadowed by e.g. a stale
                // /etc/docker/certs.d/<host>/ca.crt.
                let was = dirs.iter().position(|d| *d == chosen);
                let mut list: Vec<&str> = dirs.iter().copied().filter(|d| *d != chosen).collect();
                list.insert(0, &chosen);
                let value = list.join(":");
                if list != dirs {
                    self.list_order = Some(super::roots::ListOrder {
                        key: path.clone(),
                        before: dirs.iter().map(|d| (*d).to_owned()).collect(),
                        after: list.iter().map(|d| (*d).to_owned()).collect(),
                        chosen: chosen.clone(),
                    });
                }
                let how = match was {
                    None => format!(" (as {value:?}, with {chosen:?} added first)"),
                    Some(0) => String::new(),
                    Some(_) => format!(
                        " (as {value:?}: {chosen:?} moved first, since containerd {target} uses the first directory of the list that has a <host> directory, so an earlier one with the same registry would be read instead of pullfix's files)"
                    ),
                };
                self.diags.push(Diagnostic::warning(
                    existing_config_field(),
                    "merge.config-path-list",
                    format!(
                        "config_path is a colon-separated list ({existing:?}); containerd {target} reads every directory in it, so pullfix keeps it{how} and writes its files under {chosen:?}. containerd 2.1+ pulls through the transfer service (its default without legacy registry keys) read config_path as one directory name, so after an upgrade to 2.1+ none of them is found.",
                    ),
                    "Before upgrading to containerd 2.1+, move every registry's directory into one config_path directory.",
                ));
                return (chosen, Some(value));
            }
            self.dropped_dirs = dropped.clone();
            self.diags.push(Diagnostic::warning(
                existing_config_field(),
                "merge.config-path-list",
                format!(
                    "config_path is a colon-separated list ({existing:?}); containerd {target} pulls through the transfer service (its default without legacy registry keys) read it as one directory name, so none of them is found. pullfix sets it to {chosen:?}.{}",
                    if dropped.is_empty() {
                        String::new()
                    } else {
                        format!(" The registry directories under {} (hosts.toml files, and ca.crt / client .cert and .key files) are no longer read.", dropped.join(", "))
                    }
                ),
                "Move every registry's directory (hosts.toml, ca.crt, client certificates) into the one config_path directory.",
            ));
            return (chosen, None);
        }
        if !from_form.is_empty() {
            return (from_form.to_owned(), None);
        }
        if existing != DEFAULT_CONFIG_PATH {
            self.diags.push(Diagnostic::info(
                Field::root("config_path"),
                "merge.config-path-kept",
                format!(
                    "The file already uses {existing:?} as its hosts.toml directory; the hosts.toml files go there."
                ),
                "Set config_path in the form to use another directory.",
            ));
        }
        (existing.to_owned(), None)
    }

    /// Names, in the `merge.config-path-list` warning, the registries whose directories in
    /// the dropped list entries stop being read.
    pub(super) fn name_lost_registries(diags: &mut [Diagnostic], lost: &[(String, Vec<String>)]) {
        let named: Vec<String> = lost
            .iter()
            .filter(|(_, regs)| !regs.is_empty())
            .map(|(dir, regs)| format!("{} (in {dir})", regs.join(", ")))
            .collect();
        if named.is_empty() {
            return;
        }
        for d in diags.iter_mut().filter(|d| d.code == "merge.config-path-list") {
            d.message = format!(
                "{} Registries that lose their settings (hosts.toml or CA/client certificate files): {}.",
                d.message,
                named.join("; ")
            );
            d.fix = format!(
                "{} Or put those registries into the form, so that pullfix writes their files in the new directory.",
                d.fix
            );
        }
    }

    /// With hosts.toml, legacy `mirrors` and `configs.*.tls` stop containerd's CRI plugin from
    /// loading: those of `hosts` (the form's registries and every host they contact) and of the
    /// carried mirrors' hosts go, each with what became of it ([`Carry`]).
    pub(super) fn remove_conflicting_legacy(
        &mut self,
        target: &Target,
        dialect: Dialect,
        hosts: &[String],
        carry: &Carry,
    ) {
        let registry = dialect.registry_path();
        let sub = |tail: &[&str]| -> Vec<String> {
            let mut p = registry.clone();
            p.extend(tail.iter().map(|s| (*s).to_owned()));
            p
        };
        let conflict =
            "containerd refuses `mirrors` beside config_path and does not load its CRI plugin (every pull fails).";
        for h in hosts {
            let mirrors = sub(&["mirrors", h]);
            let why = match Carry::why(&carry.mirror_why, h) {
                Some(w) => w.to_owned(),
                None => {
                    // A host the form's registries contact, not one of them: no hosts.toml of its own.
                    let lost = edit::get(self.doc, &mirrors).is_some_and(|m| {
                        TableRef::of(m)
                            .and_then(|t| t.get("endpoint"))
                            .and_then(Item::as_array)
                            .is_some_and(|a| !a.is_empty())
                    });
                    if lost {
                        self.diags.push(Diagnostic::warning(
                            existing_config_field(),
                            "merge.legacy-not-carried",
                            format!(
                                "registry.mirrors.\"{h}\" is removed and not carried anywhere: {h} is a host the form's registries contact, not a registry of the form, so images named {h}/... lose that mirror."
                            ),
                            format!("Add {h} as a registry of the form with those mirrors if images are pulled from it by name."),
                        ));
                    }
                    format!("{h} is contacted by the form's registries but is not one of them, so it has no hosts.toml to carry this into: {conflict}")
                }
            };
            self.remove(&mirrors, &why);
            let why = match Carry::why(&carry.tls_why, h) {
                Some(w) => w.to_owned(),
                None => format!("Nothing in it is carried ({h} is contacted by the form's registries but is not one of them; a mirror's TLS comes from the form): containerd 1.5-1.7 refuses `configs.tls` beside config_path, 2.x ignores it."),
            };
            self.remove(&sub(&["configs", h, "tls"]), &why);
        }
        // 1.x's catch-all `mirrors."*"`, carried into the `_default` hosts.toml.
        if let Some(why) = Carry::why(&carry.mirror_why, "*") {
            let why = why.to_owned();
            self.remove(&sub(&["mirrors", "*"]), &why);
        }
        for h in carry.mirror_tls_hosts.iter().filter(|h| !hosts.contains(h)) {
            if let Some(why) = Carry::why(&carry.tls_why, h) {
                let why = why.to_owned();
                self.remove(&sub(&["configs", h, "tls"]), &why);
            }
        }
        let gone_tls: Vec<String> = hosts.iter().chain(&carry.mirror_tls_hosts).cloned().collect();
        // A `configs."<host>"` left empty by its `tls` going goes too: containerd 2.1+ falls
        // back from the transfer service for any entry of `configs`, even an empty one.
        for h in &gone_tls {
            let entry = sub(&["configs", h]);
            if edit::get(self.doc, &entry).and_then(TableRef::of).is_some_and(|t| t.entries().is_empty()) {
                edit::remove(self.doc, &entry);
            }
        }
        let others = |doc: &DocumentMut, tail: &[&str], want_tls: bool| -> Vec<String> {
            let Some(t) = edit::get(doc, &sub(tail)).and_then(TableRef::of) else { return Vec::new() };
            t.entries()
                .into_iter()
                .filter(|(k, v)| {
                    let gone = if want_tls { gone_tls.as_slice() } else { hosts };
                    !gone.iter().any(|h| h == k)
                        && (!want_tls || TableRef::of(v).is_some_and(|c| c.get("tls").is_some()))
                })
                .map(|(k, _)| k.to_owned())
                .collect()
        };
        let mirrors = others(self.doc, &["mirrors"], false);
        if !mirrors.is_empty() {
            let named: Vec<&String> = mirrors.iter().filter(|h| *h != "*").collect();
            let mut fix = Vec::new();
            if !named.is_empty() {
                fix.push(format!(
                    "Add {} to the form as registries (+ Add registry on the page, [[registry]] in a form file; their mirror URLs are carried into their hosts.toml when the form names none) so pullfix removes the old lines, or delete the lines.",
                    named.iter().map(|h| h.as_str()).collect::<Vec<_>>().join(", ")
                ));
            }
            if named.len() < mirrors.len() {
                fix.push(match target.has_default_namespace() {
                    Some(true) => "mirrors.\"*\" (containerd 1.x's mirrors for every registry without its own entry) becomes the _default hosts.toml: add `[[registry]] host = \"_default\"` to the form (its endpoints are carried there when the form gives it no mirrors), or delete the lines.".to_owned(),
                    Some(false) => format!("mirrors.\"*\" (containerd 1.x's mirrors for every registry without its own entry) has no hosts.toml counterpart on containerd {target} (the _default hosts.toml needs 1.6.17+ or 1.7+): delete the lines, and give each registry that needs those mirrors its [[registry.mirror]] entries in the form."),
                    None => format!("mirrors.\"*\" (containerd 1.x's mirrors for every registry without its own entry) becomes the _default hosts.toml on containerd 1.6.17+ and 1.7+: set the form's containerd to the exact version (containerd {target} is ambiguous) and add `[[registry]] host = \"_default\"` with its mirrors, or delete the lines."),
                });
            }
            self.diags.push(Diagnostic::error(
                existing_config_field(),
                "merge.legacy-mirrors-left",
                format!(
                    "The file still has legacy registry.mirrors for {}: beside config_path containerd does not load its CRI plugin, so every pull on the node fails.",
                    mirrors.join(", ")
                ),
                fix.join(" "),
            ));
        }
        let tls = others(self.doc, &["configs"], true);
        if !tls.is_empty() {
            let (sev_error, consequence) = if target.major >= 2 {
                (false, "containerd 2.x ignores them (it only logs `Ignoring unknown key in TOML for plugin` at start), so their CA or skip-verify no longer applies")
            } else {
                (true, "beside config_path containerd 1.5-1.7 does not load its CRI plugin, so every pull fails")
            };
            let message =
                format!("The file still has legacy registry.configs.*.tls for {}: {consequence}.", tls.join(", "));
            let fix = "Add these registries to the form (their TLS settings are carried into their hosts.toml where the form gives none), or delete the tls tables.";
            self.diags.push(if sev_error {
                Diagnostic::error(existing_config_field(), "merge.legacy-tls-left", message, fix)
            } else {
                Diagnostic::warning(existing_config_field(), "merge.legacy-tls-left", message, fix)
            });
        }
    }

    /// Node credentials the file already has (`configs."<host>".auth`) for a host of the form
    /// that the form gives none: containerd still sends them on every pull that comes without
    /// a pull Secret (the pause image included), so an old account keeps causing 401s.
    pub(super) fn report_node_auth_left(&mut self, dialect: Dialect, hosts: &[String], settings: &[settings::Setting]) {
        let mut left = Vec::new();
        for h in hosts {
            let mut path = dialect.registry_path();
            path.extend(["configs".to_owned(), h.clone(), "auth".to_owned()]);
            let written = settings.iter().any(|s| s.path.starts_with(&path));
            if !written && edit::get(self.doc, &path).is_some() {
                left.push(h.as_str());
            }
        }
        if !left.is_empty() {
            self.diags.push(Diagnostic::warning(
                existing_config_field(),
                "merge.node-auth-left",
                format!(
                    "The file keeps node credentials (configs.\"…\".auth) for {}, which the form gives none: containerd \
                     uses them for every pull without a pull Secret, the sandbox image included, so an old or wrong \
                     account there still causes 401s.",
                    left.join(", ")
                ),
                "Keep them if the account is current; otherwise delete those auth tables, or switch on node \
                 credentials for the registry in the form (with its username and password) so pullfix replaces them.",
            ));
        }
    }

    /// The engine writes `insecure_skip_verify` only when the form asks for it: a `true` left
    /// in a `configs."<host>".tls` table the form now sets would still switch verification off.
    pub(super) fn reset_stale_skip_verify(&mut self, settings: &[settings::Setting]) {
        let mut tables: Vec<&[String]> = Vec::new();
        for s in settings {
            if let Some(i) = s.path.iter().position(|p| p == "tls") {
                let t = &s.path[..=i];
                if !tables.contains(&t) {
                    tables.push(t);
                }
            }
        }
        for t in tables {
            let mut key = t.to_vec();
            key.push("insecure_skip_verify".into());
            if settings.iter().any(|s| s.path == key) {
                continue;
            }
            if edit::get(self.doc, &key).and_then(Item::as_bool) == Some(true) {
                self.set(
                    &key,
                    &Value::from(false),
                    "The form verifies this host's certificate (its CA); the file's skip-verify would switch that off.",
                );
            }
        }
    }

    /// With the inline keys (no hosts.toml: 1.2 - 1.4, or `legacy_config`), a
    /// `configs."<host>".tls.insecure_skip_verify = true` the form does not set stays in
    /// effect: warned like the form's own skip_verify (with hosts.toml the carry does it).
    pub(super) fn report_kept_skip_verify(&mut self, dialect: Dialect, settings: &[settings::Setting]) {
        let mut configs = dialect.registry_path();
        configs.push("configs".into());
        let Some(table) = edit::get(self.doc, &configs).and_then(Item::as_table_like) else { return };
        let mut hosts = Vec::new();
        for (host, item) in table.iter() {
            let on = item
                .as_table_like()
                .and_then(|t| t.get("tls"))
                .and_then(Item::as_table_like)
                .and_then(|t| t.get("insecure_skip_verify"))
                .and_then(Item::as_bool)
                == Some(true);
            let mut key = configs.clone();
            key.extend([host.to_owned(), "tls".to_owned(), "insecure_skip_verify".to_owned()]);
            let from_form = settings.iter().any(|s| s.path == key && s.value.as_bool() == Some(true));
            if on && !from_form {
                hosts.push(host.to_owned());
            }
        }
        if hosts.is_empty() {
            return;
        }
        let tables: Vec<String> = hosts
            .iter()
            .map(|h| {
                let mut p = configs.clone();
                p.extend([h.clone(), "tls".to_owned()]);
                crate::config_file::display_path(&p)
            })
            .collect();
        self.diags.push(Diagnostic::warning(
            existing_config_field(),
            "merge.skip-verify-kept",
            format!(
                "From the pasted config.toml (kept in the merged file): insecure_skip_verify = true in {}. skip_verify accepts any certificate, so anyone on the path can serve images and read credentials.",
                tables.join(", ")
            ),
            "The setting comes from the pasted config.toml, not from the form: give the registry's CA in the form (ca_pem, or ca_file where it is on the nodes), which sets insecure_skip_verify = false, or delete it from that file before merging.",
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::form::Form;
    use crate::merge::merge;

    const LIST: &str = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"/etc/containerd/certs.d:/etc/docker/certs.d\"\n";

    fn form(containerd: &str, config_path: &str) -> Form {
        let text = format!(
            "containerd = \"{containerd}\"\nconfig_path = \"{config_path}\"\n[[registry]]\nhost = \"docker.io\"\n[[registry.mirror]]\nurl = \"https://m.example\"\n"
        );
        crate::parse_form(&text, crate::FormFormat::Toml).expect("form")
    }

    fn config_path(text: &str) -> String {
        let doc: toml_edit::DocumentMut = text.parse().expect("toml");
        doc["plugins"]["io.containerd.grpc.v1.cri"]["registry"]["config_path"].as_str().unwrap_or_default().to_owned()
    }

    /// Real containerd 2.1.9 (tests/acceptance.rs, case16): a `configs."<host>"` left empty
    /// after its `tls` goes still makes the CRI log "Found 'Registry.Configs' ... Falling back
    /// to local image pull mode": the empty entry goes too; one with `auth` stays.
    #[test]
    fn a_configs_entry_emptied_by_its_tls_going_is_removed() {
        let file = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry.configs.\"harbor.example.net\".tls]\n  ca_file = \"/etc/ca.crt\"\n[plugins.\"io.containerd.grpc.v1.cri\".registry.configs.\"other.example.net\".tls]\n  ca_file = \"/etc/ca.crt\"\n[plugins.\"io.containerd.grpc.v1.cri\".registry.configs.\"other.example.net\".auth]\n  username = \"u\"\n";
        let form = |host: &str| {
            let text = format!("containerd = \"2.1.9\"\n[[registry]]\nhost = \"{host}\"\nca_file = \"/etc/ca.crt\"\n");
            crate::parse_form(&text, crate::FormFormat::Toml).expect("form")
        };
        let r = merge(file, &form("harbor.example.net"));
        let text = r.text.expect("merged");
        let doc: toml_edit::DocumentMut = text.parse().expect("toml");
        let configs = &doc["plugins"]["io.containerd.grpc.v1.cri"]["registry"]["configs"];
        assert!(configs.get("harbor.example.net").is_none(), "{text}");
        assert!(configs["other.example.net"]["tls"].is_table_like(), "{text}");
        let r = merge(file, &form("other.example.net"));
        let text = r.text.expect("merged");
        let doc: toml_edit::DocumentMut = text.parse().expect("toml");
        let other = &doc["plugins"]["io.containerd.grpc.v1.cri"]["registry"]["configs"]["other.example.net"];
        assert!(other.get("tls").is_none() && other["auth"]["username"].as_str() == Some("u"), "{text}");
    }

    /// Review 6, L1: a target that reads the list keeps it.
    #[test]
    fn a_list_is_kept_for_targets_that_read_it() {
        let r = merge(LIST, &form("1.6.20", ""));
        assert!(r.changes.is_empty(), "{:?}", r.changes);
        assert_eq!(r.config_path.as_deref(), Some("/etc/containerd/certs.d"));
        let d = r.diagnostics.iter().find(|d| d.code == "merge.config-path-list").expect("warned");
        assert!(
            d.message.contains("reads every directory") && d.message.contains("after an upgrade to 2.1+"),
            "{}",
            d.message
        );
        // The form's own directory joins the list (first, where doctor looks).
        let r = merge(LIST, &form("2.0", "/srv/certs.d"));
        assert_eq!(config_path(r.text.as_deref().unwrap()), "/srv/certs.d:/etc/containerd/certs.d:/etc/docker/certs.d");
        assert_eq!(r.config_path.as_deref(), Some("/srv/certs.d"));
        assert!(r.dropped_config_dirs.is_empty());
        // Idempotent.
        let again = merge(r.text.as_deref().unwrap(), &form("2.0", "/srv/certs.d"));
        assert!(again.changes.is_empty(), "{:?}", again.changes);
    }

    #[test]
    fn a_list_cut_for_2_1_names_the_registries_that_lose_their_files() {
        let mut r = merge(LIST, &form("2.1", ""));
        assert_eq!(config_path(r.text.as_deref().unwrap()), "/etc/containerd/certs.d");
        assert_eq!(r.dropped_config_dirs, ["/etc/docker/certs.d"]);
        r.name_lost_registries(&[("/etc/docker/certs.d".to_owned(), vec!["harbor.example.net".to_owned()])]);
        let d = r.diagnostics.iter().find(|d| d.code == "merge.config-path-list").expect("warned");
        assert!(d.message.contains("harbor.example.net (in /etc/docker/certs.d)"), "{}", d.message);
        assert!(d.message.contains("ca.crt"), "{}", d.message);
    }

    /// Operator review 7, L2: on a 1.4 target the inline keys stay, and a pasted
    /// `insecure_skip_verify = true` the form does not set is warned about, as 1.5+ does
    /// through the carry.
    #[test]
    fn a_kept_inline_skip_verify_is_warned_about() {
        let file = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry.configs.\"harbor.example.net\".tls]\n  insecure_skip_verify = true\n";
        let form = |extra: &str| {
            let text = format!("containerd = \"1.4.13\"\n[[registry]]\nhost = \"harbor.example.net\"\n{extra}");
            crate::parse_form(&text, crate::FormFormat::Toml).expect("form")
        };
        let r = merge(file, &form(""));
        assert!(r.text.as_deref().is_some_and(|t| t.contains("insecure_skip_verify = true")));
        let w = r.diagnostics.iter().find(|d| d.code == "merge.skip-verify-kept").expect("warned");
        assert_eq!((w.severity, w.field.as_str()), (crate::diagnostic::Severity::Warning, "existing_config"));
        assert!(
            w.message.contains("plugins.\"io.containerd.grpc.v1.cri\".registry.configs.\"harbor.example.net\".tls")
                && w.message.contains("accepts any certificate"),
            "{}",
            w.message
        );
        assert!(w.fix.contains("give the registry's CA in the form") && w.fix.contains("delete it from that file"));
        // The form's CA turns it off: nothing kept, nothing to say.
        let r = merge(file, &form("ca_file = \"/etc/ssl/certs/ca.pem\"\n"));
        assert!(r.text.as_deref().is_some_and(|t| t.contains("insecure_skip_verify = false")));
        assert!(r.diagnostics.iter().all(|d| d.code != "merge.skip-verify-kept"), "{:?}", r.diagnostics);
        // The form's own skip_verify has the form's warning.
        let r = merge(file, &form("skip_verify = true\n"));
        assert!(r.diagnostics.iter().all(|d| d.code != "merge.skip-verify-kept"), "{:?}", r.diagnostics);
        // With hosts.toml (1.6) the carry moves it and the render warns instead.
        let f = crate::parse_form(
            "containerd = \"1.6.20\"\n[[registry]]\nhost = \"harbor.example.net\"\n",
            crate::FormFormat::Toml,
        )
        .expect("form");
        assert!(merge(file, &f).diagnostics.iter().all(|d| d.code != "merge.skip-verify-kept"));
    }
}
