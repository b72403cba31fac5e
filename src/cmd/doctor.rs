//! `pullfix doctor` (not built yet).

use std::process::ExitCode;

/// Arguments of `pullfix doctor`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `pullfix doctor`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`pullfix doctor` is not built yet")
}
