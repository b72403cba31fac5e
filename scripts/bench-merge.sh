#!/usr/bin/env bash
# Benchmarks merging into a 5,000-line config.toml (target: under 5 ms per merge) and
# prints criterion's figure. Builds with the release profile.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/env.sh
. scripts/env.sh
cargo bench --bench merge -- --warm-up-time 1 --measurement-time 5 "$@"
