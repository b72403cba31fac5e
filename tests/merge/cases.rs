//! The golden merge cases: a file from `tests/fixtures/configs/`, a form, and options.

/// One golden case.
pub struct Case {
    /// Name of the golden files under `tests/golden-merge/`.
    pub name: &'static str,
    /// File under `tests/fixtures/configs/`.
    pub fixture: &'static str,
    /// The form, as TOML.
    pub form: &'static str,
    /// `MergeOptions::convert_to_target_version`.
    pub convert_to_target_version: bool,
}

impl Case {
    /// The same case with [`Case::convert_to_target_version`] set.
    const fn converting(self) -> Case {
        Case { convert_to_target_version: true, ..self }
    }
}

/// A case with the default options.
const fn case(name: &'static str, fixture: &'static str, form: &'static str) -> Case {
    Case { name, fixture, form, convert_to_target_version: false }
}

macro_rules! harbor_ca {
    () => {
        "\n[[registry]]\nhost = \"harbor.example.net\"\nca_file = \"/etc/containerd/certs.d/harbor.example.net/ca.crt\"\n"
    };
}

/// The form of the web review's merge: the pause image from a reachable mirror and the
/// legacy-configured registry, skip-verify and node-level credentials.
macro_rules! reviewer_form {
    () => {
        r#"sandbox_image = "registry.aliyuncs.com/google_containers/pause:3.6"
[[registry]]
host = "hub.mooc.com"
skip_verify = true
username = "admin"
password = "Harbor12345"
node_auth = true
"#
    };
}

macro_rules! form {
    ($version:literal, $($rest:expr),*) => {
        concat!("containerd = \"", $version, "\"\n", $($rest),*)
    };
}

