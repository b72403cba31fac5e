#!/usr/bin/env python3
"""Writes dist/pullfix.html: the whole page in one file that works from file://.

Input: the release build Trunk wrote to dist/ (index.html, the CSS, web/loader.js's
script tag, the wasm-bindgen bindings module and the wasm wrapped as a JS module by
scripts/wasm_module.py). Output: index.html with
  - the stylesheet link replaced by a <style> element,
  - the loader script tag replaced by one inline module script: the bindings, the wasm
    (gzip + base64, as scripts/wasm_module.py packs it) and the start-up code of
    web/loader.js,
  - a Content-Security-Policy that allows exactly those two inline elements by their
    SHA-256 hashes (computed here), and still no connection of any kind.
Everything inlined is our own build artefact; each is checked so it cannot close its
element early, and each replacement must match exactly once.

Usage: scripts/single_file.py [DIST_DIR]
"""
import base64
import hashlib
import html
import pathlib
import re
import sys

CSP = (
    "default-src 'none'; script-src {script} 'wasm-unsafe-eval'; style-src {style}; "
    "img-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'"
)


class BuildError(Exception):
    pass


def sha256(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def sub_once(pattern: str, repl, text: str, what: str) -> str:
    out, n = re.subn(pattern, repl, text, flags=re.S)
    if n != 1:
        raise BuildError(f"expected exactly one {what} in index.html, found {n}")
    return out


def attr(tag: str, name: str) -> str:
    m = re.search(r'\s' + re.escape(name) + r'="([^"]*)"', tag)
    if not m:
        raise BuildError(f"{name}= missing in {tag!r}")
    return html.unescape(m.group(1))


def local_file(dist: pathlib.Path, url: str) -> pathlib.Path:
    rel = url[2:] if url.startswith("./") else url
    if "/" in rel or not rel or rel.startswith("."):
        raise BuildError(f"unexpected asset URL {url!r} (Trunk.toml public_url must be ./)")
    path = dist / rel
    if not path.is_file():
        raise BuildError(f"{path} missing")
    return path


def raw_text(content: str, element: str) -> str:
    # Inside <script>/<style> only "</element" ends the element (and "<!--" for scripts
    # switches the tokenizer's state): refuse rather than emit a broken page.
    lower = content.lower()
    if "</" + element in lower or (element == "script" and "<!--" in lower):
        raise BuildError(f"content for <{element}> contains a sequence that would end it early")
    return content


def inline_bindings(js: str) -> tuple[str, str]:
    """The bindings module without its `export` statements, and the init function's name."""
    m = re.search(r"^export default (\w+);\s*$", js, flags=re.M)
    if m:
        init = m.group(1)
        js = js[: m.start()] + js[m.end():]
    else:
        m = re.search(r"^export \{([^}]*)\};\s*$", js, flags=re.M)
        names = [n.strip() for n in m.group(1).split(",")] if m else []
        found = [n.split(" as ")[0].strip() for n in names if n.endswith(" as default")]
        if len(found) != 1:
            raise BuildError("cannot find the default export (init) of the wasm-bindgen module")
        init = found[0]
    js = re.sub(r"^export \{[^}]*\};\s*$", "", js, flags=re.M)
    js = re.sub(r"^export (?=(async )?function |class |const |let )", "", js, flags=re.M)
    if re.search(r"^\s*(import|export)\b", js, flags=re.M):
        raise BuildError("the wasm-bindgen module has imports or exports left; cannot inline it")
    return js, init


def build(dist: pathlib.Path) -> str:
    page = (dist / "index.html").read_text(encoding="utf-8")

    # The stylesheet.
    css_tag = re.search(r'<link rel="stylesheet"[^>]*>', page)
    if not css_tag:
        raise BuildError("no stylesheet link in index.html")
    css = raw_text(local_file(dist, attr(css_tag.group(0), "href")).read_text("utf-8"), "style")
    page = sub_once(re.escape(css_tag.group(0)), lambda _: f"<style>{css}</style>", page, "stylesheet link")

    # Module preloads of the files inlined below: pointless in one file.
    page, n = re.subn(r'<link rel="modulepreload" href="[^"]*">\s*', "", page)
    if n != 2:
        raise BuildError(f"expected the 2 module preloads of Trunk.toml's pattern_preload, found {n}")

    # The loader: bindings + wasm bytes + start-up, as one inline module script.
    tag = re.search(r'<script type="module" src="[^"]*loader-[0-9a-f]+\.js"[^>]*></script>', page)
    if not tag:
        raise BuildError("no loader script tag in index.html (Trunk.toml pattern_script)")
    bindings, init = inline_bindings(
        local_file(dist, attr(tag.group(0), "data-js")).read_text("utf-8")
    )
    wasm_js = local_file(dist, attr(tag.group(0), "data-wasm")).read_text("ascii").strip()
    m = re.fullmatch(r'export default "([A-Za-z0-9+/=]*)";', wasm_js)
    if not m:
        raise BuildError("the wasm module is not `export default \"<base64 of gzip>\";`")
    script = raw_text(
        bindings
        + "\n// pullfix: start-up (web/loader.js, inlined by scripts/single_file.py)\n{\n"
        + f'  const b64 = "{m.group(1)}";\n'
        + '  const packed = typeof Uint8Array.fromBase64 === "function"\n'
        + "    ? Uint8Array.fromBase64(b64)\n"
        + "    : Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));\n"
        + '  const inflate = new DecompressionStream("gzip");\n'
        + "  const writer = inflate.writable.getWriter();\n"
        + "  Promise.all([writer.write(packed), writer.close()]).catch(() => {});\n"
        + "  const inflated = inflate.readable;\n"
        + f"  const instance = await {init}({{\n"
        + '    module_or_path: new Response(inflated, { headers: { "Content-Type": "application/wasm" } }),\n'
        + "  });\n"
        + '  dispatchEvent(new CustomEvent("TrunkApplicationStarted", { detail: { wasm: instance } }));\n'
        + "}\n",
        "script",
    )
    page = sub_once(
        re.escape(tag.group(0)), lambda _: f'<script type="module">{script}</script>', page, "loader tag"
    )

    # The policy: exactly these two inline elements.
    policy = CSP.format(script=sha256(script), style=sha256(css))
    page = sub_once(
        r'<meta http-equiv="Content-Security-Policy" content="[^"]*">',
        lambda _: f'<meta http-equiv="Content-Security-Policy" content="{html.escape(policy, quote=False)}">',
        page,
        "Content-Security-Policy meta",
    )
    leftover = re.findall(r'(?:src|href)="\./[^"]*"', page)
    if leftover:
        raise BuildError(f"references to other files left in the single file: {leftover}")
    return page


def main() -> int:
    dist = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "dist")
    try:
        page = build(dist)
    except (BuildError, OSError) as e:
        print(f"single_file.py: {e}", file=sys.stderr)
        return 1
    (dist / "pullfix.html").write_text(page, encoding="utf-8")
    print(f"single_file.py: wrote {dist / 'pullfix.html'} ({len(page.encode()) // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
