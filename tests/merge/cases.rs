//! The golden merge cases: a file from `tests/fixtures/configs/`, a form, and options.

/// One golden case.
pub struct Case {
    /// Name of the golden files under `tests/golden-merge/`.
    pub name: &'static str,
    /// File under `tests/fixtures/configs/`.
    pub fixture: &'static str,
    /// The form, as TOML.
    pub form: &'static str,
    /// `MergeOptions::keep_file_version`.
    pub keep_file_version: bool,
}

macro_rules! harbor_ca {
    () => {
        "\n[[registry]]\nhost = \"harbor.example.net\"\nca_file = \"/etc/containerd/certs.d/harbor.example.net/ca.crt\"\n"
    };
}

macro_rules! form {
    ($version:literal, $($rest:expr),*) => {
        concat!("containerd = \"", $version, "\"\n", $($rest),*)
    };
}

/// Every case, representative of what operators paste.
pub const CASES: &[Case] = &[
    Case {
        name: "debian-1.6-default-harbor",
        fixture: "containerd-1.6.20-debian-default.toml",
        form: form!(
            "1.6.20",
            "sandbox_image = \"registry.aliyuncs.com/google_containers/pause:3.6\"\n",
            r#"
[[registry]]
host = "harbor.example.net"
ca_file = "/etc/containerd/certs.d/harbor.example.net/ca.crt"
"#
        ),
        keep_file_version: false,
    },
    Case {
        name: "kubeadm-1.4-legacy-keys",
        fixture: "kubeadm-1.4-node.toml",
        form: form!(
            "1.4",
            "sandbox_image = \"registry.aliyuncs.com/google_containers/pause:3.2\"\n",
            r#"
[[registry]]
host = "10.50.1.104"
skip_verify = true
username = "admin"
password = "Harbor12345"
node_auth = true
"#
        ),
        keep_file_version: false,
    },
    Case {
        name: "kubeadm-1.7-node-harbor-mirror",
        fixture: "kubeadm-1.7-node.toml",
        form: form!(
            "1.7",
            r#"
[[registry]]
host = "docker.io"
[[registry.mirror]]
url = "https://harbor.example.net/v2/dockerhub-proxy"
override_path = true
"#
        ),
        keep_file_version: false,
    },
    Case {
        name: "kubespray-all-hosts-to-hosts-toml",
        fixture: "kubespray-legacy-mirrors.toml",
        form: form!(
            "1.7",
            harbor_ca!(),
            r#"
[[registry]]
host = "docker.io"
[[registry.mirror]]
url = "https://mirror.gcr.io"
"#
        ),
        keep_file_version: false,
    },
    Case {
        name: "kubespray-one-host-left",
        fixture: "kubespray-legacy-mirrors.toml",
        form: form!("1.7", harbor_ca!()),
        keep_file_version: false,
    },
    Case {
        name: "story-1.6-hosts-toml-node-auth",
        fixture: "story-legacy-harbor.toml",
        form: form!(
            "1.6.20",
            "sandbox_image = \"registry.aliyuncs.com/google_containers/pause:3.6\"\n",
            r#"
[[registry]]
host = "harbor.example.net"
ca_file = "/etc/containerd/certs.d/harbor.example.net/ca.crt"
username = "admin"
password = "Harbor12345"
node_auth = true
"#
        ),
        keep_file_version: false,
    },
    Case {
        name: "story-1.6-legacy-keys",
        fixture: "story-legacy-harbor.toml",
        form: form!(
            "1.6.20",
            "legacy_config = true\n",
            r#"
[[registry]]
host = "harbor.example.net"
ca_file = "/etc/ssl/certs/ca.pem"
[[registry.mirror]]
url = "https://harbor.example.net"
"#
        ),
        keep_file_version: false,
    },
    Case {
        name: "v1-file-target-1.7",
        fixture: "v1-no-version-line.toml",
        form: form!("1.7", harbor_ca!()),
        keep_file_version: false,
    },
    Case {
        name: "v1-file-target-1.7-keep-version",
        fixture: "v1-no-version-line.toml",
        form: form!("1.7", harbor_ca!()),
        keep_file_version: true,
    },
    Case {
        name: "v1-file-target-1.2",
        fixture: "v1-no-version-line.toml",
        form: form!(
            "1.2",
            "sandbox_image = \"registry.aliyuncs.com/google_containers/pause:3.1\"\n",
            r#"
[[registry]]
host = "docker.io"
[[registry.mirror]]
url = "https://mirror.gcr.io"
"#
        ),
        keep_file_version: false,
    },
    Case {
        name: "missing-version-line-1.6",
        fixture: "no-version-line-v2-tables.toml",
        form: form!("1.6.20", harbor_ca!()),
        keep_file_version: false,
    },
    Case {
        name: "default-2.0-pinned-sandbox",
        fixture: "containerd-2.0.11-default.toml",
        form: form!("2.0", "sandbox_image = \"harbor.example.net/library/pause:3.10\"\n", harbor_ca!()),
        keep_file_version: false,
    },
    Case {
        name: "version4-file-target-2.1",
        fixture: "containerd-2.3-version4.toml",
        form: form!("2.1", harbor_ca!()),
        keep_file_version: false,
    },
    Case {
        name: "version4-file-target-2.3",
        fixture: "containerd-2.3-version4.toml",
        form: form!("2.3", harbor_ca!()),
        keep_file_version: false,
    },
    Case {
        name: "1.7-default-target-2.1",
        fixture: "containerd-1.7.34-default.toml",
        form: form!("2.1", "sandbox_image = \"harbor.example.net/library/pause:3.10\"\n", harbor_ca!()),
        keep_file_version: false,
    },
    Case {
        name: "1.7-default-target-2.1-keep-version",
        fixture: "containerd-1.7.34-default.toml",
        form: form!("2.1", "sandbox_image = \"harbor.example.net/library/pause:3.10\"\n", harbor_ca!()),
        keep_file_version: true,
    },
    Case {
        name: "version3-file-target-1.6",
        fixture: "containerd-2.1-version3-hand.toml",
        form: form!("1.6.20", harbor_ca!()),
        keep_file_version: false,
    },
    Case {
        name: "k3s-generated-1.7",
        fixture: "k3s-generated.toml",
        form: form!("1.7", "sandbox_image = \"harbor.example.net/library/pause:3.6\"\n", harbor_ca!()),
        keep_file_version: false,
    },
    Case {
        name: "comments-everywhere-1.7",
        fixture: "comments-everywhere.toml",
        form: form!("1.7", "sandbox_image = \"registry.aliyuncs.com/google_containers/pause:3.8\"\n", harbor_ca!()),
        keep_file_version: false,
    },
    Case {
        name: "dotted-keys-node-auth-1.7",
        fixture: "dotted-keys.toml",
        form: form!(
            "1.7",
            r#"
[[registry]]
host = "harbor.example.net"
username = "robot$ci"
password = "s3cret"
node_auth = true
"#
        ),
        keep_file_version: false,
    },
    Case {
        name: "inline-tables-1.7",
        fixture: "inline-tables.toml",
        form: form!("1.7", "sandbox_image = \"harbor.example.net/library/pause:3.8\"\n", harbor_ca!()),
        keep_file_version: false,
    },
    Case {
        name: "colon-config-path-2.1",
        fixture: "colon-config-path.toml",
        form: form!("2.1", harbor_ca!()),
        keep_file_version: false,
    },
];
