#!/usr/bin/env python3
"""Where the web page's wasm bytes go: a size report for shrinking work (not a test).

    scripts/wasm-size.sh            builds the page's wasm as Trunk does, then prints this

Prints the sections of the optimized wasm (raw and gzip -9), and, from the names in the
un-optimized cargo output, the code bytes per crate and per pullfix module (shallow sizes
before wasm-opt: good for comparing, not absolute). Needs no tool beyond python3.
"""
import collections
import gzip
import re
import sys

SECTIONS = {0: "custom", 1: "type", 2: "import", 3: "func", 4: "table", 5: "memory", 6: "global",
            7: "export", 8: "start", 9: "elem", 10: "code", 11: "data", 12: "datacount"}


def leb(data: bytes, i: int) -> tuple[int, int]:
    """Reads an unsigned LEB128 at i: (value, next index)."""
    value = shift = 0
    while True:
        b = data[i]
        i += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return value, i


def sections(data: bytes):
    """Yields (name, body) for each section of a wasm module."""
    i = 8
    while i < len(data):
        sid = data[i]
        size, j = leb(data, i + 1)
        body = data[j:j + size]
        name = SECTIONS.get(sid, str(sid))
        if sid == 0:
            n, k = leb(body, 0)
            name = "custom:" + body[k:k + n].decode("utf-8", "replace")
        yield name, body
        i = j + size


def function_names(data: bytes) -> dict[int, str]:
    """The `name` section's function names: index -> name."""
    for name, body in sections(data):
        if name != "custom:name":
            continue
        n, i = leb(body, 0)
        i += n
        while i < len(body):
            kind = body[i]
            size, j = leb(body, i + 1)
            if kind == 1:
                count, k = leb(body, j)
                names = {}
                for _ in range(count):
                    idx, k = leb(body, k)
                    ln, k = leb(body, k)
                    names[idx] = body[k:k + ln].decode("utf-8", "replace")
                    k += ln
                return names
            i = j + size
    return {}


def function_sizes(data: bytes) -> dict[int, int]:
    """Code bytes per function index (imports come first in the index space)."""
    imported = 0
    sizes = {}
    for name, body in sections(data):
        if name == "import":
            count, i = leb(body, 0)
            for _ in range(count):
                for _ in range(2):
                    n, i = leb(body, i)
                    i += n
                kind = body[i]
                i += 1
                if kind == 0:
                    imported += 1
                    _, i = leb(body, i)
                elif kind == 1:
                    i += 1
                    flags, i = leb(body, i)
                    _, i = leb(body, i)
                    if flags & 1:
                        _, i = leb(body, i)
                elif kind == 2:
                    flags, i = leb(body, i)
                    _, i = leb(body, i)
                    if flags & 1:
                        _, i = leb(body, i)
                elif kind == 3:
                    i += 2
                else:
                    _, i = leb(body, i)
        if name == "code":
            count, i = leb(body, 0)
            for n in range(count):
                size, j = leb(body, i)
                sizes[imported + n] = j - i + size
                i = j + size
    return sizes


LEGACY_ESCAPES = {"$LT$": "<", "$GT$": ">", "$RF$": "&", "$BP$": "*", "$u20$": " ", "$C$": ",",
                  "$u27$": "'", "$u5b$": "[", "$u5d$": "]", "$u7b$": "{", "$u7d$": "}", "$u7e$": "~",
                  "$SP$": "@", "..": "::"}


def demangle(name: str) -> str:
    """Rust's legacy `_ZN...E` symbols as paths; v0 `_R` symbols reduced to their crate."""
    if name.startswith("_ZN"):
        parts, i = [], 3
        while i < len(name) and name[i].isdigit():
            j = i
            while name[j].isdigit():
                j += 1
            n = int(name[i:j])
            parts.append(name[j:j + n])
            i = j + n
        if parts and re.fullmatch(r"h[0-9a-f]{16}", parts[-1]):
            parts.pop()
        text = "::".join(p[1:] if p.startswith("_$") else p for p in parts)
        for k, v in LEGACY_ESCAPES.items():
            text = text.replace(k, v)
        return text
    if name.startswith("_R"):
        m = re.search(r"C(?:s[0-9A-Za-z_]*_)?(\d+)([a-z_][a-z_0-9]*)", name)
        if m:
            n = int(m.group(1))
            return m.group(2)[:n] + "::" + name
    return name


def crate_of(name: str) -> str:
    m = re.match(r"^<?&?(?:mut )?(?:dyn )?([a-z_][a-z_0-9]*)(?:\[[0-9a-f]+\])?::", name)
    if not m:
        m = re.search(r"([a-z_][a-z_0-9]*)(?:\[[0-9a-f]+\])?::", name)
    return m.group(1) if m else "(other)"


def main() -> int:
    optimized, unoptimized = sys.argv[1], sys.argv[2]
    data = open(optimized, "rb").read()
    print(f"optimized wasm {optimized}: {len(data) / 1024:.1f} KiB raw, {len(gzip.compress(data, 9)) / 1024:.1f} KiB gzip -9")
    for name, body in sections(data):
        if len(body) > 1024:
            print(f"  {name:24} {len(body) / 1024:8.1f} KiB raw {len(gzip.compress(body, 9)) / 1024:8.1f} KiB gzip")
    raw = open(unoptimized, "rb").read()
    names, sizes = function_names(raw), function_sizes(raw)
    crates, modules, biggest = collections.Counter(), collections.Counter(), []
    for idx, size in sizes.items():
        name = demangle(names.get(idx, "?"))
        if "wbindgen_describe" in name or "WasmDescribe>::describe" in name:
            continue  # wasm-bindgen's build-time descriptors: removed from the page's wasm
        crates[crate_of(name)] += size
        m = re.search(r"(pullfix_(?:web|core)::[a-z_0-9]+(?:::[a-z_0-9]+)?)", name)
        if m:
            modules[m.group(1)] += size
        biggest.append((size, name))
    total = sum(crates.values())
    print(f"\ncode per crate (un-optimized, {total / 1024:.1f} KiB):")
    for crate, size in crates.most_common(20):
        print(f"  {size / 1024:8.1f} KiB {100 * size / total:5.1f} %  {crate}")
    print("\ncode per pullfix module:")
    for module, size in modules.most_common(25):
        print(f"  {size / 1024:8.1f} KiB  {module}")
    print("\nbiggest functions:")
    for size, name in sorted(biggest, reverse=True)[:25]:
        print(f"  {size / 1024:8.1f} KiB  {name[:140]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
