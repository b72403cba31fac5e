#!/usr/bin/env bash
# Web page benchmark: builds the page (scripts/build-web.sh) and the minimal Yew baseline
# (bench/hello, same profile, loader and CSP), then prints transfer size, start-up time
# against the baseline and keystroke latency (scripts/bench_web.py). Prints figures; never fails
# on slowness. Not part of scripts/test.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
unset NO_COLOR
. scripts/env.sh
[ "${SKIP_BUILD:-}" = 1 ] || scripts/build-web.sh
# Shares the root target dir so that yew & co. are compiled once; the same std build as the
# page (scripts/web-std.sh), so the two differ only in what the app does.
[ "${SKIP_BUILD:-}" = 1 ] || (. scripts/web-std.sh && pullfix_web_std &&
  cd bench/hello && CARGO_TARGET_DIR="$PWD/../../target" trunk build --release --offline)
exec python3 scripts/bench_web.py
