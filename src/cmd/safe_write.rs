//! Writing files where other users might have planted something (review 13, M-1 and L-1).
//!
//! Every write has a root: `generate --out DIR`, `apply`'s certs.d directory, or the
//! directory a file such as config.toml sits in. The rules:
//! - the root and every directory below it that pullfix writes into must be owned by root
//!   or the caller and must not be group- or world-writable (unless sticky): otherwise
//!   another user could swap what pullfix writes (node-setup.sh before `sudo bash`);
//! - no symbolic link is followed below the root, neither a directory nor the file itself;
//!   the root may be a link only when root or the caller made it;
//! - directories pullfix creates are 0755 whatever the umask (less when the umask takes
//!   more away, never group- or world-writable), and files get exactly their mode;
//! - no directory above the root may be writable by others without the sticky bit (they
//!   could rename the root away and put a link in its place);
//! - a file is written as a new temporary file beside it (`O_CREAT|O_EXCL|O_NOFOLLOW`) and
//!   renamed over the old one, so a link or hard link there is replaced, never written
//!   through.

use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use anyhow::{bail, Context};

/// The mode of the directories pullfix creates.
pub const DIR_MODE: u32 = 0o755;

/// The caller's effective user id.
#[cfg(unix)]
fn euid() -> u32 {
    nix::unistd::geteuid().as_raw()
}

/// Whether users other than the owner (and root) can write the directory `meta` describes:
/// write for others, or for a group other than the caller's own (a user-private group, as
/// Debian gives every user with umask 002, is the caller alone), without the sticky bit.
#[cfg(unix)]
fn others_can_write(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    let mode = meta.mode() & 0o7777;
    let group = mode & 0o020 != 0 && meta.gid() != nix::unistd::getegid().as_raw();
    (mode & 0o002 != 0 || group) && mode & 0o1000 == 0
}

/// Fails unless the directory `path` (whose metadata is `meta`, the directory itself, not
/// a link) is owned by root or the caller and is not writable by others (sticky aside).
#[cfg(unix)]
pub fn check_dir(path: &Path, meta: &fs::Metadata) -> anyhow::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let me = euid();
    if meta.uid() != 0 && meta.uid() != me {
        bail!(
            "refusing to write under {}: the directory belongs to another user (uid {}), who could replace or read what pullfix writes there. Fix: use a directory you own (e.g. `mkdir -m 0755 ~/pullfix-out`) or a new one.",
            path.display(),
            meta.uid()
        );
    }
    let mode = meta.mode() & 0o7777;
    if others_can_write(meta) {
        bail!(
            "refusing to write under {}: the directory is writable by other users (mode {mode:04o}), who could replace what pullfix writes there. Fix: `chmod go-w {}`, or use a directory only you can write to.",
            path.display(),
            pullfix_core::shell::quote(&path.display().to_string())
        );
    }
    Ok(())
}

#[cfg(not(unix))]
pub fn check_dir(_path: &Path, _meta: &fs::Metadata) -> anyhow::Result<()> {
    Ok(())
}

/// Creates the directory `path` (its parent exists) with [`DIR_MODE`], whatever the umask.
fn make_dir(path: &Path) -> anyhow::Result<()> {
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        builder.mode(DIR_MODE);
        builder.create(path).with_context(|| format!("creating {}", path.display()))?;
        // The umask may have left group or world write (umask 000): take it away. A
        // stricter umask (077) is kept.
        let mode = fs::symlink_metadata(path)?.permissions().mode() & 0o7777;
        if mode & 0o022 != 0 {
            fs::set_permissions(path, fs::Permissions::from_mode(mode & DIR_MODE))
                .with_context(|| format!("setting the mode of {}", path.display()))?;
        }
    }
    #[cfg(not(unix))]
    builder.create(path).with_context(|| format!("creating {}", path.display()))?;
    Ok(())
}

/// Checks the root directory, creating it (and missing parents, 0755) when it does not
/// exist; pushes what it created onto `created`, outermost first.
pub fn prepare_root(root: &Path, created: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    root_dir(root, Some(created))
}

/// [`prepare_root`]'s checks, creating nothing (a missing root: its nearest existing parent
/// is checked), for a dry run.
pub fn check_root(root: &Path) -> anyhow::Result<()> {
    root_dir(root, None)
}

fn root_dir(root: &Path, mut created: Option<&mut Vec<PathBuf>>) -> anyhow::Result<()> {
    let root = if root.as_os_str().is_empty() { Path::new(".") } else { root };
    match fs::symlink_metadata(root) {
        Ok(meta) if meta.file_type().is_symlink() => {
            check_link_owner(root, &meta)?;
            let target = fs::metadata(root).with_context(|| format!("following {}", root.display()))?;
            if !target.is_dir() {
                bail!("{} is not a directory", root.display());
            }
            check_dir(root, &target)?;
            check_ancestors(root)
        }
        Ok(meta) if meta.is_dir() => {
            check_dir(root, &meta)?;
            check_ancestors(root)
        }
        Ok(_) => bail!("{} is not a directory", root.display()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let parent = match root.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            root_dir(parent, created.as_deref_mut())?;
            if let Some(created) = created {
                make_dir(root)?;
                created.push(root.to_path_buf());
            }
            Ok(())
        }
        Err(e) => Err(e).with_context(|| format!("reading {}", root.display())),
    }
}

