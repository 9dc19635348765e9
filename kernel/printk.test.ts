// kernel/printk.test.ts — the printk ring driven directly (levels, console filtering, open
// records, overwrite), /dev/kmsg's record format and reader semantics, and syslog(2) through
// the syscall table with Linux's errnos. Formats were checked against this machine's kernel
// (a root reader of /dev/kmsg and klogctl).
import { describe, it, expect, beforeEach } from "vitest";
import { Printk, record_print_text, KERN_INFO, KERN_ERR, KERN_NOTICE, LOGLEVEL_DEFAULT } from "./printk";
import { devkmsg_format } from "./printk_kmsg";
import { bootTestKernel, spawnTiny } from "../tests/helpers/tiny_guest";
import type { Kernel } from "./kernel";
import type { Task } from "./task";
import { raw_syscall } from "../tests/helpers/syscall";
import { ERESTARTSYS } from "./fs/wait";
import { EACCES, EAGAIN, EFAULT, EINVAL, EPERM, EPIPE, ESPIPE } from "./errno";

let clock = 0n;
const now = () => clock;

describe("printk ring", () => {
  it("numbers records, stamps them with the clock and shows the console what loglevel lets through", () => {
    const log = new Printk(now, 7);
    const shown: string[] = [];
    clock = 1_500_000n;
    log.printk(KERN_INFO, "early\n");
    log.register_console((s) => shown.push(s));
    expect(shown).toEqual(["early\n"]); // replayed at registration
    log.console_loglevel = 4;
    clock = 2_000_123_456n;
    log.printk(KERN_INFO, "hidden\n");
    log.printk(KERN_ERR, "shown\n");
    expect(shown).toEqual(["early\n", "shown\n"]);
    const r = log.read_valid(1)!;
    expect([r.seq, r.ts_nsec, r.level, r.facility, r.text]).toEqual([1, 2_000_123_456n, KERN_INFO, 0, "hidden"]);
    expect(record_print_text(r, true, true)).toBe("<6>[    2.000123] hidden\n");
    expect(record_print_text({ ...r, text: "a\nb" }, false, true)).toBe("[    2.000123] a\n[    2.000123] b\n");
    log.printk(LOGLEVEL_DEFAULT, "default level\n");
    expect(log.read_valid(3)!.level).toBe(4);
  });

  it("keeps a record without a newline from readers until the next one", () => {
    const log = new Printk(now, 7);
    log.printk(KERN_INFO, "open");
    expect(log.read_valid(0)).toBe(null);
    log.printk(KERN_INFO, "next\n");
    expect(log.read_valid(0)!.text).toBe("open");
    expect(log.read_valid(1)!.text).toBe("next");
  });

  it("drops the oldest records when the ring is full; readers skip to the oldest left", () => {
    const log = new Printk(now, 0);
    const line = "x".repeat(1000);
    for (let i = 0; i < 200; i++) log.printk(KERN_INFO, line + "\n");
    // 131072 bytes of 1008-byte blocks hold 130 records.
    expect(log.first_seq()).toBe(70);
    expect(log.read_valid(3)!.seq).toBe(70);
    expect(log.syslog_print_all(1 << 20, false).length).toBe(130 * ("<6>[    0.000000] ".length + 1001));
    // READ_ALL returns the newest records that fit, whole.
    expect(log.syslog_print_all(2500, false).split("\n").length - 1).toBe(2);
  });

  it("reads syslog READ in parts when a record is larger than the buffer", () => {
    const log = new Printk(now, 0);
    clock = 0n;
    log.printk(KERN_NOTICE, "abcdef\n");
    log.printk(KERN_NOTICE, "gh\n");
    expect(log.size_unread()).toBe(25 + 21);
    expect(log.syslog_print(10)).toBe("<5>[    0.");
    expect(log.size_unread()).toBe(25 + 21 - 10);
    expect(log.syslog_print(100)).toBe("000000] abcdef\n<5>[    0.000000] gh\n");
    expect(log.syslog_print(100)).toBe(null);
  });
});

