//! `pullfix doctor`: check a node's containerd config.toml and certs.d for what breaks pulls.
//! Reads the files and hands their texts to `pullfix_core::doctor`, which holds every rule.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use pullfix_core::doctor::{self, HostsFile, NodeFiles};
use pullfix_core::Severity;

use super::input::read_lossy;

/// Arguments of `pullfix doctor`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit status: 0 nothing found that breaks pulls (warnings and notes may be printed), 1 something \
will break pulls (an error), 2 usage or I/O problem.\n\n\
Examples:\n  sudo pullfix doctor --containerd 1.7.24\n  \
pullfix doctor --config ./config.toml --certs-dir ./certs.d --containerd 1.7 --json"
)]
pub struct Args {
    /// containerd's config file.
    #[arg(long, value_name = "FILE", default_value = "/etc/containerd/config.toml")]
    pub config: PathBuf,
    /// The hosts.toml directory; default: config.toml's config_path, else /etc/containerd/certs.d.
    #[arg(long, value_name = "DIR")]
    pub certs_dir: Option<PathBuf>,
    /// The containerd version the node runs (`containerd --version`), e.g. 1.6.20 or 2.1.
    /// Without it, version-specific checks are skipped or softened.
    #[arg(long, value_name = "VERSION")]
    pub containerd: Option<String>,
    /// Print the checks as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs `pullfix doctor`. Exit code 1 when something will break pulls, else 0.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if let Some(v) = &args.containerd {
        if pullfix_core::Target::parse(v).is_err() {
            anyhow::bail!("--containerd {v:?}: not a containerd version pullfix knows (e.g. 1.6.20, 1.7, 2.1)");
        }
    }
    let config = match read_lossy(&args.config) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", args.config.display())),
    };
    // Drop-ins (`imports`) can replace or override what config.toml says.
    let (drop_ins, malformed) = config
        .as_deref()
        .map(|text| super::drop_ins::read_checked(&args.config, text, args.containerd.as_deref()))
        .unwrap_or_default();
    // On 1.x the CRI section in effect may be a drop-in's (its config_path, the files it names).
    let owner = config
        .as_deref()
        .and_then(|main| pullfix_core::merge::imports::cri_owner(args.containerd.as_deref(), main, &drop_ins));
    // On 2.x a drop-in's own config_path wins over config.toml's (merged key by key).
    let from_drop_in = config
        .as_deref()
        .and_then(|main| {
            pullfix_core::merge::imports::drop_in_config_path(
                args.containerd.as_deref(),
                &super::drop_ins::absolute(&args.config),
                main,
                &drop_ins,
            )
        })
        .map(|s| s.value.trim().to_owned())
        .filter(|d| !d.is_empty());
    // The config_path containerd uses: the owning drop-in's (1.x) or the winning drop-in's
    // (2.x), else config.toml's.
    let effective = match (&owner, from_drop_in) {
        (Some(o), _) => o.config_path.clone().unwrap_or_default(),
        (None, Some(d)) => d,
        (None, None) => config.as_deref().map(|c| doctor::certs_dirs(c).join(":")).unwrap_or_default(),
    };
    let listed: Vec<String> =
        effective.split(':').map(str::trim).filter(|d| !d.is_empty()).map(str::to_owned).collect();
    let certs_dir = match &args.certs_dir {
        Some(d) => d.to_string_lossy().into_owned(),
        None => listed.first().cloned().unwrap_or_else(|| doctor::DEFAULT_CERTS_DIR.to_owned()),
    };
    // A colon-separated config_path: 1.x reads every directory of it, the first match winning.
    let dirs: Vec<String> = if listed.len() > 1 && listed.iter().any(|d| same_dir(d, &certs_dir)) {
        listed
    } else {
        vec![certs_dir.clone()]
    };
    let mut hosts = Vec::new();
    for d in &dirs {
        hosts.extend(read_hosts(Path::new(d))?);
    }
    let list_dirs = if dirs.len() > 1 {
        dirs.iter().map(|d| (d.clone(), super::apply::subdirectories(Path::new(d)))).collect()
    } else {
        Vec::new()
    };
    let mut files = NodeFiles {
        containerd: args.containerd.clone(),
        config_file: args.config.to_string_lossy().into_owned(),
        config,
        hosts,
        certs_dir,
        existing: Vec::new(),
        list_dirs,
    };
    let mut referenced = doctor::referenced_files(&files);
    if let Some(o) = &owner {
        referenced.extend(doctor::referenced_files(&NodeFiles { config: Some(o.text.clone()), ..files.clone() }));
    }
    files.existing = referenced.into_iter().filter(|p| Path::new(p).exists()).collect();
    // A malformed imports pattern stops containerd: an error; a relative pattern whose
    // directory depends on the release: a warning.
    let mut checks: Vec<doctor::Check> = malformed.into_iter().map(doctor::Check::from).collect();
    checks.extend(doctor::check_node(&files, &drop_ins));
    checks.sort_by_key(|c| std::cmp::Reverse(c.severity));
    if args.json {
        println!("{}", serde_json::to_string_pretty(&checks)?);
    } else {
        for c in &checks {
            println!("{:<7} {}  {}", c.severity.to_string(), c.code, c.file);
            println!("        {}", c.message);
            println!("        Fix: {}", c.fix);
        }
        let errors = checks.iter().filter(|c| c.severity == Severity::Error).count();
        println!(
            "{} hosts.toml file(s) under {} checked: {} error(s), {} other note(s).",
            files.hosts.len(),
            dirs.join(" and "),
            errors,
            checks.len() - errors
        );
    }
    Ok(if doctor::breaks_pulls(&checks) { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// Every `<dir>/<namespace>/hosts.toml`, sorted; none when the directory does not exist.
fn read_hosts(dir: &Path) -> anyhow::Result<Vec<HostsFile>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("cannot list {}", dir.display())),
    };
    let mut out = Vec::new();
    for entry in entries {
        let path = entry?.path().join("hosts.toml");
        if path.is_file() {
            let text = read_lossy(&path).with_context(|| format!("cannot read {}", path.display()))?;
            out.push(HostsFile { path: path.to_string_lossy().into_owned(), text });
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

fn same_dir(a: &str, b: &str) -> bool {
    a.trim_end_matches('/') == b.trim_end_matches('/')
}
