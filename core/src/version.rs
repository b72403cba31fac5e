//! Target containerd versions and what each one understands (see REFERENCE.md).

use std::fmt;

use crate::config_file::Dialect;

/// A containerd release line, optionally with its patch release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Target {
    /// 1 or 2.
    pub major: u32,
    /// Minor release.
    pub minor: u32,
    /// Patch release, when the form names one (`"1.6.20"`).
    pub patch: Option<u32>,
}

/// Why a version string was not understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionError {
    /// Not `MAJOR.MINOR[.PATCH]`.
    Malformed,
    /// A real version, but not one pullfix knows how to configure.
    Unsupported,
}

/// The versions pullfix generates for, as `(major, minor)`.
pub const SUPPORTED: &[(u32, u32)] = &[(1, 2), (1, 3), (1, 4), (1, 5), (1, 6), (1, 7), (2, 0), (2, 1), (2, 2), (2, 3)];

impl Target {
    /// Parses `"1.7"`, `"1.6.20"`, `"v2.1"`, `"2.0.0-rc.1"`.
    pub fn parse(s: &str) -> Result<Target, VersionError> {
        let s = version_word(s.trim());
        let s = s.strip_prefix('v').unwrap_or(s);
        let core = s.split(['-', '+', '~']).next().unwrap_or("");
        let mut parts = core.split('.');
        let num = |p: Option<&str>| -> Result<u32, VersionError> {
            let p = p.ok_or(VersionError::Malformed)?;
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || p.len() > 6 {
                return Err(VersionError::Malformed);
            }
            p.parse().map_err(|_| VersionError::Malformed)
        };
        let major = num(parts.next())?;
        let minor = num(parts.next())?;
        let patch = match parts.next() {
            None => None,
            p => Some(num(p)?),
        };
        if parts.next().is_some() {
            return Err(VersionError::Malformed);
        }
        let t = Target { major, minor, patch };
        if SUPPORTED.contains(&(major, minor)) {
            Ok(t)
        } else {
            Err(VersionError::Unsupported)
        }
    }

    /// A release line without patch.
    pub const fn new(major: u32, minor: u32) -> Target {
        Target { major, minor, patch: None }
    }

    fn at_least(&self, major: u32, minor: u32) -> bool {
        (self.major, self.minor) >= (major, minor)
    }

    /// The `version =` this target's config.toml needs: 1 (1.0-1.2), 2 (1.3-1.7), 3 (2.0-2.2),
    /// 4 (2.3+, which also reads 1-3).
    pub fn config_version(&self) -> u8 {
        if self.at_least(2, 3) {
            // 2.3's `config default` prints 4; the tables are those of 3.
            4
        } else if self.major >= 2 {
            3
        } else if self.at_least(1, 3) {
            2
        } else {
            1
        }
    }

    /// The highest config version this target reads: 4 (2.3+), 3 (2.0 - 2.2), 2 (1.3 - 1.7),
    /// 1 (older). A higher one stops 2.x at start; 1.x starts but ignores the 2.x tables.
    pub fn max_config_version(&self) -> i64 {
        i64::from(self.config_version())
    }

    /// The plugin paths of [`Target::config_version`].
    pub fn dialect(&self) -> Dialect {
        Dialect::of_version(i64::from(self.config_version()))
    }

    /// hosts.toml via `config_path` (1.5+).
    pub fn has_hosts_toml(&self) -> bool {
        self.at_least(1, 5)
    }

    /// The `_default` hosts.toml namespace: 1.6.17+ and 1.7+.
    /// `None` when the form names 1.6 without a patch release (depends on it).
    pub fn has_default_namespace(&self) -> Option<bool> {
        match (self.major, self.minor, self.patch) {
            (1, 6, Some(p)) => Some(p >= 17),
            (1, 6, None) => None,
            _ => Some(self.at_least(1, 7)),
        }
    }

    /// `override_path` in hosts.toml (1.6+).
    pub fn has_override_path(&self) -> bool {
        self.at_least(1, 6)
    }

    /// The sandbox image lives at `pinned_images.sandbox` (2.x) rather than `sandbox_image`.
    pub fn has_pinned_images(&self) -> bool {
        self.major >= 2
    }