describe("/dev/kmsg and syslog(2)", () => {
  let k: Kernel;
  let t: Task;
  let mem: bigint;
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  function sys(name: string, ...args: (number | bigint)[]): number {
    return Number(raw_syscall(k, t, name, args) as number);
  }
  function path(s: string): bigint {
    k.machine.writeUser(t.mm, mem, enc.encode(s + "\0"));
    return mem;
  }
  const BUF = () => mem + 1024n;
  function read(fd: number, n: number): string | number {
    const r = sys("read", fd, BUF(), n);
    return r < 0 ? r : dec.decode(k.machine.readUser(t.mm, BUF(), r)!);
  }
  function write(fd: number, s: string): number {
    k.machine.writeUser(t.mm, mem + 512n, enc.encode(s));
    return sys("write", fd, mem + 512n, s.length);
  }

  beforeEach(() => {
    k = bootTestKernel().kernel;
    const g = spawnTiny(k, new Uint8Array(8), { data: new Uint8Array(16384) });
    t = g.task;
    mem = g.data;
    k.printk.printk(KERN_NOTICE, "Linux version test\n");
    k.printk.printk(KERN_INFO, "second\n");
  });

  it("reads one record per read, EINVAL skips a record too big for the buffer", () => {
    const fd = sys("openat", -100, path("/dev/kmsg"), 0o4002 /* O_RDWR|O_NONBLOCK */);
    expect(fd).toBeGreaterThanOrEqual(0);
    // The kernel's own banner (seqs 0-2) comes first, then the records beforeEach logged.
    expect(read(fd, 4096)).toMatch(/^5,0,\d+,-;Linux version 6\.18\.0-umwasm /);
    expect(read(fd, 10)).toBe(-EINVAL); // seq 1 is skipped
    expect(read(fd, 4096)).toMatch(/^6,2,\d+,-;Memory: /);
    const r3 = k.printk.read_valid(3)!;
    expect(read(fd, 4096)).toBe(`5,3,${r3.ts_nsec / 1000n},-;Linux version test\n`);
    expect(read(fd, 4096)).toMatch(/^6,4,\d+,-;second\n$/);
    expect(read(fd, 4096)).toBe(-EAGAIN);
    expect(write(fd, "<14>hello\\there\nsecond line\n")).toBe(28);
    expect(read(fd, 4096)).toMatch(/^14,5,\d+,-;hello\\x5cthere\\x0asecond line\n$/);
    expect(write(fd, "plain")).toBe(5);
    expect(read(fd, 4096)).toBe(-EAGAIN); // still open to continuation
    expect(sys("lseek", fd, 0, 0)).toBe(0);
    expect(read(fd, 4096)).toMatch(/^5,0,/);
    expect(sys("lseek", fd, 5, 0)).toBe(-ESPIPE);
    expect(sys("lseek", fd, 0, 1)).toBe(-EINVAL);
    expect(sys("lseek", fd, 0, 2)).toBe(0);
    expect(read(fd, 4096)).toBe(-EAGAIN);
    const blocking = sys("openat", -100, path("/dev/kmsg"), 0);
    expect(sys("lseek", blocking, 0, 2)).toBe(0);
    expect(read(blocking, 4096)).toBe(-ERESTARTSYS); // sleeps on log_wait
    expect(t.blocked_on!.queues).toEqual([k.printk.log_wait]);
    t.blocked_on = null;
    expect(sys("syslog", 5, 0, 0)).toBe(0); // CLEAR
    k.printk.printk(KERN_INFO, "after clear\n");
    expect(sys("lseek", fd, 0, 3)).toBe(0); // SEEK_DATA: past the cleared records
    expect(read(fd, 4096)).toMatch(/^12,6,\d+,-;plain\n$/);
    expect(read(fd, 4096)).toMatch(/^6,7,\d+,-;after clear\n$/);
  });

  it("reports EPIPE once when records were overwritten under the reader", () => {
    const fd = sys("openat", -100, path("/dev/kmsg"), 0o4000);
    for (let i = 0; i < 200; i++) k.printk.printk(KERN_INFO, "y".repeat(1000) + "\n");
    expect(read(fd, 4096)).toBe(-EPIPE);
    expect(read(fd, 4096)).toMatch(new RegExp(`^6,${k.printk.first_seq()},`));
  });

  it("formats records with escapes and the continuation flag", () => {
    expect(devkmsg_format({ seq: 7, ts_nsec: 1_234_567_890n, level: 3, facility: 1, flags: 2, text: "a\tb\u00e9" }))
      .toBe("11,7,1234567,-;a\\x09b\\xe9\n");
  });

  it("answers syslog actions with Linux's errnos", () => {
    expect(sys("syslog", 10, 0, 0)).toBe(131072);
    expect(sys("syslog", 11, 0, 0)).toBe(-EINVAL);
    expect(sys("syslog", 3, 0, 10)).toBe(-EINVAL);
    expect(sys("syslog", 3, BUF(), 0)).toBe(0);
    expect(sys("syslog", 3, BUF(), -1)).toBe(-EINVAL);
    expect(sys("syslog", 3, 0x10, 100)).toBe(-EFAULT);
    expect(sys("syslog", 8, 0, 9)).toBe(-EINVAL);
    expect(sys("syslog", 8, 0, 0)).toBe(-EINVAL);
    const n = sys("syslog", 3, BUF(), 4096);
    const T = "\\[ +\\d+\\.\\d{6}\\] ";
    expect(dec.decode(k.machine.readUser(t.mm, BUF(), n)!)).toMatch(new RegExp(
      `^<5>${T}Linux version 6\\.18\\.0-umwasm .*\n<6>${T}Command line: .*\n<6>${T}Memory: .*\n` +
      `<5>${T}Linux version test\n<6>${T}second\n$`));
    expect(sys("syslog", 9, 0, 0)).toBe(n);
    expect(sys("syslog", 2, BUF(), 4096)).toBe(n);
    expect(sys("syslog", 9, 0, 0)).toBe(0);
    expect(sys("syslog", 2, BUF(), 4096)).toBe(-ERESTARTSYS); // nothing unread: it sleeps
    t.blocked_on = null;
    expect(sys("syslog", 4, BUF(), 4096)).toBe(n); // READ_CLEAR
    expect(sys("syslog", 3, BUF(), 4096)).toBe(0);
    expect(sys("syslog", 6, 0, 0)).toBe(0);
    expect(k.printk.console_loglevel).toBe(1);
    expect(sys("syslog", 7, 0, 0)).toBe(0);
    expect(k.printk.console_loglevel).toBe(7);
    t.uid = 1000;
    expect(sys("syslog", 10, 0, 0)).toBe(-EPERM); // dmesg_restrict
    expect(sys("openat", -100, path("/dev/kmsg"), 0)).toBe(-EPERM);
    expect(sys("openat", -100, path("/dev/kmsg"), 1)).toBe(-EACCES); // mode 0644, root's
  });
});
