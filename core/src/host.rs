//! Registry host names as image references spell them, and what containerd makes of them.

use std::fmt;

/// Docker Hub as image references name it.
pub const DOCKER_HUB: &str = "docker.io";
/// Where containerd actually pulls Docker Hub images from.
pub const DOCKER_HUB_SERVER: &str = "https://registry-1.docker.io";
/// The catch-all hosts.toml namespace (1.6.17+, 1.7+).
pub const DEFAULT_NAMESPACE: &str = "_default";

/// What kind of name a registry host is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostKind {
    /// A DNS name (`harbor.example.net`, `localhost`).
    Name,
    /// An IPv4 literal.
    Ipv4,
    /// An IPv6 literal in brackets (`[fd00::1]:5000`); reported broken in containerd.
    Ipv6,
    /// `docker.io` (its server is `registry-1.docker.io`).
    DockerHub,
    /// `_default`, the catch-all namespace; it has no server of its own.
    Default,
}

/// A parsed `host[:port]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Host {
    /// The name or address, without port (IPv6 keeps its brackets).
    pub name: String,
    /// The port when the reference names one.
    pub port: Option<u16>,
    /// What kind of name it is.
    pub kind: HostKind,
}

/// Why a host was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostError {
    /// Nothing given.
    Empty,
    /// Has a scheme (`https://`): the host is the bare name as images spell it.
    HasScheme,
    /// Has a path (`/project`): images name the registry without it.
    HasPath,
    /// The port is not a number from 1 to 65535.
    BadPort,
    /// A character no registry host can have.
    BadCharacter,
    /// An internationalised domain name (`bücher.example`); the first non-ASCII letter.
    /// Image references take only ASCII hosts: its punycode (`xn--`) form.
    Idn(char),
    /// A character that is not ASCII and makes no IDN (a no-break or zero-width space, a
    /// fullwidth colon); the first such character.
    NonAscii(char),
    /// A label is empty, or starts or ends with `-`.
    BadLabel,
    /// A label is longer than DNS allows (63); the length.
    LabelTooLong(usize),
    /// The name is longer than DNS allows (253), or `name:port` longer than a
    /// directory name can be (255, the hosts.toml namespace); the length.
    TooLong(usize),
    /// An IPv6 address without the brackets references and URLs need (`fe80::1`).
    Ipv6NeedsBrackets,
    /// Has credentials before an `@` (`user:password@host`): they belong in the
    /// registry's username and password, not in its name or URL.
    Credentials,
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            HostError::Empty => "the registry host is empty",
            HostError::HasScheme => "the host must not include a scheme like https://",
            HostError::HasPath => "the host must not include a path",
            HostError::BadPort => "the port must be a number from 1 to 65535",
            HostError::BadCharacter => "the host contains a character no host name can have",
            HostError::Idn(c) => {
                return write!(
                    f,
                    "the host is an internationalised domain name ({} is not ASCII), which image references (and so \
                     containerd and the kubelet) take only in its ASCII, punycode (xn--) form",
                    crate::diagnostic::describe_char(*c)
                );
            }
            HostError::NonAscii(c) => {
                return write!(
                    f,
                    "the host contains {}, a character that is not ASCII (often an invisible or look-alike one picked \
                     up in copying); image references take only ASCII host names",
                    crate::diagnostic::describe_char(*c)
                );
            }
            HostError::BadLabel => "a part of the host name (between dots) is empty, or starts or ends with '-'",
            HostError::LabelTooLong(n) => {
                return write!(f, "a part of the host name (between dots) is {n} characters long; DNS allows at most 63");
            }
            HostError::TooLong(n) => {
                return write!(
                    f,
                    "the host is {n} characters long; DNS names have at most 253 (and host:port, the certs.d directory name, at most 255)"
                );
            }
            HostError::Ipv6NeedsBrackets => {
                "an IPv6 address must be written in brackets, e.g. [fe80::1] or [fe80::1]:5000"
            }
            HostError::Credentials => {
                "credentials (user:password@) do not belong in a registry host or URL; containerd does not read them there"
            }
        })
    }
}

