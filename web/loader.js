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
const modules = Promise.all([import(tag.dataset.js), import(tag.dataset.wasm)]);
// The app's first render reads the remembered language from localStorage. A page's first
// storage access is a synchronous trip to the browser process (3-6 ms in a fresh profile,
// scripts/bench-web.sh); made here, it overlaps the module downloads instead of delaying
// the first render. The app reads the value again, at no cost (LANG_KEY, web/src/browser.rs).
try {
  localStorage.getItem("pullfix.lang");
} catch {
  // Storage disabled (a privacy setting): the app falls back to the browser's language.
}
const [bindings, packed] = await modules;
performance.mark("pullfix:modules-loaded");
// The whole payload in one write: half the time of Blob.stream()'s small chunks.
const inflate = new DecompressionStream("gzip");
const writer = inflate.writable.getWriter();
// A corrupt payload errors inflate.readable, and so the instantiation below.
Promise.all([writer.write(base64ToBytes(packed.default)), writer.close()]).catch(() => {});
const inflated = inflate.readable;
const wasm = await bindings.default({
  module_or_path: new Response(inflated, { headers: { "Content-Type": "application/wasm" } }),
});
performance.mark("pullfix:started");
dispatchEvent(new CustomEvent("TrunkApplicationStarted", { detail: { wasm } }));