/// Fails when a directory above the (existing) root, as named or with links resolved, is
/// writable by other users without the sticky bit: they could swap the root for a link.
#[cfg(unix)]
fn check_ancestors(root: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let named = std::env::current_dir().map(|d| d.join(root)).unwrap_or_else(|_| root.to_path_buf());
    let resolved = fs::canonicalize(root).with_context(|| format!("resolving {}", root.display()))?;
    for path in [named, resolved] {
        for dir in path.ancestors().skip(1) {
            let Ok(meta) = fs::metadata(dir) else { continue };
            let mode = meta.mode() & 0o7777;
            if others_can_write(&meta) {
                bail!(
                    "refusing to write under {}: {} above it is writable by other users (mode {mode:04o}), who could swap {} for a link to somewhere else. Fix: use a directory outside {}, or `chmod go-w {}`.",
                    root.display(),
                    dir.display(),
                    root.display(),
                    dir.display(),
                    pullfix_core::shell::quote(&dir.display().to_string())
                );
            }
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_ancestors(_root: &Path) -> anyhow::Result<()> {
    Ok(())
}

/// A link that is the root itself is followed only when root or the caller made it.
#[cfg(unix)]
fn check_link_owner(path: &Path, meta: &fs::Metadata) -> anyhow::Result<()> {
    use std::os::unix::fs::MetadataExt;
    if meta.uid() != 0 && meta.uid() != euid() {
        bail!(
            "refusing to write under {}: it is a symbolic link made by another user (uid {}). Fix: use a directory you own, or remove the link.",
            path.display(),
            meta.uid()
        );
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_link_owner(_path: &Path, _meta: &fs::Metadata) -> anyhow::Result<()> {
    Ok(())
}

/// The error for a symbolic link found below a root.
fn link_error(path: &Path, root: &Path) -> anyhow::Error {
    let to = fs::read_link(path).map(|t| format!(" (to {})", t.display())).unwrap_or_default();
    anyhow::anyhow!(
        "refusing to write {}: it is a symbolic link{to}, and pullfix follows no link below {}. Fix: remove the link (`rm {}`), or write somewhere new.",
        path.display(),
        root.display(),
        pullfix_core::shell::quote(&path.display().to_string())
    )
}

/// Makes the directories `rel` (plain relative components) below the checked `root`:
/// an existing one must be a directory, not a link, that [`check_dir`] accepts; a missing
/// one is created 0755 and pushed onto `created`. Returns `root/rel`.
pub fn make_dirs_below(root: &Path, rel: &Path, created: &mut Vec<PathBuf>) -> anyhow::Result<PathBuf> {
    let mut dir = root.to_path_buf();
    for c in rel.components() {
        let Component::Normal(name) = c else {
            bail!("refusing to write under {}: {:?} is not a plain relative path", root.display(), rel)
        };
        dir.push(name);
        match fs::symlink_metadata(&dir) {
            Ok(meta) if meta.file_type().is_symlink() => return Err(link_error(&dir, root)),
            Ok(meta) if meta.is_dir() => check_dir(&dir, &meta)?,
            Ok(_) => bail!("cannot write under {}: it exists and is not a directory", dir.display()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                make_dir(&dir)?;
                created.push(dir.clone());
            }
            Err(e) => return Err(e).with_context(|| format!("reading {}", dir.display())),
        }
    }
    Ok(dir)
}

/// Checks, creating nothing, what writing the file `rel` below the checked `root` would
/// meet: [`make_dirs_below`]'s rules for its existing directories, [`check_file`]'s for it.
pub fn check_below(root: &Path, rel: &Path) -> anyhow::Result<()> {
    let mut path = root.to_path_buf();
    let mut names = rel.components().peekable();
    while let Some(c) = names.next() {
        let Component::Normal(name) = c else {
            bail!("refusing to write under {}: {:?} is not a plain relative path", root.display(), rel)
        };
        path.push(name);
        if names.peek().is_none() {
            return check_file(&path, root);
        }
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => return Err(link_error(&path, root)),
            Ok(meta) if meta.is_dir() => check_dir(&path, &meta)?,
            Ok(_) => bail!("cannot write under {}: it exists and is not a directory", path.display()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        }
    }
    Ok(())
}

/// Fails when `path` is a symbolic link or exists and is not a regular file.
pub fn check_file(path: &Path, root: &Path) -> anyhow::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => Err(link_error(path, root)),
        Ok(meta) if !meta.is_file() => bail!("cannot write {}: it exists and is not a regular file", path.display()),
        _ => Ok(()),
    }
}

/// Writes `contents` to `path` (in a checked directory; never through a link at `path`):
/// a new temporary file beside it, opened `O_CREAT|O_EXCL|O_NOFOLLOW`, given `mode`
/// exactly (and `owner` when given), fsynced when `sync`, renamed over `path`.
#[cfg(unix)]
pub fn write_file(
    path: &Path,
    contents: &[u8],
    mode: u32,
    owner: Option<(u32, u32)>,
    sync: bool,
) -> std::io::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.pullfix-{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(nix::libc::O_NOFOLLOW | nix::libc::O_CLOEXEC)
            .open(&tmp)?;
        f.write_all(contents)?;
        if let Some((uid, gid)) = owner {
            std::os::unix::fs::fchown(&f, Some(uid), Some(gid))?;
        }
        // Exactly `mode`, whatever the umask.
        f.set_permissions(fs::Permissions::from_mode(mode))?;
        if sync {
            f.sync_all()?;
        }
        drop(f);
        fs::rename(&tmp, path)?;
        if sync {
            fs::File::open(&dir)?.sync_all()?;
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(not(unix))]
pub fn write_file(
    path: &Path,
    contents: &[u8],
    _mode: u32,
    _owner: Option<(u32, u32)>,
    _sync: bool,
) -> std::io::Result<()> {
    let tmp = path.with_extension("pullfix.tmp");
    fs::write(&tmp, contents)?;
    fs::rename(&tmp, path)
}
