set -u
SRC="${PULLFIX_SRC:-/pullfix/files}"
SECRETS="${PULLFIX_SECRETS:-/pullfix/secret}"
ROOT="${PULLFIX_ROOT:-/host}"
INTERVAL="${PULLFIX_INTERVAL:-60}"
log() { echo "pullfix: $*"; }
install_one() {
  # $1 source file, $2 mode, $3 path on the node, $4 state file
  dest="$ROOT$3"
  if [ -f "$dest" ] && cmp -s "$1" "$dest"; then
    chmod "$2" "$dest"
    return 0
  fi
  mkdir -p "$(dirname "$dest")" || return 1
  if [ -f "$dest" ] && ! grep -qxF -- "$3" "$4" 2>/dev/null; then
    cp -p "$dest" "$dest.pullfix-backup" || return 1
    log "backed up $3 to $3.pullfix-backup"
  fi
  cp "$1" "$dest.pullfix-tmp" || return 1
  chmod "$2" "$dest.pullfix-tmp" || return 1
  mv -f "$dest.pullfix-tmp" "$dest" || return 1
  log "installed $3"
}
sync_once() {
  state="$ROOT$(cat "$SRC/state-file")" || return 1
  mkdir -p "$(dirname "$state")" || return 1
  : > "$state.new" || return 1
  failed=0
  while read -r key mode from path; do
    [ -n "$path" ] || continue
    if [ "$from" = secret ]; then src="$SECRETS/$key"; else src="$SRC/$key"; fi
    printf '%s\n' "$path" >> "$state.new"
    if ! install_one "$src" "$mode" "$path" "$state"; then
      log "could not install $path"
      rm -f "$ROOT$path.pullfix-tmp"
      failed=1
    fi
  done < "$SRC/manifest"
  if [ -f "$state" ]; then
    while read -r old; do
      [ -n "$old" ] || continue
      if ! grep -qxF -- "$old" "$state.new"; then
        if [ -f "$ROOT$old.pullfix-backup" ]; then
          mv -f "$ROOT$old.pullfix-backup" "$ROOT$old" && log "restored $old from $old.pullfix-backup (no longer in the ConfigMap)"
        else
          rm -f "$ROOT$old" && log "removed $old (no longer in the ConfigMap)"
        fi
      fi
    done < "$state"
  fi
  mv -f "$state.new" "$state"
  return "$failed"
}
while :; do
  sync_once || log "sync incomplete; retrying in ${INTERVAL}s"
  if [ "${PULLFIX_ONCE:-}" = 1 ]; then exit 0; fi
  sleep "$INTERVAL"
done
