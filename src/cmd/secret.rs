//! `pullfix secret`: prints a kubernetes.io/dockerconfigjson Secret exactly as
//! `kubectl create secret docker-registry NAME ... --dry-run=client -o yaml` does.
//!
//! Differences from kubectl, on purpose:
//! - `--password-stdin` reads the password from standard input, so it stays out of
//!   `ps` and shell history. Like `docker login --password-stdin`, one trailing `\n`
//!   (and then one `\r`) is removed, nothing else: a password may end in spaces.
//! - The Secret name and namespace are checked against Kubernetes' naming rules
//!   (kubectl's client-side dry run does not check them; the API server would refuse).
//! - Input that is not UTF-8 is refused; Go's encoder would silently turn it into U+FFFD.
//! - Control characters (a newline inside the password from `echo` or a heredoc, a tab)
//!   are refused, with the words `generate` uses for them.

use std::io::{Read, Write};
use std::process::ExitCode;

use anyhow::{bail, Context};
use pullfix_core::diagnostic::quoted;
use pullfix_core::k8s_name::NameRule;
use pullfix_core::secret::{docker_config_json, secret_yaml, AuthEntry, DOCKER_HUB_KEY};
use pullfix_core::validate::{has_control_character, CONTROL_CHARACTER, CONTROL_CHARACTER_FIX};

/// Arguments of `pullfix secret` (kubectl's flag names).
#[derive(Debug, clap::Args)]
#[command(
    override_usage = "pullfix secret <NAME> --docker-username <USER> (--password-stdin | --docker-password <PASSWORD>) \
[--docker-server <SERVER>] [--docker-email <EMAIL>] [-n <NAMESPACE>]",
    group(clap::ArgGroup::new("password").args(["docker_password", "password_stdin"]).required(true)),
    after_help = "kubectl's --dry-run=client and -o yaml are accepted and change nothing: the Secret is always printed, as YAML.\n\n\
Exit status: 0 the Secret is printed, 1 invalid input (name, namespace, an empty value, a control character, \
standard input empty or not UTF-8; nothing printed), 2 usage problem.\n\n\
Examples:\n  printf '%s\\n' \"$PASSWORD\" | pullfix secret regcred --docker-server=harbor.example.net \\\n      \
--docker-username='robot$ci' --password-stdin -n team-a > regcred.yaml\n  \
pullfix secret regcred --docker-server=harbor.example.net --docker-username=u --password-stdin < pw.txt | kubectl apply -f -"
)]
pub struct Args {
    /// The Secret's name.
    pub name: String,
    /// The registry as images name it (`harbor.example.net`, `10.50.1.104:5000`); the
    /// key in `auths`, exactly as given. Docker Hub: the default.
    #[arg(long, default_value = DOCKER_HUB_KEY)]
    pub docker_server: String,
    /// User name (Harbor robot accounts look like `robot$ci`).
    #[arg(long)]
    pub docker_username: String,
    /// Password on the command line (visible in `ps`); prefer --password-stdin.
    #[arg(long, value_name = "PASSWORD")]
    pub docker_password: Option<String>,
    /// Read the password from standard input (one trailing newline is removed).
    #[arg(long)]
    pub password_stdin: bool,
    /// As kubectl's --docker-email; left out of the Secret when empty.
    #[arg(long, default_value = "")]
    pub docker_email: String,
    /// Namespace; printed in metadata only when given, as kubectl does.
    #[arg(short = 'n', long)]
    pub namespace: Option<String>,
    /// kubectl's flag, accepted so its command can be pasted: only `client` (what
    /// pullfix secret always does: print, create nothing).
    #[arg(long, value_name = "client", num_args = 0..=1, default_missing_value = "client", hide_short_help = true)]
    pub dry_run: Option<String>,
    /// kubectl's flag, accepted so its command can be pasted: only `yaml` (what is printed).
    #[arg(short = 'o', long, value_name = "yaml", hide_short_help = true)]
    pub output: Option<String>,
}

/// kubectl's `--dry-run` and `-o`, which change nothing here: a usage error for values
/// pullfix secret cannot honour, else the note that they are accepted (for stderr).
fn kubectl_flags(args: &Args) -> anyhow::Result<Option<String>> {
    if let Some(mode) = args.dry_run.as_deref().filter(|m| *m != "client") {
        bail!(
            "--dry-run={mode}: pullfix secret only prints the Secret, as --dry-run=client does; to create it, pipe \
             the output into `kubectl apply -f -`"
        );
    }
    if let Some(format) = args.output.as_deref().filter(|f| *f != "yaml") {
        bail!("-o {format}: pullfix secret prints YAML only; the one output format it takes is -o yaml");
    }
    let given: Vec<&str> = [args.dry_run.as_ref().map(|_| "--dry-run=client"), args.output.as_ref().map(|_| "-o yaml")]
        .into_iter()
        .flatten()
        .collect();
    Ok((!given.is_empty()).then(|| {
        let verb = if given.len() > 1 { "change" } else { "changes" };
        format!(
            "pullfix secret: note: {} {verb} nothing: the Secret is always printed as YAML, nothing is created.",
            given.join(" and ")
        )
    }))
}

