// Starts the page: imports the wasm-bindgen bindings and the wasm (a same-origin JS module
// holding the gzip-compressed bytes as base64, written by scripts/wasm_module.py), inflates
// it with DecompressionStream and instantiates it while it streams in. No fetch(): the
// Content-Security-Policy forbids every connection (connect-src 'none').
// The imports are static, so the browser loads all three modules as one graph before this
// one runs (a dynamic import() costs a round of tasks after it). Their file names change with
// every build: scripts/wasm_module.py, Trunk's post_build hook, writes them in and names this
// file after its contents (loader-<hash>.js), so a cached loader never meets another build's
// files. scripts/single_file.py inlines the same steps into dist/pullfix.html. The
// performance marks are for scripts/bench-web.sh (start-up breakdown).
import init from "./PULLFIX_BINDINGS_JS";
import packed from "./PULLFIX_WASM_JS";

const base64ToBytes = (b64) => {
  if (typeof Uint8Array.fromBase64 === "function") return Uint8Array.fromBase64(b64);
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
};
performance.mark("pullfix:modules-loaded");
// The whole payload in one write: half the time of Blob.stream()'s small chunks.
const inflate = new DecompressionStream("gzip");
const writer = inflate.writable.getWriter();
// A corrupt payload errors inflate.readable, and so the instantiation below.
Promise.all([writer.write(base64ToBytes(packed)), writer.close()]).catch(() => {});
const inflated = inflate.readable;
const wasm = await init({
  module_or_path: new Response(inflated, { headers: { "Content-Type": "application/wasm" } }),
});
performance.mark("pullfix:started");
dispatchEvent(new CustomEvent("TrunkApplicationStarted", { detail: { wasm } }));
