//! `pullfix diagnose [FILE|-]`: explain an error text and prefill a form.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use pullfix_core::diagnose::{diagnose, diagnose_keeping_version, Diagnosis, Finding, Prefill};
use pullfix_core::form_io::{parse_form, write_form, FormFormat};
use pullfix_core::Form;

/// Arguments of `pullfix diagnose`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit status: 0 the text was read (whether or not a known problem was found), 2 no input (empty text), \
or a usage or I/O problem.\n\n\
Examples:\n  kubectl describe pod web-7d4b9 -n team-a | pullfix diagnose --form-out form.toml\n  \
journalctl -u containerd --since -1h | pullfix diagnose\n  pullfix diagnose crictl-pull.txt --json"
)]
pub struct Args {
    /// The error text: `kubectl describe pod`, kubelet events, `crictl pull` or `ctr`
    /// output, containerd's journal. `-` or nothing reads standard input.
    pub input: Option<PathBuf>,
    /// Write the form with every finding's fix applied (TOML, YAML or JSON by extension).
    #[arg(long, value_name = "FILE")]
    pub form_out: Option<PathBuf>,
    /// Start from this form instead of an empty one (TOML, YAML or JSON by extension).
    #[arg(long, value_name = "FILE")]
    pub form: Option<PathBuf>,
    /// Print the findings and facts as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs `pullfix diagnose`. Exit code 0 whether or not something was found; 2 when
/// the text is empty (a failed `kubectl describe` before the pipe prints nothing).
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let text = super::input::read_input(
        args.input.as_deref(),
        "pullfix diagnose: reading the error text from the terminal: paste it, then press Ctrl-D on a new line.",
    )?;
    if text.trim().is_empty() {
        let what = match args.input.as_deref().filter(|p| p.as_os_str() != "-") {
            Some(p) => format!("{} is empty", p.display()),
            None => "standard input was empty (did the command before the pipe fail?)".to_owned(),
        };
        eprintln!("pullfix diagnose: no input: {what}. Give the text of kubectl describe pod, the kubelet's events, crictl pull or containerd's journal.");
        return Ok(ExitCode::from(2));
    }
    let base = match &args.form {
        Some(p) => {
            let t = std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?;
            Some(parse_form(&t, FormFormat::from_path(&p.to_string_lossy()))?)
        }
        None => None,
    };
    let form_version = base.as_ref().map(|f| f.containerd.trim().to_owned()).filter(|v| !v.is_empty());
    let d = match &form_version {
        Some(v) => diagnose_keeping_version(&text, v),
        None => diagnose(&text),
    };
    // Only a version the text prints replaces the operator's; an inferred one does not.
    let kept = form_version.filter(|_| d.facts.containerd.is_none());
    if args.json {
        println!("{}", serde_json::to_string_pretty(&d)?);
    } else {
        print!("{}", report(&d, kept.as_deref()));
    }
    if let Some(out) = &args.form_out {
        // No version unless the text shows one: the form's default (1.7) would be a
        // silent guess, and files for the wrong version do nothing on the node.
        let base = base.unwrap_or_else(|| Form { containerd: String::new(), ..Form::default() });
        let mut form = d.apply_all(&base);
        if let Some(v) = &kept {
            form.containerd = v.clone();
        }
        let text = write_form(&form, FormFormat::from_path(&out.to_string_lossy()));
        std::fs::write(out, text).with_context(|| format!("cannot write {}", out.display()))?;
        if !args.json {
            println!("Wrote the prefilled form to {}.", out.display());
            match &kept {
                Some(v) if !d.facts.containerd_printed.is_empty() => println!(
                    "containerd = \"{v}\" in the form is KEPT from --form; the text prints {} but pullfix read none \
                     as the failing node's: check {v} against the node whose pull failed.",
                    printed_list(&d.facts)
                ),
                Some(v) => match d.facts.containerd_unread {
                    Some(n) => println!(
                        "containerd = \"{v}\" in the form is KEPT from --form, but line {n} looks like a version \
                         pullfix could not read: check it against {v}."
                    ),
                    None => println!(
                        "containerd = \"{v}\" in the form is KEPT from --form (the text does not print the version)."
                    ),
                },
                None => print!("{}", version_line(&d, &form)),
            }
            let quoted = pullfix_core::shell::quote(&out.to_string_lossy());
            if form.containerd.trim().is_empty() {
                // Review 13, D5: generate refuses a form without a version, so say that first.
                println!("Next: set containerd in {} (the node's `containerd --version`), then: pullfix generate --form {quoted}", out.display());
            } else {
                println!("Next: pullfix generate --form {quoted}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// What the written form says about the containerd version, when the text did not print it.
fn version_line(d: &Diagnosis, form: &Form) -> String {
    let v = form.containerd.trim();
    if v.is_empty() && !d.facts.containerd_printed.is_empty() {
        return format!(
            "containerd is NOT set in the form: the text prints {}, and pullfix cannot tell which is the failing \
             node's (see the version finding). Set `containerd` to what `containerd --version` prints on the node \
             whose pull failed.\n",
            printed_list(&d.facts)
        );
    }
    if let (true, Some(n)) = (v.is_empty(), d.facts.containerd_unread) {
        return format!(
            "containerd is NOT set in the form: line {n} looks like containerd's version output, but pullfix could \
             not read it. Set `containerd` to the version it prints (1.4 and older need other files than 1.5+; \
             pullfix generates nothing until it is set).\n"
        );
    }
    if v.is_empty() {
        return "containerd is NOT set in the form: the text does not show the version. Set `containerd` to what \
                `containerd --version` prints on the node (1.4 and older need other files than 1.5+; pullfix \
                generates nothing until it is set).\n"
            .to_owned();
    }
    if d.facts.containerd.is_none() {
        let why = match (&d.facts.containerd_guess, &d.facts.pause_image) {
            (Some(g), Some(p)) if g == v => format!("from the default pause image {p}"),
            _ if d.facts.containerd_major == Some(2) => {
                "from the 2.x message format; every 2.x reads its files".to_owned()
            }
            _ => match d.facts.containerd_unread {
                Some(n) => format!("line {n} looks like a version pullfix could not read"),
                None => "not shown by the text".to_owned(),
            },
        };
        return format!(
            "containerd = \"{v}\" in the form is ASSUMED ({why}): check `containerd --version` on the node and correct it.\n"
        );
    }
    String::new()
}

/// The versions the text prints, with their lines: `2.0.4 (line 2), 1.6.20 (line 3)`.
fn printed_list(f: &pullfix_core::diagnose::Facts) -> String {
    f.containerd_printed.iter().map(|p| format!("{} (line {})", p.version, p.line)).collect::<Vec<_>>().join(", ")
}

/// How the report labels the containerd version of a finding's form changes, when the text
/// does not print it.
#[derive(Clone, Copy)]
enum VersionSource<'a> {
    /// The text prints it.
    Printed,
    /// Inferred from the text (a default pause image, the 2.x message format).
    Assumed,
    /// The `--form`'s own version, kept.
    Kept(&'a str),
}

/// The human-readable report. `kept` is the `--form`'s containerd version when the text
/// prints none.
fn report(d: &Diagnosis, kept: Option<&str>) -> String {
    let source = match kept {
        Some(v) => VersionSource::Kept(v),
        None if d.facts.containerd.is_none() => VersionSource::Assumed,
        None => VersionSource::Printed,
    };
    let mut s = String::new();
    if d.findings.is_empty() {
        s.push_str("No known image-pull problem in this text.\n");
        s.push_str(
            "Paste the Events of `kubectl describe pod`, the output of `crictl pull`, or `journalctl -u containerd`.\n",
        );
    }
    for (i, f) in d.findings.iter().enumerate() {
        s.push_str(&finding(i + 1, f, source));
    }
    let facts = facts(d, kept);
    if !facts.is_empty() {
        s.push_str("The text shows:\n");
        for (k, v) in facts {
            s.push_str(&format!("  {k:<11} {v}\n"));
        }
    }
    s
}

fn finding(n: usize, f: &Finding, source: VersionSource<'_>) -> String {
    let mut s = format!("{n}. [{}] {}\n", f.code, f.title);
    s.push_str(&format!("   line {}: {}\n", f.line, f.excerpt));
    s.push_str(&format!("   Cause: {}\n", f.explanation));
    s.push_str(&format!("   Fix:   {}\n", f.fix));
    let p = prefill(&f.prefill, source);
    if !p.is_empty() {
        s.push_str(&format!("   Form:  {p}\n"));
    }
    s.push('\n');
    s
}

fn prefill(p: &Prefill, source: VersionSource<'_>) -> String {
    let mut parts = Vec::new();
    if let Some(r) = p.registry() {
        parts.push(format!("registry {r}"));
    }
    if let Some(m) = &p.mirror {
        parts.push(format!("its mirror {m}"));
    }
    if let Some(sc) = p.scheme {
        parts.push(format!("scheme {}", sc.as_str()));
    }
    if p.ca_needed {
        parts.push(
            if p.mirror.is_some() { "the mirror's CA certificate needed" } else { "CA certificate needed" }.to_owned(),
        );
    }
    if let Some(v) = p.skip_verify {
        parts.push(format!("skip_verify = {v}"));
    }
    if p.credentials_needed {
        match (&p.mirror, p.credentials_registry()) {
            (Some(_), Some(h)) => parts.push(format!("credentials of {h} needed (registry {h})")),
            _ => parts.push("credentials needed".to_owned()),
        }
    }
    if p.node_auth == Some(true) {
        parts.push("node-level credentials".to_owned());
    }
    if let Some(i) = &p.sandbox_image {
        parts.push(format!("sandbox image {i}"));
    }
    if let Some(v) = &p.containerd {
        parts.push(match source {
            VersionSource::Printed => format!("containerd {v}"),
            VersionSource::Assumed => format!("containerd {v} (assumed)"),
            VersionSource::Kept(k) => format!("containerd {k} (the form's, kept)"),
        });
    }
    if let Some(n) = &p.namespace {
        parts.push(format!("namespace {n}"));
    }
    if let Some(n) = &p.secret_name {
        parts.push(format!("Secret {n}"));
    }
    parts.join(", ")
}

fn facts(d: &Diagnosis, kept: Option<&str>) -> Vec<(&'static str, String)> {
    let f = &d.facts;
    let mut v = Vec::new();
    let mut push = |k: &'static str, x: &Option<String>| {
        if let Some(x) = x {
            v.push((k, x.clone()));
        }
    };
    push("image", &f.image);
    push("registry", &f.registry);
    push("endpoint", &f.endpoint);
    push("mirror", &f.mirror);
    push("redirect", &f.redirect);
    push("pause", &f.pause_image);
    push("containerd", &f.containerd);
    push("namespace", &f.namespace);
    if f.containerd.is_none() {
        let form = kept.map(|k| format!("; the form's {k} is kept")).unwrap_or_default();
        let form = match f.containerd_unread {
            Some(n) => format!("; line {n} looks like a version pullfix could not read{form}"),
            None => form,
        };
        let not = if f.containerd_unread.is_some() { "not read" } else { "not printed" };
        if !f.containerd_printed.is_empty() {
            let wording = f.containerd_major.map(|m| format!("; the message wording is {m}.x's")).unwrap_or_default();
            v.push(("containerd", format!("not read: the text prints {}{wording}{form}", printed_list(f))));
        } else if let (Some(g), Some(p)) = (&f.containerd_guess, &f.pause_image) {
            let how = if kept.is_some() { "hinted at by" } else { "assumed from" };
            v.push(("containerd", format!("{g}? ({how} the default pause image {p}; {not}{form})")));
        } else if let Some(m) = f.containerd_major {
            v.push(("containerd", format!("{m}.x (from the message format; the exact version is {not}{form})")));
        }
    }
    v
}
