//! `generate --out` where someone else may have been first (review 13, M-1 and L-1): links
//! planted in the output tree are refused, never followed; directories another user owns or
//! can write are refused; directories are 0755 and files get their modes under `umask 000`.

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::{code, stderr, HARBOR};

/// HARBOR with a node-setup.sh (which holds the credentials, so 0600).
fn form(tmp: &Path) -> PathBuf {
    let p = tmp.join("form.toml");
    fs::write(&p, format!("{HARBOR}[rollout]\nnode_script = true\n")).unwrap();
    p
}

/// `pullfix generate --form FORM --out OUT` under `umask`.
fn generate(form: &Path, out: &Path, umask: &str) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!("umask {umask}; exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_pullfix"))
        .args(["generate", "--form"])
        .arg(form)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

/// Every path below `root` (links not followed) with its type and mode, sorted.
fn listing(root: &Path) -> Vec<(String, char, u32)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let m = fs::symlink_metadata(&p).unwrap();
            let kind = if m.file_type().is_symlink() {
                'l'
            } else if m.is_dir() {
                stack.push(p.clone());
                'd'
            } else {
                'f'
            };
            out.push((p.strip_prefix(root).unwrap().display().to_string(), kind, m.mode() & 0o7777));
        }
    }
    out.sort();
    out
}

fn my_gid() -> u32 {
    use std::os::unix::fs::MetadataExt;
    // The group new files get: the caller's effective group.
    let probe = tempfile::tempdir().unwrap();
    fs::metadata(probe.path()).unwrap().gid()
}

fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

#[test]
fn a_link_to_a_file_in_the_out_tree_is_refused_and_its_target_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let form = form(tmp.path());
    let victim = tmp.path().join("victim");
    fs::write(&victim, "victim's own data\n").unwrap();
    fs::set_permissions(&victim, fs::Permissions::from_mode(0o644)).unwrap();
    let out = tmp.path().join("out");
    fs::create_dir_all(out.join("k8s")).unwrap();
    let link = out.join("k8s/commands.sh");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    let before = listing(&out);

    let o = generate(&form, &out, "022");
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(&format!("refusing to write {}: it is a symbolic link (to {})", link.display(), victim.display())),
        "{err}"
    );
    assert!(err.contains("Fix: remove the link"), "{err}");
    assert_eq!(fs::read_to_string(&victim).unwrap(), "victim's own data\n");
    assert_eq!(fs::metadata(&victim).unwrap().mode() & 0o7777, 0o644, "the target's mode is untouched");
    assert_eq!(listing(&out), before, "nothing else written either: everything is checked first");

    // The same run writes once the link is gone.
    fs::remove_file(&link).unwrap();
    let o = generate(&form, &out, "022");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(fs::symlink_metadata(&link).unwrap().is_file());
    assert_eq!(fs::read_to_string(&victim).unwrap(), "victim's own data\n");
}

#[test]
fn a_link_to_a_directory_in_the_out_tree_is_refused_and_nothing_lands_there() {
    let tmp = tempfile::tempdir().unwrap();
    let form = form(tmp.path());
    let elsewhere = tmp.path().join("elsewhere");
    fs::create_dir(&elsewhere).unwrap();
    let out = tmp.path().join("out");
    fs::create_dir_all(out.join("etc/containerd/certs.d")).unwrap();
    let link = out.join("etc/containerd/certs.d/harbor.example.net:8443");
    std::os::unix::fs::symlink(&elsewhere, &link).unwrap();
    // A link in the middle of the tree, too.
    let out2 = tmp.path().join("out2");
    fs::create_dir(&out2).unwrap();
    std::os::unix::fs::symlink(&elsewhere, out2.join("k8s")).unwrap();

    for (out, link) in [(&out, link.clone()), (&out2, out2.join("k8s"))] {
        let before = listing(out);
        let o = generate(&form, out, "022");
        assert_eq!(code(&o), 2, "{}", stderr(&o));
        assert!(
            stderr(&o).contains(&format!("refusing to write {}: it is a symbolic link", link.display())),
            "{}",
            stderr(&o)
        );
        assert_eq!(listing(out), before);
        assert!(listing(&elsewhere).is_empty(), "written through the link: {:?}", listing(&elsewhere));
    }
}

