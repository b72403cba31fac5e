//! The containerd releases the suite runs against, and what differs between them for
//! the suite: where the binaries are, the config version and plugin ids of a node's
//! minimal config.toml, and how a pod sandbox fails once its image is there.
//!
//! - 1.6.20: Debian bookworm's `/usr/bin/containerd` (on `PATH`), `version = 2`.
//! - 1.7.24: Debian trixie's binaries under `$PULLFIX_CONTAINERD_1_7`, `version = 2`.
//! - 2.1.9: Debian forky's binaries under `$PULLFIX_CONTAINERD_2_1`, `version = 3`: the
//!   CRI is split into `io.containerd.cri.v1.images` (snapshotter, registry, pinned
//!   sandbox image), `io.containerd.cri.v1.runtime` (runtimes, CNI, netns) and
//!   `io.containerd.grpc.v1.cri` (the gRPC service: TCP and stream server).
//!
//! `scripts/setup.sh` installs the 1.7 and 2.1 binaries under
//! `$TOOLS/containerd/<version>/bin/` and `scripts/env.sh` exports the two variables;
//! unset, the same default `TOOLS` directory is used.

use std::path::{Path, PathBuf};

use toml_edit::{value, Array, ArrayOfTables, DocumentMut, Item, Table};

use super::containerd::table;

/// A containerd release the acceptance suite runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Release {
    /// Debian's containerd 1.6.20 (`/usr/bin/containerd`).
    V1_6,
    /// containerd 1.7.24 (Debian trixie).
    V1_7,
    /// containerd 2.1.9 (Debian forky).
    V2_1,
}

/// The 1.x CRI plugin: images, runtime and service in one section of a version 2 file.
pub const CRI_1X: &str = "io.containerd.grpc.v1.cri";
/// 2.x: the CRI image service's section (snapshotter, registry, pinned images).
pub const CRI_IMAGES: &str = "io.containerd.cri.v1.images";
/// 2.x: the CRI runtime's section (runtimes, CNI, netns).
pub const CRI_RUNTIME: &str = "io.containerd.cri.v1.runtime";

/// The runtime handler the suite's sandboxes ask for on 2.x: defined in the base config,
/// with a shim type whose binary does not exist, so that a sandbox stops right after its
/// image is ensured and nothing is left running.
pub const NO_SHIM_HANDLER: &str = "pullfix-acceptance-no-shim";

/// Plugins a registry test does not need (and that would probe the host), per major.
const DISABLED_1X: [&str; 8] = [
    "io.containerd.snapshotter.v1.aufs",
    "io.containerd.snapshotter.v1.btrfs",
    "io.containerd.snapshotter.v1.devmapper",
    "io.containerd.snapshotter.v1.zfs",
    "io.containerd.snapshotter.v1.overlayfs",
    "io.containerd.snapshotter.v1.blockfile",
    "io.containerd.tracing.processor.v1.otlp",
    "io.containerd.internal.v1.tracing",
];
const DISABLED_2X: [&str; 10] = [
    "io.containerd.snapshotter.v1.btrfs",
    "io.containerd.snapshotter.v1.devmapper",
    "io.containerd.snapshotter.v1.zfs",
    "io.containerd.snapshotter.v1.overlayfs",
    "io.containerd.snapshotter.v1.blockfile",
    "io.containerd.snapshotter.v1.erofs",
    "io.containerd.differ.v1.erofs",
    "io.containerd.tracing.processor.v1.otlp",
    "io.containerd.internal.v1.tracing",
    "io.containerd.nri.v1.nri",
];

