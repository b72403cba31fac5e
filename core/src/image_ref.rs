//! Image references as containerd and Docker read them: whether a text is one, its
//! registry and its tag. Shared by `diagnose` (references found in error texts) and
//! `rollout` (the installer and verify images).

/// The registry part of an image reference, as containerd and Docker read it: the first
/// path component when it has a `.` or `:` or is `localhost`, else `docker.io`.
/// `None` when `reference` does not look like an image reference.
pub fn image_registry(reference: &str) -> Option<String> {
    if !is_image_reference(reference) {
        return None;
    }
    let reg = match reference.split_once('/') {
        Some((first, _)) if first.contains('.') || first.contains(':') || first == "localhost" => first,
        _ => crate::host::DOCKER_HUB,
    };
    Some(canonical_registry(reg))
}

/// `index.docker.io` and `registry-1.docker.io` are Docker Hub, which images call `docker.io`.
pub fn canonical_registry(hostport: &str) -> String {
    let h = hostport.to_ascii_lowercase();
    match h.as_str() {
        "index.docker.io" | "registry-1.docker.io" | "registry.hub.docker.com" => crate::host::DOCKER_HUB.to_owned(),
        _ => h,
    }
}

/// Whether `s` can be an image reference (`name[:tag][@digest]`, with optional registry).
pub fn is_image_reference(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 512
        && !s.contains("://")
        && !s.starts_with(['/', '.', ':', '@', '-'])
        && !s.ends_with(['/', ':'])
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'/' | b':' | b'@'))
        && s.bytes().any(|b| b.is_ascii_alphabetic())
}

/// The tag of an image reference (`pause:3.2` gives `3.2`), if any.
pub fn image_tag(reference: &str) -> Option<&str> {
    let no_digest = reference.split('@').next().unwrap_or(reference);
    let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
    last.split_once(':').map(|(_, t)| t).filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registries_and_tags() {
        assert_eq!(image_registry("nginx:1.25").as_deref(), Some("docker.io"));
        assert_eq!(image_registry("localhost/x").as_deref(), Some("localhost"));
        assert_eq!(image_registry("10.50.1.104:5000/k/c:v1").as_deref(), Some("10.50.1.104:5000"));
        assert_eq!(image_registry("library/nginx").as_deref(), Some("docker.io"));
        assert_eq!(image_registry("a b"), None);
        assert_eq!(image_tag("k8s.gcr.io/pause:3.2"), Some("3.2"));
        assert_eq!(image_tag("10.0.0.1:5000/pause"), None);
        assert!(!is_image_reference("https://harbor.example.net/busybox"));
        assert!(is_image_reference("harbor.example.net/library/busybox:1.36"));
    }
}