impl Host {
    /// Parses `harbor.example.net`, `10.50.1.104:5000`, `[fd00::1]:5000`, `docker.io`, `_default`.
    pub fn parse(s: &str) -> Result<Host, HostError> {
        if s.is_empty() {
            return Err(HostError::Empty);
        }
        if s.contains("://") {
            return Err(HostError::HasScheme);
        }
        if s.contains('/') {
            return Err(HostError::HasPath);
        }
        // `user:password@host`: before the port check, which would misread `password@host`.
        if s.contains('@') {
            return Err(HostError::Credentials);
        }
        if s == DEFAULT_NAMESPACE {
            return Ok(Host { name: s.to_owned(), port: None, kind: HostKind::Default });
        }
        if s.bytes().filter(|&b| b == b':').count() >= 2
            && s.bytes().all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        {
            return Err(HostError::Ipv6NeedsBrackets);
        }
        let (name, port) = if let Some(rest) = s.strip_prefix('[') {
            let end = rest.find(']').ok_or(HostError::BadCharacter)?;
            let addr = &rest[..end];
            if addr.is_empty() || !addr.bytes().all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.') {
                return Err(HostError::BadCharacter);
            }
            let after = &rest[end + 1..];
            let port = match after {
                "" => None,
                p => Some(parse_port(p.strip_prefix(':').ok_or(HostError::BadCharacter)?)?),
            };
            return Ok(Host { name: format!("[{addr}]"), port, kind: HostKind::Ipv6 });
        } else {
            match s.rsplit_once(':') {
                Some((n, p)) => (n, Some(parse_port(p)?)),
                None => (s, None),
            }
        };
        if let Some(e) = crate::host_spelling::non_ascii_error(name) {
            return Err(e);
        }
        if name.contains(':') {
            // An unbracketed IPv6 literal with something that is not hex in it.
            return Err(HostError::BadCharacter);
        }
        if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_') {
            return Err(HostError::BadCharacter);
        }
        let labels: Vec<&str> = name.split('.').collect();
        if labels.iter().any(|l| l.is_empty() || l.starts_with('-') || l.ends_with('-')) {
            return Err(HostError::BadLabel);
        }
        if let Some(long) = labels.iter().find(|l| l.len() > 63) {
            return Err(HostError::LabelTooLong(long.len()));
        }
        // 253: DNS; 255: NAME_MAX for the certs.d/<host[:port]> directory `apply` writes.
        if name.len() > 253 || s.len() > 255 {
            return Err(HostError::TooLong(if name.len() > 253 { name.len() } else { s.len() }));
        }
        let kind = if labels.len() == 4 && labels.iter().all(|l| l.parse::<u8>().is_ok()) {
            HostKind::Ipv4
        } else if name == DOCKER_HUB && port.is_none() {
            HostKind::DockerHub
        } else {
            HostKind::Name
        };
        Ok(Host { name: name.to_owned(), port, kind })
    }

    /// `name[:port]`, exactly as images name the registry; also the hosts.toml
    /// namespace directory under `config_path`.
    pub fn reference(&self) -> String {
        match self.port {
            Some(p) => format!("{}:{p}", self.name),
            None => self.name.clone(),
        }
    }

    /// Whether this is `localhost` or a loopback address (`127.0.0.0/8`, `[::1]`), with or
    /// without a port: containerd's `docker.IsLocalhost` (which compares `localhost`
    /// exactly), for which it picks plain HTTP when no file names the scheme. Traffic to
    /// such a host never leaves the node.
    pub fn is_loopback(&self) -> bool {
        match self.kind {
            HostKind::Name => self.name == "localhost",
            HostKind::Ipv4 => self.name.parse::<std::net::Ipv4Addr>().is_ok_and(|ip| ip.is_loopback()),
            HostKind::Ipv6 => self
                .name
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<std::net::Ipv6Addr>()
                .is_ok_and(|ip| ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())),
            HostKind::DockerHub | HostKind::Default => false,
        }
    }

    /// The server URL containerd contacts for this registry with the given scheme
    /// (`https://registry-1.docker.io` for Docker Hub); `None` for `_default`.
    pub fn server_url(&self, scheme: &str) -> Option<String> {
        match self.kind {
            HostKind::Default => None,
            HostKind::DockerHub => Some(DOCKER_HUB_SERVER.to_owned()),
            _ => Some(format!("{scheme}://{}", self.reference())),
        }
    }
}

