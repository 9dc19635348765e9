// kernel/fs/page_cache.test.ts — the page cache's bookkeeping seen from the kernel: tmpfs file
// bytes live in core frames, unlinking the last name of a closed file frees them, and a
// process that maps, truncates, punches and forks over files gives every frame back.
import { describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { bootTestKernel } from "../../tests/helpers/tiny_guest";
import { ShmemFileData } from "./page_cache";
import { O_CREAT, O_RDWR } from "./file";

const here = path.dirname(fileURLToPath(import.meta.url));
const FILEMAP = path.join(here, "../../userland/images/tests/filemap");

describe("page cache", () => {
  it("keeps tmpfs bytes in core frames and frees them when the inode goes", () => {
    const { kernel } = bootTestKernel();
    const vfs = kernel.fs.vfs;
    const root = vfs.root_path();
    const ws = { root, start: () => root, cred: { uid: 0, gid: 0 } };
    const before = kernel.machine.nrFreePages();
    const f = vfs.do_filp_open(ws, "/tmp/pc", { open_flag: O_RDWR | O_CREAT, acc_mode: 6, lookup_flags: 0, mode: 0o100600 });
    if (typeof f === "number") throw new Error(`open: ${f}`);
    const data = f.inode!.data!;
    expect(data).toBeInstanceOf(ShmemFileData);
    expect(data.write(0, new Uint8Array(3 * 4096 + 1).fill(7))).toBe(3 * 4096 + 1);
    expect(kernel.machine.nrFreePages()).toBe(before - 4);
    expect(Array.from(data.read(3 * 4096 - 1, 8))).toEqual([7, 7]);
    expect(data.truncate(4096)).toBe(0);
    expect(kernel.machine.nrFreePages()).toBe(before - 1);
    expect(vfs.vfs_unlink(ws, "/tmp/pc")).toBe(0);
    expect(kernel.machine.nrFreePages()).toBe(before - 1); // still open
    vfs.fput(f);
    expect(kernel.machine.nrFreePages()).toBe(before);
  });

  it.skipIf(!fs.existsSync(FILEMAP))("gives back every frame after the filemap program", () => {
    const { kernel, port } = bootTestKernel("mem=32M");
    const elf = new Uint8Array(fs.readFileSync(FILEMAP));
    const run = () => {
      const task = kernel.spawn({ file: elf, filename: "filemap", exe: "/filemap", argv: ["filemap"], envp: [] });
      if ("errno" in task) throw new Error(task.message);
      expect(kernel.run(task)).toEqual({ kind: "exited", code: 0 });
    };
    run(); // the first run warms up caches that stay (decode pages, slab records)
    const baseline = kernel.machine.nrFreePages();
    run();
    expect(kernel.machine.nrFreePages()).toBe(baseline);
    expect(port.stdout()).toContain("unlinked, closed, mapped: tmpfs bytes");
  });
});
