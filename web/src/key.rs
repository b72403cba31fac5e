//! Every input of the form as data: which field ([`Key`]), in which registry, mirror or
//! patch target ([`Loc`]), its core path and back. The views render fields from these
//! keys with one function, the reducer sets them with one setter (`value.rs`), and the
//! share link and the presets are lists of `(path, value)` pairs replayed through it.

use crate::field;

/// Where a field lives in the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// The form's top level.
    Top,
    /// `registry[i]`.
    Registry,
    /// `registry[i].mirror[j]`.
    Mirror,
    /// `kubernetes`.
    Kubernetes,
    /// `kubernetes.patch[i]`.
    Patch,
    /// `rollout`.
    Rollout,
}

/// What kind of control edits a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A one-line text input.
    Text,
    /// A password input: never in share links, never autofilled into.
    Secret,
    /// A textarea (a PEM certificate).
    Multiline,
    /// A check box.
    Check,
    /// A select.
    Select,
}

macro_rules! keys {
    ($($key:ident: $scope:ident, $name:literal, $kind:ident;)*) => {
        /// One field of the form, as the page edits it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Key { $(#[doc = $name] $key,)* }

        /// `(scope, core name, control)` of every key, in [`Key`] order.
        static TABLE: &[(Scope, &str, Kind)] = &[$((Scope::$scope, $name, Kind::$kind),)*];

        /// Every key, in page order.
        pub const KEYS: &[Key] = &[$(Key::$key,)*];
    };
}

keys! {
    Containerd: Top, "containerd", Text;
    SandboxImage: Top, "sandbox_image", Text;
    ConfigPath: Top, "config_path", Text;
    LegacyConfig: Top, "legacy_config", Check;
    Flavor: Top, "flavor", Select;
    Host: Registry, "host", Text;
    Scheme: Registry, "scheme", Select;
    CaFile: Registry, "ca_file", Text;
    CaPem: Registry, "ca_pem", Multiline;
    ClientCert: Registry, "client_cert", Text;
    ClientKey: Registry, "client_key", Text;
    SkipVerify: Registry, "skip_verify", Check;
    Username: Registry, "username", Text;
    Password: Registry, "password", Secret;
    IdentityToken: Registry, "identity_token", Secret;
    NodeAuth: Registry, "node_auth", Check;
    MirrorOnly: Registry, "mirror_only", Check;
    MirrorUrl: Mirror, "url", Text;
    OverridePath: Mirror, "override_path", Check;
    Capabilities: Mirror, "capabilities", Text;
    MirrorCaFile: Mirror, "ca_file", Text;
    MirrorSkipVerify: Mirror, "skip_verify", Check;
    SecretName: Kubernetes, "secret_name", Text;
    Namespaces: Kubernetes, "namespaces", Text;
    Email: Kubernetes, "email", Text;
    PatchKind: Patch, "kind", Select;
    PatchName: Patch, "name", Text;
    PatchNamespace: Patch, "namespace", Text;
    Daemonset: Rollout, "daemonset", Check;
    NodeScript: Rollout, "node_script", Check;
    RolloutNamespace: Rollout, "namespace", Text;
    RolloutName: Rollout, "name", Text;
    Image: Rollout, "image", Text;
    ImagePullSecret: Rollout, "image_pull_secret", Text;
    NodeSelector: Rollout, "node_selector", Text;
    Tolerations: Rollout, "toleration", Text;
    SyncSeconds: Rollout, "sync_seconds", Text;
    VerifyImage: Rollout, "verify_image", Text;
}

impl Key {
    /// Where the field lives.
    pub fn scope(self) -> Scope {
        TABLE[self as usize].0
    }

