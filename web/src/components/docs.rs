//! The docs: where each file goes, how to apply and verify, and what each error means.

use pullfix_core::flavor::Flavor;
use pullfix_core::host::HostKind;
use pullfix_core::merge::page::{DIFF_PATH, MERGED_PATH};
use pullfix_core::node_script::CONFIG_TOML;
use pullfix_core::validate::Style;
use pullfix_core::{shell, AfterApply, FileKind, Form, OutputFile, Placement};
use yew::prelude::*;

use crate::components::output_card::{file_after_note, place_label, placement};
use crate::i18n::{fill, Text, ERRORS};
use crate::state::State;

/// The registry the commands name while the form has none.
const EXAMPLE_HOST: &str = "harbor.example.net";

/// The commands that put the node files in place, run in the unzipped download (its
/// paths mirror the node's): one `mkdir` + `cp` block per directory, exactly as core
/// wrote the paths (certs.d `<config_path>/<host>` with hosts.toml and CA; k3s/RKE2
/// registries.yaml and its CA files). The config.toml block is merged, not copied, and
/// files for the workstation or the Ansible controller stay where they are. Empty when
/// the outputs hold no such file (no registry, or a target without certs.d).
pub fn copy_commands(files: &[OutputFile]) -> String {
    let mut out = String::new();
    for (dir, paths) in node_dirs(files) {
        let node_dir = format!("/{dir}");
        let into = format!("{node_dir}/");
        out.push_str(&shell::command(["sudo", "mkdir", "-p", &node_dir]));
        out.push('\n');
        out.push_str(&shell::command(["sudo", "cp"].into_iter().chain(paths).chain([into.as_str()])));
        out.push_str("\n\n");
    }
    out
}

/// The node's system trust store, where containerd 1.2's CA goes (core's `plan`).
pub const SYSTEM_CA_DIR: &str = "usr/local/share/ca-certificates";

/// Whether a file is a CA for the node's system trust store (containerd 1.2 and older
/// trust nothing else): `update-ca-certificates`, then a restart (review 12 D1).
pub fn in_system_store(f: &OutputFile) -> bool {
    f.placement == Placement::Node && f.path.strip_prefix(SYSTEM_CA_DIR).is_some_and(|p| p.starts_with('/'))
}

/// The node files to copy (see [`copy_commands`]) grouped by directory, in output order.
fn node_dirs(files: &[OutputFile]) -> Vec<(&str, Vec<&str>)> {
    let mut dirs: Vec<(&str, Vec<&str>)> = Vec::new();
    let copied = |f: &&OutputFile| {
        f.placement == Placement::Node && f.kind != FileKind::ContainerdConfig && f.path != MERGED_PATH
    };
    for f in files.iter().filter(copied) {
        let dir = f.path.rsplit_once('/').map_or("", |(d, _)| d);
        match dirs.iter_mut().find(|(d, _)| *d == dir) {
            Some((_, paths)) => paths.push(&f.path),
            None => dirs.push((dir, vec![&f.path])),
        }
    }
    dirs
}

/// The command that prints the node's config.toml, for the merge box's hint: `cat` on a
/// node's shell, through `minikube ssh` on minikube (as the Apply block prints it).
pub fn print_config_command(flavor: Flavor) -> String {
    match flavor {
        Flavor::Minikube => on_node(flavor, &["cat", CONFIG_TOML]),
        _ => shell::command(["cat", CONFIG_TOML]),
    }
}

/// A command run on a node the way the flavour reaches one: `sudo` on a node's shell,
/// `k3s crictl` / RKE2's own crictl and socket, `docker exec` into kind's node container,
/// `minikube ssh` (whose remote shell reads the command again: quoted as one word).
fn on_node(flavor: Flavor, words: &[&str]) -> String {
    let crictl = words.first() == Some(&"crictl");
    let rest = if crictl { &words[1..] } else { words };
    let run = |prefix: &[&str]| shell::command(prefix.iter().chain(rest).copied());
    match flavor {
        Flavor::K3s if crictl => run(&["sudo", "k3s", "crictl"]),
        Flavor::Rke2 if crictl => run(&[
            "sudo",
            "/var/lib/rancher/rke2/bin/crictl",
            "--runtime-endpoint",
            "unix:///run/k3s/containerd/containerd.sock",
        ]),
        Flavor::Kind => shell::command(["docker", "exec", "kind-control-plane"].iter().chain(words).copied()),
        Flavor::Minikube => {
            format!("minikube ssh -- {}", shell::quote(&shell::command(["sudo"].iter().chain(words).copied())))
        }
        _ => shell::command(["sudo"].iter().chain(words).copied()),
    }
}

/// `crictl pull` of an image of each registry of the form, as images name the registry
/// (`_default` has no name of its own), run on a node of the flavour; empty when there is
/// none. A registry whose credentials are only in the pull Secret (a username, no node
/// credentials) gets `--creds 'USER:<password>'`, the password a placeholder: crictl
/// does not use the Secret, so a private repository answers 401 without them. Talos
/// pulls with `talosctl image pull`, which takes no credentials: a comment says so.
pub fn pull_commands(t: &Text, form: &Form) -> String {
    let checked = pullfix_core::validate::check(form, &mut Vec::new());
    let mut out = String::new();
    for (i, _, host) in checked.registries().filter(|(_, _, h)| h.kind != HostKind::Default) {
        let image = format!("{}/library/nginx:latest", host.reference());
        // The Secret's rule: a registry pulled through an authenticating mirror tests with
        // the mirror's account (Docker Hub through a Harbor proxy cache).
        let creds = pullfix_core::pull_auth::test_pull_creds(&checked, i).map(|t| t.creds);
        if form.flavor == Flavor::Talos {
            if creds.is_some() {
                out.push_str(&format!("# {}\n", t.docs_pull_401));
            }
            out.push_str(&format!("talosctl -n <node IP> image pull {}\n", shell::quote(&image)));
            continue;
        }
        let mut words = vec!["crictl", "pull"];
        if let Some(c) = &creds {
            out.push_str(&format!("# {}\n", t.docs_pull_creds));
            words.extend(["--creds", c.as_str()]);
        }
        words.push(&image);
        out.push_str(&on_node(form.flavor, &words));
        out.push('\n');
    }
    out
}

