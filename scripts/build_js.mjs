// Bundles the TypeScript kernel and host into single ESM files for Node with esbuild.
// The wasm core is not inlined: build/umwasm.wasm sits beside the bundle and the host loads it.
import { build } from "esbuild";

const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: "linked",
  logLevel: "warning",
};

await build({
  ...common,
  entryPoints: ["host/cli/main.ts"],
  outfile: "build/umwasm.mjs",
  banner: { js: "#!/usr/bin/env node" },
});
await build({ ...common, entryPoints: ["bench/run.ts"], outfile: "build/bench.mjs" });
