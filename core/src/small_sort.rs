//! A stable insertion sort for the short lists core orders (findings, diagnostics).
//!
//! `slice::sort_by_key` instantiates the standard library's driftsort and quicksort
//! (several KiB of wasm) for every element type; these lists hold a handful of items, so
//! one small loop per type is enough and keeps the web page's wasm smaller.

/// Sorts `v` by `key`, keeping the order of equal elements (like `slice::sort_by_key`).
pub(crate) fn sort_by_key<T, K: Ord>(v: &mut [T], key: impl Fn(&T) -> K) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && key(&v[j - 1]) > key(&v[j]) {
            v.swap(j - 1, j);
            j -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_like_the_standard_sort() {
        let items = [(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e'), (0, 'f'), (3, 'g')];
        let mut ours = items.to_vec();
        sort_by_key(&mut ours, |p| p.0);
        let mut std_sorted = items.to_vec();
        std_sorted.sort_by_key(|p| p.0);
        assert_eq!(ours, std_sorted);
        let mut empty: Vec<u8> = Vec::new();
        sort_by_key(&mut empty, |x| *x);
        assert!(empty.is_empty());
    }
}
