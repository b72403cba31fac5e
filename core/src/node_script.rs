//! `node-setup.sh`: one script to paste into a root shell on a node.
//!
//! It writes every node-side file (hosts.toml, CA files, and the merged config.toml
//! when the operator gave pullfix their current one) owned by root with the file's
//! mode (0600 where credentials are), keeps a timestamped backup of anything it
//! replaces, restarts containerd only when config.toml changed, and finally proves
//! the fix with `crictl pull` when the form names an image.
//!
//! Every file's contents sit in a quoted heredoc (`<<'PULLFIX_EOF_n'`, with a marker
//! that occurs nowhere in the contents), so nothing in them is expanded; every path
//! and image is a single word from [`crate::shell::quote`].
//!
//! `ROOT=/some/dir` (non-empty, not `/`) is a preview: the script writes the files below
//! that directory only, restarts nothing and pulls nothing, and says what it would
//! restart and which `crictl pull` it would run; its messages name the paths it really
//! wrote. The config.toml checks still run, read-only, on `$ROOT/etc/containerd/config.toml`
//! with this host's `containerd config dump` (what a real run on this node would use), and
//! the script says so: absolute `imports` in that file name this host's drop-ins.

use crate::diagnostic::Diagnostic;
use crate::output::{AfterApply, FileKind, OutputFile, Placement};
use crate::rollout::Rollout;
use crate::shell::quote;
use crate::validate::Checked;

/// Where the script installs a merged config.toml.
pub const CONFIG_TOML: &str = "/etc/containerd/config.toml";
/// The path of the merge feature's output among the rendered files.
pub const MERGED_PATH: &str = "merged/config.toml";
/// The socket `crictl` verifies through.
pub const CONTAINERD_SOCKET: &str = "unix:///run/containerd/containerd.sock";

/// What the script does, as plain data (also what the tests compare against).
#[derive(Debug, Clone, Copy)]
pub struct Plan<'a> {
    /// The containerd version the files are for (shown in the header).
    pub target: &'a str,
    /// Files to install, each at `/` + its path, with its mode.
    pub files: &'a [&'a OutputFile],
    /// A merged, complete config.toml to install at [`CONFIG_TOML`].
    pub merged_config: Option<&'a OutputFile>,
    /// The engine's config.toml block. It is a complete config (containerd keeps its
    /// default for every key it does not set), so the script installs it where the node
    /// has no config.toml yet; otherwise it leaves the node's file alone.
    pub config_block: Option<&'a OutputFile>,
    /// The `config_path` the hosts.toml files need (`None` for inline configs): where
    /// the node's own config.toml does not list it, the script stops with an error
    /// before the verify pull, since containerd would ignore the files.
    pub config_path: Option<&'a str>,
    /// Whether containerd refuses `registry.configs.<host>.tls` beside `config_path`
    /// (1.5 - 1.7; 2.x ignores it), so the script stops for it as for inline mirrors.
    pub refuses_legacy_tls: bool,
    /// Whether the block sets more than `config_path` (sandbox image, node credentials),
    /// which a node that keeps its own config.toml has to merge by hand.
    pub block_extras: bool,
    /// An image to `crictl pull` at the end.
    pub verify_image: Option<&'a str>,
}

