//! containerd's plugin ids where a config.toml names plugins: the version 1 short names and
//! their full ids, and the ids of the CRI plugin that pullfix's settings are for.

/// containerd 1.x's version 1 plugin names and their full ids (from `containerd config default`
/// of 1.6 and the plugin registrations). A version 2+ file must use the full id, in plugin
/// tables and in `disabled_plugins` / `required_plugins`.
pub const V1_PLUGIN_IDS: &[(&str, &str)] = &[
    ("cri", "io.containerd.grpc.v1.cri"),
    ("linux", "io.containerd.runtime.v1.linux"),
    ("task", "io.containerd.runtime.v2.task"),
    ("opt", "io.containerd.internal.v1.opt"),
    ("restart", "io.containerd.internal.v1.restart"),
    ("tracing", "io.containerd.internal.v1.tracing"),
    ("scheduler", "io.containerd.gc.v1.scheduler"),
    ("bolt", "io.containerd.metadata.v1.bolt"),
    ("cgroups", "io.containerd.monitor.v1.cgroups"),
    ("diff-service", "io.containerd.service.v1.diff-service"),
    ("tasks-service", "io.containerd.service.v1.tasks-service"),
    ("walking", "io.containerd.differ.v1.walking"),
    ("aufs", "io.containerd.snapshotter.v1.aufs"),
    ("btrfs", "io.containerd.snapshotter.v1.btrfs"),
    ("devmapper", "io.containerd.snapshotter.v1.devmapper"),
    ("native", "io.containerd.snapshotter.v1.native"),
    ("overlayfs", "io.containerd.snapshotter.v1.overlayfs"),
    ("zfs", "io.containerd.snapshotter.v1.zfs"),
    ("otlp", "io.containerd.tracing.processor.v1.otlp"),
];

/// The full id of a version 1 short plugin name, when pullfix knows it.
pub fn full_id(short: &str) -> Option<&'static str> {
    V1_PLUGIN_IDS.iter().find(|(s, _)| *s == short).map(|(_, f)| *f)
}

/// Whether containerd refuses `name` in a version 2+ file's `disabled_plugins` or
/// `required_plugins`: its check wants at least four dot-separated parts
/// (`invalid disabled plugin URI "cri" expect io.containerd.x.vx`, seen on 1.6.20).
pub fn is_short(name: &str) -> bool {
    name.split('.').count() < 4
}

/// The names that disable the CRI plugin (the one Kubernetes pulls and runs through, and
/// whose registry and sandbox settings pullfix writes): the version 1 `cri` and the 1.x id;
/// on containerd 2.x (`on_2x`) also its split image and runtime plugins.
pub fn is_cri(name: &str, on_2x: bool) -> bool {
    matches!(name, "cri" | "io.containerd.grpc.v1.cri")
        || (on_2x && matches!(name, "io.containerd.cri.v1.images" | "io.containerd.cri.v1.runtime"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_what_containerd_refuses_in_version_2() {
        assert!(is_short("cri"));
        assert!(is_short("diff-service"));
        assert!(is_short("io.containerd.cri"));
        assert!(!is_short("io.containerd.grpc.v1.cri"));
        for (s, f) in V1_PLUGIN_IDS {
            assert!(is_short(s) && !is_short(f), "{s} -> {f}");
            assert!(f.ends_with(&format!(".{s}")), "{s} -> {f}");
        }
        assert_eq!(full_id("zfs"), Some("io.containerd.snapshotter.v1.zfs"));
        assert_eq!(full_id("content"), None);
        assert!(is_cri("cri", false) && is_cri("io.containerd.grpc.v1.cri", false));
        assert!(!is_cri("io.containerd.cri.v1.images", false) && is_cri("io.containerd.cri.v1.images", true));
        assert!(!is_cri("io.containerd.snapshotter.v1.zfs", true));
    }
}
