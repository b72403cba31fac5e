//! A unified diff between the existing and the merged file, for the CLI's `--diff` and the
//! web page (the `similar` crate, text feature only).
//!
//! The diff itself is `similar`'s (Myers, lines compared through `IdentifyDistinct` ids,
//! hunks from `group_diff_ops` with 3 lines of context); only the text is written here, as
//! `similar::TextDiff::from_lines(..).unified_diff()` writes it. `TextDiff` diffs inputs
//! of up to 100 lines as `&str` slices and longer ones as ids, which put two copies of the
//! Myers code into the web page's wasm; this path is the one copy. The unit tests compare
//! both texts.

use similar::algorithms::IdentifyDistinct;
use similar::{capture_diff_deadline, group_diff_ops, Algorithm, DiffTag};

/// The unified diff (`--- old_name` / `+++ new_name`, 3 lines of context); empty when equal.
pub fn unified_diff(old: &str, new: &str, old_name: &str, new_name: &str) -> String {
    if old == new {
        return String::new();
    }
    let old_lines = lines(old);
    let new_lines = lines(new);
    let ids = IdentifyDistinct::<u32>::new(&old_lines[..], 0..old_lines.len(), &new_lines[..], 0..new_lines.len());
    let ops = capture_diff_deadline(
        Algorithm::Myers,
        ids.old_lookup(),
        ids.old_range(),
        ids.new_lookup(),
        ids.new_range(),
        None,
    );
    let mut out = String::new();
    let mut file_header = true;
    for hunk in group_diff_ops(ops, 3) {
        let (Some(first), Some(last)) = (hunk.first(), hunk.last()) else { continue };
        if file_header {
            file_header = false;
            for (mark, name) in [("--- ", old_name), ("+++ ", new_name)] {
                out.push_str(mark);
                out.push_str(name);
                out.push('\n');
            }
        }
        let mut hunk_header = true;
        for op in &hunk {
            let (tag, old_range, new_range) = op.as_tag_tuple();
            let (old_tag, new_tag) = match tag {
                DiffTag::Equal => (" ", ""),
                DiffTag::Delete | DiffTag::Insert | DiffTag::Replace => ("-", "+"),
            };
            let new_range = if tag == DiffTag::Equal { 0..0 } else { new_range };
            let changes = old_lines[old_range]
                .iter()
                .map(|l| (old_tag, *l))
                .chain(new_lines[new_range].iter().map(|l| (new_tag, *l)));
            for (mark, line) in changes {
                if hunk_header {
                    hunk_header = false;
                    out.push_str("@@ -");
                    push_range(&mut out, first.old_range().start, last.old_range().end);
                    out.push_str(" +");
                    push_range(&mut out, first.new_range().start, last.new_range().end);
                    out.push_str(" @@\n");
                }
                out.push_str(mark);
                out.push_str(line);
                if !line.ends_with(['\r', '\n']) {
                    out.push_str("\n\\ No newline at end of file\n");
                }
            }
        }
    }
    out
}

/// The lines of `text` with their line endings (`\n`, `\r\n` or a lone `\r`), as
/// `similar` splits them.
fn lines(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let end = match bytes[i] {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => i + 2,
            b'\r' | b'\n' => i + 1,
            _ => {
                i += 1;
                continue;
            }
        };
        out.push(&text[start..end]);
        start = end;
        i = end;
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// A hunk header's range: `start,len`, just `start` for one line, `start-1,0` for none.
fn push_range(out: &mut String, start: usize, end: usize) {
    let len = end.saturating_sub(start);
    match len {
        1 => out.push_str(&(start + 1).to_string()),
        0 => out.push_str(&format!("{start},0")),
        _ => out.push_str(&format!("{},{len}", start + 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diffs() {
        assert_eq!(unified_diff("a\n", "a\n", "x", "y"), "");
        assert_eq!(unified_diff("a\nb\n", "a\nc\n", "x", "y"), "--- x\n+++ y\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n");
    }

    /// The same text as similar's own `TextDiff` unified diff, on short and long inputs
    /// (up to 100 lines and more: `TextDiff` takes two paths), line endings and missing
    /// final newlines included.
    #[test]
    fn same_text_as_similar() {
        let theirs = |old: &str, new: &str| {
            if old == new {
                return String::new();
            }
            similar::TextDiff::from_lines(old, new).unified_diff().context_radius(3).header("a/x", "b/x").to_string()
        };
        let pieces = ["a\n", "b\n", "c\r\n", "d\r", "", "version = 2\n", "x", "\n", "[plugins]\n", "é\n"];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let (mut short, mut long) = (0, 0);
        for round in 0..400 {
            let len = if round % 4 == 0 { 90 + next(60) } else { next(14) };
            let old: String = (0..len).map(|_| pieces[next(pieces.len())]).collect();
            let mut new = String::new();
            for line in lines(&old) {
                match next(6) {
                    0 => {}
                    1 => new.push_str(pieces[next(pieces.len())]),
                    2 => {
                        new.push_str(line);
                        new.push_str(pieces[next(pieces.len())]);
                    }
                    _ => new.push_str(line),
                }
            }
            if next(3) == 0 {
                new.push_str(pieces[next(pieces.len())]);
            }
            let ours = unified_diff(&old, &new, "a/x", "b/x");
            assert_eq!(ours, theirs(&old, &new), "{old:?} -> {new:?}");
            if !ours.is_empty() {
                if lines(&old).len() > 100 && lines(&new).len() > 100 {
                    long += 1;
                } else {
                    short += 1;
                }
            }
        }
        assert!(short > 100 && long > 10, "{short} short and {long} long diffs");
        for (old, new) in [("", "a"), ("a", ""), ("a", "b"), ("a\n", "a"), ("a\r\nb", "a\nb"), ("\r\r", "\r")] {
            assert_eq!(unified_diff(old, new, "a/x", "b/x"), theirs(old, new), "{old:?} -> {new:?}");
        }
    }
}
