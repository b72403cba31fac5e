//! A unified diff between the existing and the merged file, for the CLI's `--diff` and the
//! web page (the `similar` crate, text feature only).

/// The unified diff (`--- old_name` / `+++ new_name`, 3 lines of context); empty when equal.
pub fn unified_diff(old: &str, new: &str, old_name: &str, new_name: &str) -> String {
    if old == new {
        return String::new();
    }
    similar::TextDiff::from_lines(old, new).unified_diff().context_radius(3).header(old_name, new_name).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diffs() {
        assert_eq!(unified_diff("a\n", "a\n", "x", "y"), "");
        assert_eq!(unified_diff("a\nb\n", "a\nc\n", "x", "y"), "--- x\n+++ y\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n");
    }
}
