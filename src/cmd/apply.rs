//! `pullfix apply` (not built yet).

use std::process::ExitCode;

/// Arguments of `pullfix apply`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `pullfix apply`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`pullfix apply` is not built yet")
}
