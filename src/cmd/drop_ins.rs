//! Reading the drop-in files a config.toml imports (`imports = [...]`), for `apply` and
//! `doctor`: `pullfix_core::merge::imports::patterns` says what each file names (as the
//! node's containerd resolves it), this expands the `*` patterns as Go's `filepath.Glob`
//! does (matches sorted, `*` not crossing `/`) and follows the drop-ins' own imports, in
//! containerd's load order, each file once.

use std::path::{Path, PathBuf};

use pullfix_core::merge::imports::{patterns, DropIn};

use super::input::read_lossy;

/// The drop-ins `text` (the file at `config`) imports, in load order; `containerd` is the
/// node's version when known (1.x globs relative patterns from `/`).
pub fn read(config: &Path, text: &str, containerd: Option<&str>) -> Vec<DropIn> {
    let main = absolute(config);
    let mut loaded = vec![main.clone()];
    let mut out: Vec<DropIn> = Vec::new();
    let mut pending: Vec<(String, String)> = vec![(main, text.to_owned())];
    while !pending.is_empty() {
        let (path, text) = pending.remove(0);
        for p in patterns(&text, &path, containerd) {
            let files = if p.glob { glob(&p.pattern) } else { vec![p.pattern.clone()] };
            for f in files {
                if loaded.contains(&f) {
                    continue;
                }
                loaded.push(f.clone());
                let text = read_lossy(Path::new(&f)).ok();
                if let Some(t) = &text {
                    pending.push((f.clone(), t.clone()));
                }
                out.push(DropIn { path: f, text });
            }
        }
    }
    out
}

/// The config.toml that imports `file` (directly or through another drop-in), when one is
/// found: /etc/containerd/config.toml, or a config.toml in `file`'s directory or the one
/// above it (`conf.d/` beside config.toml).
pub fn importing_main(file: &Path, containerd: Option<&str>) -> Option<PathBuf> {
    let me = absolute(file);
    let dir = Path::new(&me).parent()?;
    let mut candidates = vec![PathBuf::from("/etc/containerd/config.toml"), dir.join("config.toml")];
    if let Some(up) = dir.parent() {
        candidates.push(up.join("config.toml"));
    }
    candidates
        .into_iter()
        .filter(|c| absolute(c) != me)
        .find(|c| read_lossy(c).is_ok_and(|text| read(c, &text, containerd).iter().any(|d| d.path == me)))
}

/// Whether an `imports` entry of `main` (the text of the file at `path`, followed through its
/// drop-ins) names `file`, or would once it exists (a `*` pattern that matches its name).
pub fn would_import(path: &Path, main: &str, containerd: Option<&str>, file: &str) -> bool {
    let mut texts = vec![(absolute(path), main.to_owned())];
    texts.extend(read(path, main, containerd).into_iter().filter_map(|d| d.text.map(|t| (d.path, t))));
    texts.iter().any(|(p, t)| {
        patterns(t, p, containerd).iter().any(|pat| {
            if pat.glob {
                glob_matches(&pat.pattern, file)
            } else {
                pat.pattern == file
            }
        })
    })
}

/// Whether the absolute path `file` matches the absolute pattern component by component.
fn glob_matches(pattern: &str, file: &str) -> bool {
    let p: Vec<&str> = pattern.split('/').filter(|c| !c.is_empty()).collect();
    let f: Vec<&str> = file.split('/').filter(|c| !c.is_empty()).collect();
    p.len() == f.len() && p.iter().zip(&f).all(|(p, f)| matches(p, f))
}

/// `p` as an absolute path (relative to the working directory), not resolving links.
pub fn absolute(p: &Path) -> String {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().map(|d| d.join(p)).unwrap_or_else(|_| p.to_path_buf())
    };
    abs.to_string_lossy().into_owned()
}

/// The existing paths matching an absolute pattern whose components may hold `*` and `?`,
/// sorted within each directory.
fn glob(pattern: &str) -> Vec<String> {
    let mut found = vec![PathBuf::from("/")];
    for part in pattern.split('/').filter(|c| !c.is_empty()) {
        let mut next = Vec::new();
        for dir in &found {
            if part.contains(['*', '?']) {
                let Ok(entries) = std::fs::read_dir(dir) else { continue };
                let mut names: Vec<String> =
                    entries.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
                names.sort();
                next.extend(names.into_iter().filter(|n| matches(part, n)).map(|n| dir.join(n)));
            } else {
                next.push(dir.join(part));
            }
        }
        found = next;
    }
    found.into_iter().filter(|p| p.exists()).map(|p| p.to_string_lossy().into_owned()).collect()
}

/// Whether `name` matches `pattern` (`*`: any run of characters, `?`: one character).
fn matches(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    let (mut i, mut j, mut star, mut mark) = (0, 0, None, 0);
    while j < n.len() {
        if i < p.len() && (p[i] == '?' || p[i] == n[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some(i);
            mark = j;
            i += 1;
        } else if let Some(s) = star {
            i = s + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    p[i..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(matches("*.toml", "99-cgroup.toml"));
        assert!(matches("*.toml", ".hidden.toml"));
        assert!(!matches("*.toml", "a.toml.bak"));
        assert!(matches("a?c*", "abcdef"));
        assert!(!matches("a?c", "ac"));
    }

    #[test]
    fn reads_drop_ins_in_load_order_once_each() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("conf.d")).unwrap();
        std::fs::write(d.join("conf.d/20-b.toml"), "imports = [\"../extra.toml\", \"gone.toml\"]\n").unwrap();
        std::fs::write(d.join("conf.d/10-a.toml"), "version = 2\n").unwrap();
        std::fs::write(d.join("conf.d/notes.txt"), "").unwrap();
        std::fs::write(d.join("extra.toml"), "imports = [\"conf.d/10-a.toml\"]\n").unwrap();
        let main = d.join("config.toml");
        let text = "imports = [\"conf.d/*.toml\"]\n";
        let got = read(&main, text, Some("2.1"));
        let names: Vec<(String, bool)> = got
            .iter()
            .map(|x| (x.path.trim_start_matches(&d.to_string_lossy().into_owned()).to_owned(), x.text.is_some()))
            .collect();
        // `../extra.toml` is relative to conf.d; extra.toml's import is already loaded.
        let want: Vec<(String, bool)> = [
            ("/conf.d/10-a.toml", true),
            ("/conf.d/20-b.toml", true),
            ("/extra.toml", true),
            ("/conf.d/gone.toml", false),
        ]
        .iter()
        .map(|(p, e)| ((*p).to_owned(), *e))
        .collect();
        assert_eq!(names, want);
    }
}
