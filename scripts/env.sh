# Sourced by the scripts: puts the tools that scripts/setup.sh installed first on PATH.
TOOLS="${PULLFIX_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/pullfix-tools}"
export PATH="$TOOLS/binaryen/node_modules/.bin:$TOOLS/bin:$TOOLS/venv/bin:$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER="${CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER:-wasm-bindgen-test-runner}"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
