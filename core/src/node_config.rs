//! What a node's existing `/etc/containerd/config.toml` says about registries: its
//! `version`, which CRI plugin tables it uses (the dialect), `config_path`, the legacy
//! inline `mirrors` / `configs` / `auths`, and the sandbox image. Read-only, from text,
//! for `doctor`; the version and the plugin names come from [`crate::config_file`].

use toml_edit::{DocumentMut, Item, TableLike};

use crate::config_file::{self, display_path, toml_error, Dialect};

/// A parsed config.toml, as far as image pulls are concerned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeConfig {
    /// `version = N`; `None` when the line is missing or not an integer (containerd then
    /// reads version 1).
    pub version: Option<i64>,
    /// The dialects whose CRI plugin has a table in the file (`io.containerd.grpc.v1.cri`
    /// is [`Dialect::V2`], ...).
    pub dialects: Vec<Dialect>,
    /// Each `plugins.<cri>.registry` table.
    pub registries: Vec<RegistryTable>,
    /// The sandbox image and the key that sets it (`plugins."io.containerd.grpc.v1.cri".sandbox_image`).
    pub sandbox_image: Option<(String, String)>,
    /// Every `sandbox_image` key of the file's CRI tables, the 2.x runtime plugin's included,
    /// with its value: 2.x reads none of them in a version 3+ file (only `pinned_images.sandbox`).
    pub sandbox_image_keys: Vec<(String, String)>,
}

/// One `[plugins.<cri>.registry]` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryTable {
    /// The dialect of the CRI plugin it belongs to.
    pub dialect: Dialect,
    /// `config_path`, when set and not empty.
    pub config_path: Option<String>,
    /// `mirrors."<host>".endpoint`.
    pub mirrors: Vec<(String, Vec<String>)>,
    /// `configs."<host>".tls`.
    pub tls: Vec<LegacyTls>,
    /// Hosts with `configs."<host>".auth`.
    pub auth_hosts: Vec<String>,
    /// Keys of the 1.2-era `auths` table.
    pub auths: Vec<String>,
}

/// A legacy `configs."<host>".tls` table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LegacyTls {
    /// The registry host it configures.
    pub host: String,
    /// `ca_file`, `cert_file`, `key_file` that are set, with their key names.
    pub files: Vec<(&'static str, String)>,
    /// `insecure_skip_verify = true`.
    pub insecure_skip_verify: bool,
}

impl RegistryTable {
    /// `plugins."<plugin>".registry`, as written in TOML.
    pub fn key_path(&self) -> String {
        display_path(&self.dialect.registry_path())
    }
}

impl NodeConfig {
    /// Reads a config.toml. `Err` carries the TOML parser's message.
    pub fn parse(text: &str) -> Result<NodeConfig, String> {
        let doc: DocumentMut = text.parse().map_err(|e| toml_error(text, &e))?;
        let mut c = NodeConfig { version: config_file::detect(&doc).line, ..NodeConfig::default() };
        let Some(plugins) = doc.get("plugins").and_then(Item::as_table_like) else {
            return Ok(c);
        };
        for dialect in Dialect::ALL {
            let id = dialect.cri_plugin();
            let Some(cri) = plugins.get(id).and_then(Item::as_table_like) else {
                continue;
            };
            c.dialects.push(dialect);
            if let Some(s) = cri.get("sandbox_image").and_then(Item::as_str) {
                let key = format!("{}.sandbox_image", dialect.cri_table_name());
                c.sandbox_image_keys.push((key.clone(), s.to_owned()));
                c.sandbox_image = Some((key, s.to_owned()));
            }
            if let Some(s) = cri.get("pinned_images").and_then(Item::as_table_like).and_then(|p| p.get("sandbox")) {
                if let Some(s) = s.as_str() {
                    c.sandbox_image =
                        Some((format!("{}.pinned_images.sandbox", dialect.cri_table_name()), s.to_owned()));
                }
            }
            if let Some(reg) = cri.get("registry").and_then(Item::as_table_like) {
                c.registries.push(registry_table(dialect, reg));
            }
        }
        let runtime = config_file::V3_RUNTIME_PLUGIN;
        if let Some(s) = plugins.get(runtime).and_then(|p| p.get("sandbox_image")).and_then(Item::as_str) {
            c.sandbox_image_keys.push((display_path(&["plugins", runtime, "sandbox_image"]), s.to_owned()));
        }
        Ok(c)
    }

    /// The `config_path` in effect: the registry table of the CRI plugin the file's version
    /// reads (a version 3 file's `io.containerd.cri.v1.images`, not an ignored
    /// `io.containerd.grpc.v1.cri` one), else the first registry table that sets one.
    pub fn config_path(&self) -> Option<&str> {
        let read = Dialect::of_version(self.version.unwrap_or(1));
        self.registries
            .iter()
            .filter(|r| r.dialect == read)
            .chain(self.registries.iter())
            .find_map(|r| r.config_path.as_deref())
    }
}

