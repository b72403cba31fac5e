//! `pullfix generate`: a form (file or flags) in, the node files out.
//!
//! Only translation: read the form and flags, call `pullfix_core::render`, write the
//! files (0600 when they hold credentials) or print them. Diagnostics go to stderr.

use std::fs;
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use pullfix_core::{diagnostic::has_errors, Form, Mirror, Registry, Rendered, Scheme};

/// Arguments of `pullfix generate`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit status: 0 no errors, 1 the form has errors (nothing written), 2 usage or I/O problem.\n\n\
Examples:\n  pullfix generate --form form.toml --out ./out\n  \
printf %s \"$PASS\" | pullfix generate --registry harbor.example.net:8443 --ca-pem-file ca.crt \\\n      \
--username 'robot$ci' --password-stdin --containerd 1.7 --print"
)]
pub struct Args {
    /// The form: .toml, .yaml, .yml or .json (by extension); `-` reads TOML from stdin.
    #[arg(long, short = 'f', value_name = "FORM")]
    form: Option<String>,
    /// Write the files under DIR, mirroring the node (DIR/etc/containerd/...).
    #[arg(long, short = 'o', value_name = "DIR", conflicts_with = "print")]
    out: Option<PathBuf>,
    /// Write the files to stdout, each after a `==> path <==` header.
    #[arg(long)]
    print: bool,
    /// `text` (files) or `json`: everything `render` returns on stdout, for scripts (no --out).
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    format: OutputFormat,

    /// Target containerd version (overrides the form's), e.g. 1.6.20 or 2.1.
    #[arg(long, value_name = "VERSION")]
    containerd: Option<String>,
    /// Sandbox (pause) image the nodes should use (overrides the form's).
    #[arg(long, value_name = "IMAGE")]
    sandbox_image: Option<String>,
    /// The hosts.toml directory on the nodes (overrides the form's).
    #[arg(long, value_name = "DIR")]
    config_path: Option<String>,
    /// On 1.5 - 1.7: the deprecated inline registry.mirrors / registry.configs keys.
    #[arg(long)]
    legacy_config: bool,
    /// The nodes' Kubernetes distribution (overrides the form's flavor): which node files to render.
    #[arg(long, value_name = "FLAVOR", value_parser = ["kubeadm", "k3s", "rke2", "kind", "talos", "kubespray", "minikube"])]
    flavor: Option<String>,

    /// Add a registry, exactly as image references name it (harbor.example.net:8443).
    #[arg(long, value_name = "HOST")]
    registry: Option<String>,
    /// How the registry is reached.
    #[arg(long, value_enum, requires = "registry")]
    scheme: Option<SchemeArg>,
    /// Path of the registry's CA on the nodes.
    #[arg(long, value_name = "PATH", requires = "registry")]
    ca_file: Option<String>,
    /// A local PEM file with the registry's CA: it is emitted at --ca-file (or the default path).
    #[arg(long, value_name = "FILE", requires = "registry")]
    ca_pem_file: Option<PathBuf>,
    /// Client certificate path on the nodes (mTLS), with --client-key.
    #[arg(long, value_name = "PATH", requires = "registry")]
    client_cert: Option<String>,
    /// Client key path on the nodes (mTLS), with --client-cert.
    #[arg(long, value_name = "PATH", requires = "registry")]
    client_key: Option<String>,
    /// Do not verify the registry's certificate (unsafe).
    #[arg(long, requires = "registry")]
    skip_verify: bool,
    /// User name (quote robot accounts: 'robot$ci').
    #[arg(long, value_name = "USER", requires = "registry")]
    username: Option<String>,
    /// Read the password from stdin (one line; never pass it as an argument).
    #[arg(long, requires = "username")]
    password_stdin: bool,
    /// Also put the credentials into containerd's config (needed for a private pause image).
    #[arg(long, requires = "registry")]
    node_auth: bool,
    /// A mirror URL, tried in order before the registry; repeat for more.
    #[arg(long = "mirror", value_name = "URL", requires = "registry")]
    mirrors: Vec<String>,
    /// The mirror URLs' paths are the API root (Harbor proxy-cache projects).
    #[arg(long, requires = "mirrors")]
    override_path: bool,
    /// Never fall back to the registry itself: only the mirrors are contacted.
    #[arg(long, requires = "mirrors")]
    mirror_only: bool,
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum OutputFormat {
    Text,
    Json,
}

/// `--scheme`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum SchemeArg {
    Https,
    Http,
}

