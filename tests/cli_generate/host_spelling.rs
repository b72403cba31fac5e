//! `pullfix generate` on hosts spelled in ways that parse badly or match badly (an IDN,
//! capital letters, an IPv6 address that ends in a port) and on a CA bundle pasted for a
//! registry's CA: the messages and fixes an operator sees, and the commands they name run.

use std::process::{Command, Output};

use super::{run, stderr};
use toml_edit::DocumentMut;

const CA: &str = include_str!("../fixtures/certs/example-harbor-ca.pem");

/// `--format json`: the diagnostic with `code`.
fn diagnostic(o: &Output, code: &str) -> serde_json::Value {
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
    let all = v["diagnostics"].as_array().expect("diagnostics");
    all.iter().find(|d| d["code"] == code).unwrap_or_else(|| panic!("no {code} in {all:?}")).clone()
}

/// The `--print` headers (`==> path <==`).
fn headers(o: &Output) -> Vec<String> {
    let out = String::from_utf8_lossy(&o.stdout);
    out.lines().filter_map(|l| l.strip_prefix("==> ")?.strip_suffix(" <==")).map(str::to_owned).collect()
}

#[test]
fn an_idn_host_gets_its_punycode_commands_and_the_python_one_prints_the_right_host() {
    let o = run(&["--registry", "bücher.example:5000", "--print"], "");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("error: registry[0].host (--registry): ") && err.contains("internationalised domain name"),
        "{err}"
    );
    assert!(err.contains("U+00FC") && !err.contains("no host name can have"), "{err}");

    let o = run(&["--registry", "bücher.example:5000", "--format", "json"], "");
    let d = diagnostic(&o, "host.malformed");
    assert_eq!(d["field"], "registry[0].host");
    let fix = d["fix"].as_str().expect("fix");
    assert!(fix.contains("`idn2 'bücher.example'`") && fix.contains(", then add :5000"), "{fix}");
    // The python3 command in the fix, run by a shell as the operator would paste it.
    let cmd = fix.split('`').find(|part| part.starts_with("python3 ")).expect("python3 command");
    let ran = Command::new("sh").arg("-c").arg(cmd).output().expect("sh runs");
    assert!(ran.status.success(), "{cmd}: {}", String::from_utf8_lossy(&ran.stderr));
    assert_eq!(String::from_utf8_lossy(&ran.stdout).trim(), "xn--bcher-kva.example", "{cmd}");

    // The punycode host, with the port added back, is a registry like any other.
    let o = run(&["--registry", "xn--bcher-kva.example:5000", "--print"], "");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(headers(&o).contains(&"etc/containerd/certs.d/xn--bcher-kva.example:5000/hosts.toml".to_owned()));
}

#[test]
fn a_capitalised_host_is_kept_as_typed_with_a_warning_and_its_mirror_is_lowercased() {
    let o = run(
        &[
            "--registry",
            "Harbor.Example.NET",
            "--mirror",
            "https://HARBOR.example.net/v2/proxy",
            "--override-path",
            "--username",
            "u",
            "--password-stdin",
            "--node-auth",
            "--print",
        ],
        "pw\n",
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("warning: registry[0].host (--registry): ") && err.contains("capital letters"), "{err}");
    assert!(err.contains("harbor.example.net if they use lower case"), "{err}");
    assert!(headers(&o).contains(&"etc/containerd/certs.d/Harbor.Example.NET/hosts.toml".to_owned()));
    let out = String::from_utf8(o.stdout).expect("utf8");
    let hosts = out.split("hosts.toml <==\n").nth(1).and_then(|s| s.split("==> ").next()).expect("hosts.toml");
    let doc: DocumentMut = hosts.parse().expect("hosts.toml parses");
    assert_eq!(doc["server"].as_str(), Some("https://Harbor.Example.NET"));
    let keys: Vec<&str> = doc["host"].as_table().expect("[host]").iter().map(|(k, _)| k).collect();
    assert_eq!(keys, ["https://harbor.example.net/v2/proxy"]);
    // containerd picks node credentials by the host of the URL it contacts, as hosts.toml
    // spells it: one entry per spelling there, each exactly as written.
    let config = out.split("config.toml <==\n").nth(1).and_then(|s| s.split("==> ").next()).expect("config.toml");
    let doc: DocumentMut = config.parse().expect("config.toml parses");
    let configs = doc["plugins"]["io.containerd.grpc.v1.cri"]["registry"]["configs"].as_table().expect("configs");
    let mut auth_hosts: Vec<&str> = configs.iter().map(|(k, _)| k).collect();
    auth_hosts.sort_unstable();
    assert_eq!(auth_hosts, ["Harbor.Example.NET", "harbor.example.net"]);
}

#[test]
fn an_unbracketed_ipv6_address_ending_in_a_port_is_offered_that_port() {
    let o = run(&["--registry", "fd00::1:5000", "--format", "json"], "");
    assert_eq!(o.status.code(), Some(1));
    let fix = diagnostic(&o, "host.malformed")["fix"].as_str().expect("fix").to_owned();
    assert!(fix.contains("[fd00::1:5000]") && fix.contains("If 5000 is the port: [fd00::1]:5000."), "{fix}");
}

#[test]
fn a_pasted_ca_bundle_is_written_with_a_warning() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut bundles = vec![(CA.repeat(6), 6)];
    // The review's paste: the system bundle, where the machine has one.
    if let Ok(system) = std::fs::read_to_string("/etc/ssl/certs/ca-certificates.crt") {
        let n = system.lines().filter(|l| l.trim() == "-----BEGIN CERTIFICATE-----").count();
        bundles.push((system, n));
    }
    for (k, (pem, n)) in bundles.iter().enumerate() {
        let file = tmp.path().join(format!("bundle{k}.crt"));
        std::fs::write(&file, pem).expect("pem");
        let args = ["--registry", "harbor.example.net", "--ca-pem-file", file.to_str().expect("utf8")];
        let o = run(&[&args[..], &["--print"]].concat(), "");
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains("warning: registry[0].ca_pem (--ca-pem-file): "), "{err}");
        assert!(err.contains(&format!("This is a CA bundle ({n} certificates)")), "{err}");
        assert!(err.contains("openssl s_client -showcerts -connect harbor.example.net:443"), "{err}");
        assert!(headers(&o).contains(&"etc/containerd/certs.d/harbor.example.net/ca.crt".to_owned()));
    }
    // One certificate: no warning.
    let one = tmp.path().join("one.crt");
    std::fs::write(&one, CA).expect("pem");
    let o = run(&["--registry", "harbor.example.net", "--ca-pem-file", one.to_str().expect("utf8"), "--print"], "");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("CA bundle"), "{}", stderr(&o));
}