    /// containerd's own default pause image for this target.
    pub fn default_pause_image(&self) -> &'static str {
        match (self.major, self.minor, self.patch) {
            (1, 0..=4, _) => "k8s.gcr.io/pause:3.2",
            (1, 5, _) => "k8s.gcr.io/pause:3.5",
            (1, 6, Some(p)) if p < 20 => "k8s.gcr.io/pause:3.6",
            (1, 6, _) => "registry.k8s.io/pause:3.6",
            (1, _, _) => "registry.k8s.io/pause:3.8",
            (2, 0 | 1, _) => "registry.k8s.io/pause:3.10",
            (2, 2, _) => "registry.k8s.io/pause:3.10.1",
            _ => "registry.k8s.io/pause:3.10.2",
        }
    }
}

/// The version in a whole `containerd --version` line, which operators paste as it is:
/// `containerd containerd.io 1.6.20 2806fc1...`, `containerd github.com/containerd/containerd
/// v1.7.13 7c3aca7...`, Debian's `... 1.6.20~ds1 1.6.20~ds1-1+b1`. The first word that starts
/// with a digit (after an optional `v`) and has a dot; a single word is returned as it is.
fn version_word(s: &str) -> &str {
    if !s.contains(char::is_whitespace) {
        return s;
    }
    s.split_whitespace()
        .find(|w| w.strip_prefix('v').unwrap_or(w).starts_with(|c: char| c.is_ascii_digit()) && w.contains('.'))
        .unwrap_or(s)
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.patch {
            Some(p) => write!(f, "{}.{}.{}", self.major, self.minor, p),
            None => write!(f, "{}.{}", self.major, self.minor),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_release_lines_and_patches() {
        assert_eq!(Target::parse("1.7"), Ok(Target::new(1, 7)));
        assert_eq!(Target::parse(" v1.6.20 ").map(|t| t.patch), Ok(Some(20)));
        assert_eq!(Target::parse("2.0.0-rc.1").map(|t| t.major), Ok(2));
        assert_eq!(Target::parse("1.8"), Err(VersionError::Unsupported));
        assert_eq!(Target::parse("one"), Err(VersionError::Malformed));
        assert_eq!(Target::parse("1"), Err(VersionError::Malformed));
        assert_eq!(Target::parse("1.7.1.1"), Err(VersionError::Malformed));
    }

    #[test]
    fn reads_a_pasted_containerd_version_line() {
        let p = |s| Target::parse(s).map(|t| t.to_string());
        assert_eq!(p("containerd containerd.io 1.6.20 2806fc1057397dbaeefbea0e4e17bddfbd388f38"), Ok("1.6.20".into()));
        assert_eq!(p("containerd github.com/containerd/containerd v1.7.13 7c3aca7a4df"), Ok("1.7.13".into()));
        assert_eq!(p("containerd github.com/containerd/containerd 1.6.20~ds1 1.6.20~ds1-1+b1"), Ok("1.6.20".into()));
        assert_eq!(p("containerd github.com/k3s-io/containerd v1.7.15-k3s1"), Ok("1.7.15".into()));
        assert_eq!(p("containerd github.com/containerd/containerd/v2 v2.1.4 75cb2b7"), Ok("2.1.4".into()));
        assert_eq!(p("containerd is not installed"), Err(VersionError::Malformed));
        assert_eq!(p("containerd containerd.io 1.8.0 abc"), Err(VersionError::Unsupported));
    }

    #[test]
    fn config_versions_follow_the_table() {
        let v = |s| Target::parse(s).unwrap().config_version();
        assert_eq!((v("1.2"), v("1.3"), v("1.7"), v("2.0"), v("2.2"), v("2.3")), (1, 2, 2, 3, 3, 4));
        let m = |s| Target::parse(s).unwrap().max_config_version();
        assert_eq!((m("1.2"), m("1.6"), m("2.0"), m("2.2"), m("2.3")), (1, 2, 3, 3, 4));
    }

    #[test]
    fn default_namespace_needs_1_6_17() {
        let d = |s| Target::parse(s).unwrap().has_default_namespace();
        assert_eq!(
            (d("1.5"), d("1.6"), d("1.6.16"), d("1.6.17"), d("1.7")),
            (Some(false), None, Some(false), Some(true), Some(true))
        );
    }
}
