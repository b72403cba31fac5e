#!/usr/bin/env python3
"""Trunk post_build hook: wraps each `*_bg.wasm` of the staging dir into `*_bg.wasm.js`.

The page's Content-Security-Policy has `connect-src 'none'`, which also forbids the
`fetch()` that wasm-bindgen's loader would use for the `.wasm` file. A same-origin ES
module is a script (`script-src 'self'`), so the bytes travel as one:

    export default "<base64 of the gzip-compressed wasm>";

web/loader.js decodes it, inflates it with the browser's DecompressionStream and
instantiates it from memory. Compressing first keeps the transfer at the size of a
gzip-served .wasm (base64 of raw wasm would defeat the server's gzip: +30 %).
The input is our own build artefact; base64 needs no escaping inside a JS string.
With Debian's `zopfli` on PATH (scripts/setup.sh installs it) the gzip stream is made by
zopfli: the same format, about 4 % smaller than `gzip -9`, so the page transfers less.
"""
import base64
import gzip
import os
import pathlib
import shutil
import subprocess
import sys


def pack(raw: bytes, path: pathlib.Path) -> bytes:
    """gzip-compresses the wasm: with zopfli when present, else zlib's level 9."""
    zopfli = shutil.which("zopfli")
    if zopfli:
        done = subprocess.run([zopfli, "--gzip", "--i15", "-c", str(path)], capture_output=True, check=True)
        if gzip.decompress(done.stdout) == raw:
            return done.stdout
        print("wasm_module.py: zopfli's output does not inflate to the input; using gzip", file=sys.stderr)
    return gzip.compress(raw, compresslevel=9, mtime=0)


def main() -> int:
    stage = pathlib.Path(os.environ.get("TRUNK_STAGING_DIR") or sys.argv[1])
    wasms = sorted(stage.glob("*_bg.wasm"))
    if not wasms:
        print(f"wasm_module.py: no *_bg.wasm in {stage}", file=sys.stderr)
        return 1
    for wasm in wasms:
        packed = pack(wasm.read_bytes(), wasm)
        b64 = base64.b64encode(packed).decode("ascii")
        out = wasm.with_name(wasm.name + ".js")
        out.write_text(f'export default "{b64}";\n', encoding="ascii")
        wasm.unlink()  # nothing may fetch it; keeping it would only invite that
    return 0


if __name__ == "__main__":
    sys.exit(main())
