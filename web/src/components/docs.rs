//! The docs: where each file goes, how to apply and verify, and what each error means.

use pullfix_core::flavor::is_node_containerd_file;
use pullfix_core::host::HostKind;
use pullfix_core::merge::page::MERGED_PATH;
use pullfix_core::{shell, FileKind, Form, OutputFile};
use yew::prelude::*;

use crate::i18n::{Text, ERRORS};
use crate::state::State;

/// The registry the commands name while the form has none.
const EXAMPLE_HOST: &str = "harbor.example.net";

/// The commands that put the node's hosts.toml and CA files in place, run in the unzipped
/// download (its paths mirror the node's): one `mkdir` + `cp` block per directory, i.e.
/// per registry's `<config_path>/<host>` exactly as core wrote the paths. Empty when the
/// outputs hold no such file (no registry, or a target or flavour without certs.d).
pub fn copy_commands(files: &[OutputFile]) -> String {
    let mut dirs: Vec<(&str, Vec<&str>)> = Vec::new();
    for f in files.iter().filter(|f| f.kind != FileKind::ContainerdConfig && is_node_containerd_file(f)) {
        let dir = f.path.rsplit_once('/').map_or("", |(d, _)| d);
        match dirs.iter_mut().find(|(d, _)| *d == dir) {
            Some((_, paths)) => paths.push(&f.path),
            None => dirs.push((dir, vec![&f.path])),
        }
    }
    let mut out = String::new();
    for (dir, paths) in dirs {
        let node_dir = format!("/{dir}");
        let into = format!("{node_dir}/");
        out.push_str(&shell::command(["sudo", "mkdir", "-p", &node_dir]));
        out.push('\n');
        out.push_str(&shell::command(["sudo", "cp"].into_iter().chain(paths).chain([into.as_str()])));
        out.push_str("\n\n");
    }
    out
}

/// `crictl pull` of an image of each registry of the form, as images name the registry
/// (`_default` has no name of its own); empty when there is none.
pub fn pull_commands(form: &Form) -> String {
    let checked = pullfix_core::validate::check(form, &mut Vec::new());
    let mut out = String::new();
    for (_, _, host) in checked.registries().filter(|(_, _, h)| h.kind != HostKind::Default) {
        let image = format!("{}/library/nginx:latest", host.reference());
        out.push_str(&shell::command(["sudo", "crictl", "pull", &image]));
        out.push('\n');
    }
    out
}

/// The "Apply" commands for these outputs: the certs.d files (or, without any registry,
/// the example's, labelled), the config.toml (merged: replace the file; else merge the
/// block), the cluster side.
fn apply_commands(t: &Text, form: &Form, files: &[OutputFile], merged: Option<&OutputFile>) -> String {
    let mut out = String::new();
    let copy = copy_commands(files);
    if !copy.is_empty() {
        out = format!("# {}\n{copy}", t.docs_apply_copy);
    } else if form.registries.iter().all(|r| r.host.trim().is_empty()) {
        out = format!(
            "# {}\n# {}\nsudo mkdir -p /etc/containerd/certs.d/{EXAMPLE_HOST}\n\
             sudo cp etc/containerd/certs.d/{EXAMPLE_HOST}/hosts.toml etc/containerd/certs.d/{EXAMPLE_HOST}/ca.crt /etc/containerd/certs.d/{EXAMPLE_HOST}/\n\n",
            t.docs_example, t.docs_apply_copy
        );
    }
    match merged {
        Some(f) => out.push_str(&format!(
            "# {}\nsudo cp -p /etc/containerd/config.toml /etc/containerd/config.toml.bak\n\
             sudo install -m {} {MERGED_PATH} /etc/containerd/config.toml\n",
            t.docs_apply_replace,
            // The file's mode (`OutputFile::mode`) without octal formatting code in the wasm.
            if f.mode() == 0o600 { "600" } else { "644" }
        )),
        None => out.push_str(&format!("# {}\n", t.docs_apply_merge)),
    }
    out.push_str("sudo systemctl restart containerd\nsudo systemctl status containerd --no-pager\n");
    out.push_str(&cluster_commands(t, form, files));
    out
}

/// The cluster side: each Secret with `kubectl apply -f`, each patch with its
/// `kubectl patch ... --patch-file` command (a patch body is no object: `kubectl apply`
/// rejects it), the fleet DaemonSet with `kubectl apply -f`; empty without such files.
pub fn cluster_commands(t: &Text, form: &Form, files: &[OutputFile]) -> String {
    let checked = pullfix_core::validate::check(form, &mut Vec::new());
    let mut lines = pullfix_core::kubernetes::apply_commands(&checked);
    for f in files.iter().filter(|f| f.path.starts_with("k8s/rollout/")) {
        lines.push_str(&shell::command(["kubectl", "apply", "-f", &f.path]));
        lines.push('\n');
    }
    if lines.is_empty() {
        return lines;
    }
    format!("\n# {}\n{lines}", t.docs_apply_cluster)
}