/// Renders `node-setup.sh` for the kubeadm flavour from the rendered files.
// Kept out of the first render's code (compiled on first call): ARCHITECTURE.md, "Start-up".
#[inline(never)]
pub fn render(
    checked: &Checked,
    rollout: &Rollout,
    files: &[OutputFile],
    diags: &mut Vec<Diagnostic>,
) -> Vec<OutputFile> {
    let installed: Vec<&OutputFile> = crate::rollout::node_files(files);
    let merged = files.iter().find(|f| f.path == MERGED_PATH);
    if installed.is_empty() && merged.is_none() {
        // Said, not silently skipped: node_script was asked for.
        diags.push(Diagnostic::info(
            crate::diagnostic::Field::root("rollout").key("node_script"),
            "rollout.node-script-nothing",
            "No node-setup.sh: the nodes get no certs.d or CA files from this form (legacy_config keeps \
             everything in config.toml, or no registry needs a file), and an existing config.toml cannot be \
             merged by a script without the node's file."
                .to_owned(),
            "Merge the config.toml block on each node (sudo pullfix apply --form <your form>, or paste the node's \
             config.toml into the page's merge box for a script that installs the merged file), then restart containerd."
                .to_owned(),
        ));
        return Vec::new();
    }
    let target = checked.target.to_string();
    let verify = rollout.verify_image.trim();
    let block = files.iter().find(|f| f.kind == FileKind::ContainerdConfig && crate::flavor::is_node_path(&f.path));
    let form = &checked.form;
    let plan = Plan {
        target: &target,
        files: &installed,
        merged_config: merged,
        config_block: block,
        config_path: (checked.style == crate::validate::Style::HostsToml).then_some(checked.config_path.as_str()),
        refuses_legacy_tls: checked.target.major < 2,
        block_extras: !form.sandbox_image.trim().is_empty()
            || form.registries.iter().any(|r| r.node_auth && crate::plan::usable_credentials(r)),
        verify_image: (!verify.is_empty()).then_some(verify),
    };
    // The script carries every file it installs, the config block included.
    let sensitive = installed.iter().any(|f| f.sensitive)
        || merged.is_some_and(|f| f.sensitive)
        || (merged.is_none() && block.is_some_and(|f| f.sensitive));
    vec![OutputFile {
        path: "node-setup.sh".to_owned(),
        contents: script(&plan),
        kind: FileKind::Script,
        title: format!("node-setup.sh: installs {} file(s) on a node", installed.len() + usize::from(merged.is_some())),
        instructions: "Copy it to each node and run it as root: sudo bash node-setup.sh\n\
             It backs up every file it replaces (<file>.pullfix-backup-<time>), installs the config.toml block on a \
             node that has no /etc/containerd/config.toml, stops with an error on a node whose config.toml does not \
             set the config_path the hosts.toml files need, or also sets inline mirrors or TLS that containerd refuses \
             beside it (merge the block, restart containerd, run it again), \
             restarts containerd only when config.toml changed, and ends with crictl pull when [rollout] verify_image \
             is set. To look before you leap: ROOT=/tmp/try bash node-setup.sh is a preview that writes the files below \
             /tmp/try only, restarts nothing and pulls nothing (it prints the restart and the crictl pull it would \
             run); its config.toml checks read /tmp/try/etc/containerd/config.toml with this node's containerd."
            .to_owned(),
        after: AfterApply::Run,
        placement: Placement::RunOnNode,
        sensitive,
    }]
}

/// `node-setup.sh` for a form whose rendered files are `rendered`, installing
/// `merged_config` (the merge feature's complete config.toml for this node, e.g.
/// `crate::merge`'s text) at [`CONFIG_TOML`] and restarting containerd when it differs
/// from the node's. For front ends that merge after rendering; `render` alone never has
/// the node's current config.toml.
pub fn with_merged_config(
    form: &crate::form::Form,
    rendered: &[OutputFile],
    merged_config: &str,
    sensitive: bool,
) -> Option<OutputFile> {
    let mut diags = Vec::new();
    let checked = crate::validate::check(form, &mut diags);
    let rollout = crate::rollout::check(&form.rollout, &mut diags);
    let mut files: Vec<OutputFile> =
        rendered.iter().filter(|f| f.path != "node-setup.sh" && f.path != MERGED_PATH).cloned().collect();
    files.push(OutputFile {
        path: MERGED_PATH.to_owned(),
        contents: merged_config.to_owned(),
        kind: FileKind::ContainerdConfig,
        title: "config.toml merged with the node's".to_owned(),
        instructions: String::new(),
        after: AfterApply::RestartContainerd,
        placement: Placement::Node,
        sensitive,
    });
    render(&checked, &rollout, &files, &mut diags).into_iter().next()
}

/// A heredoc marker that occurs nowhere in `contents`.
pub fn heredoc_marker(contents: &str) -> String {
    let mut n = 0usize;
    loop {
        let m = format!("PULLFIX_EOF_{n}");
        if !contents.contains(&m) {
            return m;
        }
        n += 1;
    }
}

