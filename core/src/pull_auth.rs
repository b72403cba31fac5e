//! Which registries go into the pull Secret, under which key, with whose credentials.
//!
//! The kubelet picks `auths` entries by the registry *as the image names it* (scheme
//! and a `/v1/` or `/v2/` prefix stripped, ports compared exactly, the key's path a
//! prefix of the image's), then hands the credentials to containerd without a server
//! name. containerd presents them to whichever host it contacts: a mirror from
//! hosts.toml first, the registry itself last. So:
//!
//! - A registry with its own username and password is keyed `host[:port]`
//!   (Docker Hub: `https://index.docker.io/v1/`) and carries them.
//! - A registry without credentials whose mirror is another `[[registry]]` with
//!   credentials (an authenticating mirror, e.g. a Harbor proxy-cache for Docker Hub)
//!   is keyed for the *image's* registry but carries the *mirror's* credentials.
//! - An identity token is never put into a Secret: kubectl has no flag for it and the
//!   kubelet reads only `username`, `password`, `email` and `auth` from a docker config
//!   entry (`identitytoken` is ignored). It works only at node level (containerd's
//!   `configs.auth`).

use crate::diagnostic::{quoted, Diagnostic, Field};
use crate::form::Registry;
use crate::host::{Endpoint, Host, HostKind};
use crate::secret::{key_for, AuthEntry};
use crate::validate::Checked;

/// One `auths` entry and why it looks the way it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullAuth {
    /// The `auths` key (and kubectl's `--docker-server`).
    pub key: String,
    /// The registry as images name it (`docker.io`, `10.50.1.104:5000`).
    pub image_registry: String,
    /// The credentials.
    pub entry: AuthEntry,
    /// Why this key and these credentials, in an operator's words.
    pub note: String,
}

/// The `auths` of the pull Secret, one per key and sorted by key (by bytes, as kubectl
/// writes them), with a diagnostic for every registry whose credentials cannot go into a
/// Secret. A sorted `Vec` rather than a `BTreeMap`: a few entries, and less wasm.
pub fn pull_auths(checked: &Checked, email: &str, diags: &mut Vec<Diagnostic>) -> Vec<PullAuth> {
    let regs = &checked.form.registries;
    let mut out: Vec<PullAuth> = Vec::new();
    for (i, r) in regs.iter().enumerate() {
        let Some(Some(host)) = checked.hosts.get(i) else { continue };
        let field = Field::registry(i);
        let own = own_credentials(r, &field, diags);
        let (entry, note) = match own {
            Some(entry) => {
                let note = own_note(checked, i, host, &field, diags);
                (entry, note)
            }
            None => match mirror_credentials(checked, i) {
                Some((j, mirror)) => {
                    let m = &regs[j];
                    let entry =
                        AuthEntry { username: m.username.clone(), password: m.password.clone(), email: String::new() };
                    let note = format!(
                        "Images named {reg}/... are pulled through the mirror {mirror}, which needs its own credentials \
                         (registry[{j}], {mhost}). The kubelet chooses a Secret entry by the image's registry, so the \
                         entry is keyed for {reg} but carries {mhost}'s user {user}; containerd presents it to the mirror.{fallback}",
                        reg = host.reference(),
                        mhost = m.host.trim(),
                        user = quoted(&m.username),
                        fallback = if r.mirror_only {
                            String::new()
                        } else {
                            format!(
                                " If the mirror fails, containerd falls back to {} with the same credentials; \
                                 set mirror_only to keep them away from it.",
                                host.reference()
                            )
                        },
                    );
                    (entry, note)
                }
                None => continue,
            },
        };
        let Some(key) = key_for(host) else {
            diags.push(Diagnostic::warning(
                field.key("host"),
                "secret.default-namespace",
                "A pull Secret cannot hold credentials for `_default`: the kubelet matches Secret entries by the registry the image names, and no image names `_default`.",
                "Add a [[registry]] for each registry whose images need these credentials, or use node_auth for node-level credentials.",
            ));
            continue;
        };
        let found = out.binary_search_by(|a| a.key.as_str().cmp(&key));
        if let Ok(prev) = found {
            diags.push(Diagnostic::warning(
                field.key("host"),
                "secret.duplicate-key",
                format!(
                    "{} is already in the pull Secret (as {}); a Secret holds one entry per registry, so these credentials are left out of it.",
                    host.reference(),
                    out[prev].key
                ),
                "Keep one [[registry]] per registry host.",
            ));
            continue;
        }
        let at = found.unwrap_or_else(|at| at);
        let entry = AuthEntry { email: email.to_owned(), ..entry };
        out.insert(at, PullAuth { key, image_registry: host.reference(), entry, note });
    }
    out
}

/// Credentials a test pull on a node (`crictl pull --creds`, `ctr images pull --user`) must
/// pass for a registry's images because only the pull Secret has them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestPullCreds {
    /// `<username>:<password>`, the password a placeholder (never the real one).
    pub creds: String,
    /// The `[[registry]]` whose credentials these are when it is not the registry itself:
    /// the authenticating mirror (a Harbor proxy cache) whose account the Secret's entry
    /// for this registry carries.
    pub mirror: Option<usize>,
}

