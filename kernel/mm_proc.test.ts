// kernel/mm_proc.test.ts — the mm's /proc files and sysfs's THP settings on a booted kernel with
// a tiny guest: smaps counters after faults and fork, smaps_rollup's sums, status/statm against
// the same counters, meminfo's field list and arithmetic, vm.max_map_count written and enforced,
// and /sys/kernel/mm/transparent_hugepage as a THP=never kernel shows it.
import { describe, it, expect, beforeEach } from "vitest";
import { bootTestKernel, spawnTiny } from "../tests/helpers/tiny_guest";
import type { Kernel } from "./kernel";
import type { Task } from "./task";
import { raw_syscall } from "../tests/helpers/syscall";
import { EINVAL, ENOMEM, ERANGE } from "./errno";
import { TASK_SIZE } from "./exec_stack";
import { proc_pid_smaps, proc_pid_smaps_rollup, proc_status_mm, proc_pid_statm, proc_meminfo, mm_smaps } from "./mm_proc";

const O_RDONLY = 0, O_WRONLY = 1, AT_FDCWD = -100;
const PROT_READ = 1, PROT_WRITE = 2, MAP_PRIVATE = 2, MAP_ANONYMOUS = 0x20;
const PG = 4096n;

let k: Kernel;
let t: Task;
let mem: bigint;
const enc = new TextEncoder();
const dec = new TextDecoder();

