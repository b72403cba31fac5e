//! kind: a cluster config whose `containerdConfigPatches` turn on `config_path`
//! (plus the sandbox image and node-level credentials), and whose `extraMounts`
//! bring the rendered `certs.d` directory into every node container.

use serde_yaml::Value;
use toml_edit::{DocumentMut, Item, Table};

use crate::diagnostic::{Diagnostic, Field};
use crate::output::{AfterApply, FileKind, OutputFile, Placement};
use crate::rollout::{map, s};
use crate::validate::Checked;

/// The CRI plugin of a version 2 config, which kind's node images use.
const KIND_CRI: &str = "io.containerd.grpc.v1.cri";

/// Where the kind files go, relative to the output root.
pub const DIR: &str = "kind";
/// The cluster config.
pub const CLUSTER_PATH: &str = "kind/cluster.yaml";
/// The certs.d tree mounted into the nodes, relative to [`DIR`] (kind's working directory).
pub const CERTS_DIR: &str = "certs.d";

/// Renders `kind/cluster.yaml` and the node files it mounts, from the engine's files.
// Kept out of the first render's code (compiled on first call): ARCHITECTURE.md, "Start-up".
#[inline(never)]
pub fn render(checked: &Checked, files: &[OutputFile], diags: &mut Vec<Diagnostic>) -> Vec<OutputFile> {
    let target = checked.target;
    let config_path = checked.config_path.trim_end_matches('/').to_owned();
    if !target.has_hosts_toml() {
        diags.push(Diagnostic::error(
            Field::root("containerd"),
            "kind.needs-hosts-toml",
            format!("kind's node image runs containerd 1.5 or newer; containerd {target} cannot be a kind node."),
            "Set containerd to the version in your kind node image (kind v0.20+ images run 1.7; v0.27+ run 2.x).",
        ));
    }
    let mut out = Vec::new();
    let mut mounts = vec![map([
        ("hostPath", s(&format!("./{CERTS_DIR}"))),
        ("containerPath", s(&config_path)),
        ("readOnly", Value::Bool(true)),
    ])];
    for (i, f) in crate::rollout::node_files(files).into_iter().enumerate() {
        let node_path = format!("/{}", f.path);
        let rel = match node_path.strip_prefix(&format!("{config_path}/")) {
            Some(rest) => format!("{CERTS_DIR}/{rest}"),
            None => {
                let rel = mount_file(&mut mounts, &format!("{i:02}"), &node_path);
                rel
            }
        };
        out.push(OutputFile {
            path: format!("{DIR}/{rel}"),
            instructions: format!("kind mounts it into every node at {node_path}; keep it beside cluster.yaml."),
            after: AfterApply::SeeNotes,
            placement: Placement::Workstation,
            ..(*f).clone()
        });
    }
    let written: Vec<String> = crate::rollout::node_files(files).iter().map(|f| format!("/{}", f.path)).collect();
    let mut to_copy = false;
    for (k, (path, field)) in referenced_files(checked, files).into_iter().enumerate() {
        if written.contains(&path) {
            continue;
        }
        to_copy = true;
        let (fill, how) = match path.strip_prefix(&format!("{config_path}/")) {
            Some(rest) => (format!("{DIR}/{CERTS_DIR}/{rest}"), "./certs.d is mounted there".to_owned()),
            None => {
                let rel = mount_file(&mut mounts, &format!("ref{k:02}"), &path);
                (format!("{DIR}/{rel}"), format!("cluster.yaml mounts ./{rel} there"))
            }
        };
        // The engine's "install it on every node" advice does not apply to node containers.
        diags.retain(|d| !(d.field == field && matches!(d.code, "ca_file.not-written" | "ca_file.mirror-not-written")));
        diags.push(Diagnostic::warning(
            field,
            "kind.file-to-mount",
            format!(
                "containerd in the kind nodes reads {path}, which pullfix does not write ({how}). Until that file is \
                 there, pulls that need it fail, and files copied into a node container are lost when it is recreated."
            ),
            format!(
                "Before kind create cluster, copy the file to {fill} (beside cluster.yaml), e.g. cp /path/to/your/{} {}.",
                path.rsplit('/').next().unwrap_or("file"),
                crate::shell::quote(&fill)
            ),
        ));
    }
    let patch = containerd_patch(checked, diags);
    let cluster = map([
        ("kind", s("Cluster")),
        ("apiVersion", s("kind.x-k8s.io/v1alpha4")),
        ("containerdConfigPatches", Value::Sequence(vec![s(&patch)])),
        ("nodes", Value::Sequence(vec![map([("role", s("control-plane")), ("extraMounts", Value::Sequence(mounts))])])),
    ]);
    let sensitive = patch.contains("password") || patch.contains("identitytoken");
    out.insert(
        0,
        OutputFile {
            path: CLUSTER_PATH.to_owned(),
            contents: crate::yaml::to_string(&cluster),
            kind: FileKind::Other,
            title: format!("kind cluster config: containerd {target} with config_path and the certs.d mount"),
            instructions: format!(
                "cd kind && kind create cluster --config cluster.yaml\n\
                 kind resolves the relative hostPath entries against the directory it runs in; use absolute paths if \
                 you run it from elsewhere. {}For more nodes, give each `- role: worker` entry the same extraMounts. \
                 Files under certs.d can be edited later without recreating the cluster: containerd reads them on every pull.",
                if to_copy {
                    "Copy the files the kind.file-to-mount warnings name to where they say first: pullfix only knows \
                     their paths on the node. "
                } else {
                    ""
                }
            ),
            after: AfterApply::SeeNotes,
            placement: Placement::Workstation,
            sensitive,
        },
    );
    out
}