/// Every case, representative of what operators paste.
pub const CASES: &[Case] = &[
    case(
        "debian-1.6-default-harbor",
        "containerd-1.6.20-debian-default.toml",
        form!("1.6.20", "sandbox_image = \"registry.aliyuncs.com/google_containers/pause:3.6\"\n", harbor_ca!()),
    ),
    case(
        "kubeadm-1.4-legacy-keys",
        "kubeadm-1.4-node.toml",
        form!(
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
    ),
    case(
        "kubeadm-1.7-node-harbor-mirror",
        "kubeadm-1.7-node.toml",
        form!(
            "1.7",
            r#"
[[registry]]
host = "docker.io"
[[registry.mirror]]
url = "https://harbor.example.net/v2/dockerhub-proxy"
override_path = true
"#
        ),
    ),
    case(
        "kubespray-all-hosts-to-hosts-toml",
        "kubespray-legacy-mirrors.toml",
        form!(
            "1.7",
            harbor_ca!(),
            r#"
[[registry]]
host = "docker.io"
[[registry.mirror]]
url = "https://mirror.gcr.io"
"#
        ),
    ),
    case("kubespray-one-host-left", "kubespray-legacy-mirrors.toml", form!("1.7", harbor_ca!())),
    case(
        "story-1.6-hosts-toml-node-auth",
        "story-legacy-harbor.toml",
        form!(
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
    ),
    case(
        "story-1.6-legacy-keys",
        "story-legacy-harbor.toml",
        form!(
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
    ),
    case("v1-file-target-1.7", "v1-no-version-line.toml", form!("1.7", harbor_ca!())),
    case("v1-file-target-1.7-convert-version", "v1-no-version-line.toml", form!("1.7", harbor_ca!())).converting(),
    case("v1-file-target-2.1", "v1-no-version-line.toml", form!("2.1", harbor_ca!())),
    case(
        "v1-file-target-1.2",
        "v1-no-version-line.toml",
        form!(
            "1.2",
            "sandbox_image = \"registry.aliyuncs.com/google_containers/pause:3.1\"\n",
            r#"
[[registry]]
host = "docker.io"
[[registry.mirror]]
url = "https://mirror.gcr.io"
"#
        ),
    ),
    case(
        "docker-containerd-io-default-1.6",
        "docker-containerd-io-default.toml",
        form!("1.6.20", "\n[[registry]]\nhost = \"harbor.example.net\"\nskip_verify = true\n"),
    ),
    case("missing-version-line-1.6", "no-version-line-v2-tables.toml", form!("1.6.20", harbor_ca!())),
    case(
        "default-2.0-pinned-sandbox",
        "containerd-2.0.11-default.toml",
        form!("2.0", "sandbox_image = \"harbor.example.net/library/pause:3.10\"\n", harbor_ca!()),
    ),
    case("version4-file-target-2.1", "containerd-2.3-version4.toml", form!("2.1", harbor_ca!())),
    case("version4-file-target-2.3", "containerd-2.3-version4.toml", form!("2.3", harbor_ca!())),
    case(
        "1.7-default-target-2.1",
        "containerd-1.7.34-default.toml",
        form!("2.1", "sandbox_image = \"harbor.example.net/library/pause:3.10\"\n", harbor_ca!()),
    ),
    case(
        "1.7-default-target-2.1-convert-version",
        "containerd-1.7.34-default.toml",
        form!("2.1", "sandbox_image = \"harbor.example.net/library/pause:3.10\"\n", harbor_ca!()),
    )
    .converting(),
    case("version3-file-target-1.6", "containerd-2.1-version3-hand.toml", form!("1.6.20", harbor_ca!())),
    case(
        "k3s-generated-1.7",
        "k3s-generated.toml",
        form!("1.7", "sandbox_image = \"harbor.example.net/library/pause:3.6\"\n", harbor_ca!()),
    ),
    case(
        "comments-everywhere-1.7",
        "comments-everywhere.toml",
        form!("1.7", "sandbox_image = \"registry.aliyuncs.com/google_containers/pause:3.8\"\n", harbor_ca!()),
    ),
    case(
        "dotted-keys-node-auth-1.7",
        "dotted-keys.toml",
        form!(
            "1.7",
            r#"
[[registry]]
host = "harbor.example.net"
username = "robot$ci"
password = "s3cret"
node_auth = true
"#
        ),
    ),
    case(
        "inline-tables-1.7",
        "inline-tables.toml",
        form!("1.7", "sandbox_image = \"harbor.example.net/library/pause:3.8\"\n", harbor_ca!()),
    ),
    case("colon-config-path-2.1", "colon-config-path.toml", form!("2.1", harbor_ca!())),
    case(
        "dotted-legacy-mirrors-1.7",
        "dotted-legacy-mirrors.toml",
        form!(
            "1.7",
            harbor_ca!(),
            "\n[[registry]]\nhost = \"quay.io\"\n[[registry.mirror]]\nurl = \"https://quay-mirror.example.net\"\n"
        ),
    ),
    case("v1-file-custom-config-path-target-1.6", "v1-with-config-path.toml", form!("1.6.20", harbor_ca!())),
    // The web review's file (review-web.md item 2): a version 2 node config with SystemdCgroup,
    // a snapshotter, an old pause image and legacy mirrors / configs.tls, merged for 1.x and 2.x.
    case("v2-systemd-legacy-target-1.7", "v2-systemd-legacy-registry.toml", form!("1.7", reviewer_form!())),
    case("v2-systemd-legacy-target-2.0", "v2-systemd-legacy-registry.toml", form!("2.0", reviewer_form!())),
    case("v2-systemd-legacy-target-2.1", "v2-systemd-legacy-registry.toml", form!("2.1", reviewer_form!())),
    case("v2-systemd-legacy-target-2.3", "v2-systemd-legacy-registry.toml", form!("2.3", reviewer_form!())),
    case(
        "v2-systemd-legacy-target-2.1-convert-version",
        "v2-systemd-legacy-registry.toml",
        form!("2.1", reviewer_form!()),
    )
    .converting(),
    // review4 H1: the STORY step-4 node (skip-verify, auth and a scheme-less mirror naming the
    // registry itself) and a Docker Hub mirror node, each applied with a credentials-only form:
    // the TLS and the mirror go into hosts.toml instead of being lost.
    case(
        "story-step4-creds-only-1.6",
        "story-step4-skip-verify-1.6.20.toml",
        form!(
            "1.6.20",
            "[[registry]]\nhost = \"harbor.example.net\"\nusername = \"admin\"\npassword = \"Harbor12345\"\n"
        ),
    ),
    case(
        "story-step4-creds-only-2.1",
        "story-step4-skip-verify-1.6.20.toml",
        form!("2.1", "[[registry]]\nhost = \"harbor.example.net\"\nusername = \"admin\"\npassword = \"Harbor12345\"\n"),
    ),
    case(
        "docker-hub-legacy-mirror-creds-only-1.6",
        "docker-hub-legacy-mirror-1.6.20.toml",
        form!("1.6.20", "[[registry]]\nhost = \"docker.io\"\nusername = \"mooc\"\npassword = \"dckr_pat_x\"\n"),
    ),
    // Operator review 7, M1 and L2: STORY's hand-written node (k8s.gcr.io/pause:3.2 pinned,
    // skip-verify) on a 1.4 target, whose inline keys stay: the form sets neither.
    case(
        "story-legacy-1.4-inline-kept",
        "story-legacy-harbor.toml",
        form!("1.4.13", "[[registry]]\nhost = \"harbor.example.net\"\n"),
    ),
    // review4 L3: a version 3 file that still has the 1.x registry table (mirror, skip-verify,
    // auth): the fix moves only the auth and sends TLS and mirrors to the form.
    case(
        "version3-with-1x-registry-target-2.0",
        "version3-with-1x-registry-2.0.11.toml",
        form!(
            "2.0.11",
            "sandbox_image = \"registry.aliyuncs.com/google_containers/pause:3.6\"\n",
            "[[registry]]\nhost = \"harbor.example.net\"\nca_file = \"/etc/ssl/certs/ca.pem\"\nusername = \"admin\"\npassword = \"Harbor12345\"\nnode_auth = true\n"
        ),
    ),
];