#[test]
fn a_directory_others_can_write_is_refused_unless_sticky() {
    let tmp = tempfile::tempdir().unwrap();
    let form = form(tmp.path());
    let out = tmp.path().join("out");
    fs::create_dir(&out).unwrap();
    fs::set_permissions(&out, fs::Permissions::from_mode(0o777)).unwrap();
    let o = generate(&form, &out, "022");
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("the directory is writable by other users (mode 0777)"), "{}", stderr(&o));
    assert!(stderr(&o).contains("Fix: `chmod go-w "), "{}", stderr(&o));
    assert!(listing(&out).is_empty());

    // A world-writable directory below --out, too.
    fs::set_permissions(&out, fs::Permissions::from_mode(0o755)).unwrap();
    fs::create_dir(out.join("k8s")).unwrap();
    fs::set_permissions(out.join("k8s"), fs::Permissions::from_mode(0o757)).unwrap();
    let o = generate(&form, &out, "022");
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o)
        .contains(&format!("refusing to write under {}: the directory is writable", out.join("k8s").display())));
    assert_eq!(listing(&out), vec![("k8s".to_owned(), 'd', 0o757)]);

    // Group-writable for the caller's own group (a user-private group, umask 002) is the
    // caller alone: fine. For another group (as root: chgrp to nogroup), refused.
    fs::set_permissions(out.join("k8s"), fs::Permissions::from_mode(0o775)).unwrap();
    let o = generate(&form, &out, "022");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    if is_root() {
        let chgrp = std::process::Command::new("chgrp").arg("nogroup").arg(out.join("k8s")).status().unwrap();
        assert!(chgrp.success());
        let o = generate(&form, &out, "022");
        assert_eq!(code(&o), 2, "{}", stderr(&o));
        assert!(stderr(&o).contains("the directory is writable by other users (mode 0775)"), "{}", stderr(&o));
    } else {
        eprintln!("not root: the other-group case is not run");
    }
    let own_group = std::process::Command::new("chgrp").arg(format!("{}", my_gid())).arg(out.join("k8s")).status();
    assert!(own_group.unwrap().success());

    // A directory above --out that others can write: they could swap --out for a link.
    let shared = tmp.path().join("shared");
    let mine = shared.join("mine");
    fs::create_dir_all(&mine).unwrap();
    fs::set_permissions(&shared, fs::Permissions::from_mode(0o777)).unwrap();
    let o = generate(&form, &mine, "022");
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!(
            "refusing to write under {}: {} above it is writable by other users (mode 0777)",
            mine.display(),
            shared.display()
        )),
        "{}",
        stderr(&o)
    );
    assert!(listing(&mine).is_empty());
    // Also when --out is new: pullfix would create it inside the shared directory.
    let o = generate(&form, &shared.join("new"), "022");
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(!shared.join("new").exists());

    // Sticky (like /tmp): others cannot rename or remove what pullfix writes.
    fs::set_permissions(out.join("k8s"), fs::Permissions::from_mode(0o755)).unwrap();
    fs::set_permissions(&out, fs::Permissions::from_mode(0o1777)).unwrap();
    let o = generate(&form, &out, "022");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

#[test]
fn a_directory_another_user_owns_is_refused() {
    if !is_root() {
        println!("note: skipped: chown to nobody needs root (CI runs the tests as root)");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let form = form(tmp.path());
    let nobody = nix::unistd::Uid::from_raw(65534);
    // --out itself, then a directory below it, then --out as a link nobody made.
    let out = tmp.path().join("out");
    fs::create_dir(&out).unwrap();
    std::os::unix::fs::chown(&out, Some(65534), None).unwrap();
    let o = generate(&form, &out, "022");
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!(
            "refusing to write under {}: the directory belongs to another user (uid {nobody})",
            out.display()
        )),
        "{}",
        stderr(&o)
    );
    assert!(listing(&out).is_empty());

    std::os::unix::fs::chown(&out, Some(0), None).unwrap();
    fs::create_dir(out.join("k8s")).unwrap();
    std::os::unix::fs::chown(out.join("k8s"), Some(65534), None).unwrap();
    let o = generate(&form, &out, "022");
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("refusing to write under {}: the directory belongs", out.join("k8s").display()))
    );
    assert_eq!(listing(&out), vec![("k8s".to_owned(), 'd', 0o755)]);

    let link = tmp.path().join("link");
    std::os::unix::fs::symlink(&out, &link).unwrap();
    std::os::unix::fs::lchown(&link, Some(65534), None).unwrap();
    let o = generate(&form, &link, "022");
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("it is a symbolic link made by another user (uid 65534)"), "{}", stderr(&o));
    assert_eq!(listing(&out), vec![("k8s".to_owned(), 'd', 0o755)]);

    // Root's own link and directories are fine.
    std::os::unix::fs::chown(out.join("k8s"), Some(0), None).unwrap();
    std::os::unix::fs::lchown(&link, Some(0), None).unwrap();
    let o = generate(&form, &link, "022");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

#[test]
fn under_umask_000_directories_are_0755_and_files_have_their_modes() {
    let tmp = tempfile::tempdir().unwrap();
    let form = form(tmp.path());
    let out = tmp.path().join("a/b/out");
    let o = generate(&form, &out, "000");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    for d in [tmp.path().join("a"), tmp.path().join("a/b"), out.clone()] {
        assert_eq!(fs::metadata(&d).unwrap().mode() & 0o7777, 0o755, "{}", d.display());
    }
    let all = listing(&out);
    let sensitive =
        ["etc/containerd/config.toml", "k8s/commands.sh", "k8s/secret-regcred-default.yaml", "node-setup.sh"];
    for s in sensitive {
        assert!(all.contains(&(s.to_owned(), 'f', 0o600)), "{s} 0600 in {all:#?}");
    }
    for (path, kind, mode) in &all {
        match kind {
            'd' => assert_eq!(*mode, 0o755, "{path}"),
            'f' if sensitive.contains(&path.as_str()) => {}
            'f' => assert_eq!(*mode, 0o644, "{path}"),
            _ => panic!("a link: {path}"),
        }
    }
    assert!(all.iter().filter(|(_, k, _)| *k == 'd').count() >= 4, "{all:#?}");

    // Under umask 077, new directories keep the stricter mode; files still get theirs.
    let strict = tmp.path().join("strict");
    let o = generate(&form, &strict, "077");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let all = listing(&strict);
    assert!(all.contains(&("etc".to_owned(), 'd', 0o700)), "{all:#?}");
    assert!(all.contains(&("etc/containerd/certs.d/harbor.example.net:8443/hosts.toml".to_owned(), 'f', 0o644)));
}
