// Starts the page: imports the wasm-bindgen bindings and the wasm (a same-origin JS module
// holding the gzip-compressed bytes as base64, written by scripts/wasm_module.py), inflates
// it with DecompressionStream and instantiates it while it streams in. No fetch(): the
// Content-Security-Policy forbids every connection (connect-src 'none').
// Trunk puts the file names into this script tag's data attributes (Trunk.toml pattern_script).
// scripts/single_file.py inlines the same steps into dist/pullfix.html. The performance marks
// are for scripts/bench-web.sh (start-up breakdown).
const tag = document.querySelector("script[data-wasm]");
const base64ToBytes = (b64) => {
  if (typeof Uint8Array.fromBase64 === "function") return Uint8Array.fromBase64(b64);
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
};
const [bindings, packed] = await Promise.all([import(tag.dataset.js), import(tag.dataset.wasm)]);
performance.mark("pullfix:modules-loaded");
const inflated = new Blob([base64ToBytes(packed.default)]).stream().pipeThrough(new DecompressionStream("gzip"));
const wasm = await bindings.default({
  module_or_path: new Response(inflated, { headers: { "Content-Type": "application/wasm" } }),
});
performance.mark("pullfix:started");
dispatchEvent(new CustomEvent("TrunkApplicationStarted", { detail: { wasm } }));
