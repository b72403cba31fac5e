//! `pullfix secret` (not built yet).

use std::process::ExitCode;

/// Arguments of `pullfix secret`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `pullfix secret`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`pullfix secret` is not built yet")
}
