//! Image references as containerd and Docker read them: whether a text is one, its
//! registry and its tag. Shared by `diagnose` (references found in error texts) and
//! `rollout` (the installer and verify images); and the full grammar containerd's CRI
//! checks ([`parse_reference`]), for the sandbox image.

use std::fmt;

/// The registry part of an image reference, as containerd and Docker read it: the first
/// path component when it has a `.` or `:` or is `localhost`, else `docker.io`.
/// `None` when `reference` does not look like an image reference.
pub fn image_registry(reference: &str) -> Option<String> {
    if !is_image_reference(reference) {
        return None;
    }
    let reg = match reference.split_once('/') {
        Some((first, _)) if first.contains('.') || first.contains(':') || first == "localhost" => first,
        _ => crate::host::DOCKER_HUB,
    };
    Some(canonical_registry(reg))
}

/// `index.docker.io` and `registry-1.docker.io` are Docker Hub, which images call `docker.io`.
pub fn canonical_registry(hostport: &str) -> String {
    let h = hostport.to_ascii_lowercase();
    match h.as_str() {
        "index.docker.io" | "registry-1.docker.io" | "registry.hub.docker.com" => crate::host::DOCKER_HUB.to_owned(),
        _ => h,
    }
}

/// Whether `s` can be an image reference (`name[:tag][@digest]`, with optional registry).
pub fn is_image_reference(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 512
        && !s.contains("://")
        && !s.starts_with(['/', '.', ':', '@', '-'])
        && !s.ends_with(['/', ':'])
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'/' | b':' | b'@'))
        && s.bytes().any(|b| b.is_ascii_alphabetic())
}

/// The tag of an image reference (`pause:3.2` gives `3.2`), if any.
pub fn image_tag(reference: &str) -> Option<&str> {
    let no_digest = reference.split('@').next().unwrap_or(reference);
    let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
    last.split_once(':').map(|(_, t)| t).filter(|t| !t.is_empty())
}

/// An image reference as containerd's CRI reads it (distribution/reference's
/// `ParseNormalizedNamed`): the registry (`docker.io` when the reference names none), the
/// repository path, and the optional tag and digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// `host[:port]` as written (`index.docker.io` is `docker.io`), or `docker.io`.
    pub domain: String,
    /// The repository path as written (`library/` is not added).
    pub path: String,
    /// The tag, if any.
    pub tag: Option<String>,
    /// The digest (`sha256:<64 hex>`), if any.
    pub digest: Option<String>,
}

/// Why a text is not an image reference containerd can pull.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferenceError {
    /// Nothing given.
    Empty,
    /// A URL (`https://...`).
    HasScheme,
    /// A character no reference has (space, quote, ...).
    BadCharacter,
    /// The name (registry and path) is longer than 255 characters; the length.
    NameTooLong(usize),
    /// The registry part is not `host[:port]`.
    BadDomain,
    /// The repository path has capitals.
    Uppercase,
    /// A path component breaks the grammar (empty, or separators misplaced).
    BadPath,
    /// The name is a 64-character hex string (an image ID).
    HexName,
    /// The tag breaks `[\w][\w.-]{0,127}`.
    BadTag,
    /// The digest is not `algorithm:hex`.
    DigestFormat,
    /// A digest algorithm other than sha256, sha384, sha512.
    DigestAlgorithm,
    /// The digest's hex has the wrong length for its algorithm.
    DigestLength {
        /// `sha256`, `sha384` or `sha512`.
        algorithm: &'static str,
        /// The length the algorithm needs.
        want: usize,
        /// The length given.
        got: usize,
    },
    /// The digest's hex has capitals.
    DigestUppercase,
}

