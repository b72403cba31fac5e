//! Reading the drop-in files a config.toml imports (`imports = [...]`), for `apply` and
//! `doctor`: `pullfix_core::merge::imports::patterns` says what each file names (as the
//! node's containerd resolves it), this expands the `*` patterns as Go's `filepath.Glob`
//! does (matches sorted, `*` not crossing `/`, `?`, `[...]` classes and `\` escapes; a
//! malformed pattern is a warning and is not followed) and follows the drop-ins' own imports, in
//! containerd's load order, each file once.

use std::path::{Path, PathBuf};

use pullfix_core::merge::imports::{malformed_pattern, patterns, relative_globs_loading, DropIn, Finding};

use super::input::read_lossy;

/// The drop-ins `text` (the file at `config`) imports, in load order; `containerd` is the
/// node's version when known (1.6 before 1.6.30 and 1.7 before 1.7.16 glob relative patterns
/// from `/`).
pub fn read(config: &Path, text: &str, containerd: Option<&str>) -> Vec<DropIn> {
    read_checked(config, text, containerd).0
}

/// [`read`], and the malformed patterns it could not follow (containerd does not start with
/// them): one [`malformed_pattern`] error each; and a `relative_globs` warning for each
/// relative `*` pattern whose directory depends on the node's containerd release.
pub fn read_checked(config: &Path, text: &str, containerd: Option<&str>) -> (Vec<DropIn>, Vec<Finding>) {
    let main = absolute(config);
    let mut malformed = Vec::new();
    let mut loaded = vec![main.clone()];
    let mut out: Vec<DropIn> = Vec::new();
    let mut pending: Vec<(String, String)> = vec![(main, text.to_owned())];
    while !pending.is_empty() {
        let (path, text) = pending.remove(0);
        malformed.extend(relative_globs_loading(&path, &text, containerd, |pattern| {
            glob(pattern).into_iter().map(|f| DropIn { text: read_lossy(Path::new(&f)).ok(), path: f }).collect()
        }));
        for p in patterns(&text, &path, containerd) {
            if p.glob && p.pattern.split('/').any(|c| matches(c, "").is_none()) {
                malformed.push(malformed_pattern(&path, &p.pattern));
                continue;
            }
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
    (out, malformed)
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
    p.len() == f.len() && p.iter().zip(&f).all(|(p, f)| matches(p, f) == Some(true))
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

/// The existing paths matching an absolute pattern whose components may hold `*`, `?`,
/// `[...]` and `\\` escapes (Go's `filepath.Glob`), sorted within each directory.
fn glob(pattern: &str) -> Vec<String> {
    let mut found = vec![PathBuf::from("/")];
    for part in pattern.split('/').filter(|c| !c.is_empty()) {
        let mut next = Vec::new();
        for dir in &found {
            if part.contains(['*', '?', '[', '\\']) {
                let Ok(entries) = std::fs::read_dir(dir) else { continue };
                let mut names: Vec<String> =
                    entries.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
                names.sort();
                next.extend(names.into_iter().filter(|n| matches(part, n) == Some(true)).map(|n| dir.join(n)));
            } else {
                next.push(dir.join(part));
            }
        }
        found = next;
    }
    found.into_iter().filter(|p| p.exists()).map(|p| p.to_string_lossy().into_owned()).collect()
}

/// Whether `name` (one path component) matches `pattern` as Go's `filepath.Match` does on
/// Unix: `*` any run of characters, `?` one character, `[...]` a class (`[^...]` negated,
/// `a-z` ranges, `\\` escapes inside and outside), `\\c` the character c. `None` for a
/// malformed pattern (Go's `ErrBadPattern`, which stops containerd).
fn matches(pattern: &str, name: &str) -> Option<bool> {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    valid(&p).then(|| match_here(&p, &n))
}

/// A parsed `[...]` class: its `(lo, hi)` ranges, whether negated (`[^...]`), and how many
/// characters it takes after the `[`, the `]` included.
type Class = (Vec<(char, char)>, bool, usize);

/// One class `[...]` at the start of `p` (after the `[`). `None`: malformed.
fn class(p: &[char]) -> Option<Class> {
    let mut i = 0;
    let negated = p.first() == Some(&'^');
    if negated {
        i += 1;
    }
    let mut ranges = Vec::new();
    let esc = |i: &mut usize| -> Option<char> {
        let c = *p.get(*i)?;
        if c == '-' || c == ']' {
            return None;
        }
        *i += 1;
        if c == '\\' {
            let e = *p.get(*i)?;
            *i += 1;
            return Some(e);
        }
        Some(c)
    };
    loop {
        if p.get(i) == Some(&']') && !ranges.is_empty() {
            return Some((ranges, negated, i + 1));
        }
        let lo = esc(&mut i)?;
        let hi = if p.get(i) == Some(&'-') {
            i += 1;
            esc(&mut i)?
        } else {
            lo
        };
        ranges.push((lo, hi));
    }
}

/// Whether the whole pattern is well formed.
fn valid(p: &[char]) -> bool {
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            '[' => match class(&p[i + 1..]) {
                Some((_, _, len)) => i += 1 + len,
                None => return false,
            },
            '\\' if i + 1 >= p.len() => return false,
            '\\' => i += 2,
            _ => i += 1,
        }
    }
    true
}

fn match_here(p: &[char], n: &[char]) -> bool {
    let Some(&first) = p.first() else { return n.is_empty() };
    match first {
        '*' => (0..=n.len()).any(|k| match_here(&p[1..], &n[k..])),
        '?' => !n.is_empty() && match_here(&p[1..], &n[1..]),
        '[' => {
            let Some((ranges, negated, len)) = class(&p[1..]) else { return false };
            let Some(&c) = n.first() else { return false };
            let inside = ranges.iter().any(|(lo, hi)| *lo <= c && c <= *hi);
            inside != negated && match_here(&p[1 + len..], &n[1..])
        }
        '\\' => p.get(1).is_some_and(|e| n.first() == Some(e)) && match_here(&p[2..], &n[1..]),
        c => n.first() == Some(&c) && match_here(&p[1..], &n[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        let m = |p, n| matches(p, n) == Some(true);
        assert!(m("*.toml", "99-cgroup.toml"));
        assert!(m("*.toml", ".hidden.toml"));
        assert!(!m("*.toml", "a.toml.bak"));
        assert!(m("a?c*", "abcdef"));
        assert!(!m("a?c", "ac"));
    }

    /// Review 7, L4: Go's filepath.Match character classes and escapes.
    #[test]
    fn character_classes_and_escapes_as_go() {
        let m = |p, n| matches(p, n);
        assert_eq!(m("[0-9]*.toml", "99-cgroup.toml"), Some(true));
        assert_eq!(m("[0-9]*.toml", "cgroup.toml"), Some(false));
        assert_eq!(m("[^0-9]*.toml", "cgroup.toml"), Some(true));
        assert_eq!(m("[^0-9]*.toml", "9.toml"), Some(false));
        assert_eq!(m("[a-c9]x", "9x"), Some(true));
        assert_eq!(m("[\\]]x", "]x"), Some(true));
        assert_eq!(m("\\*.toml", "*.toml"), Some(true));
        assert_eq!(m("\\*.toml", "a.toml"), Some(false));
        // Malformed, as Go's ErrBadPattern: an empty class, an unclosed one, a trailing `\\`.
        for bad in ["[]a", "[a-", "[abc", "a\\", "[-a]", "x*["] {
            assert_eq!(m(bad, "a"), None, "{bad}");
        }
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
