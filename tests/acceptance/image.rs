//! A tiny single-platform OCI image built in memory (no docker), pushed with the
//! registry HTTP API (blob uploads and a manifest PUT, basic auth over TLS).

use std::sync::Arc;

use base64::Engine as _;
use flate2::write::GzEncoder;
use sha2::{Digest, Sha256};
use ureq::tls::{Certificate, RootCerts, TlsConfig};

use super::registry::{PASSWORD, USER};

/// An image ready to push: its blobs and manifest.
#[derive(Debug)]
pub struct Image {
    layer: Vec<u8>,
    config: Vec<u8>,
    manifest: Vec<u8>,
}

/// The OCI manifest media type.
const MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";

fn digest(bytes: &[u8]) -> String {
    let hash = Sha256::digest(bytes);
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

impl Image {
    /// An image with one layer holding `/pullfix.txt` with `text`.
    pub fn new(text: &str) -> Image {
        let mut tar = tar::Builder::new(Vec::new());
        let mut header = tar::Header::new_gnu();
        header.set_size(text.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_cksum();
        tar.append_data(&mut header, "pullfix.txt", text.as_bytes()).expect("tar entry");
        let tar = tar.into_inner().expect("tar");
        let diff_id = digest(&tar);
        let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut gz, &tar).expect("gzip");
        let layer = gz.finish().expect("gzip");
        let config = serde_json::to_vec(&serde_json::json!({
            "architecture": "amd64",
            "os": "linux",
            "config": { "Cmd": ["/pullfix"] },
            "rootfs": { "type": "layers", "diff_ids": [diff_id] },
        }))
        .expect("config json");
        let manifest = serde_json::to_vec(&serde_json::json!({
            "schemaVersion": 2,
            "mediaType": MANIFEST,
            "config": {
                "mediaType": "application/vnd.oci.image.config.v1+json",
                "digest": digest(&config),
                "size": config.len(),
            },
            "layers": [{
                "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                "digest": digest(&layer),
                "size": layer.len(),
            }],
        }))
        .expect("manifest json");
        Image { layer, config, manifest }
    }

    /// The manifest digest, as containerd reports the image's `repo_digests`.
    pub fn manifest_digest(&self) -> String {
        digest(&self.manifest)
    }

    /// Pushes to `127.0.0.1:port` as `repo:tag`; TLS + basic auth when `ca_pem` is given.
    pub fn push(&self, port: u16, ca_pem: Option<&str>, repo: &str, tag: &str) {
        let mut config = ureq::Agent::config_builder().http_status_as_error(false);
        let base = match ca_pem {
            Some(pem) => {
                let ca = Certificate::from_pem(pem.as_bytes()).expect("parse test CA");
                let roots = RootCerts::Specific(Arc::new(vec![ca]));
                config = config.tls_config(TlsConfig::builder().root_certs(roots).build());
                format!("https://127.0.0.1:{port}")
            }
            None => format!("http://127.0.0.1:{port}"),
        };
        let agent: ureq::Agent = config.build().into();
        let basic = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}")));
        for blob in [&self.layer, &self.config] {
            let resp = agent
                .post(format!("{base}/v2/{repo}/blobs/uploads/"))
                .header("Authorization", &basic)
                .send_empty()
                .expect("start blob upload");
            assert_eq!(resp.status(), 202, "blob upload start: {resp:?}");
            let location = resp.headers()["location"].to_str().expect("location").to_owned();
            let url = if location.starts_with('/') { format!("{base}{location}") } else { location };
            let sep = if url.contains('?') { '&' } else { '?' };
            let resp = agent
                .put(format!("{url}{sep}digest={}", digest(blob)))
                .header("Authorization", &basic)
                .header("Content-Type", "application/octet-stream")
                .send(&blob[..])
                .expect("upload blob");
            assert_eq!(resp.status(), 201, "blob upload: {resp:?}");
        }
        let resp = agent
            .put(format!("{base}/v2/{repo}/manifests/{tag}"))
            .header("Authorization", &basic)
            .header("Content-Type", MANIFEST)
            .send(&self.manifest[..])
            .expect("put manifest");
        assert_eq!(resp.status(), 201, "manifest put: {resp:?}");
    }
}