/// Registries whose certificates come from public CAs: the big public registries and
/// cloud registries (by suffix, where each customer gets a subdomain), and the public
/// mirrors common where those are blocked. A small list on purpose: a registry missing
/// from it only gets an info that says "nothing to do if the certificate is from a
/// public CA".
pub fn public_ca(name: &str) -> bool {
    const NAMES: [&str; 16] = [
        "docker.io",
        "registry-1.docker.io",
        "index.docker.io",
        "mirror.gcr.io",
        "registry.k8s.io",
        "k8s.gcr.io",
        "gcr.io",
        "quay.io",
        "ghcr.io",
        "mcr.microsoft.com",
        "public.ecr.aws",
        "registry.gitlab.com",
        "nvcr.io",
        "docker.m.daocloud.io",
        "registry.aliyuncs.com",
        "ccr.ccs.tencentyun.com",
    ];
    const SUFFIXES: [&str; 10] = [
        ".gcr.io",
        ".pkg.dev",
        ".docker.io",
        ".amazonaws.com",
        ".azurecr.io",
        ".aliyuncs.com",
        ".tencentcloudcr.com",
        ".myhuaweicloud.com",
        ".quay.io",
        ".daocloud.io",
    ];
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    NAMES.contains(&name.as_str()) || SUFFIXES.iter().any(|s| name.ends_with(s))
}

fn parse_port(p: &str) -> Result<u16, HostError> {
    if p.is_empty() || p.len() > 5 || !p.bytes().all(|b| b.is_ascii_digit()) {
        return Err(HostError::BadPort);
    }
    match p.parse::<u16>() {
        Ok(0) | Err(_) => Err(HostError::BadPort),
        Ok(n) => Ok(n),
    }
}

/// A parsed mirror or endpoint URL: `scheme://host[:port][/path]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `http` or `https`.
    pub scheme: String,
    /// The host part.
    pub host: Host,
    /// The path, without trailing slash; empty when none.
    pub path: String,
}

/// Why an endpoint URL was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointError {
    /// No `http://` or `https://`.
    NoScheme,
    /// A scheme other than http or https.
    BadScheme,
    /// The host part is wrong.
    Host(HostError),
    /// A query or fragment, or a character no URL path can have.
    BadPath,
}

impl fmt::Display for EndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EndpointError::NoScheme => f.write_str("the URL needs its scheme, https:// or http://"),
            EndpointError::BadScheme => f.write_str("only https:// and http:// URLs are possible"),
            EndpointError::Host(HostError::Credentials) => write!(f, "{}", HostError::Credentials),
            EndpointError::Host(e) => write!(f, "in the URL's host: {e}"),
            EndpointError::BadPath => {
                f.write_str("the URL's path has a query, a fragment, or characters a path cannot have")
            }
        }
    }
}

impl Endpoint {
    /// Parses `https://harbor.example.net/v2/dockerhub-proxy`.
    pub fn parse(s: &str) -> Result<Endpoint, EndpointError> {
        let (scheme, rest) = s.split_once("://").ok_or(EndpointError::NoScheme)?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(EndpointError::BadScheme);
        }
        let (hostport, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        // Scheme and host are case-insensitive (the path is not): one spelling, so that
        // `HTTPS://M.example.net` and `https://m.example.net` are the same mirror.
        let host = Host::parse(&hostport.to_ascii_lowercase()).map_err(EndpointError::Host)?;
        if host.kind == HostKind::Default {
            return Err(EndpointError::Host(HostError::BadCharacter));
        }
        if path.bytes().any(|b| matches!(b, b'?' | b'#' | b' ' | b'"' | b'\\' | b'<' | b'>') || b.is_ascii_control()) {
            return Err(EndpointError::BadPath);
        }
        let path = path.trim_end_matches('/').to_owned();
        Ok(Endpoint { scheme, host, path })
    }

