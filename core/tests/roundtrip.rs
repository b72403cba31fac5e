//! Round-trip properties over many generated forms (a fixed-seed generator, so a failure
//! reproduces): whatever the input, `render` does not panic, every TOML output parses,
//! every path stays relative and inside its tree, and node credentials that are written
//! decode back exactly as typed.

use pullfix_core::{render, Form, Mirror, Registry, Scheme};
use toml_edit::DocumentMut;

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[(self.next() % from.len() as u64) as usize]
    }
    fn flip(&mut self) -> bool {
        self.next() % 2 == 0
    }
}

const VERSIONS: &[&str] =
    &["1.2", "1.3", "1.4", "1.5", "1.6", "1.6.16", "1.6.20", "1.7", "2.0", "2.1", "2.2", "2.3", "9.9", "x", ""];
const HOSTS: &[&str] = &[
    "harbor.example.net",
    "harbor.example.net:8443",
    "10.50.1.104:5000",
    "docker.io",
    "registry.k8s.io",
    "_default",
    "[fd00::1]:5000",
    "https://x.example",
    "a b",
    "\"]\n[x",
    "",
    "ü.example",
];
const VALUES: &[&str] = &[
    "",
    "robot$ci",
    "p\"a\\ss$w'ord",
    "🔑 ]]\" = true",
    "line\nbreak",
    "tab\there",
    "'''",
    "\"\"\"",
    "\\u0000",
    "/etc/containerd/certs.d/h/ca.crt",
    "relative/ca.crt",
    "/etc/../../x",
];
const URLS: &[&str] = &[
    "https://mirror.example.net",
    "https://harbor.example.net/v2/dockerhub-proxy",
    "http://10.0.0.9:5000",
    "mirror.example.net",
    "https://mirror.example.net/",
    "https://m.example/päth$\"x",
    "ftp://x",
    "",
];
const PATHS: &[&str] = &["", "/etc/containerd/certs.d", "/srv/certs d", "/a:/b", "certs.d", "/etc/../x"];
const PEMS: &[&str] = &[
    "",
    "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    "-----BEGIN PRIVATE KEY-----\nAA\n-----END PRIVATE KEY-----",
    "garbage",
];

fn form(rng: &mut Rng) -> Form {
    let mut registries = Vec::new();
    for _ in 0..(rng.next() % 4) {
        let mut mirrors = Vec::new();
        for _ in 0..(rng.next() % 4) {
            mirrors.push(Mirror {
                url: rng.pick(URLS).to_owned(),
                override_path: rng.flip(),
                capabilities: if rng.flip() {
                    vec![]
                } else {
                    vec![rng.pick(&["pull", "resolve", "push", "x"]).to_owned()]
                },
                ca_file: rng.pick(VALUES).to_owned(),
                skip_verify: rng.flip(),
            });
        }
        registries.push(Registry {
            host: rng.pick(HOSTS).to_owned(),
            scheme: if rng.flip() { Scheme::Https } else { Scheme::Http },
            ca_file: rng.pick(VALUES).to_owned(),
            ca_pem: rng.pick(PEMS).to_owned(),
            client_cert: rng.pick(VALUES).to_owned(),
            client_key: rng.pick(VALUES).to_owned(),
            skip_verify: rng.flip(),
            username: rng.pick(VALUES).to_owned(),
            password: rng.pick(VALUES).to_owned(),
            identity_token: if rng.flip() { String::new() } else { rng.pick(VALUES).to_owned() },
            node_auth: rng.flip(),
            mirror_only: rng.flip(),
            mirrors,
        });
    }
    Form {
        containerd: rng.pick(VERSIONS).to_owned(),
        config_path: rng.pick(PATHS).to_owned(),
        sandbox_image: rng
            .pick(&["", "registry.k8s.io/pause:3.10", "harbor.example.net/p:1", "a b", "x\ny"])
            .to_owned(),
        legacy_config: rng.flip(),
        registries,
        ..Form::default()
    }
}

#[test]
fn any_form_renders_parseable_files_and_exact_credentials() {
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    for n in 0..3000 {
        let form = form(&mut rng);
        let out = render(&form);
        let mut paths: Vec<&str> = out.files.iter().map(|f| f.path.as_str()).collect();
        paths.sort_unstable();
        assert!(paths.windows(2).all(|w| w[0] != w[1]), "#{n}: two files at one path: {paths:?}");
        for f in &out.files {
            assert!(!f.path.starts_with('/') && !f.path.split('/').any(|c| c == ".."), "#{n}: path {:?}", f.path);
            assert!(!f.contents.contains('\u{0}'), "#{n}: NUL in {}", f.path);
            if !f.path.ends_with(".toml") {
                continue;
            }
            let doc: DocumentMut =
                f.contents.parse().unwrap_or_else(|e| panic!("#{n}: {} does not parse: {e}\n{form:#?}", f.path));
            if f.path != "etc/containerd/config.toml" {
                continue;
            }
            // Every written password is one the form holds, unchanged.
            let passwords: Vec<&str> = form.registries.iter().map(|r| r.password.as_str()).collect();
            let mut stack = vec![doc.as_item()];
            while let Some(item) = stack.pop() {
                if let Some(t) = item.as_table_like() {
                    for (k, v) in t.iter() {
                        if k == "password" {
                            let p = v.as_str().expect("password is a string");
                            assert!(passwords.contains(&p) && !p.contains('\n'), "#{n}: password {p:?}");
                        }
                        stack.push(v);
                    }
                }
            }
        }
    }
}