/// What a node test pull of registry `i`'s images needs to pass, by the rule of
/// [`Registry::test_pull_creds`] applied to the credentials [`pull_auths`] puts under this
/// registry's key: its own, or, when it has none, the first mirror's that is another
/// `[[registry]]` with credentials (Docker Hub through a Harbor proxy cache keyed
/// `https://index.docker.io/v1/` with Harbor's robot account). Node commands do not read
/// the Secret, so without node credentials (`node_auth`, on the mirror's registry for a
/// mirror's account: containerd keys them by the host it contacts) a private repository
/// or proxy project answers 401. `None` when the node has the credentials or there are
/// none; never for `_default`, which has no Secret entry.
pub fn test_pull_creds(checked: &Checked, i: usize) -> Option<TestPullCreds> {
    let r = checked.form.registries.get(i)?;
    let host = checked.hosts.get(i)?.as_ref()?;
    let own = !r.username.is_empty() && !r.password.is_empty();
    if !own && key_for(host).is_some() {
        if let Some((j, _)) = mirror_credentials(checked, i) {
            let m = checked.form.registries.get(j)?;
            return m.test_pull_creds().map(|creds| TestPullCreds { creds, mirror: Some(j) });
        }
    }
    r.test_pull_creds().map(|creds| TestPullCreds { creds, mirror: None })
}

/// The registry's own username and password, when both are set. A username or
/// password alone is already an error from [`crate::rules`]; an identity token without a
/// password is reported here, since it cannot go into a Secret.
fn own_credentials(r: &Registry, field: &Field, diags: &mut Vec<Diagnostic>) -> Option<AuthEntry> {
    if !r.identity_token.is_empty() && r.password.is_empty() {
        diags.push(Diagnostic::warning(
            field.key("identity_token"),
            "secret.identity-token",
            "An identity token cannot go into a pull Secret: the kubelet reads only username, password and auth from it and ignores identitytoken, so this registry gets no Secret entry.",
            "For pods, use a username and password (a Harbor robot account); the token works for node-level credentials (node_auth).",
        ));
    }
    (!r.username.is_empty() && !r.password.is_empty()).then(|| AuthEntry {
        username: r.username.clone(),
        password: r.password.clone(),
        email: String::new(),
    })
}

/// The note for a registry with its own credentials; warns when a mirror has other ones.
fn own_note(checked: &Checked, i: usize, host: &Host, field: &Field, diags: &mut Vec<Diagnostic>) -> String {
    let r = &checked.form.registries[i];
    let reg = host.reference();
    let mut note = if host.kind == HostKind::DockerHub {
        format!(
            "Images named docker.io/... (or with no registry at all, like nginx) use the key {}; the kubelet maps docker.io to it.",
            crate::secret::DOCKER_HUB_KEY
        )
    } else if host.port.is_some() {
        format!("Images named {reg}/... use this entry; the port is part of the key, as in the image name.")
    } else {
        format!("Images named {reg}/... use this entry (an image naming the registry with a port, like {reg}:443/..., would not).")
    };
    let mirrors: Vec<String> =
        r.mirrors.iter().filter_map(|m| Endpoint::parse(m.url.trim()).ok()).map(|e| e.url()).collect();
    if !mirrors.is_empty() {
        note.push_str(&format!(
            " containerd presents these credentials to whichever host it contacts for these images: {}{}. \
             So they must be valid there (for a Harbor proxy cache: the Harbor robot account), even though the \
             key names {reg}: the kubelet picks the entry by the image's registry, not by the mirror.",
            mirrors.join(", then "),
            if r.mirror_only { String::new() } else { format!(", then {reg} itself") }
        ));
    }
    for (k, m) in r.mirrors.iter().enumerate() {
        let Some(j) = mirror_registry(checked, i, &m.url) else { continue };
        let other = &checked.form.registries[j];
        if other.username.is_empty() || (other.username == r.username && other.password == r.password) {
            continue;
        }
        diags.push(Diagnostic::warning(
            field.index("mirror", k).key("url"),
            "secret.mirror-credentials",
            format!(
                "Images of {reg} are pulled through this mirror, but the kubelet hands containerd {reg}'s credentials (user {}), not the mirror's own (registry[{j}], user {}).",
                quoted(&r.username),
                quoted(&other.username)
            ),
            format!(
                "If the mirror needs its own credentials, remove the username and password from registry[{i}]: the Secret then carries the mirror's credentials for {reg}'s images."
            ),
        ));
    }
    note
}

/// The first mirror of registry `i` that is itself a `[[registry]]` with username and
/// password: its index and its URL.
fn mirror_credentials(checked: &Checked, i: usize) -> Option<(usize, String)> {
    checked.form.registries[i].mirrors.iter().find_map(|m| {
        let j = mirror_registry(checked, i, &m.url)?;
        let other = &checked.form.registries[j];
        (!other.username.is_empty() && !other.password.is_empty()).then(|| (j, m.url.trim().to_owned()))
    })
}

/// The index of the `[[registry]]` (other than `i`) whose host is the mirror URL's host.
fn mirror_registry(checked: &Checked, i: usize, url: &str) -> Option<usize> {
    let endpoint = Endpoint::parse(url.trim()).ok()?;
    let wanted = endpoint.host.reference();
    checked.hosts.iter().enumerate().find_map(|(j, h)| match h {
        Some(h) if j != i && h.reference().eq_ignore_ascii_case(&wanted) => Some(j),
        _ => None,
    })
}
