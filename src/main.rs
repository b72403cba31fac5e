//! The pullfix command line: the same engine as the web page, for nodes and scripts.
//!
//! Only translation happens here: read files and flags, call `pullfix_core`, write
//! files and messages. Every rule about what a file contains lives in core.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;

/// Fix ImagePullBackOff against private registries: containerd config.toml,
/// certs.d hosts.toml, the sandbox image, and the Kubernetes pull Secret.
#[derive(Debug, Parser)]
#[command(name = "pullfix", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once; boxing buys nothing
enum Command {
    /// Render every file for a form (or for flags describing one registry).
    Generate(cmd::generate::Args),
    /// Print a kubernetes.io/dockerconfigjson Secret, like `kubectl create secret docker-registry`.
    Secret(cmd::secret::Args),
    /// Merge the form into a node's config.toml and write its certs.d files.
    Apply(cmd::apply::Args),
    /// Explain an error message (kubectl describe, crictl, containerd logs) and prefill a form.
    Diagnose(cmd::diagnose::Args),
    /// Check a node's containerd config.toml and certs.d for what breaks pulls.
    Doctor(cmd::doctor::Args),
}

/// Exit codes: 0 success, 1 the input has errors (nothing written), 2 usage.
fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Generate(a) => cmd::generate::run(a),
        Command::Secret(a) => cmd::secret::run(a),
        Command::Apply(a) => cmd::apply::run(a),
        Command::Diagnose(a) => cmd::diagnose::run(a),
        Command::Doctor(a) => cmd::doctor::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("pullfix: {e:#}");
            ExitCode::from(2)
        }
    }
}