const PRELUDE: &str = r#"set -euo pipefail
# Whatever umask the caller has (sudo may keep 000): nothing this script creates is
# group- or world-writable. Every file also gets its mode explicitly (write_file).
umask 022
ROOT="${ROOT:-}"
# ROOT=/ (or /tmp/try/) means the same as without the slash: / is the node itself.
while [ "${ROOT%/}" != "$ROOT" ]; do ROOT="${ROOT%/}"; done
STAMP="$(date +%Y%m%d-%H%M%S)"
CHANGED=0
if [ -n "$ROOT" ]; then
  PREVIEW=1
  WHERE="under $ROOT"
  echo "PREVIEW (ROOT=$ROOT): files are written below $ROOT only; containerd is not restarted and nothing is pulled."
else
  PREVIEW=0
  WHERE="on this node"
fi

# restart_containerd: config.toml changed. A preview only says what it would do.
restart_containerd() {
  if [ "$PREVIEW" = 1 ]; then
    echo "would restart containerd (config.toml changed)"
  else
    echo "config.toml changed: restarting containerd"
    systemctl restart containerd
  fi
}

# make_dirs DIR: creates DIR and its missing parents, each with mode 0755; leaves the
# modes of directories that exist alone.
make_dirs() {
  if [ -d "$1" ]; then return 0; fi
  make_dirs "$(dirname "$1")"
  mkdir -m 0755 "$1"
}

# write_file PATH MODE TRIM < contents
# Installs the contents as $ROOT$PATH, owned by root, with MODE; TRIM=1 drops the
# newline the heredoc adds after contents that have none. Backs up a file it
# replaces; leaves an identical file alone. Counts changed files in CHANGED.
# Messages name the path written ($ROOT$PATH).
write_file() {
  local dest="$ROOT$1" mode="$2" trim="$3" tmp
  make_dirs "$(dirname "$dest")"
  tmp="$(mktemp "$dest.pullfix-tmp.XXXXXX")"
  cat >"$tmp"
  if [ "$trim" = 1 ]; then truncate -s -1 "$tmp"; fi
  chmod "$mode" "$tmp"
  if [ "$(id -u)" = 0 ]; then chown 0:0 "$tmp"; fi
  if [ -f "$dest" ] && cmp -s "$tmp" "$dest"; then
    rm -f "$tmp"
    chmod "$mode" "$dest"
    echo "unchanged: $dest"
    return 0
  fi
  if [ -e "$dest" ]; then
    cp -p "$dest" "$dest.pullfix-backup-$STAMP"
    echo "backed up: $dest -> $dest.pullfix-backup-$STAMP"
  fi
  mv -f "$tmp" "$dest"
  CHANGED=$((CHANGED + 1))
  echo "wrote: $dest (mode $mode)"
}
"#;

