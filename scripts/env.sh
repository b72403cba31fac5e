# shellcheck shell=bash
# Sourced by the scripts: puts the tools that scripts/setup.sh installed first on PATH.
TOOLS="${PULLFIX_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/pullfix-tools}"
export PATH="$TOOLS/binaryen/node_modules/.bin:$TOOLS/bin:$TOOLS/venv/bin:$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER="${CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER:-wasm-bindgen-test-runner}"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
# The containerd releases scripts/setup.sh unpacks (CONTAINERD_RELEASES) for the acceptance tests.
export PULLFIX_CONTAINERD_1_7="${PULLFIX_CONTAINERD_1_7:-$TOOLS/containerd/1.7.24/bin}"
export PULLFIX_CONTAINERD_2_1="${PULLFIX_CONTAINERD_2_1:-$TOOLS/containerd/2.1.9/bin}"
