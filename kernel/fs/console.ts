// kernel/fs/console.ts — the host console as fds 0, 1 and 2 of the first task.
// stat() and the terminal ioctls answer according to what the host has on the other end (a
// terminal, a pipe, a file), the way a process launched by qemu-user on the same host sees it,
// so a program's buffering decisions (isatty, st_blksize) match. The real tty with a line
// discipline replaces this for `umwasm boot` (issue 5).

import type { HostPort, ConsoleKind } from "../host_port";
import { File, FileOps, Kstat, IoctlAccess, S_IFCHR, S_IFIFO, S_IFREG } from "./file";
import { ENOTTY, EINVAL, EBADF } from "../errno";

export const TCGETS = 0x5401;
export const TIOCGWINSZ = 0x5413;

/** The termios a fresh Linux tty reports (tty_std_termios: B38400, 8N1, ICANON|ECHO...). */
function std_termios(): Uint8Array {
  const b = new Uint8Array(36); // struct termios on riscv64: 4 flags, c_line, c_cc[19]
  const dv = new DataView(b.buffer);
  dv.setUint32(0, 0o002400, true); // c_iflag: ICRNL | IXON
  dv.setUint32(4, 0o000005, true); // c_oflag: OPOST | ONLCR
  dv.setUint32(8, 0o000277, true); // c_cflag: B38400 | CS8 | CREAD
  dv.setUint32(12, 0o105073, true); // c_lflag: ISIG|ICANON|ECHO|ECHOE|ECHOK|ECHOCTL|ECHOKE|IEXTEN
  const cc = [3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0, 0, 0];
  b.set(cc, 17);
  return b;
}

export class ConsoleOps implements FileOps {
  constructor(private readonly port: HostPort, private readonly fd: 0 | 1 | 2) {}

  private kind(): ConsoleKind {
    return this.port.console_kind(this.fd);
  }

  read(_file: File, max: number): Uint8Array | number {
    if (this.fd !== 0) return -EBADF;
    return this.port.console_read(max) ?? new Uint8Array(0);
  }

  write(_file: File, data: Uint8Array): number {
    // A terminal opened on fd 0 is read-write on Linux; a pipe or file on fd 0 is read-only.
    const out: 1 | 2 = this.fd === 2 ? 2 : 1;
    if (this.fd === 0 && this.kind() !== "tty") return -EBADF;
    this.port.console_write(out, data);
    return data.length;
  }

  ioctl(_file: File, cmd: number, arg: bigint, io: IoctlAccess): number {
    if (this.kind() !== "tty") return -ENOTTY;
    switch (cmd) {
      case TCGETS:
        return io.write(arg, std_termios()) ? 0 : -14;
      case TIOCGWINSZ: {
        const ws = new Uint8Array(8);
        const dv = new DataView(ws.buffer);
        dv.setUint16(0, 24, true);
        dv.setUint16(2, 80, true);
        return io.write(arg, ws) ? 0 : -14;
      }
    }
    return -EINVAL;
  }

  getattr(_file: File): Kstat {
    const kind = this.kind();
    const base: Kstat = {
      dev: 0n, ino: BigInt(this.fd + 3), mode: 0, nlink: 1, uid: 0, gid: 0, rdev: 0n, size: 0n,
      blksize: 4096, blocks: 0n, atime_ns: 0n, mtime_ns: 0n, ctime_ns: 0n,
    };
    switch (kind) {
      case "tty":
        return { ...base, dev: 0x18n, mode: S_IFCHR | 0o620, rdev: 0x8800n, blksize: 1024, gid: 5 };
      case "pipe":
        return { ...base, dev: 0xdn, mode: S_IFIFO | 0o600 };
      case "file":
        return { ...base, dev: 0x801n, mode: S_IFREG | 0o644 };
      default:
        return { ...base, dev: 0x5n, mode: S_IFCHR | 0o666, rdev: 0x103n };
    }
  }
}

export function console_files(port: HostPort): File[] {
  return [0, 1, 2].map((fd) => new File(new ConsoleOps(port, fd as 0 | 1 | 2), fd === 0 ? 0 : 1));
}