fn registry_table(dialect: Dialect, reg: &dyn TableLike) -> RegistryTable {
    let mut r = RegistryTable {
        dialect,
        config_path: reg.get("config_path").and_then(Item::as_str).filter(|s| !s.trim().is_empty()).map(str::to_owned),
        mirrors: Vec::new(),
        tls: Vec::new(),
        auth_hosts: Vec::new(),
        auths: Vec::new(),
    };
    if let Some(m) = reg.get("mirrors").and_then(Item::as_table_like) {
        for (host, v) in m.iter() {
            let eps = v
                .as_table_like()
                .and_then(|t| t.get("endpoint"))
                .and_then(Item::as_array)
                .map(|a| a.iter().filter_map(|e| e.as_str().map(str::to_owned)).collect())
                .unwrap_or_default();
            r.mirrors.push((host.to_owned(), eps));
        }
    }
    if let Some(cfgs) = reg.get("configs").and_then(Item::as_table_like) {
        for (host, v) in cfgs.iter() {
            let Some(t) = v.as_table_like() else { continue };
            if t.get("auth").is_some() {
                r.auth_hosts.push(host.to_owned());
            }
            if let Some(tls) = t.get("tls").and_then(Item::as_table_like) {
                let files = ["ca_file", "cert_file", "key_file"]
                    .into_iter()
                    .filter_map(|k| {
                        tls.get(k).and_then(Item::as_str).filter(|s| !s.is_empty()).map(|s| (k, s.to_owned()))
                    })
                    .collect();
                let insecure_skip_verify = tls.get("insecure_skip_verify").and_then(Item::as_bool).unwrap_or(false);
                r.tls.push(LegacyTls { host: host.to_owned(), files, insecure_skip_verify });
            }
        }
    }
    if let Some(a) = reg.get("auths").and_then(Item::as_table_like) {
        r.auths = a.iter().map(|(k, _)| k.to_owned()).collect();
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_legacy_dialect() {
        let c = NodeConfig::parse(
            r#"version = 2
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "k8s.gcr.io/pause:3.2"
[plugins."io.containerd.grpc.v1.cri".registry]
  config_path = "/etc/containerd/certs.d"
[plugins."io.containerd.grpc.v1.cri".registry.mirrors."harbor.example.net"]
  endpoint = ["harbor.example.net"]
[plugins."io.containerd.grpc.v1.cri".registry.configs."harbor.example.net".tls]
  ca_file = "/etc/ssl/certs/ca.pem"
  insecure_skip_verify = true
[plugins."io.containerd.grpc.v1.cri".registry.configs."harbor.example.net".auth]
  username = "admin"
"#,
        )
        .unwrap();
        assert_eq!(c.version, Some(2));
        assert_eq!(c.dialects, [Dialect::V2]);
        assert_eq!(c.sandbox_image.as_ref().map(|s| s.1.as_str()), Some("k8s.gcr.io/pause:3.2"));
        let r = &c.registries[0];
        assert_eq!(r.key_path(), "plugins.\"io.containerd.grpc.v1.cri\".registry");
        assert_eq!(c.config_path(), Some("/etc/containerd/certs.d"));
        assert_eq!(r.mirrors, [("harbor.example.net".to_owned(), vec!["harbor.example.net".to_owned()])]);
        assert_eq!(r.tls[0].files, [("ca_file", "/etc/ssl/certs/ca.pem".to_owned())]);
        assert!(r.tls[0].insecure_skip_verify);
        assert_eq!(r.auth_hosts, ["harbor.example.net"]);
    }

    #[test]
    fn reads_the_2x_dialect_and_reports_bad_toml() {
        let c = NodeConfig::parse(
            "version = 3\n[plugins.'io.containerd.cri.v1.images'.pinned_images]\nsandbox = 'registry.k8s.io/pause:3.10'\n",
        )
        .unwrap();
        assert_eq!(c.sandbox_image.unwrap().0, "plugins.\"io.containerd.cri.v1.images\".pinned_images.sandbox");
        assert!(NodeConfig::parse("[a]\n[a]\n").is_err());
        assert_eq!(NodeConfig::parse("").unwrap().version, None);
    }

    #[test]
    fn the_config_path_in_effect_is_the_one_the_files_version_reads() {
        let v3 = "version = 3\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\nconfig_path = \"/etc/containerd/other.d\"\n[plugins.\"io.containerd.cri.v1.images\".registry]\nconfig_path = \"/etc/containerd/certs.d\"\n";
        assert_eq!(NodeConfig::parse(v3).unwrap().config_path(), Some("/etc/containerd/certs.d"));
        let v2 = v3.replace("version = 3", "version = 2");
        assert_eq!(NodeConfig::parse(&v2).unwrap().config_path(), Some("/etc/containerd/other.d"));
    }
}
