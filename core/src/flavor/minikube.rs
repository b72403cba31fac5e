//! minikube: `minikube start` flags, where they suffice.
//!
//! `--registry-mirror` only mirrors Docker Hub, and `--insecure-registry` only lets a
//! plain-HTTP or unverified registry through. A private CA, mirrors for other
//! registries, node credentials and the sandbox image need more: each is reported
//! with its minikube way (`~/.minikube/certs` + `--embed-certs`, `minikube cp` of the
//! hosts.toml files, the pull Secret).

use crate::diagnostic::{Diagnostic, Field};
use crate::form::Scheme;
use crate::host::HostKind;
use crate::output::{AfterApply, FileKind, OutputFile, Placement};
use crate::validate::Checked;

/// The start script.
pub const START_PATH: &str = "minikube/start.sh";

/// Says how the engine's config.toml block gets into minikube's node, which has no file
/// of the operator's to edit in place: print the node's file, merge the block into it,
/// `minikube cp` the result in and restart containerd there.
pub fn place_config_block(files: &mut [OutputFile]) {
    for f in files.iter_mut().filter(|f| f.kind == FileKind::ContainerdConfig) {
        f.instructions = format!(
            "In the minikube node: merge this block into its {CONFIG}. Print that file with `minikube ssh -- 'sudo cat {CONFIG}'`, merge the block into it (the web page's merge box, or by hand), put the result in with `minikube cp <merged file> {CONFIG}`, then run `minikube ssh -- 'sudo systemctl restart containerd'`. Every minikube start sets sandbox_image back to its own pause image."
        );
    }
}

const CONFIG: &str = crate::node_script::CONFIG_TOML;

/// Renders `minikube/start.sh` and reports what the flags cannot do.
// Kept out of the first render's code (compiled on first call): ARCHITECTURE.md, "Start-up".
#[inline(never)]
pub fn render(checked: &Checked, diags: &mut Vec<Diagnostic>) -> Vec<OutputFile> {
    let mut words: Vec<String> = ["minikube", "start", "--container-runtime=containerd"].map(str::to_owned).to_vec();
    for (i, (r, host)) in checked.form.registries.iter().zip(&checked.hosts).enumerate() {
        let Some(host) = host else { continue };
        let f = Field::registry(i);
        let ns = host.reference();
        if r.scheme == Scheme::Http || r.skip_verify {
            words.push(format!("--insecure-registry={ns}"));
        }
        for (j, m) in r.mirrors.iter().enumerate() {
            let mf = f.index("mirror", j);
            let Some(e) = super::mirror_endpoint(checked, i, j) else { continue };
            if host.kind == HostKind::DockerHub && !m.override_path {
                words.push(format!("--registry-mirror={}", e.url()));
                if e.scheme == "http" || m.skip_verify {
                    words.push(format!("--insecure-registry={}", e.host.reference()));
                }
            } else {
                diags.push(Diagnostic::warning(
                    mf.key("url"),
                    "minikube.mirror",
                    if host.kind == HostKind::DockerHub {
                        format!("--registry-mirror cannot set override_path for {}.", m.url)
                    } else {
                        format!("minikube's --registry-mirror only mirrors Docker Hub; the mirror for {ns} needs hosts.toml.")
                    },
                    "Copy the rendered hosts.toml in: minikube cp etc/containerd/certs.d/<registry>/hosts.toml /etc/containerd/certs.d/<registry>/hosts.toml (config_path is already on in minikube's containerd).",
                ));
            }
        }
        if !r.ca_pem.trim().is_empty() || !r.ca_file.trim().is_empty() {
            diags.push(Diagnostic::info(
                f.key("ca_file"),
                "minikube.ca",
                format!("No flag adds a CA for {ns}."),
                "Copy the CA file into ~/.minikube/certs/ and start with minikube start --embed-certs; minikube installs it in the node's trust store.",
            ));
        }
        if r.node_auth && r.has_credentials() {
            diags.push(Diagnostic::info(
                f.key("node_auth"),
                "minikube.auth",
                format!("No flag gives the node credentials for {ns}."),
                "Use the pull Secret and imagePullSecrets (under k8s/), or: minikube addons configure registry-creds && minikube addons enable registry-creds.",
            ));
        }
    }
    if !checked.form.sandbox_image.trim().is_empty() {
        diags.push(Diagnostic::info(
            Field::root("sandbox_image"),
            "minikube.sandbox-image",
            "No minikube flag sets containerd's sandbox image, and every minikube start sets sandbox_image in the node's config.toml back to its own pause image: the config.toml block's line holds only until then.",
            "For good, use --image-repository=<mirror of registry.k8s.io> so minikube pulls every system image, pause included, from your mirror; until then, merge the config.toml block into the node as its card says.",
        ));
    }
    let contents = format!(
        "#!/bin/sh\n# minikube start flags from pullfix. Flags only take effect when the cluster is created:\n# run minikube delete first for an existing cluster.\nset -eu\n{}\n",
        crate::shell::command(&words)
    );
    vec![OutputFile {
        path: START_PATH.to_owned(),
        contents,
        kind: FileKind::Script,
        title: "minikube start with registry flags".to_owned(),
        instructions: "sh minikube/start.sh (on a new cluster; see the diagnostics for what the flags cannot do)"
            .to_owned(),
        after: AfterApply::Run,
        placement: Placement::Workstation,
        sensitive: false,
    }]
}