/// Runs `pullfix generate`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.out.is_none() && !args.print && args.format == OutputFormat::Text {
        bail!("say where the files go: --out DIR, or --print for stdout (see `pullfix generate --help`)");
    }
    if args.format == OutputFormat::Json && args.out.is_some() {
        bail!("--format json prints everything to stdout; drop --out (or drop --format json to write files)");
    }
    if args.form.is_none() && args.registry.is_none() && args.sandbox_image.is_none() {
        bail!("give a form (--form FILE, or - for stdin) or describe one registry with --registry HOST");
    }
    if args.password_stdin && args.form.as_deref() == Some("-") {
        bail!("--password-stdin and --form - both read stdin; put the password into the form instead");
    }
    let form = match build_form(&args)? {
        Ok(form) => form,
        Err(message) => {
            eprintln!("error: {message}");
            return Ok(ExitCode::from(1));
        }
    };
    let rendered = pullfix_core::render(&form);
    // The registry the flags describe is the last one (after the form's).
    let flag_registry = args.registry.as_ref().map(|_| form.registries.len() - 1);
    for d in &rendered.diagnostics {
        eprintln!("{}", with_flag(d, &args, flag_registry));
    }
    let failed = has_errors(&rendered.diagnostics);
    if args.format == OutputFormat::Json {
        let json = serde_json::to_string_pretty(&rendered).context("encoding the result as JSON")?;
        println!("{json}");
        return Ok(ExitCode::from(u8::from(failed)));
    }
    if failed {
        eprintln!("pullfix: the form has errors; nothing was written.");
        return Ok(ExitCode::from(1));
    }
    if args.print {
        print(&rendered)?;
    } else if let Some(dir) = &args.out {
        write(dir, &rendered)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// A diagnostic as printed: on a value a flag gave, the flag is named beside the form
/// field (`registry[0].password (--password-stdin)`), and a fix that names a form-only
/// field says what to do with the flags instead.
fn with_flag(d: &pullfix_core::Diagnostic, args: &Args, flag_registry: Option<usize>) -> String {
    let Some(flag) = flag_for(d.field.as_str(), args, flag_registry) else { return d.to_string() };
    let fix = match d.code {
        // identity_token has no flag.
        "credentials.password-missing" => "Pipe the password or robot token into --password-stdin.",
        "registry.private-ca" => "Give the registry's CA certificate (PEM) with --ca-pem-file, or --ca-file with where the CA already is on every node. Nothing to do if the certificate is from a public CA (e.g. Let's Encrypt).",
        _ => d.fix.as_str(),
    };
    let mut line = format!("{}: {} ({flag}): {}", d.severity, d.field, d.message);
    if !fix.is_empty() {
        line.push_str(&format!(" Fix: {fix}"));
    }
    line
}

/// The flag that set `field`, when a flag did.
fn flag_for(field: &str, args: &Args, flag_registry: Option<usize>) -> Option<&'static str> {
    let top = match field {
        "containerd" => args.containerd.as_ref().map(|_| "--containerd"),
        "sandbox_image" => args.sandbox_image.as_ref().map(|_| "--sandbox-image"),
        "config_path" => args.config_path.as_ref().map(|_| "--config-path"),
        _ => None,
    };
    if top.is_some() {
        return top;
    }
    let rest = field.strip_prefix(&format!("registry[{}]", flag_registry?))?;
    let key = rest.strip_prefix('.').unwrap_or(rest);
    Some(match key {
        "" | "host" => "--registry",
        "scheme" => "--scheme",
        "ca_file" => "--ca-file",
        "ca_pem" => "--ca-pem-file",
        "client_cert" => "--client-cert",
        "client_key" => "--client-key",
        "skip_verify" => "--skip-verify",
        "username" => "--username",
        "password" => "--password-stdin",
        "node_auth" => "--node-auth",
        "mirror_only" => "--mirror-only",
        k if k.starts_with("mirror") => "--mirror",
        _ => return None,
    })
}

