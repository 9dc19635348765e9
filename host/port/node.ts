// host/port/node.ts — the HostPort on Node: the real clocks, the process's stdio, entropy
// from the OS (or, with a seed, a deterministic stream so a rerun is bit-identical), and the
// host's files for hostfs (node_hostfs.ts).

import * as fs from "node:fs";
import * as tty from "node:tty";
import { randomFillSync } from "node:crypto";
import type { HostPort, ConsoleKind } from "../../kernel/host_port";
import { NodeHostFs } from "./node_hostfs";

export interface NodePortOptions {
  /** Seed for the entropy source; absent means OS randomness. */
  seed?: bigint;
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/** Retry a synchronous fd operation that a non-blocking descriptor refused with EAGAIN. */
function retryAgain<T>(op: () => T): T {
  for (;;) {
    try {
      return op();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EAGAIN") throw e;
      Atomics.wait(sleepCell, 0, 0, 1);
    }
  }
}

export class NodePort implements HostPort {
  private readonly t0 = process.hrtime.bigint();
  private readonly epoch0 = BigInt(Date.now()) * 1_000_000n;
  private seedState: bigint | null;
  private readonly kinds = new Map<number, ConsoleKind>();
  /** The host's files, for hostfs. */
  readonly hostfs = new NodeHostFs();

  constructor(opts: NodePortOptions = {}) {
    this.seedState = opts.seed ?? null;
  }

  realtime_ns(): bigint {
    return this.epoch0 + (process.hrtime.bigint() - this.t0);
  }

  monotonic_ns(): bigint {
    return process.hrtime.bigint() - this.t0;
  }

  entropy(buf: Uint8Array): void {
    if (this.seedState === null) {
      randomFillSync(buf);
      return;
    }
    // splitmix64 over the seed: the same --seed gives the guest the same bytes.
    for (let i = 0; i < buf.length; i += 8) {
      this.seedState = BigInt.asUintN(64, this.seedState + 0x9e3779b97f4a7c15n);
      let z = this.seedState;
      z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
      z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
      z ^= z >> 31n;
      for (let j = i; j < Math.min(i + 8, buf.length); j++, z >>= 8n) buf[j] = Number(z & 0xffn);
    }
  }

  console_write(fd: 1 | 2, bytes: Uint8Array): void {
    for (let off = 0; off < bytes.length;) {
      off += retryAgain(() => fs.writeSync(fd, bytes, off, bytes.length - off));
    }
  }

  console_read(max: number): Uint8Array | null {
    const buf = Buffer.alloc(Math.min(max, 1 << 16));
    let n: number;
    try {
      n = retryAgain(() => fs.readSync(0, buf, 0, buf.length, null));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EOF") return null;
      throw e;
    }
    return n === 0 ? null : new Uint8Array(buf.buffer, buf.byteOffset, n);
  }

  console_kind(fd: 0 | 1 | 2): ConsoleKind {
    let kind = this.kinds.get(fd);
    if (kind) return kind;
    try {
      const st = fs.fstatSync(fd);
      if (tty.isatty(fd)) kind = "tty";
      else if (st.isFIFO() || st.isSocket()) kind = "pipe";
      else if (st.isFile()) kind = "file";
      else kind = "null";
    } catch {
      kind = "null";
    }
    this.kinds.set(fd, kind);
    return kind;
  }

  sleep_until(deadline_ns: bigint): void {
    for (;;) {
      const left = deadline_ns - this.monotonic_ns();
      if (left <= 0n) return;
      Atomics.wait(sleepCell, 0, 0, Math.max(1, Math.ceil(Number(left) / 1e6)));
    }
  }

  log(line: string): void {
    this.console_write(2, new TextEncoder().encode(line + "\n"));
  }
}
