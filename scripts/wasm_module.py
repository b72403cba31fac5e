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

Then it links the loader: web/loader.js imports the two modules statically, under the
placeholders PULLFIX_BINDINGS_JS and PULLFIX_WASM_JS, because a static import loads faster than
an import() of names read at run time. The hook writes in this build's file names (from the
loader's script tag, Trunk.toml's pattern_script), names the loader after its contents
(`loader-<hash>.js`, like Trunk's own files: a browser's cached loader can never import another
build's files) and points index.html at it.
"""
import base64
import gzip
import hashlib
import os
import pathlib
import re
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


PLACEHOLDERS = {"PULLFIX_BINDINGS_JS": "data-js", "PULLFIX_WASM_JS": "data-wasm"}


def link_loader(stage: pathlib.Path) -> None:
    """Writes the build's module names into loader.js, renames it after its contents and
    points index.html at the new name (see the module's docstring)."""
    index = stage / "index.html"
    page = index.read_text("utf-8")
    tags = re.findall(r'<script type="module" src="\./loader\.js"[^>]*></script>', page)
    if len(tags) != 1:
        raise SystemExit(f"wasm_module.py: expected one loader script tag in {index}, found {len(tags)}")
    loader = stage / "loader.js"
    text = loader.read_text("utf-8")
    for placeholder, attribute in PLACEHOLDERS.items():
        name = re.search(f'{attribute}="\\./([^"/]+)"', tags[0])
        if not name or not (stage / name.group(1)).is_file():
            raise SystemExit(f"wasm_module.py: the loader tag's {attribute} names no file of {stage}")
        if text.count(f'"./{placeholder}"') != 1:
            raise SystemExit(f"wasm_module.py: web/loader.js must import \"./{placeholder}\" once")
        text = text.replace(f'"./{placeholder}"', f'"./{name.group(1)}"')
    linked = f"loader-{hashlib.sha256(text.encode()).hexdigest()[:16]}.js"
    (stage / linked).write_text(text, encoding="utf-8")
    loader.unlink()
    index.write_text(page.replace(tags[0], tags[0].replace('src="./loader.js"', f'src="./{linked}"')), "utf-8")


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
    link_loader(stage)
    return 0


if __name__ == "__main__":
    sys.exit(main())
