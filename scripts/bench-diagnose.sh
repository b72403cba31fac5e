#!/usr/bin/env bash
# Prints how long `pullfix diagnose` takes on a large pasted text (a release build):
# the fixtures concatenated until the text is about 2 MB (about 11,000 lines).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build --release -q --bin pullfix
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
while [ "$(stat -c %s "$tmp/big.txt" 2>/dev/null || echo 0)" -lt 2000000 ]; do
    cat tests/fixtures/diagnose/*.txt tests/fixtures/diagnose/*.log >> "$tmp/big.txt"
done
lines=$(wc -l < "$tmp/big.txt")
bytes=$(stat -c %s "$tmp/big.txt")
for run in 1 2 3; do
    start=$(date +%s%N)
    target/release/pullfix diagnose "$tmp/big.txt" --json > /dev/null
    end=$(date +%s%N)
    echo "run $run: diagnose of $lines lines ($bytes bytes): $(( (end - start) / 1000000 )) ms"
done
