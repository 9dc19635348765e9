// The default image's userland (userland/src/{sh,tools}) built natively with gcc and compared
// with the host's coreutils, procps and bash by tests/userland/native.sh, which also smoke-tests
// the riscv64 builds under qemu-riscv64-static. The script skips itself when gcc is missing.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const script = fileURLToPath(new URL("./native.sh", import.meta.url));
const haveBash = spawnSync("bash", ["-c", "true"]).status === 0;

describe.skipIf(!haveBash)("userland (native build vs host tools)", () => {
  it("matches the host's coreutils, procps and bash", () => {
    const r = spawnSync("bash", [script], { encoding: "utf8", timeout: 240_000 });
    if (r.status !== 0) console.log(r.stdout, r.stderr);
    expect(r.status).toBe(0);
  }, 300_000);
});
