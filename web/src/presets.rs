//! Forms for the common cases, one click away.

use pullfix_core::Form;

use crate::{share, value};

/// A preset the page offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// The classic Harbor: HTTPS with a private CA, a robot account, a pull Secret.
    Harbor,
    /// A plain-HTTP registry on an IP and port.
    HttpIp,
    /// Docker Hub through a Harbor proxy-cache project.
    DockerhubProxy,
    /// The pause image from a mirror the nodes can reach.
    PauseMirror,
}

impl Preset {
    /// Every preset, in the order the page shows them.
    pub const ALL: [Preset; 4] = [Preset::Harbor, Preset::HttpIp, Preset::DockerhubProxy, Preset::PauseMirror];

    /// The button's DOM id (web/WEB-CONTRACT.md).
    pub fn dom_id(self) -> &'static str {
        match self {
            Preset::Harbor => "preset-harbor",
            Preset::HttpIp => "preset-http-ip",
            Preset::DockerhubProxy => "preset-dockerhub-proxy",
            Preset::PauseMirror => "preset-pause-mirror",
        }
    }

    /// The form it fills in. Passwords are left for the operator to type.
    pub fn form(self) -> Form {
        let mut opened = share::Opened::default();
        // The pairs are fixed and tested (`presets_fill_every_pair`).
        share::fill(&mut opened, self.pairs());
        opened.form
    }

    /// The preset as `(field path, value)` pairs, set as if typed. Harbor's `ca_file` is
    /// left empty: core's default (`<config_path>/<host>/ca.crt`) follows the host.
    pub fn pairs(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Preset::Harbor => &[
                ("containerd", "1.7"),
                ("registry[0].host", "harbor.example.net"),
                ("registry[0].username", "robot$ci"),
                ("kubernetes.secret_name", "regcred"),
                ("kubernetes.namespaces", "default"),
                ("kubernetes.patch[0].kind", "ServiceAccount"),
                ("kubernetes.patch[0].name", "default"),
                ("kubernetes.patch[0].namespace", "default"),
            ],
            Preset::HttpIp => {
                &[("containerd", "1.7"), ("registry[0].host", "10.50.1.104:5000"), ("registry[0].scheme", "http")]
            }
            Preset::DockerhubProxy => &[
                ("containerd", "1.7"),
                ("registry[0].host", "docker.io"),
                ("registry[0].mirror[0].url", "https://harbor.example.net/v2/dockerhub-proxy"),
                ("registry[0].mirror[0].override_path", value::ON),
            ],
            Preset::PauseMirror => {
                &[("containerd", "1.7"), ("sandbox_image", "registry.aliyuncs.com/google_containers/pause:3.10")]
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pullfix_core::{Scheme, Severity};

    #[test]
    fn presets_fill_every_pair() {
        for p in Preset::ALL {
            let mut opened = share::Opened::default();
            share::fill(&mut opened, p.pairs());
            assert_eq!((opened.ignored, opened.typed), (vec![], vec![]), "{p:?}");
        }
    }

    #[test]
    fn presets_have_no_errors_in_their_shape() {
        // Errors may only concern what the operator must add (a password, a CA).
        for p in Preset::ALL {
            let out = pullfix_core::render(&p.form());
            for d in out.diagnostics.iter().filter(|d| d.severity == Severity::Error) {
                let f = d.field.as_str();
                assert!(f.ends_with(".password") || f.ends_with(".ca_pem"), "{p:?}: {d}");
            }
        }
    }

    #[test]
    fn presets_hold_the_documented_values() {
        let h = Preset::Harbor.form();
        assert_eq!(h.registries[0].username, "robot$ci");
        assert!(h.registries[0].password.is_empty(), "a preset never carries a password");
        assert!(h.registries[0].ca_file.is_empty(), "the CA path must follow the host");
        let ip = Preset::HttpIp.form();
        assert_eq!((ip.registries[0].host.as_str(), ip.registries[0].scheme), ("10.50.1.104:5000", Scheme::Http));
        let hub = Preset::DockerhubProxy.form();
        assert_eq!(hub.registries[0].host, "docker.io");
        assert!(hub.registries[0].mirrors[0].override_path);
        assert_eq!(hub.registries[0].mirrors[0].url, "https://harbor.example.net/v2/dockerhub-proxy");
        assert_eq!(Preset::PauseMirror.form().sandbox_image, "registry.aliyuncs.com/google_containers/pause:3.10");
        let ids: std::collections::BTreeSet<_> = Preset::ALL.iter().map(|p| p.dom_id()).collect();
        assert_eq!(ids.len(), Preset::ALL.len());
    }

    #[test]
    fn harbor_preset_asks_for_the_private_ca() {
        // With the password typed, the one thing left is the CA: the page must not say
        // "No problems found" for a preset named "private CA" (STORY.md step 2's x509).
        let mut form = Preset::Harbor.form();
        form.registries[0].password = "secret".into();
        let out = pullfix_core::render(&form);
        let ca: Vec<_> = out.diagnostics.iter().filter(|d| d.field.as_str() == "registry[0].ca_pem").collect();
        assert_eq!(ca.len(), 1, "{:?}", out.diagnostics);
        assert!(ca[0].message.contains("x509"), "{}", ca[0].message);
        form.registries[0].ca_pem = crate::test_support::CA_PEM.into();
        let out = pullfix_core::render(&form);
        assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    }

    #[test]
    fn harbor_ca_follows_the_host() {
        let mut form = Preset::Harbor.form();
        form.registries[0].host = "10.50.1.104:8443".into();
        form.registries[0].ca_pem = crate::test_support::CA_PEM.into();
        let out = pullfix_core::render(&form);
        let paths: Vec<&str> = out.files.iter().map(|f| f.path.as_str()).collect();
        let dir = "etc/containerd/certs.d/10.50.1.104:8443/";
        assert!(paths.contains(&format!("{dir}ca.crt").as_str()), "{paths:?}");
        let hosts = out.files.iter().find(|f| f.path == format!("{dir}hosts.toml")).expect("hosts.toml");
        assert!(hosts.contents.contains(&format!("/{dir}ca.crt")), "{}", hosts.contents);
        assert!(!paths.iter().any(|p| p.contains("harbor.example.net")), "{paths:?}");
    }
}
