//! Kubespray's group vars rendered by real Ansible (ansible-core from scripts/setup.sh), through
//! Kubespray's own containerd templates: a form value holding Jinja2 (`{{ lookup('pipe', …) }}`)
//! must reach the rendered files as text and never run on the controller (review 13 H-1),
//! and the `!unsafe` tags must not change what a benign form renders.

#[path = "fleet/support.rs"]
mod support;

use std::path::Path;
use std::process::Command;

use base64::Engine as _;
use pullfix_core::flavor::Flavor;
use pullfix_core::{render, Form, Mirror, Registry, Scheme};
use serde_json::Value as Json;
use support::{tempdir, tools_path};

/// `roles/container-engine/containerd/templates/hosts.toml.j2`, kubernetes-sigs/kubespray
/// 0c4d6b7 (Apache-2.0), verbatim: one hosts.toml per `containerd_registries_mirrors` entry.
const HOSTS_TOML_J2: &str = r#"server = "{{ item.server | default("https://" + item.prefix) }}"

{% for mirror in item.mirrors %}
[host."{{ mirror.host }}"]
  capabilities = ["{{ ([ mirror.capabilities ] | flatten ) | join('","') }}"]
  skip_verify = {{ mirror.skip_verify | default('false') | string | lower }}
  override_path = {{ mirror.override_path | default('false') | string | lower }}
{% if mirror.auth is defined %}
  [host."{{ mirror.host }}".header]
    authorization = "Basic {{ (mirror.auth.username + ':' + mirror.auth.password) | b64encode }}"
{% endif %}

{% endfor %}
"#;

/// The registry section of `config.toml.j2` (kubernetes-sigs/kubespray 011828a, Apache-2.0),
/// verbatim: the legacy mirrors (with `urlsplit` on each mirror host) and the auth block.
const CONFIG_TOML_J2: &str = r#"version = 2
[plugins]
  [plugins."io.containerd.grpc.v1.cri"]
    [plugins."io.containerd.grpc.v1.cri".registry]
{% if containerd_use_config_path is defined and containerd_use_config_path|bool %}
      config_path = "{{ containerd_cfg_dir }}/certs.d"
{% else %}
      [plugins."io.containerd.grpc.v1.cri".registry.mirrors]
{% set insecure_registries_addr = [] %}
{% for registry in containerd_registries_mirrors %}
        [plugins."io.containerd.grpc.v1.cri".registry.mirrors."{{ registry.prefix }}"]
{% set endpoint = [] %}
{% for mirror in registry.mirrors %}
{% if endpoint.append(mirror.host) %}{% endif %}
{% if mirror.skip_verify is defined and mirror.skip_verify|bool %}{% if insecure_registries_addr.append(mirror.host | urlsplit('netloc')) %}{% endif %}{% endif %}
{% endfor %}
          endpoint = ["{{ ( endpoint | unique ) | join('","') }}"]
{% endfor %}
{% for addr in insecure_registries_addr | unique %}
        [plugins."io.containerd.grpc.v1.cri".registry.configs."{{ addr }}".tls]
          insecure_skip_verify = true
{% endfor %}
{% endif %}
{% for registry in containerd_registry_auth if registry['registry'] is defined %}
{% if (registry['username'] is defined and registry['password'] is defined) or registry['auth'] is defined %}
      [plugins."io.containerd.grpc.v1.cri".registry.configs."{{ registry['registry'] }}".auth]
{% if registry['username'] is defined and registry['password'] is defined %}
        password = "{{ registry['password'] }}"
        username = "{{ registry['username'] }}"
{% else %}
        auth = "{{ registry['auth'] }}"
{% endif %}
{% endif %}
{% endfor %}
"#;

/// Kubespray's containerd role in small: a hosts.toml per entry, config.toml, and the vars
/// as Ansible read them (JSON), all under `out`. (Play vars would override the group vars, so
/// the forms here always carry credentials, as config.toml.j2 loops over them unguarded.)
const PLAY: &str = r#"- hosts: all
  gather_facts: false
  tasks:
    - name: hosts.toml per prefix, as Kubespray's containerd role writes them
      template:
        src: templates/hosts.toml.j2
        dest: "{{ out }}/hosts-{{ idx }}.toml"
      loop: "{{ containerd_registries_mirrors }}"
      loop_control:
        index_var: idx
    - name: config.toml's registry section
      template:
        src: templates/config.toml.j2
        dest: "{{ out }}/config.toml"
    - name: the vars as Ansible read them
      copy:
        content: "{{ {'mirrors': containerd_registries_mirrors, 'auth': containerd_registry_auth | default([])} | to_json }}"
        dest: "{{ out }}/vars.json"
"#;

/// What Ansible made of a group vars file.
struct Played {
    hosts_toml: Vec<toml_edit::DocumentMut>,
    config_toml: toml_edit::DocumentMut,
    vars: Json,
    raw_hosts: Vec<String>,
    raw_config: String,
}

