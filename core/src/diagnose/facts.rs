//! Facts a pasted text reveals: the image, its registry host and port, the endpoint
//! containerd contacted (and the mirror it is, when it is not the image's registry, or the
//! CDN the registry redirected a blob download to), the pause image, the containerd version (printed, or inferred from a default pause image),
//! the namespace.

use serde::Serialize;

use super::scan::{self, Line};
use crate::host::Host;
use crate::image_ref;
use crate::version::{Target, SUPPORTED};

/// What the text says about the setup. `None` / empty when it does not say.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Facts {
    /// The image that failed (`hub.mooc.com/kubernetes/cronjob:v1`), not the pause image.
    pub image: Option<String>,
    /// The registry as images name it, `host[:port]` (`10.50.1.104:5000`, `docker.io`).
    pub registry: Option<String>,
    /// The registry's host without port.
    pub host: Option<String>,
    /// The registry's port when the reference names one.
    pub port: Option<u16>,
    /// The first URL containerd contacted, scheme and host (`https://hub.mooc.com`), with
    /// the API root path when that URL is a mirror's and has one
    /// (`https://harbor.example.net/v2/dockerhub-proxy`).
    pub endpoint: Option<String>,
    /// The mirror containerd contacted for the image's registry, when the host that
    /// answered (`pulling from host X`, or the request URL's host) is not the image's
    /// registry: its URL as far as the text shows it (`https://harbor.example.net` from
    /// `pulling from host`, `https://harbor.example.net/v2/dockerhub-proxy` from a URL).
    pub mirror: Option<String>,
    /// The host the registry redirected a failing blob download to (a CDN or object
    /// storage, `https://production.cloudflare.docker.com`): not a mirror, its TLS is
    /// checked with the settings of the host that redirected (see [`SeenRedirect`]).
    pub redirect: Option<String>,
    /// Every `host[:port]` the text shows used as a mirror of the image's registry: named
    /// by `pulling from host X`, sent a manifest request or a HEAD, or sent a request with
    /// containerd's `ns=` query. Such a host is a mirror in the copy phase's blob GET too,
    /// whatever its path (see [`line_redirect`]).
    pub mirror_hosts: Vec<String>,
    /// The sandbox (pause) image the runtime uses (`k8s.gcr.io/pause:3.2`).
    pub pause_image: Option<String>,
    /// The containerd version (`1.6.20`), when the text prints it: exactly one version
    /// (see [`Facts::containerd_printed`]) whose major the message wording does not
    /// contradict.
    pub containerd: Option<String>,
    /// Every different containerd version the text prints, with the line that first prints
    /// it. More than one (a mixed fleet's `kubectl get nodes -o wide`), or one whose major
    /// contradicts the message wording (1.x's `failed to resolve reference` next to
    /// `containerd://2.0.4`), leaves [`Facts::containerd`] `None`: which node failed decides.
    pub containerd_printed: Vec<PrintedVersion>,
    /// The number of a line that looks like containerd's version output (`containerd
    /// containerd.io ...`, crictl's `RuntimeVersion:`) but from which no version could be
    /// read, when [`Facts::containerd`] is `None`: the text may contradict the form's
    /// version, so nothing may claim it does not.
    pub containerd_unread: Option<usize>,
    /// The major of [`Facts::containerd`], else the one the message formats reveal (2.x
    /// says `failed to resolve image:`, 1.x `failed to resolve reference`), also when the
    /// printed versions are not read.
    pub containerd_major: Option<u32>,
    /// The containerd release line inferred from the pause image when no version is
    /// printed: the release whose default sandbox image the text names (`1.4` for
    /// `k8s.gcr.io/pause:3.2`; `2.0` for any 2.x default, whose files every 2.x reads).
    /// A guess (a configured sandbox image can be any image), so it is reported as one.
    pub containerd_guess: Option<String>,
    /// The pod's namespace (`kubectl describe pod`'s `Namespace:` line).
    pub namespace: Option<String>,
    /// The pull Secrets the kubelet could not find.
    pub missing_secrets: Vec<String>,
    /// The config version containerd 2.x migrated config.toml from at start (its log line
    /// `Configuration migrated from version 2`): a 1.x file it reads, not ignores.
    pub migrated_from: Option<u32>,
}

/// A containerd version the text prints, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrintedVersion {
    /// The version as read (`1.6.20`).
    pub version: String,
    /// The 1-based number of the first line that prints it.
    pub line: usize,
}

/// Markers after which an image reference is quoted, in order of trust.
const IMAGE_MARKERS: &[&str] = &[
    "failed to pull and unpack image",
    "failed to pull image",
    "failed to resolve reference",
    "failed to resolve image",
    "back-off pulling image",
    "pulling image",
    "error: image",
    "image=",
];