    /// The core's name of the field (the last part of its path).
    pub fn name(self) -> &'static str {
        TABLE[self as usize].1
    }

    /// The control that edits it.
    pub fn kind(self) -> Kind {
        TABLE[self as usize].2
    }

    /// The keys of one scope, in page order.
    pub fn of(scope: Scope) -> impl Iterator<Item = Key> {
        KEYS.iter().copied().filter(move |k| k.scope() == scope)
    }

    /// The field at index `i` (registry, patch target) and `j` (mirror).
    pub fn at(self, i: usize, j: usize) -> Loc {
        Loc { key: self, i, j }
    }
}

/// A field of one registry, mirror or patch target: `key` at `registry[i].mirror[j]`
/// (`i` and `j` are 0 where the scope has no index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Loc {
    /// Which field.
    pub key: Key,
    /// The registry's or the patch target's index.
    pub i: usize,
    /// The mirror's index.
    pub j: usize,
}

impl From<Key> for Loc {
    fn from(key: Key) -> Loc {
        key.at(0, 0)
    }
}

impl Loc {
    /// The field's core path: `registry[0].mirror[1].url`.
    pub fn path(self) -> String {
        let (name, i, j) = (self.key.name(), self.i, self.j);
        match self.key.scope() {
            Scope::Top => name.to_owned(),
            Scope::Registry => field::registry(i, name),
            Scope::Mirror => field::mirror(i, j, name),
            Scope::Kubernetes => field::kubernetes(name),
            Scope::Patch => field::patch(i, name),
            Scope::Rollout => field::rollout(name),
        }
    }

    /// Reads a path that [`Loc::path`] writes; `None` for anything else.
    pub fn parse(path: &str) -> Option<Loc> {
        let mut parts = path.split(['.', '[', ']']).filter(|s| !s.is_empty());
        let index = |s: Option<&str>| s.filter(|s| s.bytes().all(|b| b.is_ascii_digit())).and_then(|s| s.parse().ok());
        let (scope, i, j, name) = match parts.next()? {
            "registry" => {
                let i = index(parts.next())?;
                match parts.next()? {
                    "mirror" => (Scope::Mirror, i, index(parts.next())?, parts.next()?),
                    name => (Scope::Registry, i, 0, name),
                }
            }
            "kubernetes" => match parts.next()? {
                "patch" => (Scope::Patch, index(parts.next())?, 0, parts.next()?),
                name => (Scope::Kubernetes, 0, 0, name),
            },
            "rollout" => (Scope::Rollout, 0, 0, parts.next()?),
            name => (Scope::Top, 0, 0, name),
        };
        if parts.next().is_some() {
            return None;
        }
        let key = Key::of(scope).find(|k| k.name() == name)?;
        Some(key.at(i, j))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_the_ones_core_reports_and_read_back() {
        assert_eq!(Key::Host.at(3, 0).path(), "registry[3].host");
        assert_eq!(Key::OverridePath.at(0, 2).path(), "registry[0].mirror[2].override_path");
        assert_eq!(Key::PatchNamespace.at(4, 0).path(), "kubernetes.patch[4].namespace");
        assert_eq!(Key::Tolerations.at(0, 0).path(), "rollout.toleration");
        assert_eq!(Key::SecretName.at(0, 0).path(), "kubernetes.secret_name");
        for &key in KEYS {
            let loc = key.at(2, 1);
            let loc = match key.scope() {
                Scope::Registry | Scope::Patch => key.at(2, 0),
                Scope::Mirror => loc,
                _ => key.at(0, 0),
            };
            assert_eq!(Loc::parse(&loc.path()), Some(loc), "{}", loc.path());
        }
        assert_eq!(KEYS.len(), TABLE.len());
    }

    #[test]
    fn other_paths_are_not_fields() {
        for path in [
            "",
            "registry",
            "registry[0]",
            "registry[x].host",
            "registry[+1].host",
            "registry[0].hots",
            "registry[0].host.x",
            "registry[0].mirror[0]",
            "kubernetes.patch[0].url",
            "rollout.host",
            "host",
            "f",
        ] {
            assert_eq!(Loc::parse(path), None, "{path}");
        }
    }
}