impl Release {
    /// The exact version: what `containerd --version` prints and the form's target.
    pub fn version(self) -> &'static str {
        match self {
            Release::V1_6 => "1.6.20",
            Release::V1_7 => "1.7.24",
            Release::V2_1 => "2.1.9",
        }
    }

    /// containerd 2.x (config version 3, split CRI plugins, no `configs.*.tls`).
    pub fn is_2x(self) -> bool {
        self == Release::V2_1
    }

    /// The directory holding this release's `containerd`, `ctr` and shim; `None` for
    /// 1.6, which is the system's (on `PATH`).
    pub fn bin_dir(self) -> Option<PathBuf> {
        let (var, version) = match self {
            Release::V1_6 => return None,
            Release::V1_7 => ("PULLFIX_CONTAINERD_1_7", "1.7.24"),
            Release::V2_1 => ("PULLFIX_CONTAINERD_2_1", "2.1.9"),
        };
        if let Some(dir) = std::env::var_os(var).filter(|d| !d.is_empty()) {
            return Some(PathBuf::from(dir));
        }
        Some(tools_dir().join("containerd").join(version).join("bin"))
    }

    /// The path (or, for 1.6, the name on `PATH`) of this release's program `name`.
    pub fn program(self, name: &str) -> PathBuf {
        self.bin_dir().map_or_else(|| PathBuf::from(name), |d| d.join(name))
    }

    /// The section pullfix's registry settings and sandbox image go into.
    pub fn images_plugin(self) -> &'static str {
        if self.is_2x() {
            CRI_IMAGES
        } else {
            CRI_1X
        }
    }

    /// The runtime handler the suite's sandboxes ask for: on 1.x one that does not exist
    /// (1.x ensures the sandbox image before it looks the handler up); on 2.x, which looks
    /// the handler up first, [`NO_SHIM_HANDLER`].
    pub fn sandbox_handler(self) -> &'static str {
        if self.is_2x() {
            NO_SHIM_HANDLER
        } else {
            "pullfix-acceptance-no-such-runtime"
        }
    }

    /// What a pull without any credentials from the basic-auth registry says: 1.6 shows the
    /// registry's status, 1.7+ the resolver's `pull access denied, ...: authorization
    /// failed: no basic auth credentials`.
    pub fn no_credentials(self) -> &'static str {
        if self == Release::V1_6 {
            "401 Unauthorized"
        } else {
            "no basic auth credentials"
        }
    }

    /// What a sandbox's error says once it got past the image (at the handler above).
    pub fn past_the_image(self) -> &'static str {
        if self.is_2x() {
            "containerd-shim-pullfix-acceptance-no-shim-v1"
        } else {
            "no runtime for"
        }
    }

    /// A minimal config with every path under `dir`, in this release's own version and
    /// plugin ids: what a node's config.toml is before the operator merges pullfix's block.
    pub fn base_config(self, dir: &Path) -> DocumentMut {
        let p = |f: &str| dir.join(f).to_string_lossy().into_owned();
        let mut doc = DocumentMut::new();
        doc["version"] = value(if self.is_2x() { 3 } else { 2 });
        doc["root"] = value(p("root"));
        doc["state"] = value(p("state"));
        let disabled: &[&str] = if self.is_2x() { &DISABLED_2X } else { &DISABLED_1X };
        doc["disabled_plugins"] = value(disabled.iter().copied().collect::<Array>());
        table(&mut doc, &["grpc"])["address"] = value(p("containerd.sock"));
        table(&mut doc, &["ttrpc"])["address"] = value(p("containerd.sock.ttrpc"));
        table(&mut doc, &["plugins", "io.containerd.internal.v1.opt"])["path"] = value(p("opt"));
        let service = table(&mut doc, &["plugins", CRI_1X]);
        service["disable_tcp_service"] = value(true);
        service["stream_server_address"] = value("127.0.0.1");
        service["stream_server_port"] = value("0");
        if self != Release::V1_6 {
            // 1.7+: the transfer service unpacks with overlayfs unless told otherwise, and
            // fails to load without it (2.x: and the CRI with it).
            let mut unpack = Table::new();
            unpack["platform"] = value(format!("linux/{}", go_arch()));
            unpack["snapshotter"] = value("native");
            table(&mut doc, &["plugins", "io.containerd.transfer.v1.local"])["unpack_config"] =
                Item::ArrayOfTables(ArrayOfTables::from_iter([unpack]));
        }
        let service = table(&mut doc, &["plugins", CRI_1X]);
        if !self.is_2x() {
            service["netns_mounts_under_state_dir"] = value(true);
            table(&mut doc, &["plugins", CRI_1X, "containerd"])["snapshotter"] = value("native");
            let cni = table(&mut doc, &["plugins", CRI_1X, "cni"]);
            cni["bin_dir"] = value(p("cni/bin"));
            cni["conf_dir"] = value(p("cni/net.d"));
            return doc;
        }
        table(&mut doc, &["plugins", CRI_IMAGES])["snapshotter"] = value("native");
        let runtime = table(&mut doc, &["plugins", CRI_RUNTIME]);
        runtime["netns_mounts_under_state_dir"] = value(true);
        runtime["enable_cdi"] = value(false);
        let cni = table(&mut doc, &["plugins", CRI_RUNTIME, "cni"]);
        cni["bin_dirs"] = value(Array::from_iter([p("cni/bin")]));
        cni["conf_dir"] = value(p("cni/net.d"));
        let no_shim = table(&mut doc, &["plugins", CRI_RUNTIME, "containerd", "runtimes", NO_SHIM_HANDLER]);
        no_shim["runtime_type"] = value("io.containerd.pullfix-acceptance-no-shim.v1");
        no_shim["sandboxer"] = value("podsandbox");
        table(&mut doc, &["plugins", "io.containerd.image-verifier.v1.bindir"])["bin_dir"] = value(p("image-verifier"));
        doc
    }
}

/// This machine's architecture as containerd's platforms name it.
fn go_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    }
}

/// The directory `scripts/env.sh` computes for installed tools.
fn tools_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("PULLFIX_TOOLS").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache"));
    cache.join("pullfix-tools")
}