/// The script text for a plan.
pub fn script(plan: &Plan<'_>) -> String {
    let mut out = String::new();
    out.push_str("#!/usr/bin/env bash\n");
    // Values are single-quoted on purpose: nothing in them may expand.
    out.push_str("# shellcheck disable=SC2016\n");
    out.push_str(&format!(
        "# node-setup.sh, generated by pullfix for containerd {}.\n\
         # Run as root on each node: sudo bash node-setup.sh\n\
         #\n\
         # Preview: ROOT=/tmp/try bash node-setup.sh writes the files below /tmp/try only (and\n\
         # backs up what it replaces there). It restarts nothing and pulls nothing: it prints\n\
         # \"would restart containerd\" and the crictl pull it would run. It still reads this\n\
         # host: the config.toml checks run this host's containerd (containerd config dump,\n\
         # read-only) on /tmp/try/etc/containerd/config.toml, so the drop-ins its imports line\n\
         # names by absolute path are this host's. /tmp/try starts empty, so the preview\n\
         # installs the config.toml block there; to preview what happens to this node's own\n\
         # config.toml, copy it below /tmp/try first (the script prints how).\n",
        plan.target
    ));
    out.push_str(PRELUDE);
    out.push('\n');
    for f in plan.files {
        push_write(&mut out, &format!("/{}", f.path), f.mode(), &f.contents);
    }
    match plan.merged_config {
        Some(m) => {
            out.push_str("BEFORE_CONFIG=$CHANGED\n");
            push_write(&mut out, CONFIG_TOML, m.mode(), &m.contents);
            out.push_str(
                "if [ \"$CHANGED\" != \"$BEFORE_CONFIG\" ]; then\n  restart_containerd\nelse\n  echo \"config.toml unchanged: no restart needed (containerd reads certs.d files on every pull)\"\nfi\n",
            );
        }
        None => match plan.config_block {
            Some(block) => push_config_block(&mut out, plan, block),
            None => out.push_str(
                "echo \"The certs.d files themselves need no containerd restart: containerd reads them on every pull.\"\n",
            ),
        },
    }
    out.push_str("echo \"$CHANGED file(s) changed $WHERE.\"\n");
    if let Some(image) = plan.verify_image {
        let cmd = crate::shell::command(["crictl", "--runtime-endpoint", CONTAINERD_SOCKET, "pull", image]);
        out.push_str(&format!(
            "\nif [ \"$PREVIEW\" = 1 ]; then\n  echo {}\nelse\n  echo {}\n  if ! {cmd}; then\n    echo {} >&2\n    exit 1\n  fi\n  echo {}\nfi\n",
            quote(&format!("would verify with: {cmd}")),
            quote(&format!("verifying: {cmd}")),
            quote("crictl pull failed: paste its error into pullfix's diagnose box to see what is still wrong."),
            quote(&format!("pulled {image}: the node can pull from the registry.")),
        ));
    }
    out
}