/// Mounts `files/<tag>-<name>` (beside cluster.yaml) read-only at `node_path` in the node
/// containers; returns that relative path.
fn mount_file(mounts: &mut Vec<Value>, tag: &str, node_path: &str) -> String {
    let name = node_path.rsplit('/').next().unwrap_or("file");
    let rel = format!("files/{tag}-{name}");
    mounts.push(map([
        ("hostPath", s(&format!("./{rel}"))),
        ("containerPath", s(node_path)),
        ("readOnly", Value::Bool(true)),
    ]));
    rel
}

/// Every file the rendered hosts.toml files make containerd read (`ca`, `client`, at
/// the top and in each `[host]` table; a relative path is relative to its hosts.toml),
/// with the form field it comes from, each path once.
fn referenced_files(checked: &Checked, files: &[OutputFile]) -> Vec<(String, Field)> {
    let mut out: Vec<(String, Field)> = Vec::new();
    for f in files.iter().filter(|f| f.kind == FileKind::HostsToml && crate::flavor::is_node_path(&f.path)) {
        let Ok(doc) = f.contents.parse::<DocumentMut>() else { continue };
        let dir = format!("/{}", f.path.rsplit_once('/').map_or("", |(d, _)| d));
        let mut tables: Vec<&Table> = vec![doc.as_table()];
        if let Some(hosts) = doc.get("host").and_then(Item::as_table) {
            tables.extend(hosts.iter().filter_map(|(_, t)| t.as_table()));
        }
        for t in tables {
            for key in ["ca", "client"] {
                let mut paths = Vec::new();
                if let Some(item) = t.get(key) {
                    crate::toml_table::strings(item, &mut paths);
                }
                for p in paths {
                    let path = if p.starts_with('/') { p.clone() } else { format!("{dir}/{p}") };
                    if !out.iter().any(|(q, _)| *q == path) {
                        out.push((path, field_of(checked, &p, key)));
                    }
                }
            }
        }
    }
    out
}

/// The form field that names `path` (`ca` comes from a ca_file, `client` from a
/// client_cert or client_key); the registry list itself when none does.
fn field_of(checked: &Checked, path: &str, key: &str) -> Field {
    for (i, r) in checked.form.registries.iter().enumerate() {
        let f = Field::registry(i);
        let named: Vec<(&str, Field)> = if key == "ca" {
            let mut v = vec![(r.ca_file.trim(), f.key("ca_file"))];
            v.extend(
                r.mirrors.iter().enumerate().map(|(j, m)| (m.ca_file.trim(), f.index("mirror", j).key("ca_file"))),
            );
            v
        } else {
            vec![(r.client_cert.trim(), f.key("client_cert")), (r.client_key.trim(), f.key("client_key"))]
        };
        if let Some((_, field)) = named.into_iter().find(|(v, _)| !v.is_empty() && *v == path) {
            return field;
        }
    }
    Field::root("registry")
}

/// The TOML merged into kind's containerd config: `config_path`, the sandbox image
/// and node-level credentials.
///
/// kind's node image keeps its `/etc/containerd/config.toml` at `version = 2` (containerd
/// 2.x migrates such a file at every start), so the patch always uses the version 2
/// plugin paths: a `io.containerd.cri.v1.images` table merged into a version 2 file
/// would not be the one containerd reads.
pub fn containerd_patch(checked: &Checked, _diags: &mut [Diagnostic]) -> String {
    let mut doc = DocumentMut::new();
    let Some(root) = nested(doc.as_table_mut(), &["plugins", KIND_CRI]) else { return String::new() };
    let sandbox = checked.form.sandbox_image.trim();
    if !sandbox.is_empty() {
        root.insert("sandbox_image", toml_edit::value(sandbox));
    }
    let Some(registry) = nested(root, &["registry"]) else { return doc.to_string() };
    registry.insert("config_path", toml_edit::value(checked.config_path.as_str()));
    for (i, r, host) in checked.registries() {
        let _ = host;
        if !r.node_auth || !crate::plan::usable_credentials(r) {
            continue;
        }
        // Keyed by every host containerd contacts, as the engine's config.toml block is.
        for h in crate::plan::contacts(checked, i).into_iter().map(|c| c.host) {
            let Some(auth) = nested(registry, &["configs", &h, "auth"]) else { continue };
            for (k, v) in [("username", &r.username), ("password", &r.password), ("identitytoken", &r.identity_token)] {
                if !v.is_empty() {
                    auth.insert(k, toml_edit::value(v.as_str()));
                }
            }
        }
    }
    doc.to_string()
}

/// The table at `path` below `t`, created as implicit tables where missing; `None`
/// when a key on the way holds a value (never in the documents built here).
pub(crate) fn nested<'a>(t: &'a mut Table, path: &[&str]) -> Option<&'a mut Table> {
    let mut cur = t;
    for key in path {
        let item = cur.entry(key).or_insert_with(|| {
            let mut t = Table::new();
            t.set_implicit(true);
            Item::Table(t)
        });
        cur = item.as_table_mut()?;
    }
    Some(cur)
}