/// Removes one trailing `\n`, then one trailing `\r` (what `docker login
/// --password-stdin` does).
pub fn strip_one_newline(s: &str) -> &str {
    let s = s.strip_suffix('\n').unwrap_or(s);
    s.strip_suffix('\r').unwrap_or(s)
}

/// Runs `pullfix secret`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if let Some(note) = kubectl_flags(&args)? {
        eprintln!("{note}");
    }
    let mut problems = Vec::new();
    let password_flag = if args.password_stdin { "--password-stdin" } else { "--docker-password" };
    let password = match (&args.docker_password, args.password_stdin) {
        (Some(p), false) => p.clone(),
        (None, true) => {
            let mut bytes = Vec::new();
            std::io::stdin().read_to_end(&mut bytes).context("reading the password from standard input")?;
            match String::from_utf8(bytes) {
                Ok(text) if text.is_empty() => {
                    problems.push(
                        "--password-stdin: standard input was empty. Fix: Pipe the password in, e.g. printf '%s\\n' \"$PASSWORD\" | pullfix secret ..."
                            .to_owned(),
                    );
                    String::new()
                }
                Ok(text) => strip_one_newline(&text).to_owned(),
                Err(_) => {
                    problems.push(
                        "--password-stdin: the password on standard input is not UTF-8 text (kubectl would store it as U+FFFD). Fix: Pipe the password as UTF-8 text.".to_owned(),
                    );
                    String::new()
                }
            }
        }
        _ => bail!("give the password with --password-stdin or --docker-password"),
    };
    if let Err(e) = NameRule::Subdomain.check(&args.name) {
        problems.push(format!("the Secret name {} is not valid: {e}", quoted(&args.name)));
    }
    if let Some(ns) = &args.namespace {
        if let Err(e) = NameRule::Label.check(ns) {
            problems.push(format!("the namespace {} is not valid: {e}", quoted(ns)));
        }
    }
    if args.docker_username.is_empty() {
        problems.push("--docker-username is empty: a pull Secret needs both a username and a password".to_owned());
    }
    if password.is_empty() && problems.iter().all(|p| !p.starts_with("--password-stdin:")) {
        problems.push(format!(
            "{password_flag}: the password is empty: a pull Secret needs both a username and a password"
        ));
    }
    if args.docker_server.is_empty() {
        problems.push("--docker-server is empty".to_owned());
    }
    // generate refuses these too (value.control-character): a newline from `echo` or a
    // heredoc would end up inside the password.
    for (flag, value) in [
        ("--docker-server", &args.docker_server),
        ("--docker-username", &args.docker_username),
        (password_flag, &password),
        ("--docker-email", &args.docker_email),
    ] {
        if has_control_character(value, false) {
            problems.push(format!("{flag}: {CONTROL_CHARACTER}. Fix: {CONTROL_CHARACTER_FIX}"));
        }
    }
    if !problems.is_empty() {
        for p in problems {
            eprintln!("pullfix secret: {p}");
        }
        return Ok(ExitCode::from(1));
    }
    // A warning only: the Secret stays byte for byte what kubectl would print.
    if let Some(why) = pullfix_core::secret::username_breaks_auth(&args.docker_username) {
        eprintln!(
            "pullfix secret: warning: --docker-username: {why}. Fix: {}",
            pullfix_core::secret::USERNAME_COLON_FIX
        );
    }
    let entry = AuthEntry { username: args.docker_username, password, email: args.docker_email };
    let auths = std::collections::BTreeMap::from([(args.docker_server, entry)]);
    let yaml = secret_yaml(&args.name, args.namespace.as_deref(), &docker_config_json(&auths));
    let mut out = std::io::stdout().lock();
    out.write_all(yaml.as_bytes())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::strip_one_newline;

    #[test]
    fn strips_one_newline_only() {
        assert_eq!(strip_one_newline("pw\n"), "pw");
        assert_eq!(strip_one_newline("pw\r\n"), "pw");
        assert_eq!(strip_one_newline("pw\n\n"), "pw\n");
        assert_eq!(strip_one_newline("pw "), "pw ");
    }
}
