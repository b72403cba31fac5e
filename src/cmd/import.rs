//! `pullfix import-registries-yaml`: a k3s or RKE2 registries.yaml in, a pullfix form out.

use std::io::Read as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use pullfix_core::diagnostic::{has_errors, Diagnostic, Field};
use pullfix_core::flavor::{registries_yaml, Flavor};
use pullfix_core::form_io::write_form;
use pullfix_core::FormFormat;

/// Arguments of `pullfix import-registries-yaml`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit status: 0 the form is printed, 1 registries.yaml has errors (the form is printed without what \
they name; nothing when the file is not YAML), 2 usage or I/O problem.\n\n\
Examples:\n  pullfix import-registries-yaml /etc/rancher/k3s/registries.yaml > form.toml\n  \
pullfix import-registries-yaml - --flavor kubeadm --format yaml < registries.yaml"
)]
pub struct Args {
    /// The registries.yaml to read (`-` for standard input), e.g. /etc/rancher/k3s/registries.yaml.
    pub file: PathBuf,
    /// Format of the form printed on standard output: toml, yaml or json.
    #[arg(long, default_value = "toml", value_parser = ["toml", "yaml", "json"])]
    pub format: String,
    /// Set the form's flavor (kubeadm, k3s, rke2, kind, talos, kubespray, minikube), to
    /// render the imported registries for another distribution.
    #[arg(long)]
    pub flavor: Option<String>,
}

/// The code of the note that the imported form leaves `containerd` empty.
pub const CONTAINERD_UNSET: &str = "registries-yaml.containerd_unset";

/// The note printed with every imported form: registries.yaml names no containerd
/// version, so the form leaves it empty rather than assume the form's default (1.7):
/// k3s 1.31+ and RKE2 ship containerd 2.x, whose files differ from 1.x's.
fn containerd_unset_note() -> Diagnostic {
    Diagnostic::info(
        Field::root("containerd"),
        CONTAINERD_UNSET,
        "registries.yaml does not say which containerd the nodes run, so the printed form leaves `containerd` \
         empty (no version is assumed; pullfix generates nothing until it is set). k3s 1.31 and later and RKE2 \
         ship containerd 2.x, older k3s containerd 1.x, and the files differ between them.",
        "Set `containerd` in the form to the version the nodes run: `containerd --version` on a plain node; on \
         k3s `k3s ctr version` (its Server version; `k3s --version` gives the k3s release, whose release notes \
         name its containerd); on RKE2 `/var/lib/rancher/rke2/bin/containerd --version` (e.g. containerd = \"2.0\" \
         or \"1.7.23\").",
    )
}

/// Runs `pullfix import-registries-yaml`: the form on stdout, diagnostics on stderr.
///
/// With errors the form is still printed, without the entries the errors name (as they
/// say: "left out"), and the exit status is 1, as `generate --format json` prints its
/// result and fails: a script that saves the form must not take a partial one for a
/// whole one unnoticed. A file that is not YAML at all prints no form. The form's
/// `containerd` is left empty, with a note on stderr ([`containerd_unset_note`]).
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let text = if args.file.as_os_str() == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).context("reading standard input")?;
        s
    } else {
        std::fs::read_to_string(&args.file).with_context(|| format!("reading {}", args.file.display()))?
    };
    let (mut form, diagnostics) = registries_yaml::import(&text);
    // registries.yaml names no containerd version: leave it to the operator.
    form.containerd.clear();
    if let Some(f) = &args.flavor {
        form.flavor = Flavor::parse(f).with_context(|| {
            format!("unknown flavor {f:?}: use kubeadm, k3s, rke2, kind, talos, kubespray or minikube")
        })?;
    }
    for d in &diagnostics {
        eprintln!("{d}");
    }
    let failed = has_errors(&diagnostics);
    if diagnostics.iter().any(|d| d.code == registries_yaml::PARSE_ERROR) {
        eprintln!("pullfix: the file is not valid YAML; no form was printed.");
        return Ok(ExitCode::from(1));
    }
    eprintln!("{}", containerd_unset_note());
    let format = match args.format.as_str() {
        "yaml" => FormFormat::Yaml,
        "json" => FormFormat::Json,
        _ => FormFormat::Toml,
    };
    print!("{}", write_form(&form, format));
    if failed {
        eprintln!("pullfix: registries.yaml has errors (above); the printed form leaves out what they name.");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