/// A piece of a message: text (any characters, quoted) or a shell variable's value.
enum Part<'a> {
    Text(&'a str),
    /// A variable name (or `NAME:-default`), written by this file, never user input.
    Var(&'static str),
}

/// One shell word printing the pieces, e.g. `'No '"$CONFIG"' here'`: the text pieces go
/// through [`quote`], the variables are expanded inside double quotes.
fn word(parts: &[Part<'_>]) -> String {
    parts
        .iter()
        .map(|p| match p {
            Part::Text(t) => quote(t),
            Part::Var(v) => format!("\"${{{v}}}\""),
        })
        .collect()
}

/// `printf '%s\n' <word>`: prints the pieces as one line.
fn say(parts: &[Part<'_>]) -> String {
    format!("printf '%s\\n' {}", word(parts))
}

/// Checks the node's config.toml (through `containerd config dump` where containerd is
/// installed, so imports, the version line and defaults count; the file's text
/// otherwise, or when containerd cannot run: exit 126/127): succeeds when a `config_path`
/// lists the directory `$1`. When containerd runs but cannot load the file (1.7 with a version
/// 3 file, a broken import), the script stops with containerd's own error: that containerd
/// would not start (review 10 L3). Leaves in `CONFIG_PATH_DUMPED` whether it read
/// containerd's dump (1) or the file (0), and in `CONFIG_PATH_SEEN` the non-empty
/// config_path values it found. In a preview it first says which file it checks and
/// with what: this host's containerd, whose dump follows the file's absolute `imports`
/// to this host's drop-ins, not to copies under `$ROOT`.
const CONFIG_PATH_CHECK: &str = r#"config_path_lists() {
  local want="$1" text="" line v p parts err
  local re=$'^[[:space:]]*config_path[[:space:]]*=[[:space:]]*[\'"]([^\'"]*)'
  CONFIG_PATH_DUMPED=0
  CONFIG_PATH_SEEN=""
  if command -v containerd >/dev/null 2>&1; then
    if [ "$PREVIEW" = 1 ]; then
      echo "checking $CONFIG with this host's containerd (containerd --config $CONFIG config dump, read-only): drop-ins its imports line names by absolute path are read from this host, not from below $ROOT."
    fi
    err="$(mktemp "${TMPDIR:-/tmp}/pullfix-dump.XXXXXX")"
    if text="$(containerd --config "$CONFIG" config dump 2>"$err")"; then
      CONFIG_PATH_DUMPED=1
    elif [ "$?" -lt 126 ]; then
      echo "ERROR: containerd cannot load $CONFIG, so it would not start:" >&2
      cat "$err" >&2
      rm -f "$err"
      echo "Fix: correct the file (pullfix doctor --containerd <version> names the problem), then run this script again." >&2
      exit 1
    else
      text=""
    fi
    rm -f "$err"
  elif [ "$PREVIEW" = 1 ]; then
    echo "checking the text of $CONFIG (no containerd on this host, so its imports are not followed)."
  fi
  if [ -z "$text" ]; then text="$(cat "$CONFIG")"; fi
  while IFS= read -r line; do
    if [[ $line =~ $re ]]; then
      v="${BASH_REMATCH[1]}"
      [ -n "$v" ] || continue
      CONFIG_PATH_SEEN="${CONFIG_PATH_SEEN:+$CONFIG_PATH_SEEN, }$v"
      IFS=: read -r -a parts <<<"$v"
      for p in "${parts[@]}"; do
        if [ "${p%/}" = "$want" ]; then return 0; fi
      done
    fi
  done <<<"$text"
  return 1
}
"#;

/// Lists, one per line, the registry settings of the node's config.toml that containerd
/// refuses beside `config_path`, so that its CRI plugin does not load: any
/// `registry.mirrors` entry (a table, an inline table or dotted keys), and, where
/// `$LEGACY_TLS_REFUSED` is 1 (1.5 - 1.7; 2.x ignores them), any `registry.configs.<host>.tls`.
/// It reads `containerd config dump` where containerd is installed (every table then has
/// its own header, and only what containerd really parsed counts), else the file's text
/// with comment lines skipped. `config_path_lists` has already run.
const LEGACY_BESIDE_CONFIG_PATH: &str = r#"legacy_beside_config_path() {
  local text="" line table="" key
  local mirror_table='(^|\.)registry\.mirrors\.'
  local tls_table='(^|\.)registry\.configs\..+\.tls$'
  local host_table='(^|\.)registry\.configs\.("[^"]*"|'"'"'[^'"'"']*'"'"'|[A-Za-z0-9_-]+)$'
  local tls_word='(^|[.{,[:space:]])tls[[:space:]]*[.=]'
  local mirrors_parent='(^|\.)registry\.mirrors$' registry='(^|\.)registry$' configs='(^|\.)registry\.configs$'
  local empty_inline='^[[:space:]]*\{[[:space:]]*\}[[:space:]]*(#.*)?$'
  if command -v containerd >/dev/null 2>&1; then
    text="$(containerd --config "$CONFIG" config dump 2>/dev/null)" || text=""
  fi
  if [ -z "$text" ]; then text="$(cat "$CONFIG")"; fi
  while IFS= read -r line; do
    line="${line#"${line%%[![:space:]]*}"}"
    case "$line" in
      '' | '#'*) continue ;;
      '[['*) table="" ;;
      '['*)
        table="${line#[}"
        table="${table%]*}"
        table="${table//[[:space:]]/}"
        if [[ $table =~ $mirror_table ]]; then echo "$table"; fi
        if [ "$LEGACY_TLS_REFUSED" = 1 ] && [[ $table =~ $tls_table ]]; then echo "$table"; fi
        ;;
      *)
        key="${line%%=*}"
        key="${key//[[:space:]]/}"
        if [[ $table =~ $mirrors_parent ]]; then
          echo "$table.$key"
        elif [[ $table =~ $registry ]]; then
          case "$key" in
            mirrors.*) echo "$table.$key" ;;
            mirrors) [[ ${line#*=} =~ $empty_inline ]] || echo "$table.mirrors" ;;
            configs*) if [ "$LEGACY_TLS_REFUSED" = 1 ] && [[ $line =~ $tls_word ]]; then echo "$table.$key"; fi ;;
          esac
        elif [ "$LEGACY_TLS_REFUSED" = 1 ] && [[ $table =~ $configs ]] && [[ $line =~ $tls_word ]]; then
          echo "$table.$key"
        elif [ "$LEGACY_TLS_REFUSED" = 1 ] && [[ $table =~ $host_table ]] && [[ $key == tls* ]]; then
          echo "$table.$key"
        fi
        ;;
    esac
  done <<<"$text"
}
"#;

/// The config.toml step without a merged config: install the block on a node without
/// config.toml; on a node with one, leave it, but stop when it lacks `config_path`.
fn push_config_block(out: &mut String, plan: &Plan<'_>, block: &OutputFile) {
    let contents = &block.contents;
    let marker = heredoc_marker(contents);
    let trim = !contents.is_empty() && !contents.ends_with('\n');
    // The node's config.toml, where the script writes and reads it.
    out.push_str(&format!("CONFIG=\"$ROOT\"{}\n", quote(CONFIG_TOML)));
    out.push_str(CONFIG_PATH_CHECK);
    if plan.config_path.is_some() {
        out.push_str(&format!("LEGACY_TLS_REFUSED={}\n", u8::from(plan.refuses_legacy_tls)));
        out.push_str(LEGACY_BESIDE_CONFIG_PATH);
    }
    out.push_str("BLOCK=\"$(mktemp \"${TMPDIR:-/tmp}/pullfix-config.XXXXXX\")\"\ntrap 'rm -f \"$BLOCK\"' EXIT\n");
    out.push_str(&format!("cat >\"$BLOCK\" <<'{marker}'\n{contents}"));
    if trim {
        out.push('\n');
    }
    out.push_str(&format!("{marker}\n"));
    if trim {
        out.push_str("truncate -s -1 \"$BLOCK\"\n");
    }
    let installing = format!(
        "installing pullfix's config.toml block, a complete config for containerd {} (every setting it does not name keeps containerd's default).",
        plan.target
    );
    out.push_str(&format!(
        "if [ ! -e \"$CONFIG\" ] || cmp -s \"$BLOCK\" \"$CONFIG\"; then\n  \
         if [ ! -e \"$CONFIG\" ]; then\n    \
         if [ \"$PREVIEW\" = 1 ]; then\n      {}\n      \
         if [ -e {} ]; then\n        printf -v QROOT '%q' \"$ROOT\"\n        {}\n      fi\n    \
         else\n      echo {}\n    fi\n  fi\n  \
         BEFORE_CONFIG=$CHANGED\n  write_file {} {:04o} 0 <\"$BLOCK\"\n  \
         if [ \"$CHANGED\" != \"$BEFORE_CONFIG\" ]; then restart_containerd; fi\n",
        say(&[
            Part::Text(&format!("No {CONFIG_TOML} under ")),
            Part::Var("ROOT"),
            Part::Text(&format!(" (this node's own is not read): {installing}")),
        ]),
        quote(CONFIG_TOML),
        say(&[
            Part::Text(&format!(
                "Note: this node has its own {CONFIG_TOML}, so a run without ROOT would check that file instead of installing the block. To preview that run, copy it first: mkdir -p "
            )),
            Part::Var("QROOT"),
            Part::Text(&format!("/etc/containerd && cp -p {CONFIG_TOML} ")),
            Part::Var("QROOT"),
            Part::Text("/etc/containerd/ (then run this script again)."),
        ]),
        quote(&format!("No {CONFIG_TOML} on this node: {installing}")),
        quote(CONFIG_TOML),
        block.mode(),
    ));
    let merge_fix = |what: &str| {
        say(&[
            Part::Text(&format!("Fix: {what} ")),
            Part::Var("CONFIG"),
            Part::Text(
                " (with pullfix on the node: sudo pullfix apply --form <your form>; or paste this node's config.toml into pullfix's web page to get a node-setup.sh that installs the merged file), run systemctl restart containerd, then run this script again.",
            ),
        ])
    };
    match plan.config_path {
        Some(dir) => {
            // Review 10, L3(b): what containerd loads is config.toml with its drop-ins; one of
            // them may override config.toml's config_path (2.x merges key by key).
            out.push_str(&format!(
                "elif ! config_path_lists {}; then\n  if [ \"$CONFIG_PATH_DUMPED\" = 1 ]; then\n    {} >&2\n  else\n    {} >&2\n  fi\n  {} >&2\n  exit 1\n",
                quote(dir),
                say(&[
                    Part::Text("ERROR: the config containerd loads ("),
                    Part::Var("CONFIG"),
                    Part::Text(&format!(
                        " with the drop-ins its imports line names, as `containerd config dump` shows them) does not set config_path = \"{dir}\" (it has: "
                    )),
                    Part::Var("CONFIG_PATH_SEEN:-none"),
                    Part::Text("), so containerd ignores the hosts.toml files just installed and pulls would still fail. If "),
                    Part::Var("CONFIG"),
                    Part::Text(
                        " itself sets it, a drop-in overrides it: find it with `grep -rn config_path /etc/containerd` and delete config_path there (`pullfix apply` names the drop-in).",
                    ),
                ]),
                say(&[
                    Part::Text("ERROR: "),
                    Part::Var("CONFIG"),
                    Part::Text(&format!(
                        " does not set config_path = \"{dir}\", so containerd ignores the hosts.toml files just installed and pulls would still fail."
                    )),
                ]),
                merge_fix("merge pullfix's config.toml block into"),
            ));
            let what = if plan.refuses_legacy_tls {
                "inline registry.mirrors or registry.configs.<host>.tls settings"
            } else {
                "inline registry.mirrors entries"
            };
            out.push_str(&format!(
                "elif LEGACY=\"$(legacy_beside_config_path)\" && [ -n \"$LEGACY\" ]; then\n  {} >&2\n  \
                 printf '  %s\\n' \"$LEGACY\" >&2\n  echo {} >&2\n  exit 1\n",
                say(&[
                    Part::Text("ERROR: "),
                    Part::Var("CONFIG"),
                    Part::Text(&format!(
                        " sets config_path and also {what}: containerd {} does not load its CRI plugin with both, so every pull fails. Found:",
                        plan.target
                    )),
                ]),
                quote(
                    "Fix: move those settings into hosts.toml files (mirrors as [host.\"<url>\"] tables, TLS as ca / skip_verify) and delete them from config.toml (sudo pullfix apply --form <your form> does it for the form's registries and names the others), run systemctl restart containerd, then run this script again."
                ),
            ));
            let kept = if plan.block_extras {
                " already sets config_path and was not touched. pullfix's block also sets the sandbox image and/or node credentials: merge those by hand if you need them, then run systemctl restart containerd."
                    .to_owned()
            } else {
                format!(" already sets config_path = \"{dir}\"; it was not touched.")
            };
            out.push_str(&format!("else\n  {}\n", say(&[Part::Var("CONFIG"), Part::Text(&kept)])));
        }
        None => out.push_str(&format!(
            "else\n  {} >&2\n",
            say(&[
                Part::Text("WARNING: "),
                Part::Var("CONFIG"),
                Part::Text(
                    " was not touched: merge pullfix's config.toml block into it (or give pullfix this node's config.toml to get a merged one), then run systemctl restart containerd. Until then containerd does not use these settings.",
                ),
            ])
        )),
    }
    out.push_str(
        "fi\necho \"The certs.d files themselves need no containerd restart: containerd reads them on every pull.\"\n",
    );
}

fn push_write(out: &mut String, path: &str, mode: u32, contents: &str) {
    let marker = heredoc_marker(contents);
    let trim = u8::from(!contents.is_empty() && !contents.ends_with('\n'));
    out.push_str(&format!("write_file {} {mode:04o} {trim} <<'{marker}'\n", quote(path)));
    out.push_str(contents);
    if trim == 1 {
        out.push('\n');
    }
    out.push_str(&marker);
    out.push_str("\n\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_avoid_the_contents() {
        assert_eq!(heredoc_marker("abc"), "PULLFIX_EOF_0");
        assert_eq!(heredoc_marker("x PULLFIX_EOF_0\nPULLFIX_EOF_1"), "PULLFIX_EOF_2");
    }
}