/// Extracts the facts from prepared lines.
pub fn extract(lines: &[Line<'_>]) -> Facts {
    let mut f = Facts { pause_image: pause_image(lines), ..Facts::default() };
    f.image = image(lines, f.pause_image.as_deref());
    f.endpoint = lines.iter().find_map(|l| {
        scan::url_hosts(&l.text)
            .into_iter()
            .find(|u| !is_documentation(&u.hostport))
            .map(|u| format!("{}://{}", u.scheme, u.hostport))
    });
    for l in lines {
        for h in shown_mirror_hosts(l, f.image.as_deref()) {
            if !f.mirror_hosts.contains(&h) {
                f.mirror_hosts.push(h);
            }
        }
    }
    let seen = lines.iter().find_map(|l| line_mirror(l, f.image.as_deref(), &f.mirror_hosts));
    if let Some(m) = &seen {
        // The first URL is the mirror's: keep its path, which the hosts.toml entry needs.
        if m.path_known && f.endpoint.as_deref().is_some_and(|e| m.url.starts_with(e)) {
            f.endpoint = Some(m.url.clone());
        }
    }
    f.mirror = seen.map(|m| m.url);
    f.redirect = lines.iter().find_map(|l| line_redirect(l, f.image.as_deref(), &f.mirror_hosts)).map(|r| r.url);
    let registry =
        f.image.as_deref().and_then(image_ref::image_registry).or_else(|| lines.iter().find_map(lookup_host)).or_else(
            || {
                lines.iter().find_map(|l| {
                    scan::url_hosts(&l.text)
                        .into_iter()
                        .find(|u| !is_documentation(&u.hostport))
                        .map(|u| image_ref::canonical_registry(&u.hostport))
                })
            },
        );
    if let Some(h) = registry.as_deref().and_then(|r| Host::parse(r).ok()) {
        f.host = Some(h.name.clone());
        f.port = h.port;
    }
    f.registry = registry;
    let crictl_containerd = crictl_runs_containerd(lines);
    let ctr = ctr_server_versions(lines);
    for l in lines {
        let from_ctr = || ctr.iter().find(|p| p.line == l.number).map(|p| p.version.clone());
        if let Some(v) = containerd_version(l, crictl_containerd).or_else(from_ctr) {
            if !f.containerd_printed.iter().any(|p| p.version == v) {
                f.containerd_printed.push(PrintedVersion { version: v, line: l.number });
            }
        }
    }
    let hint = text_major_hint(lines).map(|h| h.0);
    f.containerd = match f.containerd_printed.as_slice() {
        [one] if hint.is_none_or(|h| major_of(&one.version) == Some(h)) || (hint == Some(1) && local_pull_2x(one)) => {
            Some(one.version.clone())
        }
        _ => None,
    };
    if f.containerd_printed.is_empty() {
        let other_runtime =
            lines.iter().any(|l| crictl_field(l, "runtimename").is_some_and(|n| !n.eq_ignore_ascii_case("containerd")));
        f.containerd_unread = lines.iter().find(|l| looks_like_version_output(l, other_runtime)).map(|l| l.number);
    }
    f.containerd_major = f.containerd.as_deref().and_then(major_of).or(hint);
    if f.containerd_printed.is_empty() {
        f.containerd_guess = f
            .pause_image
            .as_deref()
            .and_then(version_of_default_pause)
            .filter(|t| f.containerd_major.is_none_or(|m| m == t.major))
            .map(|t| if t.major >= 2 { "2.0".to_owned() } else { t.to_string() });
    }
    f.namespace = lines.iter().find_map(|l| {
        let t = l.text.trim_start();
        t.strip_prefix("Namespace:").map(str::trim).filter(|n| !n.is_empty() && !n.contains(' ')).map(str::to_owned)
    });
    f.migrated_from = lines
        .iter()
        .find_map(|l| scan::word_after(&l.text, "configuration migrated from version ").and_then(|w| w.parse().ok()));
    for l in lines {
        for s in missing_secrets(l) {
            if !f.missing_secrets.contains(&s) {
                f.missing_secrets.push(s);
            }
        }
    }
    f
}

/// The newest release line whose own default pause image ([`Target::default_pause_image`])
/// is `image` (`k8s.gcr.io/pause:3.2`: 1.2 - 1.4 in that table, so 1.4).
fn version_of_default_pause(image: &str) -> Option<Target> {
    let image = image.trim().to_ascii_lowercase();
    SUPPORTED
        .iter()
        .flat_map(|&(major, minor)| {
            // 1.6 changed its default within the release line (1.6.20).
            let early = (major, minor) == (1, 6);
            [Some(Target::new(major, minor)), early.then_some(Target { major, minor, patch: Some(0) })]
        })
        .flatten()
        .filter(|t| t.default_pause_image() == image)
        .map(|t| Target::new(t.major, t.minor))
        .max()
}

/// A mirror one line shows containerd contacting instead of the image's registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenMirror {
    /// The image's registry as images name it (`docker.io`).
    pub registry: String,
    /// The mirror's `host[:port]` (`harbor.example.net`).
    pub host: String,
    /// The mirror's URL as far as the line shows it: scheme, host and, from a request
    /// URL, the API root path (`https://harbor.example.net/v2/dockerhub-proxy`).
    pub url: String,
    /// Whether the line shows the mirror's path (a request URL); `pulling from host X`
    /// names only the host.
    pub path_known: bool,
}

/// The host a registry redirected a blob download to (a CDN or object storage:
/// Docker Hub's `production.cloudflare.docker.com`, registry.k8s.io's `*.pkg.dev` or S3),
/// as one line shows it failing. Not a mirror: containerd follows the redirect with the
/// HTTP client, and so the TLS settings, of the host that redirected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenRedirect {
    /// The image's registry as images name it (`docker.io`).
    pub registry: String,
    /// The redirect target's `host[:port]` (`production.cloudflare.docker.com`).
    pub host: String,
    /// Its scheme and host (`https://production.cloudflare.docker.com`).
    pub url: String,
}

/// The image a line (else `image`) names: its registry and repository path
/// (`library/busybox` for Docker Hub's short names).
fn line_image_context(l: &Line<'_>, image: Option<&str>) -> Option<(String, Option<String>)> {
    let line_image = ["failed to pull and unpack image", "failed to pull image", "failed to resolve reference"]
        .iter()
        .find_map(|m| scan::quoted_after(&l.text, m).filter(|s| image_ref::is_image_reference(s)));
    let image = line_image.or(image)?;
    let registry = image_ref::image_registry(image)?;
    let repo = image_ref::parse_reference(image).ok().map(|r| {
        if r.domain == crate::host::DOCKER_HUB && !r.path.contains('/') {
            format!("library/{}", r.path)
        } else {
            r.path
        }
    });
    Some((registry, repo))
}

/// `hostport` as a registry (`registry-1.docker.io` is `docker.io`) when it is another
/// host than `registry` (`harbor.example.net:443` in a URL is still `harbor.example.net`).
fn other_host(hostport: &str, registry: &str) -> Option<String> {
    let bare = |h: &str| h.strip_suffix(":443").or_else(|| h.strip_suffix(":80")).unwrap_or(h).to_owned();
    let h = image_ref::canonical_registry(hostport);
    (bare(&h) != bare(registry) && Host::parse(&h).is_ok()).then_some(h)
}

/// Whether `path` is a registry API request: `.../manifests/<ref>` or
/// `.../blobs/<algorithm>:<hex>` as its last segments.
fn is_api_path(path: &str) -> bool {
    let last = |m: &str| path.rfind(m).map(|i| &path[i + m.len()..]).filter(|r| !r.is_empty() && !r.contains('/'));
    last("/manifests/").is_some() || last("/blobs/").is_some_and(|d| d.contains(':'))
}

/// The `ns=` query value of the URL `u` as the line writes it (`?ns=docker.io`).
/// containerd (1.5+) adds `ns=<the image's registry>` to every request it sends to a
/// mirror, never to the registry itself; a redirect's `Location` does not carry it.
fn url_ns<'a>(l: &'a Line<'_>, u: &scan::UrlHost) -> Option<&'a str> {
    let at = scan::find_ci(&l.text, &format!("{}{}", u.hostport, u.path))? + u.hostport.len() + u.path.len();
    let rest = l.text.get(at..)?.strip_prefix('?')?;
    let end = rest.find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '#')).unwrap_or(rest.len());
    rest[..end]
        .split('&')
        .find_map(|kv| kv.strip_prefix("ns="))
        .map(|v| v.trim_end_matches([':', ',', ';', ')', '.']))
        .filter(|v| !v.is_empty())
}

/// Well-known hosts registries redirect blob downloads to (CDNs and object storage),
/// some on a path shaped like a registry API request: registry.k8s.io sends them to
/// Artifact Registry (`*-docker.pkg.dev/v2/...`, once `*.gcr.io`), ghcr.io to
/// `pkg-containers.githubusercontent.com/ghcr1/blobs/sha256:...`, Docker Hub to
/// `production.cloudflare.docker.com`, others to CloudFront, S3, Google Cloud Storage or
/// Azure Blob Storage. In the copy phase's GET without `ns=` such a host is a redirect
/// target unless the text shows it used as a mirror.
fn is_known_blob_store(hostport: &str) -> bool {
    let host = hostport.rsplit_once(':').filter(|(_, p)| p.parse::<u16>().is_ok()).map_or(hostport, |(h, _)| h);
    let host = host.to_ascii_lowercase();
    let under = |d: &str| host == d || host.ends_with(&format!(".{d}"));
    let s3 = under("amazonaws.com") && host.split('.').any(|label| label == "s3" || label.starts_with("s3-"));
    s3 || host.split('.').next().is_some_and(|first| first.starts_with("cdn")) && under("quay.io")
        || [
            "pkg.dev",
            "gcr.io",
            "githubusercontent.com",
            "cloudfront.net",
            "cloudflare.docker.com",
            "storage.googleapis.com",
            "blob.core.windows.net",
            "data.mcr.microsoft.com",
        ]
        .iter()
        .any(|d| under(d))
}

