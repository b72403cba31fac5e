//! `pullfix generate` (not built yet).

use std::process::ExitCode;

/// Arguments of `pullfix generate`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `pullfix generate`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`pullfix generate` is not built yet")
}
