#!/usr/bin/env bash
# Prints the acceptance suite's wall time (warm: built first, not timed) and each case's
# own time (world setup + containerd + pulls), serially and in parallel. Needs root.
#
#   scripts/bench-acceptance.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/env.sh
. scripts/env.sh

cargo test --quiet --test acceptance --no-run 2>/dev/null
run() { # label, extra libtest args...
  local label=$1; shift
  local start end out
  start=$(date +%s%N)
  out=$(cargo test --quiet --test acceptance -- --nocapture "$@" 2>&1) || true
  end=$(date +%s%N)
  printf '\n%s: wall %d.%01ds\n' "$label" $(((end - start) / 1000000000)) $(((end - start) / 100000000 % 10))
  grep -oE 'case[0-9]+_[a-z0-9_]+ \([0-9.]+\): (ok|FAILED|SKIPPED)[^[:cntrl:]]*' <<<"$out" | sort | sed 's/^/  /'
  grep -E '^test result' <<<"$out" | sed 's/^/  /'
}
run "serial (--test-threads=1)" --test-threads=1
run "parallel (default threads)"
