//! `pullfix diagnose` (not built yet).

use std::process::ExitCode;

/// Arguments of `pullfix diagnose`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `pullfix diagnose`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`pullfix diagnose` is not built yet")
}
