//! Forms for the common cases, one click away.

use pullfix_core::{Form, Kubernetes, Mirror, PatchTarget, Registry, Scheme};

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

    /// The button's DOM id (WEB-CONTRACT.md).
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
        let base = Form { containerd: "1.7".to_owned(), ..Form::default() };
        match self {
            Preset::Harbor => Form {
                registries: vec![Registry {
                    host: "harbor.example.net".to_owned(),
                    ca_file: "/etc/containerd/certs.d/harbor.example.net/ca.crt".to_owned(),
                    username: "robot$ci".to_owned(),
                    ..Registry::default()
                }],
                kubernetes: Kubernetes {
                    secret_name: "regcred".to_owned(),
                    namespaces: vec!["default".to_owned()],
                    patches: vec![PatchTarget {
                        kind: "ServiceAccount".to_owned(),
                        name: "default".to_owned(),
                        namespace: "default".to_owned(),
                    }],
                    ..Kubernetes::default()
                },
                ..base
            },
            Preset::HttpIp => Form {
                registries: vec![Registry {
                    host: "10.50.1.104:5000".to_owned(),
                    scheme: Scheme::Http,
                    ..Registry::default()
                }],
                ..base
            },
            Preset::DockerhubProxy => Form {
                registries: vec![Registry {
                    host: "docker.io".to_owned(),
                    mirrors: vec![Mirror {
                        url: "https://harbor.example.net/v2/dockerhub-proxy".to_owned(),
                        override_path: true,
                        ..Mirror::default()
                    }],
                    ..Registry::default()
                }],
                ..base
            },
            Preset::PauseMirror => {
                Form { sandbox_image: "registry.aliyuncs.com/google_containers/pause:3.10".to_owned(), ..base }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pullfix_core::Severity;

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
        assert!(!h.registries[0].ca_file.is_empty());
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
}
