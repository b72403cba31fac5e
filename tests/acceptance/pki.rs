//! A throwaway CA, a server certificate and a bcrypt htpasswd file, made with
//! the real tools (`openssl`, `htpasswd`).

use std::path::{Path, PathBuf};

use super::daemon::run;

/// The name the registry is reached by. It resolves to 127.0.0.1 only inside the
/// private mount namespace each containerd runs in (see `containerd.rs`).
pub const REGISTRY_NAME: &str = "registry.pullfix.test";

/// The files of the test PKI.
#[derive(Debug)]
pub struct Pki {
    /// CA certificate (PEM).
    pub ca_crt: PathBuf,
    /// Server certificate (PEM), SANs `registry.pullfix.test` and `127.0.0.1`.
    pub server_crt: PathBuf,
    /// Server key (PEM).
    pub server_key: PathBuf,
}

impl Pki {
    /// Creates a CA and a server certificate signed by it under `dir`.
    pub fn create(dir: &Path) -> Pki {
        std::fs::create_dir_all(dir).expect("create pki dir");
        let p = |f: &str| dir.join(f);
        let s = |f: &str| p(f).to_string_lossy().into_owned();
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
        let mut ca = vec!["req", "-x509"];
        ca.extend(ec);
        let (ca_key, ca_crt) = (s("ca.key"), s("ca.crt"));
        ca.extend(["-keyout", &ca_key, "-out", &ca_crt, "-days", "2", "-subj", "/CN=pullfix acceptance CA"]);
        run("openssl", &ca);
        let mut csr = vec!["req"];
        csr.extend(ec);
        let (key, req) = (s("server.key"), s("server.csr"));
        let subj = format!("/CN={REGISTRY_NAME}");
        csr.extend(["-keyout", &key, "-out", &req, "-subj", &subj]);
        run("openssl", &csr);
        let ext = p("server.ext");
        std::fs::write(
            &ext,
            format!(
                "subjectAltName=DNS:{REGISTRY_NAME},IP:127.0.0.1\n\
                 extendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n"
            ),
        )
        .expect("write server.ext");
        let (crt, extf) = (s("server.crt"), ext.to_string_lossy().into_owned());
        run(
            "openssl",
            &[
                "x509",
                "-req",
                "-in",
                &req,
                "-CA",
                &ca_crt,
                "-CAkey",
                &ca_key,
                "-CAcreateserial",
                "-out",
                &crt,
                "-days",
                "2",
                "-extfile",
                &extf,
            ],
        );
        Pki { ca_crt: p("ca.crt"), server_crt: p("server.crt"), server_key: p("server.key") }
    }

    /// The CA certificate's PEM text.
    pub fn ca_pem(&self) -> String {
        std::fs::read_to_string(&self.ca_crt).expect("read ca.crt")
    }
}

/// Writes a bcrypt htpasswd file with one user, as `htpasswd -B` does.
pub fn htpasswd(path: &Path, user: &str, password: &str) {
    let line = run("htpasswd", &["-Bbn", user, password]);
    assert!(line.starts_with(&format!("{user}:$2y$")), "not a bcrypt htpasswd line: {line}");
    std::fs::write(path, line).expect("write htpasswd");
}
