#!/usr/bin/env bash
# Benchmarks pullfix_core::render for a three-registry form (target: < 50 µs per render).
# Prints criterion's figures and the machine's load, which inflates them on shared hosts.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg), cores: $(nproc)"
if ! cargo bench --bench render >"$log" 2>&1; then
  tail -n 30 "$log" >&2
  exit 1
fi
grep -E '^render|time:' "$log" | paste - -
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