/// Whether `path` is the request containerd itself builds for the image's repository
/// `repo` on a registry host: `<host path>/<repo>/blobs/<digest>` (or `/manifests/<ref>`),
/// where the host path is `/v2` or a mirror's own API root (`/v2/dockerhub-proxy`). A
/// redirect's `Location` is whatever the registry chooses (ghcr.io's
/// `/ghcr1/blobs/sha256:...` does not name the repository).
fn is_repository_request(path: &str, repo: Option<&str>) -> bool {
    let Some(repo) = repo.filter(|r| !r.is_empty()) else { return false };
    ["/blobs/", "/manifests/"]
        .iter()
        .any(|m| path.rfind(m).is_some_and(|at| path[..at].strip_suffix(repo).is_some_and(|root| root.ends_with('/'))))
}

/// The `host[:port]`s a line shows used as a mirror of the image's registry (see
/// [`Facts::mirror_hosts`]): `pulling from host X`, a manifest request or a HEAD, or any
/// request with containerd's `ns=` query, on another host than the registry.
fn shown_mirror_hosts(l: &Line<'_>, image: Option<&str>) -> Vec<String> {
    let Some((registry, _)) = line_image_context(l, image) else { return Vec::new() };
    let mut out: Vec<String> = scan::url_hosts(&l.text)
        .into_iter()
        .filter(|u| {
            let head = l.lower.contains(&format!("head \"{}://{}", u.scheme, u.hostport.to_ascii_lowercase()));
            url_ns(l, u).is_some() || head || (is_api_path(&u.path) && u.path.contains("/manifests/"))
        })
        .filter_map(|u| other_host(&u.hostport, &registry))
        .collect();
    if let Some(h) = scan::word_after(&l.text, "pulling from host ").and_then(|n| other_host(n, &registry)) {
        out.push(h);
    }
    out
}

/// Whether the URL `u` on another host than the registry is where a registry redirected a
/// download (a CDN or object storage) rather than a mirror containerd contacted.
/// `repo` is the image's repository path, `mirror_hosts` [`Facts::mirror_hosts`].
///
/// A mirror: any URL with containerd's `ns=` query (containerd 1.5+ adds it to every
/// request to a mirror, never to the registry, and a redirect's `Location` does not carry
/// it), and a registry API path (`.../blobs/<alg>:<hex>`, `.../manifests/<ref>`) outside
/// the copy phase's failed GET. A containerd 1.6 blob fetch tries every host and reports
/// the first error, so a mirror's own failing blob GET shows up in the copy phase too
/// (the review's lab, real containerd 1.6.20).
///
/// A redirect: a download on a path no registry API has (Docker Hub's CDN
/// `/registry-v2/.../blobs/sha256/ab/<digest>/data?verify=`, S3 keys), or, in the copy
/// phase's failed GET (`failed to copy: httpReadSeeker: failed open: failed to do
/// request: Get "URL"`, which names the URL after redirects), an API-shaped path without
/// `ns=`, decided in this order:
/// 1. a host the text shows used as a mirror elsewhere ([`Facts::mirror_hosts`]) is the mirror;
/// 2. a well-known blob store ([`is_known_blob_store`]: ghcr.io's
///    `pkg-containers.githubusercontent.com`, `*.pkg.dev`, CloudFront, S3 ...) is a redirect;
/// 3. containerd's own request shape for the image's repository (`<API root>/<repo>/blobs/<digest>`,
///    [`is_repository_request`]) is a mirror (older releases send no `ns=`);
/// 4. anything else (`/ghcr1/blobs/sha256:...`) is a redirect.
fn is_redirect_target(l: &Line<'_>, u: &scan::UrlHost, repo: Option<&str>, mirror_hosts: &[String]) -> bool {
    if url_ns(l, u).is_some() {
        return false;
    }
    let fetching = l.lower.contains("httpreadseeker") || l.lower.contains("failed to copy:");
    let get = format!("get \"{}://{}", u.scheme, u.hostport.to_ascii_lowercase());
    let failed_get = fetching && l.lower.contains(&get);
    if is_api_path(&u.path) {
        if !failed_get {
            return false;
        }
        let canonical = image_ref::canonical_registry(&u.hostport);
        let bare = |h: &str| h.strip_suffix(":443").unwrap_or(h).to_ascii_lowercase();
        if mirror_hosts.iter().any(|m| bare(m) == bare(&canonical)) {
            return false;
        }
        return is_known_blob_store(&u.hostport) || !is_repository_request(&u.path, repo);
    }
    let download = u.path.contains("/blobs/") || u.path.ends_with("/data") || u.path.contains("sha256:");
    failed_get || download
}

/// The redirect target a line shows failing (see [`SeenRedirect`]), on another host than
/// the registry of the image the line (else `image`) names. `mirror_hosts` are the hosts
/// the whole text shows used as mirrors ([`Facts::mirror_hosts`]): never a redirect target.
pub fn line_redirect(l: &Line<'_>, image: Option<&str>, mirror_hosts: &[String]) -> Option<SeenRedirect> {
    let (registry, repo) = line_image_context(l, image)?;
    scan::url_hosts(&l.text).into_iter().find_map(|u| {
        let host = other_host(&u.hostport, &registry)?;
        is_redirect_target(l, &u, repo.as_deref(), mirror_hosts).then(|| SeenRedirect {
            url: format!("{}://{host}", u.scheme),
            host,
            registry: registry.clone(),
        })
    })
}

/// The mirror a line shows: the host of `pulling from host X` (containerd 1.5+ when a
/// host answers an error status) or of a registry API request URL (`.../manifests/REF`,
/// `.../blobs/sha256:HEX`), when it is not the registry of the image the line (else
/// `image`) names. `None` when the line names no image, the host is the image's registry,
/// or the URL is a redirect target ([`line_redirect`], with the text's `mirror_hosts`).
pub fn line_mirror(l: &Line<'_>, image: Option<&str>, mirror_hosts: &[String]) -> Option<SeenMirror> {
    let (registry, repo) = line_image_context(l, image)?;
    for u in scan::url_hosts(&l.text) {
        if !is_api_path(&u.path) || is_redirect_target(l, &u, repo.as_deref(), mirror_hosts) {
            continue;
        }
        let api = ["/manifests/", "/blobs/"].iter().find_map(|m| u.path.rfind(m));
        let (Some(at), Some(host)) = (api, other_host(&u.hostport, &registry)) else { continue };
        let root = repo.as_deref().and_then(|r| u.path[..at].strip_suffix(r)).map(|p| p.trim_end_matches('/'));
        let base = format!("{}://{host}", u.scheme);
        let url = match root {
            // `/v2` is what containerd adds to a mirror URL without override_path.
            Some("/v2") | Some("") | None => base,
            Some(p) => match p.strip_suffix("/v2") {
                Some(prefix) if !p.starts_with("/v2/") => format!("{base}{prefix}"),
                _ => format!("{base}{p}"),
            },
        };
        return Some(SeenMirror { registry, host, url, path_known: root.is_some() });
    }
    let named = scan::word_after(&l.text, "pulling from host ")?;
    let host = other_host(named, &registry)?;
    Some(SeenMirror { registry, url: format!("https://{host}"), host, path_known: false })
}