/// The form from --form and the flags. `Ok(Err(_))` is a form that does not parse.
fn build_form(args: &Args) -> anyhow::Result<Result<Form, String>> {
    let mut form = match args.form.as_deref() {
        None => Form::default(),
        Some(path) => match super::input::read_form(path)? {
            Ok(f) => f,
            Err(e) => return Ok(Err(e)),
        },
    };
    if let Some(v) = &args.containerd {
        form.containerd = v.clone();
    }
    if let Some(v) = &args.sandbox_image {
        form.sandbox_image = v.clone();
    }
    if let Some(v) = &args.config_path {
        form.config_path = v.clone();
    }
    form.legacy_config |= args.legacy_config;
    if let Some(f) = args.flavor.as_deref().and_then(pullfix_core::flavor::Flavor::parse) {
        form.flavor = f;
    }
    if let Some(host) = &args.registry {
        let mut r = Registry {
            host: host.clone(),
            scheme: match args.scheme {
                Some(SchemeArg::Http) => Scheme::Http,
                _ => Scheme::Https,
            },
            ca_file: args.ca_file.clone().unwrap_or_default(),
            client_cert: args.client_cert.clone().unwrap_or_default(),
            client_key: args.client_key.clone().unwrap_or_default(),
            skip_verify: args.skip_verify,
            username: args.username.clone().unwrap_or_default(),
            node_auth: args.node_auth,
            mirror_only: args.mirror_only,
            mirrors: args
                .mirrors
                .iter()
                .map(|url| Mirror { url: url.clone(), override_path: args.override_path, ..Mirror::default() })
                .collect(),
            ..Registry::default()
        };
        if let Some(path) = &args.ca_pem_file {
            r.ca_pem = fs::read_to_string(path).with_context(|| format!("reading the CA {}", path.display()))?;
        }
        if args.password_stdin {
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s).context("reading the password from stdin")?;
            r.password = s.strip_suffix('\n').map(|s| s.strip_suffix('\r').unwrap_or(s)).unwrap_or(&s).to_owned();
        }
        form.registries.push(r);
    }
    Ok(Ok(form))
}

fn print(rendered: &Rendered) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for (n, f) in rendered.files.iter().enumerate() {
        if n > 0 {
            writeln!(out)?;
        }
        writeln!(out, "==> {} <==", f.path)?;
        out.write_all(f.contents.as_bytes())?;
        if !f.contents.ends_with('\n') {
            writeln!(out)?;
        }
        eprintln!("note: {}: {}", f.path, f.instructions);
    }
    Ok(())
}

/// Writes the files under `dir` by [`super::safe_write`]'s rules: no link followed below
/// `dir`, no directory another user owns or can write, directories 0755 and files at
/// their modes whatever the umask.
fn write(dir: &Path, rendered: &Rendered) -> anyhow::Result<()> {
    use super::safe_write;
    let mut created = Vec::new();
    safe_write::prepare_root(dir, &mut created)?;
    // Everything is checked before anything is written.
    for f in &rendered.files {
        let rel = Path::new(&f.path);
        if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
            bail!("refusing to write {:?}: not a plain relative path", f.path);
        }
        safe_write::check_below(dir, rel)?;
    }
    for f in &rendered.files {
        let rel = Path::new(&f.path);
        let parent = safe_write::make_dirs_below(dir, rel.parent().unwrap_or(Path::new("")), &mut created)?;
        let path = parent.join(rel.file_name().unwrap_or_default());
        safe_write::check_file(&path, dir)?;
        safe_write::write_file(&path, f.contents.as_bytes(), f.mode(), None, false)
            .with_context(|| format!("writing {}", path.display()))?;
        eprintln!("wrote {} ({}): {}", path.display(), f.title, f.instructions);
    }
    Ok(())
}