/// The "Verify" commands after the pull: the configuration containerd loaded, and its log
/// lines about hosts.toml, on a node of the flavour.
fn verify_commands(flavor: Flavor, two_x: bool) -> (String, String) {
    let hosts = "grep -i hosts.toml";
    let info = " | grep -E 'configPath|sandboxImage'\n";
    let log = |d: &str| format!("sudo {hosts} /var/lib/rancher/{d}/agent/containerd/containerd.log\n");
    match flavor {
        Flavor::Talos => (
            "talosctl -n <node IP> read /etc/cri/conf.d/cri.toml | grep -E 'config_path|sandbox'\n".to_owned(),
            format!("talosctl -n <node IP> logs cri | {hosts}\n"),
        ),
        // 2.x's `crictl info` shows only the runtime's config: no config_path, no sandbox image
        // (2.1.9, tests/acceptance.rs). A containerd binary of its own: its config dump.
        Flavor::Kubeadm | Flavor::Kind | Flavor::Kubespray | Flavor::Minikube if two_x => (
            // The line under each header: `sandbox = ...` and the CRI registry's `config_path`
            // (the transfer service has a config_path of its own; review 11 web N2).
            format!(
                "{} | grep -A1 -E \"cri.v1.images'.(pinned_images|registry)]\"\n",
                on_node(flavor, &["containerd", "config", "dump"])
            ),
            format!("{} | {hosts}\n", on_node(flavor, &["journalctl", "-u", "containerd", "--since", "-10min"])),
        ),
        _ => (
            format!("{}{info}", on_node(flavor, &["crictl", "info"])),
            match flavor {
                Flavor::K3s => log("k3s"),
                Flavor::Rke2 => log("rke2"),
                _ => {
                    format!("{} | {hosts}\n", on_node(flavor, &["journalctl", "-u", "containerd", "--since", "-10min"]))
                }
            },
        ),
    }
}

/// The "Apply" commands for these outputs, as the flavour installs them, then the
/// cluster side. kubeadm: the certs.d files (or, without any registry, the example's,
/// labelled), the config.toml (merged: replace the file; else merge the block) and a
/// containerd restart. k3s/RKE2: registries.yaml and its CA files, then a restart of
/// the distribution's service. kind, Talos, minikube: their tool on the workstation.
/// Kubespray: the playbook on the Ansible controller (and CA files still to copy).
fn apply_commands(t: &Text, form: &Form, files: &[OutputFile], merged: Option<&OutputFile>, preview: bool) -> String {
    let copy = copy_commands(files);
    let mut out = String::new();
    match form.flavor {
        Flavor::Kubeadm => out.push_str(&kubeadm_commands(t, form, files, &copy, merged, preview)),
        Flavor::K3s | Flavor::Rke2 => {
            let (d, server, agent) = if form.flavor == Flavor::K3s {
                ("k3s", "k3s", "k3s-agent")
            } else {
                ("rke2", "rke2-server", "rke2-agent")
            };
            out.push_str(&format!(
                "# {}\n{copy}# {}\nsudo systemctl restart {server}\n# {}\nsudo systemctl restart {agent}\n",
                fill(t.docs_apply_rancher, "d", d),
                fill(t.docs_restart_servers, "d", d),
                t.docs_restart_agents
            ));
        }
        Flavor::Kind => {
            out.push_str(&format!("# {}\n(cd kind && kind create cluster --config cluster.yaml)\n", t.docs_apply_kind))
        }
        Flavor::Talos => out.push_str(&format!(
            "# {}\ntalosctl patch machineconfig --patch @talos/registries-patch.yaml --nodes <node IPs>\n",
            t.docs_apply_talos
        )),
        Flavor::Kubespray => {
            out.push_str(&format!(
                "# {}\nansible-playbook -i inventory/<cluster>/hosts.yaml -b cluster.yml --tags containerd\n",
                t.docs_apply_kubespray
            ));
            if files.iter().any(in_system_store) {
                out.push_str(&format!(
                    "\n# {}\n{copy}sudo update-ca-certificates\nsudo systemctl restart containerd\n",
                    t.docs_apply_copy_system
                ));
            } else if !copy.is_empty() {
                // Usually only the CA files; hosts.toml too when `_default` has one.
                let hosts = node_dirs(files).iter().flat_map(|(_, p)| p).any(|p| p.ends_with("/hosts.toml"));
                let what = if hosts { t.docs_apply_copy } else { t.docs_apply_copy_ca };
                out.push_str(&format!("\n# {what}\n{copy}"));
            }
        }
        Flavor::Minikube => out.push_str(&minikube_commands(t, files, merged, preview)),
    }
    out.push_str(&cluster_commands(t, form, files));
    out
}