function sys(name: string, ...args: (number | bigint)[]): bigint {
  return BigInt(raw_syscall(k, t, name, args) as number | bigint);
}
function str(s: string, slot = 0): bigint {
  const addr = mem + BigInt(slot * 512);
  k.machine.writeUser(t.mm, addr, enc.encode(s + "\0"));
  return addr;
}
function cat(path: string): string {
  const fd = sys("openat", AT_FDCWD, str(path, 3), O_RDONLY);
  expect(fd).toBeGreaterThanOrEqual(0n);
  let out = "";
  for (;;) {
    const r = Number(sys("read", fd, mem + 2048n, 1024));
    expect(r).toBeGreaterThanOrEqual(0);
    if (r === 0) break;
    out += dec.decode(k.machine.readUser(t.mm, mem + 2048n, r)!);
  }
  sys("close", fd);
  return out;
}
function write_file(path: string, text: string): number {
  const fd = sys("openat", AT_FDCWD, str(path, 3), O_WRONLY);
  expect(fd).toBeGreaterThanOrEqual(0n);
  k.machine.writeUser(t.mm, mem + 1536n, enc.encode(text));
  const r = Number(sys("write", fd, mem + 1536n, enc.encode(text).length));
  sys("close", fd);
  return r;
}
function mmap_anon(pages: bigint): bigint {
  const r = BigInt.asIntN(64, sys("mmap", 0, pages * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  expect(r).toBeGreaterThan(0n);
  return r;
}
/** The smaps entry of the vma starting at addr, as field → kB. */
function smaps_of(task: Task, addr: bigint): Map<string, string> {
  const text = proc_pid_smaps(k, task);
  const head = addr.toString(16).padStart(8, "0") + "-";
  const at = text.indexOf(head);
  expect(at).toBeGreaterThanOrEqual(0);
  const end = text.indexOf("VmFlags:", at);
  const m = new Map<string, string>();
  for (const line of text.slice(at, text.indexOf("\n", end)).split("\n").slice(1)) {
    const [key, ...rest] = line.split(":");
    m.set(key, rest.join(":").trim());
  }
  return m;
}

beforeEach(() => {
  k = bootTestKernel().kernel;
  const g = spawnTiny(k, new Uint8Array(8), { data: new Uint8Array(16384) });
  t = g.task;
  mem = g.data;
});

describe("smaps", () => {
  it("counts written pages, not zero-page reads, in Linux's layout", () => {
    const a = mmap_anon(8n);
    k.machine.writeUser(t.mm, a, new Uint8Array([1]));
    k.machine.writeUser(t.mm, a + PG, new Uint8Array([1]));
    expect(k.machine.readUser(t.mm, a + 2n * PG, 1)).toEqual(new Uint8Array([0])); // zero page
    const s = smaps_of(t, a);
    expect([...s.keys()]).toEqual(["Size", "KernelPageSize", "MMUPageSize", "Rss", "Pss", "Pss_Dirty",
      "Shared_Clean", "Shared_Dirty", "Private_Clean", "Private_Dirty", "Referenced", "Anonymous", "KSM",
      "LazyFree", "AnonHugePages", "ShmemPmdMapped", "FilePmdMapped", "Shared_Hugetlb", "Private_Hugetlb",
      "Swap", "SwapPss", "Locked", "THPeligible", "VmFlags"]);
    expect(s.get("Size")).toBe("32 kB");
    expect(s.get("Rss")).toBe("8 kB");
    expect(s.get("Private_Dirty")).toBe("8 kB");
    expect(s.get("THPeligible")).toBe("0");
    expect(s.get("VmFlags")).toBe("rd wr mr mw me ac");
    expect(proc_pid_smaps(k, t)).toContain(`\nRss:                   8 kB\nPss:                   8 kB\n`);
  });

  it("splits Pss among the mms sharing a page after fork, in PSS_SHIFT fixed point", () => {
    const a = mmap_anon(3n);
    for (let i = 0n; i < 3n; i++) k.machine.writeUser(t.mm, a + i * PG, new Uint8Array([1]));
    const c1 = k.machine.core.mm_dup(t.mm) >>> 0;
    const c2 = k.machine.core.mm_dup(t.mm) >>> 0;
    const v = mm_smaps(k, t.mm).find((x) => x.start === a)!;
    // Three mappers of three pages: 3 * ((4096 << 12) / 3) >> 12 = 4095 bytes.
    expect(v.mss.pss >> 12n).toBe(4095n);
    expect(v.mss.shared_dirty).toBe(3n * PG);
    const child = mm_smaps(k, c1).find((x) => x.start === a)!;
    expect(child.mss.referenced).toBe(0n); // the child's entries start old
    k.machine.mmDestroy(c1);
    k.machine.mmDestroy(c2);
    const after = mm_smaps(k, t.mm).find((x) => x.start === a)!;
    expect(after.mss.private_dirty).toBe(3n * PG);
    expect(after.mss.pss >> 12n).toBe(3n * PG);
  });

  it("smaps_rollup sums every vma under one [rollup] header", () => {
    const text = proc_pid_smaps_rollup(k, t);
    const first = text.split("\n")[0];
    expect(first).toMatch(/^[0-9a-f]{8,}-[0-9a-f]{8,} ---p 00000000 00:00 0 +\[rollup\]$/);
    expect(first.indexOf("[rollup]")).toBe(73);
    const vmas = mm_smaps(k, t.mm);
    const rss = vmas.reduce((s, v) => s + v.mss.resident, 0n);
    expect(text).toContain(`\nPss_Anon:       ${String(rss >> 10n).padStart(8, " ")} kB\n`);
    expect(text.startsWith(first + "\nRss:")).toBe(true);
  });
});

describe("status, statm and meminfo", () => {
  it("agree with the page tables", () => {
    const a = mmap_anon(4n);
    for (let i = 0n; i < 4n; i++) k.machine.writeUser(t.mm, a + i * PG, new Uint8Array([1]));
    const rss_kb = mm_smaps(k, t.mm).reduce((s, v) => s + v.mss.resident, 0n) >> 10n;
    const status = proc_status_mm(k, t);
    expect(status).toContain(`\nVmRSS:\t${String(rss_kb).padStart(8, " ")} kB\nRssAnon:\t${String(rss_kb).padStart(8, " ")} kB\n`);
    const statm = proc_pid_statm(k, t).trim().split(" ").map(BigInt);
    expect(statm.length).toBe(7);
    expect(statm[1] * 4n).toBe(rss_kb);
    sys("munmap", a, 4n * PG);
    // The peak stays in VmHWM after the pages are gone.
    expect(proc_status_mm(k, t)).toContain(`\nVmHWM:\t${String(rss_kb).padStart(8, " ")} kB\n`);
  });

  it("meminfo has the fields of a kernel without swap or hugetlb, adding up", () => {
    const text = proc_meminfo(k);
    const names = text.trim().split("\n").map((l) => l.split(":")[0]);
    expect(names).toContain("Committed_AS");
    expect(names).not.toContain("HugePages_Total");
    expect(names).not.toContain("Hugepagesize");
    expect(names[names.length - 1]).toBe("Balloon");
    const val = (n: string): number => Number(/\s(\d+) kB/.exec(text.split("\n").find((l) => l.startsWith(n + ":"))!)![1]);
    expect(val("MemTotal")).toBe((k.machine.core.mem_nr_frames() >>> 0) * 4);
    expect(val("MemFree")).toBe(k.machine.nrFreePages() * 4);
    expect(val("AnonPages")).toBeGreaterThan(0);
    expect(val("PageTables")).toBeGreaterThan(0);
    expect(val("MemFree") + val("AnonPages") + val("PageTables")).toBeLessThanOrEqual(val("MemTotal"));
  });
});

describe("vm.max_map_count", () => {
  it("takes a new limit from root and the core enforces it", () => {
    expect(write_file("/proc/sys/vm/max_map_count", "abc\n")).toBe(-EINVAL);
    expect(write_file("/proc/sys/vm/max_map_count", "-1\n")).toBe(-EINVAL);
    const count = mm_smaps(k, t.mm).length;
    expect(write_file("/proc/sys/vm/max_map_count", `${count + 1}\n`)).toBe(String(count + 1).length + 1);
    expect(cat("/proc/sys/vm/max_map_count")).toBe(`${count + 1}\n`);
    const a = mmap_anon(3n);
    // A split needing a vma beyond the limit fails.
    expect(Number(sys("mprotect", a + PG, PG, PROT_READ))).toBe(-ENOMEM);
    write_file("/proc/sys/vm/max_map_count", "65530");
    expect(Number(sys("mprotect", a + PG, PG, PROT_READ))).toBe(0);
  });
});

describe("sysfs", () => {
  it("shows transparent hugepages compiled in and set to never", () => {
    const thp = "/sys/kernel/mm/transparent_hugepage/";
    expect(cat(thp + "enabled")).toBe("always madvise [never]\n");
    expect(cat(thp + "defrag")).toBe("always defer defer+madvise [madvise] never\n");
    expect(cat(thp + "hpage_pmd_size")).toBe("2097152\n");
    expect(cat(thp + "use_zero_page")).toBe("1\n");
    expect(cat(thp + "shmem_enabled")).toBe("always within_size advise [never] deny force\n");
    expect(cat(thp + "hugepages-2048kB/enabled")).toBe("always [inherit] madvise never\n");
    expect(cat(thp + "hugepages-64kB/enabled")).toBe("always inherit madvise [never]\n");
    expect(write_file(thp + "enabled", "never\n")).toBe(6);
    expect(write_file(thp + "enabled", "always\n")).toBe(-EINVAL);
    expect(cat("/proc/mounts")).toContain("sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0\n");
  });
});

describe("pagemap and clear_refs", () => {
  /** The pagemap entry of addr read through a fresh open of /proc/self/pagemap. */
  function pagemap_entry(addr: bigint): bigint {
    const fd = sys("openat", AT_FDCWD, str("/proc/self/pagemap", 3), O_RDONLY);
    expect(fd).toBeGreaterThanOrEqual(0n);
    expect(sys("pread64", fd, mem + 2048n, 8, (addr / PG) * 8n)).toBe(8n);
    sys("close", fd);
    return new DataView(k.machine.readUser(t.mm, mem + 2048n, 8)!.buffer).getBigUint64(0, true);
  }

  it("shows the PFN to root only, the flags to everyone", () => {
    const a = mmap_anon(1n);
    k.machine.writeUser(t.mm, a, new Uint8Array([1]));
    const root = pagemap_entry(a);
    expect(root >> 55n).toBe(0x102n); // present (63) and exclusively mapped (56)
    expect(root & ((1n << 55n) - 1n)).toBeGreaterThan(0x80000n);
    t.uid = 1000;
    expect(pagemap_entry(a)).toBe(0x102n << 55n);
  });

  it("reads 0 bytes once the mm it was opened on is gone", () => {
    const fd = sys("openat", AT_FDCWD, str("/proc/self/pagemap", 3), O_RDONLY);
    const g = spawnTiny(k, new Uint8Array(8), { data: new Uint8Array(4096) });
    const old = t.mm;
    t.mm = g.task.mm; // as exec leaves it: the task now has another mm
    expect(sys("pread64", fd, mem, 8, 0)).toBe(0n);
    t.mm = old;
    expect(sys("pread64", fd, mem, 8, 0)).toBe(8n);
  });

  it("stops at TASK_SIZE", () => {
    const fd = sys("openat", AT_FDCWD, str("/proc/self/pagemap", 3), O_RDONLY);
    const last = (BigInt(TASK_SIZE) / PG - 1n) * 8n;
    expect(sys("pread64", fd, mem, 16, last)).toBe(8n);
    expect(sys("pread64", fd, mem, 16, last + 8n)).toBe(0n);
    expect(sys("pread64", fd, mem, 16, 1n << 60n)).toBe(0n);
  });

  it("clear_refs takes 12 bytes at most and Linux's kstrtoint", () => {
    expect(write_file("/proc/self/clear_refs", "5")).toBe(1);
    expect(write_file("/proc/self/clear_refs", "\t2\n")).toBe(3);
    expect(write_file("/proc/self/clear_refs", "2147483648")).toBe(-ERANGE);
    expect(write_file("/proc/self/clear_refs", "-0")).toBe(-EINVAL);
    expect(write_file("/proc/self/clear_refs", "++1")).toBe(-EINVAL);
    expect(write_file("/proc/self/clear_refs", "3" + " ".repeat(20))).toBe(12);
  });
});