/// The how-to section under the form, its commands built from the page's outputs.
// Kept out of the first render's code (compiled on first call): ARCHITECTURE.md, "Start-up".
#[inline(never)]
pub fn docs(page: &UseReducerHandle<State>) -> Html {
    let lang = page.lang;
    let t = lang.text();
    let row = |file: &'static str, place: &'static str, after: &'static str| {
        html! { <tr><td><code>{ file }</code></td><td>{ place }</td><td>{ after }</td></tr> }
    };
    let files = &page.rendered.files;
    let merged = files.iter().find(|f| f.path == MERGED_PATH);
    let apply = apply_commands(t, &page.form, files, merged);
    let mut pull = pull_commands(&page.form);
    if pull.is_empty() {
        pull = format!("# {}\nsudo crictl pull {EXAMPLE_HOST}/library/nginx:latest\n", t.docs_example);
    }
    html! {
        <section id="docs" class="docs" aria-labelledby="docs-heading">
            <h2 id="docs-heading">{ t.docs_heading }</h2>
            <h3>{ t.docs_where_heading }</h3>
            <div class="table-scroll">
                <table>
                    <thead><tr><th scope="col">{ t.docs_col_file }</th><th scope="col">{ t.docs_col_where }</th>
                        <th scope="col">{ t.docs_col_after }</th></tr></thead>
                    <tbody>
                        { row("/etc/containerd/config.toml",
                            if merged.is_some() { t.docs_config_where_merged } else { t.docs_config_where },
                            t.docs_config_after) }
                        { row("/etc/containerd/certs.d/<host>/hosts.toml", t.docs_hosts_where, t.docs_hosts_after) }
                        { row("/etc/containerd/certs.d/<host>/ca.crt", t.docs_ca_where, t.docs_hosts_after) }
                        { row("k8s/secret-*.yaml", t.docs_secret_where, t.docs_secret_after) }
                        { row("k8s/patch-*.yaml", t.docs_patch_where, t.docs_patch_after) }
                    </tbody>
                </table>
            </div>
            <div class="docs-columns">
                <div>
                    <h3>{ t.docs_apply_heading }</h3>
                    <pre class="commands" id="docs-apply">{ apply }</pre>
                    if merged.is_none() {
                        <p class="warning">{ t.docs_zip_warning }</p>
                    }
                </div>
                <div>
                    <h3>{ t.docs_verify_heading }</h3>
                    <p>{ t.docs_verify_pull }</p>
                    <pre class="commands" id="docs-pull">{ pull }</pre>
                    <p>{ t.docs_verify_info }</p>
                    <pre class="commands">{ "sudo crictl info | grep -E 'configPath|sandboxImage'\n" }</pre>
                    <p>{ t.docs_verify_logs }</p>
                    <pre class="commands">{ "sudo journalctl -u containerd --since -10min | grep -i hosts.toml\n" }</pre>
                </div>
            </div>
            <h3>{ t.docs_errors_heading }</h3>
            <div class="table-scroll">
                <table class="errors">
                    <thead><tr><th scope="col">{ t.docs_col_message }</th><th scope="col">{ t.docs_col_cause }</th>
                        <th scope="col">{ t.docs_col_fix }</th></tr></thead>
                    <tbody>
                        { for ERRORS.iter().map(|e| html! {
                            <tr>
                                <td><code>{ e.seen }</code></td>
                                <td>{ lang.pick(e.cause) }</td>
                                <td>{ lang.pick(e.fix) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use pullfix_core::{Mirror, Registry};

    const PEM: &str = crate::test_support::CA_PEM;

    fn form(config_path: &str, registries: Vec<Registry>) -> Form {
        Form { containerd: "1.7".into(), config_path: config_path.into(), registries, ..Form::default() }
    }

    fn apply(lang: Lang, form: &Form) -> String {
        let files = pullfix_core::render(form).files;
        apply_commands(lang.text(), form, &files, None)
    }

    #[test]
    fn commands_name_the_forms_directories() {
        let f = form(
            "",
            vec![
                Registry { host: "10.50.1.104:8443".into(), ca_pem: PEM.into(), ..Registry::default() },
                Registry { host: "docker.io".into(), ..Registry::default() },
                Registry {
                    host: "_default".into(),
                    mirrors: vec![Mirror { url: "https://mirror.example.net".into(), ..Mirror::default() }],
                    ..Registry::default()
                },
            ],
        );
        let d = "etc/containerd/certs.d";
        let expected = format!(
            "sudo mkdir -p /{d}/10.50.1.104:8443\nsudo cp {d}/10.50.1.104:8443/hosts.toml {d}/10.50.1.104:8443/ca.crt /{d}/10.50.1.104:8443/\n\n\
             sudo mkdir -p /{d}/docker.io\nsudo cp {d}/docker.io/hosts.toml /{d}/docker.io/\n\n\
             sudo mkdir -p /{d}/_default\nsudo cp {d}/_default/hosts.toml /{d}/_default/\n\n"
        );
        assert_eq!(copy_commands(&pullfix_core::render(&f).files), expected);
        assert_eq!(
            pull_commands(&f),
            "sudo crictl pull 10.50.1.104:8443/library/nginx:latest\nsudo crictl pull docker.io/library/nginx:latest\n"
        );
        let all = apply(Lang::En, &f);
        assert!(!all.contains(EXAMPLE_HOST) && !all.contains(Lang::En.text().docs_example), "{all}");
    }

    #[test]
    fn the_config_path_is_quoted() {
        let f = form("/srv/my certs", vec![Registry { host: "harbor.example.net".into(), ..Registry::default() }]);
        let copy = copy_commands(&pullfix_core::render(&f).files);
        assert!(copy.starts_with("sudo mkdir -p '/srv/my certs/harbor.example.net'\n"), "{copy}");
        assert!(copy.contains(" '/srv/my certs/harbor.example.net/'\n"), "{copy}");
    }

    #[test]
    fn without_a_registry_the_example_says_so() {
        for lang in [Lang::En, Lang::Zh] {
            let t = lang.text();
            let all = apply(lang, &form("", Vec::new()));
            assert!(all.starts_with(&format!("# {}\n# {}\n", t.docs_example, t.docs_apply_copy)), "{all}");
            assert!(all.contains(&format!("# {}\n", t.docs_apply_merge)), "{all}");
        }
        assert_eq!(pull_commands(&form("", Vec::new())), "");
        // A registry whose target writes no certs.d (containerd 1.4: config.toml only):
        // no copy commands, and no example either.
        let mut old = form("", vec![Registry { host: "harbor.example.net".into(), ..Registry::default() }]);
        old.containerd = "1.4".into();
        let all = apply(Lang::En, &old);
        assert!(!all.contains("certs.d"), "{all}");
    }

    #[test]
    fn a_merged_file_is_replaced_not_merged() {
        let f = form("", vec![Registry { host: "harbor.example.net".into(), ..Registry::default() }]);
        let existing =
            "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd]\n  snapshotter = \"overlayfs\"\n";
        let out = pullfix_core::merge::page::render_merged(&f, existing, Default::default());
        let merged = out.rendered.files.iter().find(|f| f.path == MERGED_PATH).expect("a merged file");
        for lang in [Lang::En, Lang::Zh] {
            let t = lang.text();
            let all = apply_commands(t, &f, &out.rendered.files, Some(merged));
            assert!(all.contains(&format!("# {}\n", t.docs_apply_replace)), "{all}");
            assert!(all.contains("sudo install -m 644 merged/config.toml /etc/containerd/config.toml\n"), "{all}");
            assert!(!all.contains(t.docs_apply_merge), "{all}");
            assert!(all.contains("sudo mkdir -p /etc/containerd/certs.d/harbor.example.net\n"), "{all}");
        }
    }

    #[test]
    fn the_cluster_side_applies_secrets_and_patches_patches() {
        use pullfix_core::{Kubernetes, PatchTarget};
        let mut f = form(
            "",
            vec![Registry {
                host: "harbor.example.net".into(),
                username: "robot$ci".into(),
                password: "pw".into(),
                ..Registry::default()
            }],
        );
        f.kubernetes = Kubernetes {
            patches: vec![PatchTarget {
                kind: "ServiceAccount".into(),
                name: "default".into(),
                namespace: String::new(),
            }],
            ..Kubernetes::default()
        };
        for lang in [Lang::En, Lang::Zh] {
            let all = apply(lang, &f);
            assert!(
                all.contains(&format!(
                    "# {}\nkubectl apply -f k8s/secret-regcred-default.yaml\n",
                    lang.text().docs_apply_cluster
                )),
                "{all}"
            );
            assert!(all.contains("kubectl patch serviceaccount default -n default --type=json --patch-file k8s/patch-serviceaccount-default.yaml ||\n"), "{all}");
            // The review's failure: kubectl apply on the whole directory (patch bodies included).
            assert!(!all.contains("kubectl apply -f k8s/\n") && !all.contains("apply -f k8s/patch"), "{all}");
        }
        // No credentials, no objects: no cluster side at all.
        let plain =
            apply(Lang::En, &form("", vec![Registry { host: "harbor.example.net".into(), ..Registry::default() }]));
        assert!(!plain.contains("kubectl"), "{plain}");
    }
}