/// Runs [`PLAY`] on localhost (connection local, no facts, no network) with `vars` as
/// `inventory/group_vars/all/containerd.yml`, with Ansible's home and temp dirs in `dir`.
#[track_caller]
fn play(dir: &Path, vars: &str) -> Played {
    let inv = dir.join("inventory");
    std::fs::create_dir_all(inv.join("group_vars/all")).unwrap();
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(inv.join("group_vars/all/containerd.yml"), vars).unwrap();
    std::fs::write(
        inv.join("hosts.ini"),
        "localhost ansible_connection=local ansible_python_interpreter=\"{{ ansible_playbook_python }}\"\n",
    )
    .unwrap();
    std::fs::write(dir.join("templates/hosts.toml.j2"), HOSTS_TOML_J2).unwrap();
    std::fs::write(dir.join("templates/config.toml.j2"), CONFIG_TOML_J2).unwrap();
    std::fs::write(dir.join("play.yml"), PLAY).unwrap();
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let extra = serde_json::json!({ "out": out.to_str().unwrap() }).to_string();
    let home = dir.join("ansible-home");
    let o = Command::new("ansible-playbook")
        .current_dir(dir)
        .env("PATH", tools_path())
        .env("ANSIBLE_HOME", &home)
        .env("ANSIBLE_LOCAL_TEMP", home.join("tmp"))
        .env("ANSIBLE_REMOTE_TEMP", home.join("remote-tmp"))
        .env("ANSIBLE_NOCOLOR", "1")
        .env("ANSIBLE_RETRY_FILES_ENABLED", "0")
        .env("ANSIBLE_LOCALHOST_WARNING", "0")
        .env_remove("ANSIBLE_CONFIG")
        .args(["-i", "inventory/hosts.ini", "play.yml", "-e", &extra])
        .output()
        .expect("ansible-playbook not found: run scripts/setup.sh");
    let log = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert!(o.status.success(), "ansible-playbook failed:\n{log}\nvars:\n{vars}");
    let mut raw_hosts = Vec::new();
    while let Ok(t) = std::fs::read_to_string(out.join(format!("hosts-{}.toml", raw_hosts.len()))) {
        raw_hosts.push(t);
    }
    let raw_config = std::fs::read_to_string(out.join("config.toml")).unwrap();
    Played {
        hosts_toml: raw_hosts.iter().map(|t| t.parse().unwrap_or_else(|e| panic!("{e}\n{t}"))).collect(),
        config_toml: raw_config.parse().unwrap_or_else(|e| panic!("{e}\n{raw_config}")),
        vars: serde_json::from_str(&std::fs::read_to_string(out.join("vars.json")).unwrap()).unwrap(),
        raw_hosts,
        raw_config,
    }
}

fn vars_of(form: &Form) -> String {
    let out = render(&Form { flavor: Flavor::Kubespray, ..form.clone() });
    let f = out.files.iter().find(|f| f.path == "kubespray/group_vars/all/containerd.yml").expect("the group vars");
    f.contents.clone()
}

fn mirror(url: &str) -> Mirror {
    Mirror { url: url.into(), ..Mirror::default() }
}

#[test]
fn jinja_in_form_values_stays_text_through_ansible_and_kubesprays_templates() {
    let dir = tempdir();
    let canary = dir.path().join("canary");
    let pipe = format!("{{{{lookup('pipe','touch${{IFS}}{}')}}}}", canary.display());
    let hostile_url = format!("https://mirror.example.net/v2/{pipe}");
    let query_url =
        format!("https://m2.example.net/{{{{query('pipe','touch${{IFS}}{}')}}}}/{{%raw%}}", canary.display());
    let form = Form {
        containerd: "1.7".into(),
        registries: vec![
            // Plain credentials (written as username/password), a hostile mirror URL.
            Registry {
                host: "harbor.example.net:8443".into(),
                username: "robot$ci".into(),
                password: "S3c'ret".into(),
                node_auth: true,
                skip_verify: true,
                mirrors: vec![Mirror { override_path: true, skip_verify: true, ..mirror(&hostile_url) }],
                ..Registry::default()
            },
            // Jinja in the user name and password too (written as `auth`, base64).
            Registry {
                host: "quay.io".into(),
                username: format!("u{pipe}"),
                password: format!("p{pipe}"),
                node_auth: true,
                mirrors: vec![mirror(&query_url)],
                ..Registry::default()
            },
        ],
        ..Form::default()
    };
    let vars = vars_of(&form);
    assert!(vars.contains(&pipe), "the expression reaches the vars as text:\n{vars}");
    let p = play(dir.path(), &vars);
    assert!(!canary.exists(), "Ansible ran the form's lookup on the controller:\n{vars}");

    // Ansible read every value literally.
    let m = &p.vars["mirrors"];
    assert_eq!(m[0]["prefix"], "harbor.example.net:8443");
    assert_eq!(m[0]["mirrors"][0]["host"], hostile_url.as_str(), "{}", p.vars);
    assert_eq!(m[0]["mirrors"][0]["capabilities"], serde_json::json!(["pull", "resolve"]));
    assert_eq!(m[0]["mirrors"][0]["skip_verify"], true);
    assert_eq!(m[1]["mirrors"][0]["host"], query_url.as_str());
    let auth = p.vars["auth"].as_array().expect("containerd_registry_auth");
    let plain = auth.iter().find(|a| a["registry"] == "harbor.example.net:8443").expect("harbor's credentials");
    assert_eq!((&plain["username"], &plain["password"]), (&Json::from("robot$ci"), &Json::from("S3c'ret")));
    let quay = auth.iter().find(|a| a["registry"] == "quay.io").expect("quay's credentials");
    let decoded = base64::engine::general_purpose::STANDARD.decode(quay["auth"].as_str().unwrap()).unwrap();
    assert_eq!(String::from_utf8(decoded).unwrap(), format!("u{pipe}:p{pipe}"));

    // Kubespray's templates wrote the text where the values go.
    let h0 = &p.hosts_toml[0];
    assert_eq!(h0["server"].as_str(), Some("https://harbor.example.net:8443"), "{}", p.raw_hosts[0]);
    assert!(h0["host"].get(&hostile_url).is_some(), "{}", p.raw_hosts[0]);
    assert_eq!(h0["host"][&hostile_url]["override_path"].as_bool(), Some(true));
    assert!(p.hosts_toml[1]["host"].get(&query_url).is_some(), "{}", p.raw_hosts[1]);
    let registry = &p.config_toml["plugins"]["io.containerd.grpc.v1.cri"]["registry"];
    let endpoint = registry["mirrors"]["harbor.example.net:8443"]["endpoint"].as_array().expect(&p.raw_config);
    assert_eq!(endpoint.get(0).and_then(|v| v.as_str()), Some(hostile_url.as_str()));
    assert_eq!(registry["configs"]["mirror.example.net"]["tls"]["insecure_skip_verify"].as_bool(), Some(true));
    assert_eq!(registry["configs"]["harbor.example.net:8443"]["auth"]["password"].as_str(), Some("S3c'ret"));
    assert!(!canary.exists());
}

