// tests/helpers/tiny_guest.ts — boot a kernel on a quiet, deterministic host port and spawn
// tiny hand-assembled guests (rvgen's encoder and minimal ELF writer) under ptrace control.
// For the ptrace, decoder and executor suites: each guest is a few instructions whose every
// register the test sets and reads through the ptrace interface.

import type { HostPort, ConsoleKind } from "../../kernel/host_port";
import { Kernel } from "../../kernel/kernel";
import type { Task } from "../../kernel/task";
import { loadCore } from "../../host/core";
import { Ptrace } from "../../host/arch/um/ptrace";
import type { Insn } from "../differential/rvgen/encode";
import { writeElf, dataVaddrFor, ELF_TEXT_VADDR } from "../differential/rvgen/elf_writer";

/** A HostPort with fixed clocks and entropy that keeps console output and log lines. */
export class TestPort implements HostPort {
  readonly out: number[] = [];
  readonly err: number[] = [];
  readonly logs: string[] = [];
  private t = 0n;
  realtime_ns(): bigint {
    return 1_700_000_000_000_000_000n + this.monotonic_ns();
  }
  monotonic_ns(): bigint {
    this.t += 1000n;
    return this.t;
  }
  entropy(buf: Uint8Array): void {
    for (let i = 0; i < buf.length; i++) buf[i] = (i * 37 + 11) & 0xff;
  }
  console_write(fd: 1 | 2, bytes: Uint8Array): void {
    (fd === 1 ? this.out : this.err).push(...bytes);
  }
  console_read(): Uint8Array | null {
    return null;
  }
  console_kind(): ConsoleKind {
    return "pipe";
  }
  log(line: string): void {
    this.logs.push(line);
  }
  sleep_until(deadline_ns: bigint): void {
    if (deadline_ns > this.t) this.t = deadline_ns; // a virtual clock: jump there
  }
  stdout(): string {
    return new TextDecoder().decode(new Uint8Array(this.out));
  }
}

export function bootTestKernel(cmdline = "mem=16M"): { kernel: Kernel; port: TestPort } {
  const port = new TestPort();
  return { kernel: Kernel.boot(port, loadCore(), cmdline), port };
}

/** The bytes of a sequence of instructions, little-endian, 2 or 4 bytes each. */
export function assemble(insns: readonly Insn[]): Uint8Array {
  const out: number[] = [];
  for (const i of insns) {
    out.push(i.bits & 0xff, (i.bits >>> 8) & 0xff);
    if (i.size === 4) out.push((i.bits >>> 16) & 0xff, (i.bits >>> 24) & 0xff);
  }
  return new Uint8Array(out);
}

export interface TinyGuest {
  task: Task;
  pt: Ptrace;
  /** Address of the first byte of text (the entry point unless entryOffset was given). */
  text: bigint;
  /** Address of the read-write data segment. */
  data: bigint;
}

/** Spawn a program whose text is insns (or raw bytes) at ELF_TEXT_VADDR and whose R+W data
 *  segment holds data (at least one page), stopped before its first instruction. */
export function spawnTiny(kernel: Kernel, text: readonly Insn[] | Uint8Array,
  opts: { data?: Uint8Array; entryOffset?: number } = {}): TinyGuest {
  const bytes = text instanceof Uint8Array ? text : assemble(text);
  const data = opts.data ?? new Uint8Array(4096);
  const elf = writeElf({ entry: ELF_TEXT_VADDR + (opts.entryOffset ?? 0), text: bytes, data });
  const task = kernel.spawn({ file: elf, filename: "tiny", exe: "/tiny", argv: ["tiny"], envp: [] });
  if ("errno" in task) throw new Error(`spawn failed: ${task.message}`);
  return { task, pt: new Ptrace(kernel, task), text: BigInt(ELF_TEXT_VADDR), data: BigInt(dataVaddrFor(bytes.length)) };
}
