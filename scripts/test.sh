#!/usr/bin/env bash
# Runs every test of pullfix: installs what is missing, then the gates and suites.
# This is the README's test command and exactly what .ci/run calls.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
unset NO_COLOR
scripts/setup.sh all
. scripts/env.sh

step() { printf '\n=== %s\n' "$*"; }

step "format";  cargo fmt --all -- --check
step "clippy (host)"; cargo clippy --workspace --exclude pullfix-web --all-targets -- -D warnings
step "clippy (web, wasm32)"; cargo clippy -p pullfix-web --target wasm32-unknown-unknown --all-targets -- -D warnings
step "docs"; RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --exclude pullfix-web -q
RUSTDOCFLAGS="-D warnings" cargo doc -p pullfix-web --no-deps --target wasm32-unknown-unknown -q
step "web build (trunk, release)"; scripts/build-web.sh
step "core on wasm32 (Node)"; cargo test -p pullfix-core --target wasm32-unknown-unknown
step "web components (wasm-bindgen-test, headless Chromium)"
WASM_BINDGEN_TEST_WEBDRIVER_JSON="$PWD/web/webdriver.json" cargo test -p pullfix-web --target wasm32-unknown-unknown
step "shipping scripts (shellcheck)"; shellcheck -x scripts/setup.sh scripts/env.sh scripts/test.sh scripts/build-web.sh scripts/serve.sh scripts/bench-web.sh scripts/wasm-size.sh scripts/web-std.sh
step "web crate, native unit tests"; cargo test -p pullfix-web
step "tests (native, integration, browser e2e on dist/, acceptance)"; cargo test --workspace --exclude pullfix-web --no-fail-fast