impl fmt::Display for ReferenceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReferenceError::Empty => f.write_str("the image reference is empty"),
            ReferenceError::HasScheme => f.write_str("an image reference has no scheme like https://"),
            ReferenceError::BadCharacter => f.write_str(
                "it has a character no image reference can have (only letters, digits, '.', '_', '-', '/', ':', '@' and IPv6 brackets)",
            ),
            ReferenceError::NameTooLong(n) => {
                write!(f, "the name (registry and repository) is {n} characters long; at most 255 are allowed")
            }
            ReferenceError::BadDomain => f.write_str("the registry part is not a host name with an optional :port"),
            ReferenceError::Uppercase => {
                f.write_str("the repository path must be lowercase (only the registry host may have capitals)")
            }
            ReferenceError::BadPath => f.write_str(
                "each part of the repository path (between slashes) must be lowercase letters and digits, joined by '.', '_', '__' or dashes, and must not start or end with one of them",
            ),
            ReferenceError::HexName => {
                f.write_str("a name of 64 hex digits is an image ID, which containerd does not accept as a name")
            }
            ReferenceError::BadTag => f.write_str(
                "the tag must start with a letter, digit or '_' and have at most 128 letters, digits, '_', '.' or '-'",
            ),
            ReferenceError::DigestFormat => {
                f.write_str("the digest must be algorithm:hex, e.g. sha256: followed by 64 hex digits")
            }
            ReferenceError::DigestAlgorithm => f.write_str("containerd knows only sha256, sha384 and sha512 digests"),
            ReferenceError::DigestLength { algorithm, want, got } => {
                write!(f, "a {algorithm} digest has {want} hex digits, this one has {got}")
            }
            ReferenceError::DigestUppercase => f.write_str("the digest's hex digits must be lowercase"),
        }
    }
}

/// `name[:tag][@digest]` split by the grammar's separators (nothing validated).
fn split_reference(s: &str) -> (&str, Option<&str>, Option<&str>) {
    let (rest, digest) = match s.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (s, None),
    };
    let last = rest.rfind('/').map_or(0, |i| i + 1);
    match rest[last..].rfind(':') {
        Some(c) => (&rest[..last + c], Some(&rest[last + c + 1..]), digest),
        None => (rest, None, digest),
    }
}

/// The registry a name starts with, if it names one (distribution's `splitDockerDomain`:
/// the first component when it has a `.` or `:`, is `localhost`, or has capitals).
fn split_domain(name: &str) -> (Option<&str>, &str) {
    match name.split_once('/') {
        Some((first, rest))
            if first.contains(['.', ':']) || first == "localhost" || first.bytes().any(|b| b.is_ascii_uppercase()) =>
        {
            (Some(first), rest)
        }
        _ => (None, name),
    }
}

fn valid_domain(domain: &str) -> bool {
    let (host, port) = if let Some(rest) = domain.strip_prefix('[') {
        let Some((addr, after)) = rest.split_once(']') else { return false };
        if addr.is_empty() || !addr.bytes().all(|b| b.is_ascii_hexdigit() || b == b':') {
            return false;
        }
        ("", after.strip_prefix(':').map_or(if after.is_empty() { None } else { Some("") }, Some))
    } else {
        match domain.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (domain, None),
        }
    };
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let host_ok = domain.starts_with('[')
        || host.split('.').all(|c| {
            !c.is_empty()
                && c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !c.starts_with('-')
                && !c.ends_with('-')
        });
    port_ok && host_ok
}

/// `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`
fn valid_path_component(c: &str) -> bool {
    let b = c.as_bytes();
    let alnum = |x: u8| x.is_ascii_lowercase() || x.is_ascii_digit();
    if b.is_empty() || !alnum(b[0]) || !alnum(b[b.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if alnum(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && !alnum(b[i]) {
            i += 1;
        }
        let sep = &c[start..i];
        if !(sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|x| x == b'-')) {
            return false;
        }
    }
    true
}

fn check_digest(d: &str) -> Result<(), ReferenceError> {
    let (alg, hex) = d.split_once(':').ok_or(ReferenceError::DigestFormat)?;
    let alg_ok = !alg.is_empty()
        && alg.split(['-', '_', '+', '.']).all(|c| {
            c.bytes().next().is_some_and(|b| b.is_ascii_alphabetic()) && c.bytes().all(|b| b.is_ascii_alphanumeric())
        });
    if !alg_ok || hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ReferenceError::DigestFormat);
    }
    let (algorithm, want) = match alg {
        "sha256" => ("sha256", 64),
        "sha384" => ("sha384", 96),
        "sha512" => ("sha512", 128),
        _ => return Err(ReferenceError::DigestAlgorithm),
    };
    if hex.len() != want {
        return Err(ReferenceError::DigestLength { algorithm, want, got: hex.len() });
    }
    if hex.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(ReferenceError::DigestUppercase);
    }
    Ok(())
}