/// Links in error messages that are not registries (docs, help pages).
fn is_documentation(hostport: &str) -> bool {
    matches!(hostport, "www.docker.com" | "docs.docker.com" | "github.com" | "kubernetes.io" | "containerd.io")
}

fn pause_image(lines: &[Line<'_>]) -> Option<String> {
    const MARKERS: &[&str] = &["failed to get sandbox image", "detected that the sandbox image", "sandboximage:"];
    lines.iter().find_map(|l| {
        MARKERS.iter().find_map(|m| {
            scan::quoted_after(&l.text, m)
                .or_else(|| if *m == "sandboximage:" { scan::word_after(&l.text, m) } else { None })
                .filter(|s| image_ref::is_image_reference(s))
                .map(str::to_owned)
        })
    })
}

fn image(lines: &[Line<'_>], pause: Option<&str>) -> Option<String> {
    let ok = |s: &str| image_ref::is_image_reference(s) && Some(s) != pause;
    for marker in IMAGE_MARKERS {
        for l in lines {
            if l.lower.contains("sandbox image") {
                continue;
            }
            for q in scan::all_quoted_after(&l.text, marker) {
                if ok(q) {
                    return Some(q.to_owned());
                }
            }
        }
    }
    // Unquoted forms: 2.x `failed to resolve image: REF: not found` (2.x's ctr prints
    // `failed to resolve image: failed to do request: ...` without any reference: only a
    // word followed by `: not found` is one), Docker's `pull access denied for REF,`, and
    // `kubectl describe pod`'s `Image:` line.
    for l in lines {
        let resolved = scan::word_after(&l.text, "failed to resolve image:").filter(|w| {
            w.contains(['/', '.', ':']) && l.lower.contains(&format!("{}: not found", w.to_ascii_lowercase()))
        });
        let candidates = [
            resolved,
            scan::word_after(&l.text, "pull access denied for "),
            l.text.trim_start().strip_prefix("Image:").map(str::trim),
        ];
        if let Some(c) = candidates.into_iter().flatten().find(|c| ok(c)) {
            return Some(c.to_owned());
        }
    }
    lines.iter().find_map(|l| ctr_pull_argument(l).filter(|c| ok(c))).or_else(|| {
        lines
            .iter()
            .filter(|l| !l.lower.contains("sandbox image"))
            .find_map(|l| manifest_request_image(l).filter(|c| ok(c)))
    })
}

/// The image of a pasted `ctr [-n NS] image(s) pull [FLAGS] REF` command line: its last
/// word, when it names a registry host (`harbor.example.net/a/b:v1`).
fn ctr_pull_argument(l: &Line<'_>) -> Option<String> {
    let words: Vec<&str> = l.text.split_whitespace().skip_while(|w| *w != "ctr" && !w.ends_with("/ctr")).collect();
    let pull = words.iter().position(|w| *w == "pull")?;
    let last = *words.last()?;
    (pull + 1 < words.len() && !last.starts_with('-') && last.contains('/') && last.contains('.'))
        .then(|| last.trim_matches(['"', '\'']).to_owned())
}

/// The image a registry request URL names: `https://H/v2/REPO/manifests/TAG` is
/// `H/REPO:TAG` (2.x's transfer service and its ctr print no reference). Not for a
/// mirror's request (containerd's `ns=` query; `%5BREDACTED%5D` on 2.x hides the registry).
fn manifest_request_image(l: &Line<'_>) -> Option<String> {
    scan::url_hosts(&l.text).into_iter().find_map(|u| {
        if url_ns(l, &u).is_some() || is_documentation(&u.hostport) {
            return None;
        }
        let rest = u.path.strip_prefix("/v2/")?;
        let (repo, tag) = rest.rsplit_once("/manifests/")?;
        if repo.is_empty() || tag.is_empty() || tag.contains('/') {
            return None;
        }
        let sep = if tag.contains(':') { '@' } else { ':' };
        Some(format!("{}/{repo}{sep}{tag}", image_ref::canonical_registry(&u.hostport)))
    })
}

fn lookup_host(l: &Line<'_>) -> Option<String> {
    if !l.lower.contains("lookup ") {
        return None;
    }
    scan::word_after(&l.text, "lookup ").filter(|h| Host::parse(h).is_ok()).map(|h| h.to_ascii_lowercase())
}

/// The containerd version printed by `containerd --version` (upstream's
/// `containerd github.com/containerd/containerd v1.6.20 <sha>`, 2.x's
/// `.../containerd/v2 v2.0.4`, Docker's `containerd containerd.io 1.4.13 <sha>`, Debian's
/// `... containerd 1.6.20~ds1 1.6.20~ds1-1+b1`), `crictl version`'s `RuntimeVersion:`
/// (only when the text's `RuntimeName:` is containerd, `crictl_containerd`), `kubectl get
/// nodes -o wide` / `describe node` (`containerd://1.6.20`), the journal's `starting
/// containerd` line, or a user agent (`containerd/1.6.20`).
fn containerd_version(l: &Line<'_>, crictl_containerd: bool) -> Option<String> {
    let t = &l.text;
    if let Some(w) = scan::word_after(t, "containerd://") {
        return scan::leading_version(w);
    }
    if let Some(v) = version_output(t) {
        return Some(v);
    }
    if crictl_containerd {
        if let Some(v) = crictl_field(l, "runtimeversion").and_then(scan::leading_version) {
            return Some(v);
        }
    }
    if l.lower.contains("starting containerd") {
        let v = scan::quoted_after(t, "version=").or_else(|| scan::word_after(t, "version="));
        if let Some(v) = v.and_then(scan::leading_version) {
            return Some(v);
        }
    }
    let mut from = 0;
    while let Some(i) = l.lower.get(from..).and_then(|s| s.find("containerd/")) {
        let at = from + i + "containerd/".len();
        if let Some(v) = t.get(at..).and_then(scan::leading_version) {
            return Some(v);
        }
        from = at;
    }
    None
}

/// The versions `ctr version` (and `k3s ctr version`) prints for the daemon: the
/// `Version:` line of a `Server:` block, not the `Client:` block's (that is the ctr
/// binary's own version, which need not be the running containerd's):
///
/// ```text
/// Client:
///   Version:  v1.7.23-k3s2
///   Revision: ...
///
/// Server:
///   Version:  v1.7.23-k3s2
///   Revision: ...
/// ```
///
/// The block is a line that is exactly `Server:` (Docker's `docker version` says `Server:
/// Docker Engine - Community`, and its first `Version:` is Docker's), up to a blank line
/// or the next header.
fn ctr_server_versions(lines: &[Line<'_>]) -> Vec<PrintedVersion> {
    let mut out = Vec::new();
    let mut in_server = false;
    for l in lines {
        let t = l.text.trim();
        if t.eq_ignore_ascii_case("server:") {
            in_server = true;
            continue;
        }
        if t.is_empty() || t.eq_ignore_ascii_case("client:") {
            in_server = false;
            continue;
        }
        if !in_server {
            continue;
        }
        let lower = t.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("version:").and_then(|_| t.get("version:".len()..)) {
            if let Some(v) = v.split_whitespace().next().and_then(scan::leading_version) {
                out.push(PrintedVersion { version: v, line: l.number });
            }
            in_server = false;
        }
    }
    out
}

/// `containerd --version`'s line: the word `containerd`, the package it was built as
/// (`containerd.io`, `github.com/containerd/containerd[/v2]`, a fork's module path), then
/// the version (`1.4.13`, `v2.0.4`, `1.6.20~ds1`).
fn version_output(t: &str) -> Option<String> {
    let words: Vec<&str> = t.split_whitespace().collect();
    words.windows(3).find_map(|w| {
        let package = w[1].to_ascii_lowercase();
        let is_package = (package.contains('.') || package.contains('/'))
            && !package.starts_with('-')
            && !package.contains(':')
            && !package.contains('=');
        (w[0].eq_ignore_ascii_case("containerd") && is_package).then(|| scan::leading_version(w[2])).flatten()
    })
}

/// The value of `crictl version`'s (or `crictl version -o json`'s) field `key` (lower
/// case, no colon) on this line: `RuntimeVersion:  v1.4.13`, `"runtimeVersion": "v1.4.13",`.
fn crictl_field<'a>(l: &'a Line<'_>, key: &str) -> Option<&'a str> {
    let lower = l.lower.trim_start().trim_start_matches('"');
    let rest = lower.strip_prefix(key)?;
    let rest = rest.trim_start_matches('"').trim_start();
    let rest = rest.strip_prefix(':')?;
    let offset = l.text.len() - rest.len();
    let value = l.text.get(offset..)?.trim().trim_start_matches('"');
    let end = value.find(|c: char| c.is_whitespace() || c == '"' || c == ',').unwrap_or(value.len());
    Some(&value[..end]).filter(|v| !v.is_empty())
}

/// Whether the text holds `crictl version`'s `RuntimeName:` and it names containerd
/// (CRI-O prints the same fields with its own version).
fn crictl_runs_containerd(lines: &[Line<'_>]) -> bool {
    lines.iter().any(|l| crictl_field(l, "runtimename").is_some_and(|n| n.eq_ignore_ascii_case("containerd")))
}

/// A line that looks like containerd's version output whatever its spelling: its first
/// word (after a shell prompt) is `containerd` and a later word starts with a version
/// number, or crictl's `RuntimeVersion:` (unless `RuntimeName:` names another runtime).
fn looks_like_version_output(l: &Line<'_>, other_runtime: bool) -> bool {
    let mut words = l.text.split_whitespace().skip_while(|w| matches!(*w, "$" | "#" | ">"));
    let first = words.next();
    if first.is_some_and(|w| w.eq_ignore_ascii_case("containerd")) && words.any(|w| scan::leading_version(w).is_some())
    {
        return true;
    }
    !other_runtime && crictl_field(l, "runtimeversion").is_some_and(|v| scan::leading_version(v).is_some())
}

/// The major of a version (`2` of `2.0.4`).
pub fn major_of(version: &str) -> Option<u32> {
    version.split('.').next()?.parse().ok()
}

/// Wordings only containerd 2.x prints (checked against the real 1.6.20 and 1.7.24
/// texts): the transfer service's `failed to resolve image:`, 2.x's plugin ids and config
/// messages, the redacted `ns=` of a mirror request (1.x prints `?ns=docker.io`), and the
/// sandbox controller's `failed to start sandbox "<id>":` prefix (1.x starts with
/// `failed to get sandbox image`).
const MARKERS_2X: &[&str] = &[
    "failed to resolve image:",
    "io.containerd.cri.v1.",
    "ignoring unknown key in toml for plugin",
    "ns=%5bredacted%5d",
    "failed to start sandbox \"",
    "configuration migrated from version",
    "incompatible with transfer service",
    "invalid disabled plugin uri",
];

/// Whether a printed version words pulls like 1.x in local pull mode: 2.1+ falls back to
/// the older pull path (`failed to resolve reference`) with legacy `registry.mirrors` /
/// `configs` (real 2.1.9). 2.0 is not checked here, so its contradiction stays.
fn local_pull_2x(p: &PrintedVersion) -> bool {
    Target::parse(&p.version).is_ok_and(|t| (t.major, t.minor) >= (2, 1))
}

/// The containerd major the line's wording reveals (see [`Facts::containerd_major`]).
/// `failed to resolve reference` is 1.x's wording, but also 2.x's older pull path (2.1+
/// falls back to it when config.toml has legacy `registry.mirrors` / `configs`): a 2.x
/// marker anywhere in the text wins over it ([`text_major_hint`]).
pub fn major_hint(l: &Line<'_>) -> Option<u32> {
    if MARKERS_2X.iter().any(|m| l.lower.contains(m)) {
        Some(2)
    } else if l.lower.contains("failed to resolve reference") {
        Some(1)
    } else {
        None
    }
}

/// The major the whole text's wording reveals, and the line that shows it: the first 2.x
/// marker, else the first 1.x wording.
pub fn text_major_hint(lines: &[Line<'_>]) -> Option<(u32, usize)> {
    let hints = || lines.iter().filter_map(|l| major_hint(l).map(|m| (m, l.number)));
    hints().find(|h| h.0 == 2).or_else(|| hints().next())
}

/// `Unable to retrieve some image pull secrets (regcred, other); attempting ...`.
fn missing_secrets(l: &Line<'_>) -> Vec<String> {
    let Some(i) = l.lower.find("image pull secrets (") else {
        return Vec::new();
    };
    let rest = &l.text[i + "image pull secrets (".len()..];
    let Some(end) = rest.find(')') else {
        return Vec::new();
    };
    rest[..end].split(',').map(str::trim).filter(|s| !s.is_empty() && !s.contains(' ')).map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mirror(line: &str) -> Option<SeenMirror> {
        line_mirror(&scan::lines(line)[0], None, &[])
    }

    #[test]
    fn mirror_hosts_come_from_pulling_from_host_manifests_head_and_ns() {
        let img = r#"failed to pull and unpack image "docker.io/library/busybox:1.36": "#;
        let hosts = |t: &str| extract(&scan::lines(t)).mirror_hosts;
        assert_eq!(hosts(&format!("{img}pulling from host a.example failed with status code: 401")), ["a.example"]);
        assert_eq!(
            hosts(&format!(r#"{img}Head "https://b.example/v2/library/busybox/manifests/1.36": x509"#)),
            ["b.example"]
        );
        assert_eq!(
            hosts(&format!(r#"{img}Get "https://c.example/x/blobs/sha256:ab?ns=docker.io": x509"#)),
            ["c.example"]
        );
        // The registry itself and a plain blob GET without `ns=` show no mirror.
        assert!(hosts(&format!(r#"{img}Head "https://registry-1.docker.io/v2/library/busybox/manifests/1.36": x"#))
            .is_empty());
        assert!(
            hosts(&format!(r#"{img}failed to copy: Get "https://d.example/ghcr1/blobs/sha256:ab": x509"#)).is_empty()
        );
    }

    #[test]
    fn default_pause_images_name_their_release() {
        let v = |i: &str| version_of_default_pause(i).map(|t| t.to_string());
        assert_eq!(v("k8s.gcr.io/pause:3.2").as_deref(), Some("1.4"));
        assert_eq!(v("k8s.gcr.io/pause:3.5").as_deref(), Some("1.5"));
        assert_eq!(v("k8s.gcr.io/pause:3.6").as_deref(), Some("1.6"));
        assert_eq!(v("registry.k8s.io/pause:3.6").as_deref(), Some("1.6"));
        assert_eq!(v("registry.k8s.io/pause:3.8").as_deref(), Some("1.7"));
        assert_eq!(v("registry.k8s.io/pause:3.10").as_deref(), Some("2.1"));
        assert_eq!(v("registry.k8s.io/pause:3.9"), None, "no release's default");
        assert_eq!(v("registry.aliyuncs.com/google_containers/pause:3.2"), None, "a configured mirror says nothing");
    }

    fn printed(text: &str) -> Option<String> {
        extract(&scan::lines(text)).containerd
    }

    #[test]
    fn docker_containerd_io_version_lines() {
        let sha = "9cc61520f4cd876b86e77edfeb88fbcd536d1f9d";
        assert_eq!(printed(&format!("containerd containerd.io 1.4.13 {sha}")).as_deref(), Some("1.4.13"));
        assert_eq!(printed(&format!("containerd containerd.io v1.6.33 {sha}")).as_deref(), Some("1.6.33"));
        assert_eq!(printed(&format!("containerd containerd.io 1.7.22 {sha}")).as_deref(), Some("1.7.22"));
        let pasted = format!("$ containerd --version\ncontainerd containerd.io 1.4.13 {sha}\n");
        assert_eq!(printed(&pasted).as_deref(), Some("1.4.13"));
    }

    #[test]
    fn upstream_v2_and_debian_version_lines() {
        let sha = "1e1ea6e986c6c86565bc33d52e34b81b3e2bc71f";
        let upstream = format!("containerd github.com/containerd/containerd v1.6.20 {sha}");
        assert_eq!(printed(&upstream).as_deref(), Some("1.6.20"));
        let v2 = format!("containerd github.com/containerd/containerd/v2 v2.0.4 {sha}");
        assert_eq!(printed(&v2).as_deref(), Some("2.0.4"));
        let debian = "containerd github.com/containerd/containerd 1.6.20~ds1 1.6.20~ds1-1+b1";
        assert_eq!(printed(debian).as_deref(), Some("1.6.20"));
    }

    #[test]
    fn crictl_version_and_kubectl_wide() {
        let crictl = "Version:  0.1.0\nRuntimeName:  containerd\nRuntimeVersion:  v1.4.13\nRuntimeApiVersion:  v1\n";
        assert_eq!(printed(crictl).as_deref(), Some("1.4.13"), "not the kubelet API's 0.1.0");
        let json =
            "{\n  \"version\": \"0.1.0\",\n  \"runtimeName\": \"containerd\",\n  \"runtimeVersion\": \"v1.7.22\",\n}";
        assert_eq!(printed(json).as_deref(), Some("1.7.22"));
        let crio = "RuntimeName:  cri-o\nRuntimeVersion:  1.28.1\n";
        assert_eq!(printed(crio), None, "CRI-O's version is no containerd version");
        assert_eq!(extract(&scan::lines(crio)).containerd_unread, None, "nor does it look like one");
        let wide = "NAME   STATUS   ROLES   AGE   VERSION   INTERNAL-IP   EXTERNAL-IP   OS-IMAGE   KERNEL-VERSION   CONTAINER-RUNTIME\n\
                    node1  Ready    <none>  10d   v1.23.17  10.0.0.5      <none>        CentOS     3.10.0           containerd://1.6.20\n";
        assert_eq!(printed(wide).as_deref(), Some("1.6.20"));
    }

    #[test]
    fn ctr_version_reads_the_servers_version_not_the_clients() {
        let ctr =
            "$ ctr version\nClient:\n  Version:  1.6.19~ds1\n  Revision: 1.6.19~ds1-1\n  Go version: go1.19.8\n\n\
                   Server:\n  Version:  1.6.20~ds1\n  Revision: 1.6.20~ds1-1+deb12u3\n  UUID: 4c6d\n";
        let f = extract(&scan::lines(ctr));
        assert_eq!(f.containerd.as_deref(), Some("1.6.20"), "the server's, not the client's 1.6.19");
        assert_eq!(f.containerd_printed.iter().map(|p| p.line).collect::<Vec<_>>(), [8]);
        let k3s = "# k3s ctr version\nClient:\n  Version:  v1.7.23-k3s2\n  Revision: \n  Go version: go1.22.8\n\n\
                   Server:\n  Version:  v1.7.23-k3s2\n  Revision: \n  UUID: 9a1b\n";
        assert_eq!(printed(k3s).as_deref(), Some("1.7.23"));
        // Only the client block (ctr could not reach the daemon): no version.
        assert_eq!(printed("Client:\n  Version:  1.6.20~ds1\n  Revision: x\nctr: failed to dial"), None);
        // Docker's `docker version`: its Server header names Docker Engine; its Version is Docker's.
        let docker = "Client: Docker Engine - Community\n Version:           26.1.4\n\
                      Server: Docker Engine - Community\n Engine:\n  Version:          26.1.4\n";
        assert_eq!(printed(docker), None);
        // crictl's `Version:` (the kubelet API's) outside a Server block is no version.
        assert_eq!(printed("Version:  0.1.0\nRuntimeName:  cri-o\n"), None);
    }

    #[test]
    fn versions_that_disagree_are_listed_not_read() {
        let facts = |t: &str| extract(&scan::lines(t));
        let wide = "n1 Ready <none> 1d v1.30.1 10.0.0.1 <none> Ubuntu 6.8 containerd://2.0.4\n\
                    n2 Ready <none> 1d v1.30.1 10.0.0.2 <none> Ubuntu 6.8 containerd://1.6.20\n";
        let f = facts(wide);
        assert_eq!(f.containerd, None);
        let got: Vec<(&str, usize)> = f.containerd_printed.iter().map(|p| (p.version.as_str(), p.line)).collect();
        assert_eq!(got, [("2.0.4", 1), ("1.6.20", 2)]);
        assert_eq!((f.containerd_major, f.containerd_unread), (None, None));
        // One version, printed twice (two spellings): read.
        let f = facts("containerd://1.6.20\ncontainerd github.com/containerd/containerd v1.6.20 abc");
        assert_eq!((f.containerd.as_deref(), f.containerd_printed.len()), (Some("1.6.20"), 1));
        // One version the wording contradicts: not read; the wording's major stays.
        let one_x = r#"failed to resolve reference "h.example/a:1": x509: certificate signed by unknown authority"#;
        let f = facts(&format!("n1 Ready containerd://2.0.4\n{one_x}"));
        assert_eq!((f.containerd, f.containerd_major), (None, Some(1)));
        let f = facts(&format!("n1 Ready containerd://1.7.22\n{one_x}"));
        assert_eq!((f.containerd.as_deref(), f.containerd_major), (Some("1.7.22"), Some(1)));
        let two_x = r#"failed to resolve image: h.example/a:1: not found"#;
        let f = facts(&format!("containerd://1.6.20\n{two_x}"));
        assert_eq!((f.containerd, f.containerd_major), (None, Some(2)));
        // 2.1.9's transfer-service pulls (`ctr images pull`) name no image: the first word
        // after the marker is none (tests/fixtures/errors/2.1.9/*.ctr.txt); the request URL,
        // when there is one, names it.
        assert_eq!(facts(two_x).image.as_deref(), Some("h.example/a:1"));
        let x509 = r#"ctr: failed to resolve image: failed to do request: Head "https://r.example:5000/v2/a/b/manifests/v1": tls: failed to verify certificate: x509: certificate signed by unknown authority"#;
        assert_eq!(facts(x509).image.as_deref(), Some("r.example:5000/a/b:v1"));
        let denied = "ctr: failed to resolve image: pull access denied, repository does not exist or may require authorization: authorization failed: no basic auth credentials";
        assert_eq!(facts(denied).image, None);
        // A pause image's guess is no fallback when the text prints versions.
        let pause = r#"failed to get sandbox image "k8s.gcr.io/pause:3.2": failed to pull image "k8s.gcr.io/pause:3.2": failed to resolve reference "k8s.gcr.io/pause:3.2": i/o timeout"#;
        let f = facts(&format!("{wide}{pause}"));
        assert_eq!((f.containerd, f.containerd_guess), (None, None));
    }

    #[test]
    fn an_unread_version_line_is_noted_and_the_command_itself_is_not() {
        let facts = |t: &str| extract(&scan::lines(t));
        // A spelling no reader knows: the line is flagged, no version is invented.
        let odd = facts(
            "$ containerd --version\ncontainerd 1.4.13-custom build\nx509: certificate signed by unknown authority",
        );
        assert_eq!((odd.containerd, odd.containerd_unread), (None, Some(2)));
        // crictl's RuntimeVersion without its RuntimeName line: possibly containerd's.
        let bare = facts("RuntimeVersion:  v1.4.13");
        assert_eq!((bare.containerd, bare.containerd_unread), (None, Some(1)));
        // The command alone, or any other line naming containerd, prints no version.
        for t in ["$ containerd --version", "sudo systemctl restart containerd", "containerd config default"] {
            assert_eq!(facts(t).containerd_unread, None, "{t}");
        }
        // A read version leaves nothing unread.
        assert_eq!(facts("containerd containerd.io 1.4.13 abc").containerd_unread, None);
    }

    #[test]
    fn the_guess_agrees_with_the_message_format() {
        let facts = |t: &str| extract(&scan::lines(t));
        let pause = r#"failed to get sandbox image "k8s.gcr.io/pause:3.2": failed to pull image "k8s.gcr.io/pause:3.2": failed to resolve reference "k8s.gcr.io/pause:3.2": i/o timeout"#;
        assert_eq!(facts(pause).containerd_guess.as_deref(), Some("1.4"));
        let two = r#"failed to get sandbox image "k8s.gcr.io/pause:3.2": failed to resolve image: i/o timeout"#;
        assert_eq!(facts(two).containerd_guess, None, "a 2.x message with 1.4's pause image: no guess");
        let new = r#"failed to get sandbox image "registry.k8s.io/pause:3.10.1": failed to resolve image: i/o timeout"#;
        assert_eq!(facts(new).containerd_guess.as_deref(), Some("2.0"), "every 2.x reads 2.0's files");
        let printed = format!("{pause}\ncontainerd github.com/containerd/containerd v1.6.20 abc");
        assert_eq!(facts(&printed).containerd_guess, None, "a printed version needs no guess");
    }

    #[test]
    fn mirrors_from_request_urls_and_pulling_from_host() {
        let img = r#"failed to pull and unpack image "docker.io/library/busybox:1.36": "#;
        let m = mirror(&format!(
            r#"{img}failed to do request: Head "https://harbor.example.net/v2/dockerhub-proxy/library/busybox/manifests/1.36?ns=docker.io": x509"#
        ))
        .unwrap();
        assert_eq!((m.registry.as_str(), m.host.as_str()), ("docker.io", "harbor.example.net"));
        assert_eq!((m.url.as_str(), m.path_known), ("https://harbor.example.net/v2/dockerhub-proxy", true));
        // A mirror URL without override_path: containerd appended /v2 to its path.
        let m = mirror(&format!(r#"{img}Head "https://m.example:5000/cache/v2/library/busybox/manifests/1.36": x509"#));
        assert_eq!(m.unwrap().url, "https://m.example:5000/cache");
        let m = mirror(&format!(r#"{img}Head "http://m.example/v2/library/busybox/blobs/sha256:ab": EOF"#));
        assert_eq!(m.unwrap().url, "http://m.example");
        let m =
            mirror(&format!("{img}pulling from host harbor.example.net failed with status code [manifests 1.36]: 401"));
        assert_eq!(m.map(|m| (m.url, m.path_known)), Some(("https://harbor.example.net".to_owned(), false)));
        // The image's own registry is no mirror, under any of its names or with its default port.
        assert_eq!(
            mirror(&format!(r#"{img}Head "https://registry-1.docker.io/v2/library/busybox/manifests/1.36": x"#)),
            None
        );
        assert_eq!(mirror(&format!("{img}pulling from host registry-1.docker.io failed with status code")), None);
        let own = r#"failed to pull and unpack image "harbor.example.net/a/b:1": Head "https://harbor.example.net:443/v2/a/b/manifests/1": x509"#;
        assert_eq!(mirror(own), None);
        let port = r#"failed to resolve reference "10.50.1.104:5000/a/b:1": pulling from host 10.50.1.104:5000 failed with status code"#;
        assert_eq!(mirror(port), None);
        // A token server or a docs link is no mirror: not a manifests or blobs request.
        assert_eq!(
            mirror(&format!(
                r#"{img}failed to fetch anonymous token: Get "https://auth.docker.io/token?scope=x": 401"#
            )),
            None
        );
        assert_eq!(mirror("pulling from host harbor.example.net failed: no image named"), None);
        // A mirror's own blob request that answered an error status while copying: the
        // status message names the host containerd contacted, so it stays the mirror.
        let m = mirror(&format!(
            "{img}failed to copy: httpReadSeeker: failed open: unexpected status code \
             https://harbor.example.net/v2/dockerhub-proxy/library/busybox/blobs/sha256:ab: 401 Unauthorized"
        ));
        assert_eq!(m.map(|m| m.url).as_deref(), Some("https://harbor.example.net/v2/dockerhub-proxy"));
    }

    #[test]
    fn blob_redirect_targets_are_no_mirrors() {
        let img = r#"failed to pull and unpack image "docker.io/library/busybox:1.36": "#;
        let redirect =
            |line: &str| line_redirect(&scan::lines(line)[0], None, &[]).map(|r| (r.registry, r.host, r.url));
        // Docker Hub's CDN path: no registry API path, whatever the phase.
        for line in [
            format!(
                r#"{img}failed to copy: httpReadSeeker: failed open: failed to do request: Get "https://production.cloudflare.docker.com/registry-v2/docker/registry/v2/blobs/sha256/ab/abcd/data?verify=1-x": x509"#
            ),
            format!(
                r#"{img}Get "https://production.cloudflare.docker.com/registry-v2/docker/registry/v2/blobs/sha256/ab/abcd/data": EOF"#
            ),
        ] {
            assert_eq!(mirror(&line), None, "{line}");
            let want = ("docker.io", "production.cloudflare.docker.com", "https://production.cloudflare.docker.com");
            let got = redirect(&line);
            assert_eq!(got.as_ref().map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str())), Some(want), "{line}");
        }
        // A registry API path on another host in the copy phase's GET: a redirect (pkg.dev).
        let k8s = r#"failed to pull and unpack image "registry.k8s.io/pause:3.9": failed to copy: httpReadSeeker: failed open: failed to do request: Get "https://europe-west2-docker.pkg.dev/v2/k8s-artifacts-prod/images/pause/blobs/sha256:e6f1": x509"#;
        assert_eq!(mirror(k8s), None);
        assert_eq!(redirect(k8s).map(|r| r.1).as_deref(), Some("europe-west2-docker.pkg.dev"));
        // Not redirects: the registry's own blob GET, a mirror's manifest HEAD, a token server.
        let own = format!(
            r#"{img}failed to copy: httpReadSeeker: failed open: failed to do request: Get "https://registry-1.docker.io/v2/library/busybox/blobs/sha256:ab": EOF"#
        );
        assert_eq!((redirect(&own), mirror(&own)), (None, None));
        let head = format!(
            r#"{img}failed to do request: Head "https://harbor.example.net/v2/dockerhub-proxy/library/busybox/manifests/1.36": x509"#
        );
        assert_eq!(redirect(&head), None);
        assert!(mirror(&head).is_some());
        assert_eq!(redirect(&format!(r#"{img}Get "https://auth.docker.io/token?scope=x": 401"#)), None);
        // A mirror's own blob GET in the copy phase (containerd 1.6 reports the first
        // host's error): a registry API path, with or without `ns=`, under a proxy prefix
        // or not, is the mirror (round-6 review, real containerd 1.6.20).
        let copy = r#"failed to copy: httpReadSeeker: failed open: failed to do request: Get "#;
        for (line, url) in [
            (
                format!(
                    r#"{img}{copy}"https://harbor.example.net/v2/library/busybox/blobs/sha256:ab?ns=docker.io": x509"#
                ),
                "https://harbor.example.net",
            ),
            (
                format!(
                    r#"{img}{copy}"https://harbor.example.net/v2/dockerhub-proxy/library/busybox/blobs/sha256:ab": x509"#
                ),
                "https://harbor.example.net/v2/dockerhub-proxy",
            ),
            (
                format!(
                    r#"{img}{copy}"https://M.example:5000/v2/library/busybox/manifests/1.36?x=1&ns=docker.io": EOF"#
                ),
                "https://m.example:5000",
            ),
        ] {
            assert_eq!(redirect(&line), None, "{line}");
            assert_eq!(mirror(&line).map(|m| m.url).as_deref(), Some(url), "{line}");
        }
        // `ns=` marks a mirror request even on a pkg.dev host; pkg.dev without it is a redirect.
        let ns =
            format!(r#"{img}{copy}"https://x-docker.pkg.dev/v2/p/library/busybox/blobs/sha256:ab?ns=docker.io": x509"#);
        assert_eq!((redirect(&ns), mirror(&ns).map(|m| m.host)), (None, Some("x-docker.pkg.dev".to_owned())));
        // A CDN path with a query but no `ns=` stays a redirect.
        let cdn = format!(
            r#"{img}{copy}"https://cdn.example.net:9443/registry-v2/x/blobs/sha256/ab/abcd/data?verify=1": x509"#
        );
        assert_eq!(redirect(&cdn).map(|r| r.1).as_deref(), Some("cdn.example.net:9443"));
        // ghcr.io's CDN: API-shaped (`/ghcr1/blobs/sha256:`), no `ns=`, no repository.
        let ghcr = r#"failed to pull and unpack image "ghcr.io/fluxcd/source-controller:v1.3.0": "#;
        let ghcr_get = format!(
            r#"{ghcr}{copy}"https://pkg-containers.githubusercontent.com/ghcr1/blobs/sha256:0d3f?se=2026&sig=abc%3D&sp=r": x509"#
        );
        assert_eq!(mirror(&ghcr_get), None);
        assert_eq!(redirect(&ghcr_get).map(|r| r.1).as_deref(), Some("pkg-containers.githubusercontent.com"));
        // An unknown host with such a path is a redirect too; with the image's repository
        // in the path it is containerd's own request, so a mirror.
        let odd = format!(r#"{ghcr}{copy}"https://blobs.example.net/store/blobs/sha256:0d3f": x509"#);
        assert_eq!((mirror(&odd), redirect(&odd).map(|r| r.1)), (None, Some("blobs.example.net".to_owned())));
        let repo =
            format!(r#"{ghcr}{copy}"https://cache.example.net/v2/fluxcd/source-controller/blobs/sha256:0d3f": x509"#);
        assert_eq!(
            (redirect(&repo), mirror(&repo).map(|m| m.url)),
            (None, Some("https://cache.example.net".to_owned()))
        );
        // The text shows the host used as a mirror elsewhere: the mirror decides, even for a known store.
        let shown = ["pkg-containers.githubusercontent.com".to_owned()];
        let l = &scan::lines(&ghcr_get)[0];
        assert_eq!(line_redirect(l, None, &shown), None);
        assert_eq!(
            line_mirror(l, None, &shown).map(|m| m.host).as_deref(),
            Some("pkg-containers.githubusercontent.com")
        );
        for store in [
            "pkg-containers.githubusercontent.com",
            "d2glxqk2uabbnd.cloudfront.net",
            "prod-registry-k8s-io-eu-west-1.s3.dualstack.eu-west-1.amazonaws.com",
            "s3.amazonaws.com",
            "production.cloudflare.docker.com",
            "storage.googleapis.com",
            "cdn01.quay.io",
            "myacr.blob.core.windows.net",
        ] {
            assert!(is_known_blob_store(store), "{store}");
        }
        // A registry that serves as a pull-through mirror is no blob store (ECR, quay.io).
        assert!(!is_known_blob_store("123.dkr.ecr.eu-west-1.amazonaws.com") && !is_known_blob_store("quay.io"));
        assert!(is_known_blob_store("europe-west2-docker.pkg.dev:443") && is_known_blob_store("k8s.gcr.io"));
        assert!(!is_known_blob_store("notpkg.dev") && !is_known_blob_store("harbor.example.net"));
    }
}
