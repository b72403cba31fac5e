//! Merging into a 5,000-line config.toml (target: under 5 ms). Run with `scripts/bench-merge.sh`.
//!
//! The big file is `containerd config default` of 1.7.34 from the test corpus, grown with
//! copies of its runc runtime block (each copy a runtime of its own name) and a legacy
//! mirror to remove, so every part of the merge runs: detection, removal, setting.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use pullfix_core::merge::merge;
use pullfix_core::{parse_form, FormFormat};

const BASE: &str = include_str!("../tests/fixtures/configs/containerd-1.7.34-default.toml");

/// The corpus file grown to at least `lines` lines.
pub fn big_config(lines: usize) -> String {
    let start =
        BASE.find("        [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]").expect("runc block");
    let end = BASE[start..]
        .find("\n\n      [plugins.\"io.containerd.grpc.v1.cri\".containerd.untrusted_workload_runtime]")
        .expect("end of the runc block")
        + start;
    let block = &BASE[start..end];
    let mut out = String::from(BASE);
    out.push_str("\n[plugins.\"io.containerd.grpc.v1.cri\".registry.mirrors.\"harbor.example.net\"]\n  endpoint = [\"https://harbor.example.net\"]\n");
    let mut n = 0;
    while out.lines().count() < lines {
        out.push('\n');
        out.push_str(
            &block.replace(".runc]", &format!(".runc{n}]")).replace(".runc.options]", &format!(".runc{n}.options]")),
        );
        out.push('\n');
        n += 1;
    }
    out
}

fn bench(c: &mut Criterion) {
    let text = big_config(5_000);
    let form = parse_form(
        r#"containerd = "1.7"
sandbox_image = "registry.aliyuncs.com/google_containers/pause:3.8"
[[registry]]
host = "harbor.example.net"
ca_file = "/etc/containerd/certs.d/harbor.example.net/ca.crt"
username = "robot$ci"
password = "s3cret"
node_auth = true
[[registry.mirror]]
url = "https://mirror.example.net"
"#,
        FormFormat::Toml,
    )
    .expect("form");
    let r = merge(&text, &form);
    assert!(r.text.is_some() && !r.changes.is_empty(), "the bench must merge something: {:?}", r.diagnostics);
    eprintln!("config.toml: {} lines, {} bytes; {} changes", text.lines().count(), text.len(), r.changes.len());
    c.bench_function("merge 5000-line config.toml", |b| b.iter(|| merge(black_box(&text), black_box(&form))));
    // The floor: toml_edit parsing the file and printing it again, nothing else.
    c.bench_function("toml_edit parse + print only", |b| {
        b.iter(|| black_box(&text).parse::<toml_edit::DocumentMut>().map(|d| d.to_string()).ok())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
