#!/usr/bin/env bash
# Benchmarks pullfix_core::render for a three-registry form (target: < 50 µs per render).
# Prints criterion's figures and the machine's load, which inflates them on shared hosts.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg), cores: $(nproc)"
cargo bench --bench render 2>&1 | grep -E '^render|time:' | paste - -
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
