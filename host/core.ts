// host/core.ts — find and compile the wasm core (build/umwasm.wasm) on Node.
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const cache = new Map<string, WebAssembly.Module>();

/** The compiled core: the release build, or the DEBUG_VM build when debug is set. */
export function loadCore(debug = false): WebAssembly.Module {
  const name = debug ? "umwasm.debug.wasm" : "umwasm.wasm";
  const hit = cache.get(name);
  if (hit) return hit;
  const here = path.dirname(fileURLToPath(import.meta.url));
  // Bundled: build/umwasm.mjs sits beside the wasm. From sources: host/ is one level down.
  const candidates = [path.join(here, name), path.join(here, "..", "build", name)];
  for (const p of candidates) {
    if (fs.existsSync(p)) {
      const mod = new WebAssembly.Module(fs.readFileSync(p));
      cache.set(name, mod);
      return mod;
    }
  }
  throw new Error(`umwasm: cannot find ${name} (looked in ${candidates.join(", ")}); run npm run build`);
}
