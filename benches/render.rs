//! `cargo bench --bench render`: `pullfix_core::render` for a three-registry form
//! (Harbor with CA and node credentials, Docker Hub through a proxy cache, a plain-HTTP
//! registry). Target: under 50 µs per render. Prints figures; never asserts on time.

use criterion::{criterion_group, criterion_main, Criterion};
use pullfix_core::{parse_form, render, FormFormat};

const FORM: &str = concat!(
    r#"
containerd = "1.7"
sandbox_image = "registry.aliyuncs.com/google_containers/pause:3.10"

[[registry]]
host = "harbor.example.net:8443"
ca_pem = """
"#,
    include_str!("../tests/fixtures/certs/example-harbor-ca.pem"),
    r#""""
username = "robot$ci"
password = "S3cret"
node_auth = true

[[registry]]
host = "docker.io"

[[registry.mirror]]
url = "https://harbor.example.net:8443/v2/dockerhub-proxy"
override_path = true

[[registry.mirror]]
url = "https://mirror.gcr.io"

[[registry]]
host = "10.50.1.104:5000"
scheme = "http"
"#
);

fn bench(c: &mut Criterion) {
    let form = parse_form(FORM, FormFormat::Toml).expect("bench form parses");
    let out = render(&form);
    let node_files = out.files.iter().filter(|f| f.path.starts_with("etc/")).count();
    assert_eq!(node_files, 5, "config, three hosts.toml, CA (plus the Kubernetes files)");
    c.bench_function("render three registries (1.7)", |b| b.iter(|| render(std::hint::black_box(&form))));
    let v2 = pullfix_core::Form { containerd: "2.1".into(), ..form.clone() };
    c.bench_function("render three registries (2.1)", |b| b.iter(|| render(std::hint::black_box(&v2))));
    let legacy = pullfix_core::Form { containerd: "1.4".into(), ..form };
    c.bench_function("render three registries (1.4 inline)", |b| b.iter(|| render(std::hint::black_box(&legacy))));
}

criterion_group!(benches, bench);
criterion_main!(benches);