/// minikube's node side: the start flags, `minikube cp` of the certs.d files, and the
/// config.toml block: without a merged file, print the node's file for the merge box;
/// with one, back the node's file up, `minikube cp` the merged file in, restart containerd.
fn minikube_commands(t: &Text, files: &[OutputFile], merged: Option<&OutputFile>, preview: bool) -> String {
    let mut out = format!("# {}\nsh minikube/start.sh\n", t.docs_apply_minikube);
    for (dir, paths) in node_dirs(files) {
        for p in paths {
            let name = p.rsplit('/').next().unwrap_or(p);
            out.push_str(&shell::command(["minikube", "cp", p, &format!("/{dir}/{name}")]));
            out.push('\n');
        }
    }
    let ssh = |words: &[&str]| format!("{}\n", on_node(Flavor::Minikube, words));
    if files.iter().any(in_system_store) {
        out.push_str(&ssh(&["update-ca-certificates"]));
        // The merged file's install restarts containerd below.
        if merged.is_none() || preview {
            out.push_str(&ssh(&["systemctl", "restart", "containerd"]));
        }
    }
    match merged {
        // Withheld by an error: not a step to follow (the review's L1).
        Some(_) if preview => out.push_str(&format!("\n# {}\n", t.docs_apply_preview)),
        Some(f) => {
            out.push_str(&format!("\n# {}\n", t.docs_apply_minikube_replace));
            out.push_str(&ssh(&["cp", "-p", CONFIG_TOML, "/etc/containerd/config.toml.bak"]));
            out.push_str(&shell::command(["minikube", "cp", MERGED_PATH, CONFIG_TOML]));
            out.push('\n');
            if f.sensitive {
                out.push_str(&ssh(&["chmod", "600", CONFIG_TOML]));
            }
            out.push_str(&ssh(&["systemctl", "restart", "containerd"]));
        }
        None if files.iter().any(|f| f.kind == FileKind::ContainerdConfig) => {
            out.push_str(&format!("\n# {}\n", t.docs_apply_minikube_print));
            out.push_str(&ssh(&["cat", CONFIG_TOML]));
        }
        None => {}
    }
    out
}