/// Parses an image reference by the grammar containerd's CRI uses (distribution/reference
/// and go-digest): plain code, no regex.
pub fn parse_reference(s: &str) -> Result<Reference, ReferenceError> {
    if s.is_empty() {
        return Err(ReferenceError::Empty);
    }
    if s.contains("://") {
        return Err(ReferenceError::HasScheme);
    }
    let allowed =
        |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'/' | b':' | b'@' | b'[' | b']');
    if !s.bytes().all(allowed) || s.bytes().filter(|&b| b == b'@').count() > 1 {
        return Err(ReferenceError::BadCharacter);
    }
    if s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return Err(ReferenceError::HexName);
    }
    let (name, tag, digest) = split_reference(s);
    if name.len() > 255 {
        return Err(ReferenceError::NameTooLong(name.len()));
    }
    let (domain, path) = split_domain(name);
    if let Some(d) = domain {
        if !valid_domain(d) {
            return Err(ReferenceError::BadDomain);
        }
    }
    if path.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(ReferenceError::Uppercase);
    }
    if !path.split('/').all(valid_path_component) {
        return Err(ReferenceError::BadPath);
    }
    if let Some(t) = tag {
        let first_ok = t.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !first_ok
            || t.len() > 128
            || !t.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
        {
            return Err(ReferenceError::BadTag);
        }
    }
    if let Some(d) = digest {
        check_digest(d)?;
    }
    let domain = match domain {
        None | Some("index.docker.io") => crate::host::DOCKER_HUB.to_owned(),
        Some(d) => d.to_owned(),
    };
    Ok(Reference { domain, path: path.to_owned(), tag: tag.map(str::to_owned), digest: digest.map(str::to_owned) })
}