#[test]
fn the_unsafe_tags_change_nothing_kubespray_renders_for_a_benign_form() {
    let form = Form {
        containerd: "1.7".into(),
        registries: vec![
            Registry {
                host: "docker.io".into(),
                mirrors: vec![
                    mirror("https://mirror.gcr.io"),
                    Mirror { override_path: true, ..mirror("https://harbor.example.net/v2/dockerhub-proxy") },
                ],
                ..Registry::default()
            },
            Registry {
                host: "harbor.example.net".into(),
                username: "robot$ci".into(),
                password: "S3c'r#t: x".into(),
                node_auth: true,
                skip_verify: true,
                ..Registry::default()
            },
            // A password YAML 1.1 reads as a number: still the string "8080" for Ansible.
            Registry {
                host: "10.50.1.104:5000".into(),
                scheme: Scheme::Http,
                username: "no".into(),
                password: "8080".into(),
                node_auth: true,
                ..Registry::default()
            },
        ],
        ..Form::default()
    };
    let tagged = vars_of(&form);
    assert!(tagged.contains("!unsafe"), "{tagged}");
    // The same vars without the tags: what pullfix wrote before review 13.
    let untagged = tagged.replace("!unsafe ", "");
    assert_ne!(tagged, untagged);
    let (a, b) = (tempdir(), tempdir());
    let (with, without) = (play(a.path(), &tagged), play(b.path(), &untagged));
    assert_eq!(with.raw_hosts, without.raw_hosts);
    assert_eq!(with.raw_config, without.raw_config);
    assert_eq!(with.vars, without.vars);
    // And what it rendered is what the form says.
    let auth = with.vars["auth"].as_array().unwrap();
    let lan = auth.iter().find(|a| a["registry"] == "10.50.1.104:5000").expect("the LAN registry's credentials");
    assert_eq!((&lan["username"], &lan["password"]), (&Json::from("no"), &Json::from("8080")));
    let harbor = auth.iter().find(|a| a["registry"] == "harbor.example.net").expect("harbor's credentials");
    assert_eq!(harbor["password"], "S3c'r#t: x");
    assert_eq!(with.hosts_toml.len(), 3, "{:?}", with.raw_hosts);
    assert_eq!(with.hosts_toml[0]["server"].as_str(), Some("https://registry-1.docker.io"));
    assert!(with.hosts_toml[0]["host"].get("https://mirror.gcr.io").is_some(), "{}", with.raw_hosts[0]);
    let proxy = &with.hosts_toml[0]["host"]["https://harbor.example.net/v2/dockerhub-proxy"];
    assert_eq!(proxy["override_path"].as_bool(), Some(true), "{}", with.raw_hosts[0]);
    assert_eq!(with.hosts_toml[2]["server"].as_str(), Some("http://10.50.1.104:5000"));
    let registry = &with.config_toml["plugins"]["io.containerd.grpc.v1.cri"]["registry"];
    assert_eq!(registry["configs"]["harbor.example.net"]["tls"]["insecure_skip_verify"].as_bool(), Some(true));
    assert_eq!(registry["configs"]["10.50.1.104:5000"]["auth"]["password"].as_str(), Some("8080"));
}
