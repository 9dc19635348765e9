// Compiles a small AssemblyScript entry file for a unit test and instantiates it.
// Lets a test exercise one core file (softfloat, the RVC expander, ...) without the whole kernel.
import asc from "assemblyscript/asc";

export interface CompiledModule {
  exports: Record<string, any>;
  memory: WebAssembly.Memory;
}

/** Compiles `entry` (a path relative to the repository root) with the debug options and instantiates it. */
export async function compileAS(entry: string, extraArgs: string[] = []): Promise<CompiledModule> {
  let binary: Uint8Array | null = null;
  const stderr: string[] = [];
  const { error } = await asc.main(
    [entry, "--runtime", "stub", "--optimizeLevel", "2", "--outFile", "out.wasm", ...extraArgs],
    {
      writeFile(name: string, contents: Uint8Array | string) {
        if (name.endsWith(".wasm")) binary = contents as Uint8Array;
      },
      stderr: { write(s: string | Uint8Array) { stderr.push(String(s)); return true; } } as any,
      stdout: { write() { return true; } } as any,
    },
  );
  if (error || !binary) throw new Error(`asc ${entry} failed: ${error}\n${stderr.join("")}`);
  const { instance } = await WebAssembly.instantiate(binary, {
    env: {
      abort(_msg: number, _file: number, line: number, col: number) {
        throw new Error(`abort in ${entry} at ${line}:${col}`);
      },
      // The page cache's fill callback (mm/filemap.ts): these tests map no non-shmem file.
      filemap_read_folio(): number {
        throw new Error(`${entry} read a file page through the kernel, which unit tests do not provide`);
      },
    },
  });
  const exports = instance.exports as Record<string, any>;
  return { exports, memory: exports.memory as WebAssembly.Memory };
}
