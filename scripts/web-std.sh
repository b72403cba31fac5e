# shellcheck shell=bash
# Sourced by the scripts that build the page for release (build-web.sh, serve.sh,
# bench-web.sh, wasm-size.sh): compiles Rust's std together with the page, optimised for
# size, with panics that abort at once (no panic messages, no formatting for them).
# That is about 11 % of the wasm (gzip), and less code for the browser to compile at
# start-up. ARCHITECTURE.md, "Page weight and start-up".
#
# These are unstable cargo/rustc settings. The toolchain stays the machine's pinned stable
# one: RUSTC_BOOTSTRAP=1 unlocks them for these page builds only, and only on the rustc
# version they were checked on (PULLFIX_STD_RUSTC), with the rust-src component that
# scripts/setup.sh installs. On any other rustc, or without rust-src, the page is built
# the plain way (same behaviour, bigger wasm) and this says so. PULLFIX_WEB_STD=0 turns it off.
PULLFIX_STD_RUSTC="1.95.0"
pullfix_web_std() {
  local version sysroot
  [ "${PULLFIX_WEB_STD:-1}" = 1 ] || return 0
  version="$(rustc --version | cut -d' ' -f2)"
  sysroot="$(rustc --print sysroot)"
  if [ "$version" != "$PULLFIX_STD_RUSTC" ] || [ ! -d "$sysroot/lib/rustlib/src/rust/library" ]; then
    echo "note: page built without the size-optimised std (rustc $version, checked on $PULLFIX_STD_RUSTC; rust-src: scripts/setup.sh web)" >&2
    return 0
  fi
  export RUSTC_BOOTSTRAP=1
  export CARGO_UNSTABLE_BUILD_STD="std,panic_abort"
  export CARGO_UNSTABLE_BUILD_STD_FEATURES="optimize_for_size"
  # The target's flags only: build scripts and proc macros (host) are built as usual.
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort"
}
