//! One entry per host: containerd's inline `configs`, registries.yaml's `configs` and
//! Talos' `registries.config` hold a single TLS / auth entry per host, so when several
//! registries or mirrors reach one host, the first entry is kept and a different later one
//! is left out (and reported by the caller).

/// Stores `value` under `key` unless `entries` has that key already. Returns the entry kept
/// before when `same` says it differs from `value`, which is then left out.
pub fn keep_first<K: PartialEq, V>(
    entries: &mut Vec<(K, V)>,
    key: K,
    value: V,
    same: impl Fn(&V, &V) -> bool,
) -> Option<&V> {
    match entries.iter().position(|(k, _)| *k == key) {
        None => {
            entries.push((key, value));
            None
        }
        Some(i) => Some(&entries[i].1).filter(|kept| !same(kept, &value)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_entry_wins_and_a_different_one_is_returned() {
        let mut e = Vec::new();
        assert_eq!(keep_first(&mut e, "a", 1, PartialEq::eq), None);
        assert_eq!(keep_first(&mut e, "a", 1, PartialEq::eq), None);
        assert_eq!(keep_first(&mut e, "a", 2, PartialEq::eq), Some(&1));
        assert_eq!(keep_first(&mut e, "b", 2, PartialEq::eq), None);
        assert_eq!(e, [("a", 1), ("b", 2)]);
    }
}
