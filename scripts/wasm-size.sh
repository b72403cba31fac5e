#!/usr/bin/env bash
# Size report of the web page's wasm (scripts/wasm_size.py): builds pullfix-web with the
# page's profile, runs wasm-bindgen and wasm-opt as Trunk does (index.html's flags), and
# prints sections, gzip sizes, code per crate and module, and the biggest functions.
# For shrinking work; scripts/bench-web.sh gives the page's real transfer. Builds in
# <target>/wasm-size.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/env.sh
. scripts/web-std.sh
pullfix_web_std
# Legacy symbol names, which wasm_size.py groups by crate and module (unlocked by
# RUSTC_BOOTSTRAP, rustc names symbols the v0 way). Names do not change the code, but
# changed flags rebuild everything: hence a target dir of its own.
if [ -n "${CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS:-}" ]; then
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS -Csymbol-mangling-version=legacy"
fi
target="${CARGO_TARGET_DIR:-target}/wasm-size"
export CARGO_TARGET_DIR="$target"
cargo build -q -p pullfix-web --target wasm32-unknown-unknown --profile web-release
wasm="$target/wasm32-unknown-unknown/web-release/pullfix-web.wasm"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
wasm-bindgen --target web --out-dir "$out" "$wasm"
# index.html's data-wasm-opt-params, read from it so the two cannot drift apart; -Oz is its
# data-wasm-opt="z", and Trunk adds the feature flags.
read -r -a params <<<"$(sed -n 's/.*data-bin="pullfix-web".*data-wasm-opt-params="\([^"]*\)".*/\1/p' index.html)"
[ ${#params[@]} -gt 0 ] || { echo "wasm-size.sh: no data-wasm-opt-params in index.html" >&2; exit 1; }
wasm-opt -Oz "${params[@]}" --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-reference-types --enable-multivalue --enable-mutable-globals \
  "$out/pullfix-web_bg.wasm" -o "$out/opt.wasm"
python3 scripts/wasm_size.py "$out/opt.wasm" "$wasm"
