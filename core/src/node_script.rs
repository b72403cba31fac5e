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
//! and image is a single word from [`crate::shell::quote`]. `ROOT=/some/dir` writes
//! below that directory instead of `/`, for a dry run or a test.

use crate::diagnostic::Diagnostic;
use crate::output::{AfterApply, FileKind, OutputFile};
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
    /// Whether the engine rendered a config.toml block the operator has to merge by hand.
    pub has_config_block: bool,
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
    _diags: &mut Vec<Diagnostic>,
) -> Vec<OutputFile> {
    let installed: Vec<&OutputFile> = crate::rollout::node_files(files);
    let merged = files.iter().find(|f| f.path == MERGED_PATH);
    if installed.is_empty() && merged.is_none() {
        return Vec::new();
    }
    let target = checked.target.to_string();
    let verify = rollout.verify_image.trim();
    let plan = Plan {
        target: &target,
        files: &installed,
        merged_config: merged,
        has_config_block: files
            .iter()
            .any(|f| f.kind == FileKind::ContainerdConfig && crate::flavor::is_node_path(&f.path)),
        verify_image: (!verify.is_empty()).then_some(verify),
    };
    let sensitive = installed.iter().any(|f| f.sensitive) || merged.is_some_and(|f| f.sensitive);
    vec![OutputFile {
        path: "node-setup.sh".to_owned(),
        contents: script(&plan),
        kind: FileKind::Script,
        title: format!("node-setup.sh: installs {} file(s) on a node", installed.len() + usize::from(merged.is_some())),
        instructions: "Copy it to each node and run it as root: sudo bash node-setup.sh\n\
             It backs up every file it replaces (<file>.pullfix-backup-<time>), restarts containerd only when \
             config.toml changed, and ends with crictl pull when [rollout] verify_image is set. \
             ROOT=/tmp/try bash node-setup.sh writes below /tmp/try instead, to look before you leap."
            .to_owned(),
        after: AfterApply::Run,
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
ROOT="${ROOT:-}"
STAMP="$(date +%Y%m%d-%H%M%S)"
CHANGED=0

# write_file PATH MODE TRIM < contents
# Installs the contents as $ROOT$PATH, owned by root, with MODE; TRIM=1 drops the
# newline the heredoc adds after contents that have none. Backs up a file it
# replaces; leaves an identical file alone. Counts changed files in CHANGED.
write_file() {
  local dest="$ROOT$1" mode="$2" trim="$3" tmp
  mkdir -p "$(dirname "$dest")"
  tmp="$(mktemp "$dest.pullfix-tmp.XXXXXX")"
  cat >"$tmp"
  if [ "$trim" = 1 ]; then truncate -s -1 "$tmp"; fi
  chmod "$mode" "$tmp"
  if [ "$(id -u)" = 0 ]; then chown 0:0 "$tmp"; fi
  if [ -f "$dest" ] && cmp -s "$tmp" "$dest"; then
    rm -f "$tmp"
    chmod "$mode" "$dest"
    echo "unchanged: $1"
    return 0
  fi
  if [ -e "$dest" ]; then
    cp -p "$dest" "$dest.pullfix-backup-$STAMP"
    echo "backed up: $1 -> $1.pullfix-backup-$STAMP"
  fi
  mv -f "$tmp" "$dest"
  CHANGED=$((CHANGED + 1))
  echo "wrote: $1 (mode $mode)"
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
         # ROOT=/tmp/try bash node-setup.sh writes below /tmp/try instead of /.\n",
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
                "if [ \"$CHANGED\" != \"$BEFORE_CONFIG\" ]; then\n  echo \"config.toml changed: restarting containerd\"\n  systemctl restart containerd\nelse\n  echo \"config.toml unchanged: no restart needed (containerd reads certs.d files on every pull)\"\nfi\n",
            );
        }
        None => {
            if plan.has_config_block {
                out.push_str(
                    "echo \"config.toml was not touched: merge pullfix's config.toml block into /etc/containerd/config.toml (or give pullfix your current config.toml to get a merged one), then run: systemctl restart containerd\"\n",
                );
            }
            out.push_str(
                "echo \"No containerd restart needed for certs.d files: containerd reads them on every pull.\"\n",
            );
        }
    }
    out.push_str("echo \"$CHANGED file(s) changed.\"\n");
    if let Some(image) = plan.verify_image {
        let cmd = crate::shell::command(["crictl", "--runtime-endpoint", CONTAINERD_SOCKET, "pull", image]);
        out.push_str(&format!(
            "\necho {}\nif ! {cmd}; then\n  echo {} >&2\n  exit 1\nfi\necho {}\n",
            quote(&format!("verifying: {cmd}")),
            quote("crictl pull failed: paste its error into pullfix's diagnose box to see what is still wrong."),
            quote(&format!("pulled {image}: the node can pull from the registry.")),
        ));
    }
    out
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
