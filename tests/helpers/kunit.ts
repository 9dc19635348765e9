// Compiles an AssemblyScript entry as the kunit build does (asconfig target "kunit" plus the
// KUnit transform) and returns the module, for tests that need a kunit build of their own.
import asc from "assemblyscript/asc";
import * as fs from "node:fs";

export async function compileKunit(entry: string): Promise<WebAssembly.Module> {
  let binary: Uint8Array | null = null;
  const stderr: string[] = [];
  const { error } = await asc.main(
    [entry, "--target", "kunit", "--transform", "./scripts/kunit_transform.mjs", "--outFile", "out.wasm"],
    {
      writeFile(name: string, contents: Uint8Array | string) {
        if (name.endsWith(".wasm")) binary = contents as Uint8Array;
      },
      stderr: { write(s: string | Uint8Array) { stderr.push(String(s)); return true; } } as any,
      stdout: { write() { return true; } } as any,
    },
  );
  if (error || !binary) throw new Error(`asc ${entry} failed: ${error}\n${stderr.join("")}`);
  return new WebAssembly.Module(binary);
}

/** build/umwasm.kunit.wasm when `npm run build` made it, else a fresh compile of the suites. */
export async function loadKunitBuild(): Promise<WebAssembly.Module> {
  const built = "build/umwasm.kunit.wasm";
  if (fs.existsSync(built)) return new WebAssembly.Module(fs.readFileSync(built));
  return compileKunit("assembly/kunit/entry.ts");
}
