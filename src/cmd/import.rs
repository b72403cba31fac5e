//! `pullfix import-registries-yaml`: a k3s or RKE2 registries.yaml in, a pullfix form out.

use std::io::Read as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use pullfix_core::diagnostic::has_errors;
use pullfix_core::flavor::{registries_yaml, Flavor};
use pullfix_core::form_io::write_form;
use pullfix_core::FormFormat;

/// Arguments of `pullfix import-registries-yaml`.
#[derive(Debug, clap::Args)]
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

/// Runs `pullfix import-registries-yaml`: the form on stdout, diagnostics on stderr.
///
/// With errors the form is still printed, without the entries the errors name (as they
/// say: "left out"), and the exit status is 1, as `generate --format json` prints its
/// result and fails: a script that saves the form must not take a partial one for a
/// whole one unnoticed. A file that is not YAML at all prints no form.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let text = if args.file.as_os_str() == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).context("reading standard input")?;
        s
    } else {
        std::fs::read_to_string(&args.file).with_context(|| format!("reading {}", args.file.display()))?
    };
    let (mut form, diagnostics) = registries_yaml::import(&text);
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
