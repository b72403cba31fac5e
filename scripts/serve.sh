#!/usr/bin/env bash
# The README's first command: installs what is missing, then serves the page (release build,
# the same page as dist/) on http://127.0.0.1:8080/ . Extra arguments go to `trunk serve`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
unset NO_COLOR # trunk exits when NO_COLOR is set
scripts/setup.sh web
. scripts/env.sh
. scripts/web-std.sh
pullfix_web_std
exec trunk serve --release --offline --address 127.0.0.1 --port 8080 "$@"