/// kubeadm's node side: copy the certs.d files, put the config.toml block in, restart.
fn kubeadm_commands(
    t: &Text,
    form: &Form,
    files: &[OutputFile],
    copy: &str,
    merged: Option<&OutputFile>,
    preview: bool,
) -> String {
    let mut out = String::new();
    if files.iter().any(in_system_store) {
        out = format!("# {}\n{copy}sudo update-ca-certificates\n\n", t.docs_apply_copy_system);
    } else if !copy.is_empty() {
        out = format!("# {}\n{copy}", t.docs_apply_copy);
    } else if form.registries.iter().all(|r| r.host.trim().is_empty()) {
        out = format!(
            "# {}\n# {}\nsudo mkdir -p /etc/containerd/certs.d/{EXAMPLE_HOST}\n\
             sudo cp etc/containerd/certs.d/{EXAMPLE_HOST}/hosts.toml etc/containerd/certs.d/{EXAMPLE_HOST}/ca.crt /etc/containerd/certs.d/{EXAMPLE_HOST}/\n\n",
            t.docs_example, t.docs_apply_copy
        );
    }
    match merged {
        // Withheld by an error: no install, and nothing to restart for (the review's L1).
        Some(_) if preview => {
            out.push_str(&format!("# {}\n", t.docs_apply_preview));
            return out;
        }
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

/// The rows of "Where each file goes" for this form: `(file, where, afterwards)`. They
/// follow the flavour (its own files, labelled where they really go), the form's
/// `config_path`, and the target: without certs.d (containerd 1.2–1.4, or the inline
/// keys) a row says that everything is in config.toml.
pub fn where_rows(t: &Text, form: &Form, files: &[OutputFile], preview: bool) -> Vec<(String, &'static str, String)> {
    let checked = pullfix_core::validate::check(form, &mut Vec::new());
    let dir = checked.config_path.trim_end_matches('/');
    let merged = files.iter().any(|f| f.path == MERGED_PATH);
    let ca = |under: &str| files.iter().any(|f| f.kind == FileKind::Certificate && f.path.starts_with(under));
    let own = |file: &str, place, after: &str| (file.to_owned(), place, after.to_owned());
    let mut rows = match form.flavor {
        Flavor::Kubeadm | Flavor::Minikube => {
            let mut rows = vec![if merged && preview {
                own(CONFIG_TOML, t.docs_config_where_preview, t.docs_preview_after)
            } else if form.flavor == Flavor::Minikube {
                own(
                    CONFIG_TOML,
                    if merged { t.docs_minikube_config_where_merged } else { t.docs_minikube_config_where },
                    &on_node(Flavor::Minikube, &["systemctl", "restart", "containerd"]),
                )
            } else {
                own(
                    CONFIG_TOML,
                    if merged { t.docs_config_where_merged } else { t.docs_config_where },
                    t.docs_config_after,
                )
            }];
            if checked.style == Style::HostsToml {
                rows.push((format!("{dir}/<host>/hosts.toml"), t.docs_hosts_where, t.docs_hosts_after.to_owned()));
                rows.push((format!("{dir}/<host>/ca.crt"), t.docs_ca_where, t.docs_hosts_after.to_owned()));
            } else {
                rows.push(own("certs.d", t.docs_no_certs_d, t.docs_config_after));
            }
            if form.flavor == Flavor::Minikube {
                rows.insert(0, own("minikube/start.sh", t.on_workstation, "sh minikube/start.sh"));
            }
            rows
        }
        Flavor::K3s | Flavor::Rke2 => {
            let (d, server, agent) = if form.flavor == Flavor::K3s {
                ("k3s", "k3s", "k3s-agent")
            } else {
                ("rke2", "rke2-server", "rke2-agent")
            };
            let restart = format!("systemctl restart {server} / {agent}");
            vec![
                (format!("/etc/rancher/{d}/registries.yaml"), t.docs_rancher_where, restart.clone()),
                (format!("/etc/rancher/{d}/certs/<host>/ca.crt"), t.on_node, restart),
            ]
        }
        Flavor::Kind => {
            let mut rows = vec![
                own("kind/cluster.yaml", t.on_workstation, "kind create cluster --config cluster.yaml"),
                own("kind/certs.d/<host>/hosts.toml", t.on_workstation, t.docs_hosts_after),
            ];
            if ca("kind/") {
                rows.push(own("kind/certs.d/<host>/ca.crt", t.on_workstation, t.docs_hosts_after));
            }
            rows
        }
        Flavor::Talos => vec![own(
            "talos/registries-patch.yaml",
            t.on_workstation,
            "talosctl patch machineconfig --patch @talos/registries-patch.yaml",
        )],
        Flavor::Kubespray => {
            let mut rows = vec![own(
                "kubespray/group_vars/all/containerd.yml",
                t.on_ansible_controller,
                "ansible-playbook -b cluster.yml --tags containerd",
            )];
            // The files still copied onto the nodes: `_default`'s hosts.toml, the CA files.
            for f in files.iter().filter(|f| f.placement == Placement::Node && f.kind == FileKind::HostsToml) {
                rows.push((format!("/{}", f.path), t.docs_hosts_where, t.docs_hosts_after.to_owned()));
            }
            if files.iter().any(|f| f.placement == Placement::Node && f.kind == FileKind::Certificate) {
                rows.push((format!("{dir}/<host>/ca.crt"), t.docs_ca_where, t.docs_kubespray_ca_after.to_owned()));
            }
            rows
        }
    };
    rows.push(own("k8s/secret-*.yaml", t.docs_secret_where, t.docs_secret_after));
    rows.push(own("k8s/patch-*.yaml", t.docs_patch_where, t.docs_patch_after));
    // Every other file that has a card (commands.sh, the fleet tools, a CA file outside
    // certs.d, the merge's diff): a row from its card's placement and after-apply note.
    for f in files {
        let (place, shown) = placement(f);
        if !rows.iter().any(|(pattern, ..)| covers(pattern, &shown)) {
            let after = if preview && f.path == DIFF_PATH {
                t.docs_preview_after.to_owned()
            } else {
                afterwards(t, form, f, &shown)
            };
            rows.push((shown, place_label(t, place).0, after));
        }
    }
    rows
}

/// What to do with a file that has no row of its own: the command that applies the
/// merge's diff (read it first), the command that runs a script, else its card's notes.
/// Never "see the notes above", which a table row cannot point to (the review's L2).
fn afterwards(t: &Text, form: &Form, f: &OutputFile, shown: &str) -> String {
    if f.path == DIFF_PATH {
        return fill(t.docs_diff_after, "command", &diff_command(form.flavor));
    }
    match (f.after, f.placement) {
        (AfterApply::Run, Placement::RunOnNode) => shell::command(["sudo", "bash", &f.path]),
        (AfterApply::Run, _) => shell::command(["sh", &f.path]),
        (AfterApply::SeeNotes, _) => fill(t.docs_card_after, "path", shown),
        _ => file_after_note(t, f, form.flavor).0.to_owned(),
    }
}

/// `patch /etc/containerd/config.toml < merged/config.toml.diff`, run in the unzipped
/// download (the diff card says the same). On minikube the node's file is patched: the
/// diff is copied in with `minikube cp` and `patch` runs through `minikube ssh`, never on
/// the workstation's own /etc/containerd/config.toml (review 7 L1).
pub fn diff_command(flavor: Flavor) -> String {
    let patch = |diff: &str| format!("sudo patch {} < {}", shell::quote(CONFIG_TOML), shell::quote(diff));
    match flavor {
        Flavor::Minikube => {
            let node_diff = "/tmp/config.toml.diff";
            format!(
                "{} && minikube ssh -- {}",
                shell::command(["minikube", "cp", DIFF_PATH, node_diff]),
                shell::quote(&patch(node_diff))
            )
        }
        _ => patch(DIFF_PATH),
    }
}

/// Whether a row's file pattern stands for `path` (as the card shows it): `<host>` is one
/// path segment, `*` any text within a segment.
fn covers(pattern: &str, path: &str) -> bool {
    let (p, s): (Vec<&str>, Vec<&str>) = (pattern.split('/').collect(), path.split('/').collect());
    p.len() == s.len()
        && p.iter().zip(&s).all(|(p, s)| match p.split_once('*') {
            _ if *p == "<host>" => !s.is_empty(),
            Some((head, tail)) => s.len() >= head.len() + tail.len() && s.starts_with(head) && s.ends_with(tail),
            None => p == s,
        })
}

/// The how-to section under the form, its commands built from the page's outputs.
// Kept out of the first render's code (compiled on first call): ARCHITECTURE.md, "Start-up".
#[inline(never)]
pub fn docs(page: &UseReducerHandle<State>) -> Html {
    let lang = page.lang;
    let t = lang.text();
    let files = &page.rendered.files;
    let merged = files.iter().find(|f| f.path == MERGED_PATH);
    // The merged file withheld by an error (a preview): the docs do not tell to install it.
    let preview = merged.is_some_and(|f| page.rendered.withheld_by(f).is_some());
    let apply = apply_commands(t, &page.form, files, merged, preview);
    let rows = where_rows(t, &page.form, files, preview);
    let mut pull = pull_commands(t, &page.form);
    if pull.is_empty() {
        let image = format!("{EXAMPLE_HOST}/library/nginx:latest");
        pull = format!("# {}\n{}\n", t.docs_example, on_node(page.form.flavor, &["crictl", "pull", &image]));
    }
    let two_x = pullfix_core::version::Target::parse(&page.form.containerd).is_ok_and(|t| t.major >= 2);
    let (info, logs) = verify_commands(page.form.flavor, two_x);
    html! {
        <section id="docs" class="docs" aria-labelledby="docs-heading">
            <h2 id="docs-heading">{ t.docs_heading }</h2>
            <h3>{ t.docs_where_heading }</h3>
            <div class="table-scroll">
                <table id="docs-where">
                    <thead><tr><th scope="col">{ t.docs_col_file }</th><th scope="col">{ t.docs_col_where }</th>
                        <th scope="col">{ t.docs_col_after }</th></tr></thead>
                    <tbody>
                        { for rows.into_iter().map(|(file, place, after)| html! {
                            <tr><td><code>{ file }</code></td><td>{ place }</td><td>{ after }</td></tr>
                        }) }
                    </tbody>
                </table>
            </div>
            <div class="docs-columns">
                <div>
                    <h3>{ t.docs_apply_heading }</h3>
                    <pre class="commands" id="docs-apply">{ apply }</pre>
                    if merged.is_none() && files.iter().any(|f| f.kind == FileKind::ContainerdConfig) {
                        <p class="warning">{ t.docs_zip_warning }</p>
                    }
                </div>
                <div>
                    <h3>{ t.docs_verify_heading }</h3>
                    <p>{ t.verify_pull(page.form.flavor) }</p>
                    <pre class="commands" id="docs-pull">{ pull }</pre>
                    <p>{ if two_x { t.docs_verify_dump } else { t.docs_verify_info } }</p>
                    <pre class="commands" id="docs-info">{ info }</pre>
                    <p>{ t.docs_verify_logs }</p>
                    <pre class="commands" id="docs-logs">{ logs }</pre>
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
    use crate::components::output_card::after_note;
    use crate::i18n::Lang;
    use pullfix_core::{Mirror, Registry};

    const PEM: &str = crate::test_support::CA_PEM;

    fn form(config_path: &str, registries: Vec<Registry>) -> Form {
        Form { containerd: "1.7".into(), config_path: config_path.into(), registries, ..Form::default() }
    }

    fn apply(lang: Lang, form: &Form) -> String {
        let files = pullfix_core::render(form).files;
        apply_commands(lang.text(), form, &files, None, false)
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
            pull_commands(Lang::En.text(), &f),
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
        assert_eq!(pull_commands(Lang::En.text(), &form("", Vec::new())), "");
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
            let all = apply_commands(t, &f, &out.rendered.files, Some(merged), false);
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

    fn harbor(flavor: Flavor) -> Form {
        let mut f = form(
            "",
            vec![Registry {
                host: "harbor.example.net".into(),
                ca_pem: PEM.into(),
                username: "robot$ci".into(),
                password: "s3cret".into(),
                ..Registry::default()
            }],
        );
        f.flavor = flavor;
        f
    }

    /// The review's M1: the Apply commands follow the flavour, never kubeadm's on a
    /// distribution that has no containerd.service or no shell.
    #[test]
    fn apply_commands_follow_the_flavour() {
        let t = Lang::En.text();
        let kubeadm_only = ["systemctl restart containerd", t.docs_apply_merge, "/etc/containerd/certs.d"];
        let cases: [(Flavor, &[&str]); 6] = [
            (
                Flavor::K3s,
                &[
                    "sudo mkdir -p /etc/rancher/k3s\nsudo cp etc/rancher/k3s/registries.yaml /etc/rancher/k3s/\n",
                    "sudo cp etc/rancher/k3s/certs/harbor.example.net/ca.crt /etc/rancher/k3s/certs/harbor.example.net/\n",
                    "sudo systemctl restart k3s\n",
                    "sudo systemctl restart k3s-agent\n",
                ],
            ),
            (
                Flavor::Rke2,
                &[
                    "sudo cp etc/rancher/rke2/registries.yaml /etc/rancher/rke2/\n",
                    "sudo systemctl restart rke2-server\n",
                    "sudo systemctl restart rke2-agent\n",
                ],
            ),
            (Flavor::Kind, &["(cd kind && kind create cluster --config cluster.yaml)\n"]),
            (Flavor::Talos, &["talosctl patch machineconfig --patch @talos/registries-patch.yaml --nodes <node IPs>\n"]),
            (
                Flavor::Kubespray,
                &[
                    "ansible-playbook -i inventory/<cluster>/hosts.yaml -b cluster.yml --tags containerd\n",
                    t.docs_apply_kubespray,
                ],
            ),
            (
                Flavor::Minikube,
                &[
                    "sh minikube/start.sh\n",
                    "minikube cp etc/containerd/certs.d/harbor.example.net/hosts.toml /etc/containerd/certs.d/harbor.example.net/hosts.toml\n",
                ],
            ),
        ];
        for (flavor, want) in cases {
            let all = apply(Lang::En, &harbor(flavor));
            for w in want {
                assert!(all.contains(w), "{flavor}: no {w:?} in\n{all}");
            }
            for k in kubeadm_only {
                // Kubespray's and minikube's nodes keep containerd's certs.d for the files copied there.
                if matches!(flavor, Flavor::Kubespray | Flavor::Minikube) && k == "/etc/containerd/certs.d" {
                    continue;
                }
                assert!(!all.contains(k), "{flavor}: kubeadm's {k:?} in\n{all}");
            }
            assert!(!all.contains("sudo mkdir -p /kind") && !all.contains("sudo mkdir -p /talos"), "{all}");
            assert!(all.contains("kubectl apply -f k8s/secret-regcred-default.yaml\n"), "{flavor}: {all}");
        }
        let kubeadm = apply(Lang::En, &harbor(Flavor::Kubeadm));
        for k in kubeadm_only {
            assert!(kubeadm.contains(k), "{kubeadm}");
        }
    }

    /// The review's M3: with the credentials only in the Secret the test pull passes them
    /// (user quoted, password a placeholder) and says why; the flavour's crictl is used.
    #[test]
    fn the_test_pull_follows_the_flavour_and_the_credentials() {
        let t = Lang::En.text();
        let pulls = |flavor| pull_commands(t, &harbor(flavor));
        let creds = "--creds 'robot$ci:<password>' harbor.example.net/library/nginx:latest\n";
        assert_eq!(pulls(Flavor::Kubeadm), format!("# {}\nsudo crictl pull {creds}", t.docs_pull_creds));
        assert!(pulls(Flavor::K3s).ends_with(&format!("\nsudo k3s crictl pull {creds}")), "{}", pulls(Flavor::K3s));
        assert!(pulls(Flavor::Kind).ends_with(&format!("\ndocker exec kind-control-plane crictl pull {creds}")));
        assert!(pulls(Flavor::Rke2).contains("/var/lib/rancher/rke2/bin/crictl --runtime-endpoint unix:///run/k3s/containerd/containerd.sock pull --creds"));
        // minikube ssh hands the command to the node's shell: one quoted word.
        assert!(pulls(Flavor::Minikube).ends_with(
            "\nminikube ssh -- 'sudo crictl pull --creds '\\''robot$ci:<password>'\\'' harbor.example.net/library/nginx:latest'\n"
        ), "{}", pulls(Flavor::Minikube));
        assert_eq!(
            pulls(Flavor::Talos),
            format!(
                "# {}\ntalosctl -n <node IP> image pull harbor.example.net/library/nginx:latest\n",
                t.docs_pull_401
            )
        );
        for flavor in pullfix_core::flavor::ALL {
            assert!(!pulls(flavor).contains("s3cret"), "never the password");
        }
        // Docker Hub through the Harbor proxy cache, the account only in the Secret: the
        // Secret's docker.io entry carries Harbor's account, so the test pull does too.
        let mut proxied = harbor(Flavor::Kubeadm);
        proxied.registries.insert(
            0,
            pullfix_core::Registry {
                host: "docker.io".into(),
                mirror_only: true,
                mirrors: vec![pullfix_core::Mirror {
                    url: "https://harbor.example.net/v2/dockerhub-proxy".into(),
                    override_path: true,
                    ..pullfix_core::Mirror::default()
                }],
                ..pullfix_core::Registry::default()
            },
        );
        let both = pull_commands(t, &proxied);
        assert!(
            both.contains("sudo crictl pull --creds 'robot$ci:<password>' docker.io/library/nginx:latest\n"),
            "{both}"
        );
        let mut on_nodes = harbor(Flavor::Kubeadm);
        on_nodes.registries[0].node_auth = true;
        assert_eq!(pull_commands(t, &on_nodes), "sudo crictl pull harbor.example.net/library/nginx:latest\n");
        let (info, logs) = verify_commands(Flavor::K3s, false);
        assert_eq!(info, "sudo k3s crictl info | grep -E 'configPath|sandboxImage'\n");
        assert_eq!(logs, "sudo grep -i hosts.toml /var/lib/rancher/k3s/agent/containerd/containerd.log\n");
        assert_eq!(
            verify_commands(Flavor::Kubeadm, false).1,
            "sudo journalctl -u containerd --since -10min | grep -i hosts.toml\n"
        );
        // 2.x: `crictl info` has no config_path and no sandbox image; the config dump does.
        assert_eq!(
            verify_commands(Flavor::Kubeadm, true).0,
            "sudo containerd config dump | grep -A1 -E \"cri.v1.images'.(pinned_images|registry)]\"\n"
        );
    }

    /// The review's L6: the table follows config_path, the target and the flavour.
    /// Review 12 D1: containerd 1.2's CA goes into the system trust store: the Apply
    /// commands run update-ca-certificates after the copy and restart containerd, and no
    /// comment says "no restart needed"; the card's note says the same.
    #[test]
    fn a_system_store_ca_is_installed_with_update_ca_certificates() {
        for lang in [Lang::En, Lang::Zh] {
            for flavor in [Flavor::Kubeadm, Flavor::Kubespray, Flavor::Minikube] {
                let mut f = harbor(flavor);
                f.containerd = "1.2.13".into();
                let files = pullfix_core::render(&f).files;
                let ca = files.iter().find(|f| in_system_store(f)).expect("the CA in the system store");
                assert_eq!(ca.path, "usr/local/share/ca-certificates/harbor.example.net.crt");
                let note = crate::components::output_card::file_after_note(lang.text(), ca, flavor).0;
                assert!(note.contains("sudo update-ca-certificates") && !note.contains("config.toml"), "{note}");
                let all = apply(lang, &f);
                let copied = all.find("usr/local/share/ca-certificates/harbor.example.net.crt").expect("the copy");
                let update =
                    all.find("sudo update-ca-certificates").unwrap_or_else(|| panic!("{flavor}: no update in\n{all}"));
                let restart = all
                    .rfind("systemctl restart containerd")
                    .unwrap_or_else(|| panic!("{flavor}: no restart in\n{all}"));
                assert!(copied < update && update < restart, "{flavor}:\n{all}");
                let t = lang.text();
                assert!(!all.contains(t.docs_apply_copy) && !all.contains(t.docs_apply_copy_ca), "{flavor}:\n{all}");
                assert!(!all.contains("no restart needed") && !all.contains("无需重启"), "{flavor}:\n{all}");
                assert_eq!(all.matches("systemctl restart containerd").count(), 1, "{flavor}: one restart\n{all}");
            }
            // From 1.3 on the CA stays in certs.d: no system store, no update.
            let all = apply(lang, &harbor(Flavor::Kubeadm));
            assert!(!all.contains("update-ca-certificates"), "{all}");
        }
    }

    #[test]
    fn the_where_table_follows_the_form() {
        let t = Lang::En.text();
        let rows_of = |f: &Form| where_rows(t, f, &pullfix_core::render(f).files, false);
        let files = |f: &Form| -> Vec<String> { rows_of(f).into_iter().map(|(file, ..)| file).collect() };
        let kubeadm = files(&harbor(Flavor::Kubeadm));
        assert!(kubeadm.contains(&"/etc/containerd/certs.d/<host>/hosts.toml".to_owned()), "{kubeadm:?}");
        let mut moved = harbor(Flavor::Kubeadm);
        moved.config_path = "/srv/my certs/".into();
        let moved = files(&moved);
        assert!(moved.contains(&"/srv/my certs/<host>/hosts.toml".to_owned()), "{moved:?}");
        assert!(moved.contains(&"/srv/my certs/<host>/ca.crt".to_owned()), "{moved:?}");
        for old in ["1.2", "1.4"] {
            let mut f = harbor(Flavor::Kubeadm);
            f.containerd = old.into();
            let rows = rows_of(&f);
            assert!(rows.iter().all(|(file, ..)| !file.contains("hosts.toml")), "{old}: {rows:?}");
            assert!(rows.iter().any(|(_, place, _)| *place == t.docs_no_certs_d), "{old}: {rows:?}");
        }
        let k3s = rows_of(&harbor(Flavor::K3s));
        assert_eq!(k3s[0].0, "/etc/rancher/k3s/registries.yaml");
        assert_eq!(k3s[0].2, "systemctl restart k3s / k3s-agent");
        assert!(k3s.iter().all(|(file, ..)| !file.starts_with("/etc/containerd")), "{k3s:?}");
        for flavor in [Flavor::Kind, Flavor::Talos] {
            let rows = rows_of(&harbor(flavor));
            // Only the Kubernetes rows and the tool's own files, none of them on a node.
            assert!(
                rows.iter().all(|(file, place, _)| !file.starts_with('/') && *place != t.on_node),
                "{flavor}: {rows:?}"
            );
        }
        assert_eq!(rows_of(&harbor(Flavor::Kind))[0].1, t.on_workstation);
        assert_eq!(rows_of(&harbor(Flavor::Kubespray))[0].1, t.on_ansible_controller);
    }

    /// The review's L1: a row for every file that has a card, whatever the flavour, with a
    /// CA, a `_default` mirror (Kubespray's extra hosts.toml), the fleet tools, a merge.
    #[test]
    fn every_card_has_a_row() {
        let t = Lang::En.text();
        for flavor in pullfix_core::flavor::ALL {
            let mut f = harbor(flavor);
            f.registries.push(Registry {
                host: "_default".into(),
                mirrors: vec![Mirror { url: "https://mirror.example.net".into(), ..Mirror::default() }],
                ..Registry::default()
            });
            f.kubernetes.patches.push(pullfix_core::PatchTarget {
                kind: "ServiceAccount".into(),
                name: "default".into(),
                namespace: String::new(),
            });
            f.rollout.node_script = true;
            f.rollout.daemonset = true;
            let plain = pullfix_core::render(&f).files;
            let merged =
                pullfix_core::merge::page::render_merged(&f, "version = 2\n", Default::default()).rendered.files;
            for files in [plain, merged] {
                let rows = where_rows(t, &f, &files, false);
                for file in &files {
                    let shown = placement(file).1;
                    assert!(rows.iter().any(|(p, ..)| covers(p, &shown)), "{flavor}: no row for {shown}: {rows:#?}");
                }
            }
        }
        let kind = where_rows(t, &harbor(Flavor::Kind), &pullfix_core::render(&harbor(Flavor::Kind)).files, false);
        assert!(kind.iter().any(|(p, w, _)| p == "kind/certs.d/<host>/ca.crt" && *w == t.on_workstation), "{kind:?}");
        let spray = harbor(Flavor::Kubespray);
        let rows = where_rows(t, &spray, &pullfix_core::render(&spray).files, false);
        assert!(
            rows.iter().any(|(p, w, a)| p == "/etc/containerd/certs.d/<host>/ca.crt"
                && *w == t.docs_ca_where
                && a == t.docs_kubespray_ca_after),
            "{rows:?}"
        );
        assert!(covers("/etc/containerd/certs.d/<host>/ca.crt", "/etc/containerd/certs.d/a:5000/ca.crt"));
        assert!(covers("k8s/patch-*.yaml", "k8s/patch-serviceaccount-default.yaml"));
        assert!(
            !covers("k8s/patch-*.yaml", "k8s/rollout/daemonset.yaml") && !covers("k8s/secret-*.yaml", "k8s/x.yaml")
        );
    }

    /// The review's L1: Kubespray's Apply comment names what it copies (only the CA files
    /// here); minikube's Apply gets the config.toml block into the node: printed for the
    /// merge box, and the merged file copied in with minikube cp and containerd restarted.
    #[test]
    fn kubespray_and_minikube_apply_what_their_cards_say() {
        let t = Lang::En.text();
        let spray = apply(Lang::En, &harbor(Flavor::Kubespray));
        assert!(
            spray.contains(&format!(
                "# {}\nsudo mkdir -p /etc/containerd/certs.d/harbor.example.net\n",
                t.docs_apply_copy_ca
            )),
            "{spray}"
        );
        assert!(!spray.contains(t.docs_apply_copy), "{spray}");
        let mut spray_default = harbor(Flavor::Kubespray);
        spray_default.registries.push(Registry {
            host: "_default".into(),
            mirrors: vec![Mirror { url: "https://mirror.example.net".into(), ..Mirror::default() }],
            ..Registry::default()
        });
        let all = apply(Lang::En, &spray_default);
        assert!(all.contains(&format!("# {}\n", t.docs_apply_copy)) && all.contains("_default/hosts.toml"), "{all}");

        let mini = harbor(Flavor::Minikube);
        let all = apply(Lang::En, &mini);
        assert!(
            all.contains(&format!(
                "# {}\nminikube ssh -- 'sudo cat /etc/containerd/config.toml'\n",
                t.docs_apply_minikube_print
            )),
            "{all}"
        );
        let out = pullfix_core::merge::page::render_merged(&mini, "version = 2\n", Default::default());
        let merged = out.rendered.files.iter().find(|f| f.path == MERGED_PATH).expect("merged");
        let all = apply_commands(t, &mini, &out.rendered.files, Some(merged), false);
        let want = format!(
            "# {}\nminikube ssh -- 'sudo cp -p /etc/containerd/config.toml /etc/containerd/config.toml.bak'\n\
             minikube cp merged/config.toml /etc/containerd/config.toml\nminikube ssh -- 'sudo systemctl restart containerd'\n",
            t.docs_apply_minikube_replace
        );
        assert!(all.contains(&want), "{all}");
        assert!(!all.contains("sudo systemctl restart containerd\nsudo systemctl status"), "kubeadm's restart: {all}");
        let rows = where_rows(t, &mini, &pullfix_core::render(&mini).files, false);
        assert_eq!(
            rows.iter().find(|(p, ..)| p == CONFIG_TOML).map(|(_, w, a)| (*w, a.as_str())),
            Some((t.docs_minikube_config_where, "minikube ssh -- 'sudo systemctl restart containerd'"))
        );
        // With a merge: the diff's row names its zip path and how to apply it, and no
        // catch-all row points to "the notes above" (the review's L2).
        let mut kubeadm = harbor(Flavor::Kubeadm);
        kubeadm.kubernetes.patches.push(pullfix_core::PatchTarget {
            kind: "Deployment".to_owned(),
            name: "web".to_owned(),
            namespace: "default".to_owned(),
        });
        for lang in [Lang::En, Lang::Zh] {
            let t = lang.text();
            for form in [&mini, &kubeadm] {
                let files =
                    pullfix_core::merge::page::render_merged(form, "version = 2\n", Default::default()).rendered.files;
                let rows = where_rows(t, form, &files, false);
                let diff =
                    rows.iter().find(|(p, ..)| p == DIFF_PATH).unwrap_or_else(|| panic!("no diff row: {rows:?}"));
                assert_eq!(diff.1, t.for_review);
                // On minikube the node's file is patched, never the workstation's (review 7 L1).
                let workstation = "sudo patch /etc/containerd/config.toml < merged/config.toml.diff";
                if form.flavor == Flavor::Minikube {
                    assert!(
                        diff.2.contains(
                            "minikube cp merged/config.toml.diff /tmp/config.toml.diff && minikube ssh -- 'sudo patch /etc/containerd/config.toml < /tmp/config.toml.diff'"
                        ) && !diff.2.contains(workstation),
                        "{diff:?}"
                    );
                } else {
                    assert!(diff.2.contains(workstation), "{diff:?}");
                }
                // The merged file's card: restart containerd where it runs.
                let merged = files.iter().find(|f| f.path == MERGED_PATH).expect("the merged file");
                let (after, _) = after_note(t, merged.after, form.flavor);
                assert_eq!(
                    after.contains("minikube ssh -- 'sudo systemctl restart containerd'"),
                    form.flavor == Flavor::Minikube,
                    "{after}"
                );
                for (p, _, after) in &rows {
                    assert!(after != t.after_see_notes && after != t.after_run, "{p}: {after}");
                }
                if files.iter().any(|f| f.path == "k8s/commands.sh") {
                    let sh = rows.iter().find(|(p, ..)| p == "k8s/commands.sh").expect("a commands.sh row");
                    assert_eq!(sh.2, "sh k8s/commands.sh");
                }
            }
        }
        let card =
            pullfix_core::render(&mini).files.into_iter().find(|f| f.kind == FileKind::ContainerdConfig).expect("card");
        assert!(
            card.instructions.contains("minikube ssh -- 'sudo cat /etc/containerd/config.toml'"),
            "{}",
            card.instructions
        );
    }

    /// A merge withheld by an error (legacy mirrors the form lacks) is a preview: neither
    /// the Apply block nor the table tells to install it (the review's L1), in both
    /// languages and on kubeadm and minikube.
    #[test]
    fn a_withheld_merge_is_not_installed_by_the_docs() {
        let legacy = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry.mirrors.\"docker.io\"]\n\
                      endpoint = [\"https://mirror.gcr.io\"]\n";
        for flavor in [Flavor::Kubeadm, Flavor::Minikube] {
            let form = harbor(flavor);
            let out = pullfix_core::merge::page::render_merged(&form, legacy, Default::default()).rendered;
            let merged = out.files.iter().find(|f| f.path == MERGED_PATH).expect("a merged file");
            assert!(out.withheld_by(merged).is_some(), "not withheld: {:?}", out.diagnostics);
            for lang in [Lang::En, Lang::Zh] {
                let t = lang.text();
                let all = apply_commands(t, &form, &out.files, Some(merged), true);
                assert!(all.contains(t.docs_apply_preview), "{all}");
                for step in ["install -m", "cp merged/config.toml", "config.toml.bak", "restart containerd"] {
                    assert!(!all.contains(step), "{flavor:?} {lang:?}: {step} in {all}");
                }
                let rows = where_rows(t, &form, &out.files, true);
                let config = rows.iter().find(|(p, ..)| p == CONFIG_TOML).expect("config.toml row");
                assert_eq!((config.1, config.2.as_str()), (t.docs_config_where_preview, t.docs_preview_after));
                let diff = rows.iter().find(|(p, ..)| p == DIFF_PATH).expect("diff row");
                assert_eq!(diff.2, t.docs_preview_after);
                // The same files, not withheld: the install steps are there.
                let ready = apply_commands(t, &form, &out.files, Some(merged), false);
                assert!(ready.contains(MERGED_PATH) && !ready.contains(t.docs_apply_preview), "{ready}");
            }
        }
    }
}