    /// `scheme://host[:port][/path]`, normalised (lowercase scheme and host, no trailing slash).
    pub fn url(&self) -> String {
        format!("{}://{}{}", self.scheme, self.host.reference(), self.path)
    }
}

/// `text` without the credentials of a URL or host: `https://user:pw@m.example/p` becomes
/// `https://m.example/p`, `user:pw@harbor.example.net` becomes `harbor.example.net`.
/// Only the authority (between `://` and the first `/`) is looked at; text without `@`
/// there comes back unchanged. For echoing a value and for share links, which must not
/// carry a password.
pub fn without_userinfo(text: &str) -> String {
    let (scheme, rest) = match text.find("://") {
        Some(i) => text.split_at(i + 3),
        None => ("", text),
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..end].rfind('@') {
        Some(at) => format!("{scheme}{}", &rest[at + 1..]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        let h = Host::parse("10.50.1.104:5000").unwrap();
        assert_eq!((h.kind, h.port, h.reference()), (HostKind::Ipv4, Some(5000), "10.50.1.104:5000".into()));
        assert_eq!(Host::parse("docker.io").unwrap().server_url("https").unwrap(), DOCKER_HUB_SERVER);
        assert_eq!(Host::parse("[fd00::1]:5000").unwrap().kind, HostKind::Ipv6);
        assert_eq!(Host::parse("_default").unwrap().server_url("https"), None);
        assert_eq!(Host::parse("https://x"), Err(HostError::HasScheme));
        assert_eq!(Host::parse("x/y"), Err(HostError::HasPath));
        assert_eq!(Host::parse("x:0"), Err(HostError::BadPort));
        assert_eq!(Host::parse("x:70000"), Err(HostError::BadPort));
        assert_eq!(Host::parse("a b"), Err(HostError::BadCharacter));
        assert_eq!(Host::parse("a..b"), Err(HostError::BadLabel));
        assert_eq!(Host::parse("fd00::1"), Err(HostError::Ipv6NeedsBrackets));
        assert_eq!(Host::parse("fe80::"), Err(HostError::Ipv6NeedsBrackets));
        assert_eq!(Host::parse("::1"), Err(HostError::Ipv6NeedsBrackets));
        assert_eq!(Host::parse("harbor:5000:5000"), Err(HostError::BadCharacter));
        assert!(HostError::Ipv6NeedsBrackets.to_string().contains("[fe80::1]:5000"));
    }

    #[test]
    fn loopback_hosts_are_what_containerd_calls_localhost() {
        for h in [
            "127.0.0.1:5000",
            "localhost:5000",
            "localhost",
            "[::1]:5000",
            "[::1]",
            "127.1.2.3",
            "[::ffff:127.0.0.1]:5000",
        ] {
            assert!(Host::parse(h).unwrap().is_loopback(), "{h}");
        }
        for h in [
            "10.50.1.104:5000",
            "localhost.example.net",
            "LOCALHOST:5000",
            "[fd00::1]:5000",
            "docker.io",
            "_default",
            "kind-registry:5000",
        ] {
            assert!(!Host::parse(h).unwrap().is_loopback(), "{h}");
        }
    }

    #[test]
    fn public_registries_by_name_and_suffix() {
        for h in [
            "quay.io",
            "GHCR.IO",
            "registry.k8s.io",
            "europe-docker.pkg.dev",
            "x.azurecr.io",
            "registry.cn-hangzhou.aliyuncs.com",
        ] {
            assert!(public_ca(h), "{h}");
        }
        for h in ["harbor.example.net", "10.50.1.104", "hub.mooc.com", "notquay.io", "registry.local"] {
            assert!(!public_ca(h), "{h}");
        }
    }

    #[test]
    fn credentials_are_named_as_such_not_as_a_bad_port() {
        assert_eq!(Host::parse("admin:Harbor12345@harbor.example.net"), Err(HostError::Credentials));
        assert_eq!(Host::parse("admin@harbor.example.net:5000"), Err(HostError::Credentials));
        let e = Endpoint::parse("https://admin:Harbor12345@mirror.example.net").unwrap_err();
        assert_eq!(e, EndpointError::Host(HostError::Credentials));
        let text = e.to_string();
        assert!(text.contains("credentials") && !text.contains("port"), "{text}");
        assert_eq!(
            without_userinfo("https://admin:Harbor12345@mirror.example.net/v2/p"),
            "https://mirror.example.net/v2/p"
        );
        assert_eq!(without_userinfo("u:p@w@harbor.example.net:5000"), "harbor.example.net:5000");
        // An `@` in the path is not userinfo.
        assert_eq!(without_userinfo("https://m.example/a@b"), "https://m.example/a@b");
        assert_eq!(without_userinfo("harbor.example.net"), "harbor.example.net");
    }

    #[test]
    fn a_url_with_credentials_gets_a_field_error_that_does_not_echo_the_password() {
        let mut form = crate::Form::default();
        form.registries.push(crate::Registry {
            host: "admin:Harbor12345@harbor.example.net".into(),
            mirrors: vec![crate::Mirror {
                url: "https://admin:Harbor12345@mirror.example.net".into(),
                ..crate::Mirror::default()
            }],
            ..crate::Registry::default()
        });
        let rendered = crate::render(&form);
        for field in ["registry[0].host", "registry[0].mirror[0].url"] {
            let d = rendered.diagnostics.iter().find(|d| d.field.as_str() == field).expect(field);
            assert_eq!(d.severity, crate::Severity::Error, "{d:?}");
            assert!(d.message.contains("credentials") && !d.message.contains("port"), "{d:?}");
            assert!(d.fix.contains("username and password fields"), "{d:?}");
            assert!(d.fix.contains("mirror.example.net") || d.fix.contains("harbor.example.net"), "{d:?}");
        }
        let all = format!("{:?}", rendered.diagnostics);
        assert!(!all.contains("Harbor12345"), "the password is echoed: {all}");
    }

    #[test]
    fn dns_length_limits() {
        let label = |n: usize| "a".repeat(n);
        assert!(Host::parse(&format!("{}.example", label(63))).is_ok());
        assert_eq!(Host::parse(&format!("{}.example", label(64))), Err(HostError::LabelTooLong(64)));
        // Six 60-character labels: 365 characters, every label fine.
        let long = vec![label(60); 6].join(".");
        assert_eq!(Host::parse(&long), Err(HostError::TooLong(365)));
        let at_limit = [label(63), label(63), label(63), label(61)].join(".");
        assert_eq!(at_limit.len(), 253);
        assert_eq!(Host::parse(&at_limit).unwrap().reference(), at_limit);
        assert_eq!(Host::parse(&format!("{at_limit}a")), Err(HostError::TooLong(254)));
        // 253 + ":5000" would be a 258-character directory name.
        assert_eq!(Host::parse(&format!("{at_limit}:5000")), Err(HostError::TooLong(258)));
        let shorter = [label(63), label(63), label(63), label(57)].join(".");
        assert!(Host::parse(&format!("{shorter}:5000")).is_ok());
        assert!(
            HostError::TooLong(365).to_string().contains("365") && HostError::TooLong(365).to_string().contains("253")
        );
        assert!(HostError::LabelTooLong(64).to_string().contains("63"));
    }

    #[test]
    fn endpoints() {
        let e = Endpoint::parse("HTTPS://harbor.example.net/v2/dockerhub-proxy/").unwrap();
        assert_eq!(e.url(), "https://harbor.example.net/v2/dockerhub-proxy");
        let e = Endpoint::parse("HTTPS://M.Example.NET:5000/Proxy/V2").unwrap();
        assert_eq!(e.url(), "https://m.example.net:5000/Proxy/V2");
        assert_eq!(Endpoint::parse("harbor.example.net"), Err(EndpointError::NoScheme));
        assert_eq!(Endpoint::parse("ftp://x"), Err(EndpointError::BadScheme));
        assert_eq!(Endpoint::parse("https://x/a?b"), Err(EndpointError::BadPath));
    }
}