/// The reference `s` most likely meant, when `err` has an obvious correction that parses:
/// the repository path in lowercase, the digest's hex in lowercase, or a malformed digest
/// dropped when a tag remains.
pub fn corrected_reference(s: &str, err: ReferenceError) -> Option<String> {
    let (name, tag, digest) = split_reference(s);
    let (domain, path) = split_domain(name);
    let join = |name: &str, digest: Option<&str>| {
        let mut out = name.to_owned();
        if let Some(t) = tag {
            out.push(':');
            out.push_str(t);
        }
        if let Some(d) = digest {
            out.push('@');
            out.push_str(d);
        }
        out
    };
    let with_path = |path: &str| domain.map_or_else(|| path.to_owned(), |d| format!("{d}/{path}"));
    let candidate = match err {
        // `Lib/pause` names a registry "Lib" only because of its capital: lowercase it all.
        ReferenceError::Uppercase if domain.is_some_and(|d| !d.contains(['.', ':']) && d != "localhost") => {
            join(&name.to_ascii_lowercase(), digest)
        }
        ReferenceError::Uppercase => join(&with_path(&path.to_ascii_lowercase()), digest),
        ReferenceError::DigestUppercase => join(name, digest.map(str::to_ascii_lowercase).as_deref()),
        ReferenceError::DigestFormat | ReferenceError::DigestAlgorithm | ReferenceError::DigestLength { .. }
            if tag.is_some() =>
        {
            join(name, None)
        }
        _ => return None,
    };
    parse_reference(&candidate).is_ok().then_some(candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registries_and_tags() {
        assert_eq!(image_registry("nginx:1.25").as_deref(), Some("docker.io"));
        assert_eq!(image_registry("localhost/x").as_deref(), Some("localhost"));
        assert_eq!(image_registry("10.50.1.104:5000/k/c:v1").as_deref(), Some("10.50.1.104:5000"));
        assert_eq!(image_registry("library/nginx").as_deref(), Some("docker.io"));
        assert_eq!(image_registry("a b"), None);
        assert_eq!(image_tag("k8s.gcr.io/pause:3.2"), Some("3.2"));
        assert_eq!(image_tag("10.0.0.1:5000/pause"), None);
        assert!(!is_image_reference("https://harbor.example.net/busybox"));
        assert!(is_image_reference("harbor.example.net/library/busybox:1.36"));
    }

    #[track_caller]
    fn bad(s: &str, e: ReferenceError, fixed: Option<&str>) {
        assert_eq!(parse_reference(s), Err(e), "{s}");
        assert_eq!(corrected_reference(s, e).as_deref(), fixed, "{s}");
    }

    #[test]
    fn the_distribution_grammar() {
        let r = parse_reference("harbor.example.net:8443/library/pause:3.10").unwrap();
        assert_eq!(
            (r.domain.as_str(), r.path.as_str(), r.tag.as_deref()),
            ("harbor.example.net:8443", "library/pause", Some("3.10"))
        );
        assert_eq!(parse_reference("pause:3.9").unwrap().domain, "docker.io");
        assert_eq!(parse_reference("index.docker.io/library/pause").unwrap().domain, "docker.io");
        assert_eq!(parse_reference("localhost/pause").unwrap().domain, "localhost");
        assert_eq!(parse_reference("[fd00::1]:5000/pause:3.9").unwrap().domain, "[fd00::1]:5000");
        let hex = "a".repeat(64);
        let r = parse_reference(&format!("registry.k8s.io/pause:3.9@sha256:{hex}")).unwrap();
        assert_eq!((r.tag.as_deref(), r.digest), (Some("3.9"), Some(format!("sha256:{hex}"))));
        assert!(parse_reference(&format!("registry.k8s.io/pause@sha512:{}", "0".repeat(128))).is_ok());
        // Capitals are fine in the registry host, and a capitalised first part is a host.
        assert_eq!(parse_reference("Harbor.Example.net/lib/pause:3.9").unwrap().domain, "Harbor.Example.net");
        assert_eq!(parse_reference("Harbor/pause").unwrap().domain, "Harbor");
        // Separators: '.', '_', '__', any run of '-'.
        for ok in ["a/b.c", "a/b_c", "a/b__c", "a/b---c", "google_containers/pause", "x/y:_T.a-g"] {
            assert!(parse_reference(ok).is_ok(), "{ok}");
        }
        for path in ["a/b___c", "a/b..c", "a/_b", "a/b-", "a//b", "a/b._c"] {
            assert_eq!(parse_reference(path), Err(ReferenceError::BadPath), "{path}");
        }
        assert_eq!(parse_reference(&format!("x/y:{}", "t".repeat(129))), Err(ReferenceError::BadTag));
        assert!(parse_reference(&format!("x/y:{}", "t".repeat(128))).is_ok());
        assert_eq!(parse_reference("x/y:.t"), Err(ReferenceError::BadTag));
        assert_eq!(parse_reference("x/y:"), Err(ReferenceError::BadTag));
        assert_eq!(parse_reference("-bad.example/pause"), Err(ReferenceError::BadDomain));
        assert_eq!(parse_reference("bad.example:/pause"), Err(ReferenceError::BadDomain));
        assert_eq!(parse_reference(&hex), Err(ReferenceError::HexName));
        assert_eq!(parse_reference(&format!("a.example/{}", "p".repeat(250))), Err(ReferenceError::NameTooLong(260)));
        assert_eq!(parse_reference("https://x/pause"), Err(ReferenceError::HasScheme));
        assert_eq!(parse_reference("a b"), Err(ReferenceError::BadCharacter));
        assert_eq!(parse_reference(""), Err(ReferenceError::Empty));
    }

    #[test]
    fn errors_and_their_corrections() {
        bad("harbor.example.net/Lib/pause:3.9", ReferenceError::Uppercase, Some("harbor.example.net/lib/pause:3.9"));
        bad("Lib/Pause:V3", ReferenceError::Uppercase, Some("lib/pause:V3"));
        bad("lib/Pause:V3", ReferenceError::Uppercase, Some("lib/pause:V3"));
        bad(
            "registry.k8s.io/pause:3.9@sha256:abc",
            ReferenceError::DigestLength { algorithm: "sha256", want: 64, got: 3 },
            Some("registry.k8s.io/pause:3.9"),
        );
        bad(
            "registry.k8s.io/pause@sha256:abc",
            ReferenceError::DigestLength { algorithm: "sha256", want: 64, got: 3 },
            None,
        );
        let upper = "A".repeat(64);
        bad(
            &format!("registry.k8s.io/pause@sha256:{upper}"),
            ReferenceError::DigestUppercase,
            Some(&format!("registry.k8s.io/pause@sha256:{}", "a".repeat(64))),
        );
        bad(&format!("x/pause:1@md5:{}", "0".repeat(32)), ReferenceError::DigestAlgorithm, Some("x/pause:1"));
        bad("x/pause:1@sha256", ReferenceError::DigestFormat, Some("x/pause:1"));
        bad("x/pause:1@sha256:xyz", ReferenceError::DigestFormat, Some("x/pause:1"));
        assert!(ReferenceError::DigestLength { algorithm: "sha256", want: 64, got: 3 }.to_string().contains("64"));
    }
}
