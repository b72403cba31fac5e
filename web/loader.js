// Starts the page: imports the wasm-bindgen bindings and the wasm bytes (a same-origin JS
// module written by scripts/wasm_module.py), then instantiates the wasm from memory.
// No fetch(): the Content-Security-Policy forbids every connection (connect-src 'none').
// Trunk puts the file names into this script tag's data attributes (Trunk.toml pattern_script).
const tag = document.querySelector("script[data-wasm]");
const base64ToBytes = (b64) => {
  if (typeof Uint8Array.fromBase64 === "function") return Uint8Array.fromBase64(b64);
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
};
const [bindings, wasmModule] = await Promise.all([
  import(tag.dataset.js),
  import(tag.dataset.wasm),
]);
const wasm = await bindings.default({ module_or_path: base64ToBytes(wasmModule.default) });
dispatchEvent(new CustomEvent("TrunkApplicationStarted", { detail: { wasm } }));
