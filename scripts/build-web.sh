#!/usr/bin/env bash
# Builds the web page for release into dist/ (relative URLs: serve it from any sub-path),
# then dist/pullfix.html, the same page as ONE file that works opened from file://.
#
#   scripts/build-web.sh          (installs nothing; scripts/setup.sh web does)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
unset NO_COLOR # trunk exits when NO_COLOR is set
. scripts/env.sh
. scripts/web-std.sh
pullfix_web_std

for tool in trunk wasm-bindgen wasm-opt python3; do
  command -v "$tool" >/dev/null || { echo "build-web.sh: $tool not found; run scripts/setup.sh web" >&2; exit 1; }
done

# The offline build: Trunk.toml pins the tools and sets public_url = "./".
trunk build --release --offline
python3 scripts/single_file.py dist
