// kernel/tty/tty.ts — a terminal with Linux's n_tty line discipline, for the host console.
// Owns: the termios, the window size, the input queue (canonical lines or raw bytes), the
// foreground process group and session. Input arrives from the host (receive()), output goes
// to the host console after OPOST processing. Follows drivers/tty/n_tty.c and tty_io.c
// (6.18): canonical editing (ERASE, KILL, WERASE, EOF, echo with ECHOCTL as ^X), ISIG
// characters signal the foreground group (INTR→SIGINT, QUIT→SIGQUIT, SUSP→SIGTSTP), a read
// from a background process group gets SIGTTIN, TIOCSWINSZ sends SIGWINCH.
// Blocking reads return a Block on read_wait (kernel/fs/wait.ts).

import type { Kernel } from "../kernel";
import type { File, FileOps, FilePos, IoctlAccess, Kstat } from "../fs/file";
import { S_IFCHR, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, POLLHUP } from "../fs/file";
import { Block, WaitQueue } from "../fs/wait";
import { EFAULT, EINVAL, EIO, ENOTTY, EPERM, ERESTARTSYS_RETURN } from "./errors";
import {
  Termios, std_termios, termios_to_bytes, termios_from_bytes, TERMIOS_SIZE, VINTR, VQUIT, VSUSP,
  VERASE, VKILL, VWERASE, VEOF, VEOL, VEOL2, VLNEXT, ISIG, ICANON, ECHO, ECHOE, ECHOK, ECHONL,
  ECHOCTL, IEXTEN, ICRNL, INLCR, IGNCR, OPOST, ONLCR, NOFLSH, TOSTOP,
} from "./termios";
import { kill_pgrp, SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGWINCH, sigmask, SIG_IGN } from "../signal";

export const TCGETS = 0x5401, TCSETS = 0x5402, TCSETSW = 0x5403, TCSETSF = 0x5404,
  TCXONC = 0x540a, TCFLSH = 0x540b, TIOCSCTTY = 0x540e, TIOCGPGRP = 0x540f, TIOCSPGRP = 0x5410,
  TIOCOUTQ = 0x5411, TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414, FIONREAD = 0x541b,
  TIOCNOTTY = 0x5422, TIOCGSID = 0x5429;
const TCIFLUSH = 0, TCIOFLUSH = 2;
const N_TTY_BUF_SIZE = 4096;

export interface Winsize {
  rows: number;
  cols: number;
}

export class Tty implements FileOps {
  termios: Termios = std_termios();
  winsize: Winsize = { rows: 24, cols: 80 };
  /** Foreground process group and session (0: none yet). */
  pgrp = 0;
  session = 0;
  readonly read_wait = new WaitQueue();
  /** Bytes ready for read(): whole lines in canonical mode. */
  private ready: number[] = [];
  /** The line being edited (canonical mode). */
  private line: number[] = [];
  /** ^D at the start of a line: the next read returns 0 (EOF) once. */
  private eof_pending = 0;
  private lnext = false;
  /** The host has no more input (a pipe reached its end). */
  hangup = false;

  constructor(private readonly k: Kernel, readonly rdev: bigint,
              private readonly output: (bytes: Uint8Array) => void) {}

  // --- input from the host -------------------------------------------------------------
  /** Characters typed on the host side (n_tty_receive_buf). */
  receive(bytes: Uint8Array): void {
    for (const c of bytes) this.receive_char(c);
    this.read_wait.wake_up();
  }

  /** The host input ended: pending lines are readable, then reads return 0. */
  receive_eof(): void {
    this.hangup = true;
    if (this.line.length > 0) {
      this.ready.push(...this.line);
      this.line = [];
    }
    this.read_wait.wake_up();
  }

  private L(flag: number): boolean {
    return (this.termios.c_lflag & flag) !== 0;
  }

  private receive_char(c: number): void {
    const t = this.termios;
    const cc = t.c_cc;
    if (this.lnext) {
      this.lnext = false;
      this.put_input(c, true);
      return;
    }
    if (c === 13) {
      if (t.c_iflag & IGNCR) return;
      if (t.c_iflag & ICRNL) c = 10;
    } else if (c === 10 && t.c_iflag & INLCR) {
      c = 13;
    }
    if (this.L(ISIG)) {
      const sig = c === cc[VINTR] ? SIGINT : c === cc[VQUIT] ? SIGQUIT : c === cc[VSUSP] ? SIGTSTP : 0;
      if (sig && c !== 0) {
        if (!this.L(NOFLSH)) {
          this.line = [];
          this.ready = [];
        }
        this.echo_char(c);
        if (this.pgrp) kill_pgrp(this.k, this.pgrp, sig);
        return;
      }
    }
    if (this.L(ICANON)) {
      if (c === cc[VERASE] && c !== 0) {
        this.erase(1);
        return;
      }
      if (c === cc[VWERASE] && c !== 0 && this.L(IEXTEN)) {
        this.erase_word();
        return;
      }
      if (c === cc[VKILL] && c !== 0) {
        this.erase(this.line.length);
        if (this.L(ECHOK) && !this.L(ECHOE)) this.echo_bytes([10]);
        return;
      }
      if (c === cc[VLNEXT] && c !== 0 && this.L(IEXTEN)) {
        this.lnext = true;
        return;
      }
      if (c === cc[VEOF] && c !== 0) {
        // EOF completes the line without itself; at the start of a line it is end of file.
        if (this.line.length === 0) this.eof_pending++;
        this.ready.push(...this.line);
        this.line = [];
        return;
      }
      if (c === 10 || (c === cc[VEOL] && c !== 0) || (c === cc[VEOL2] && c !== 0)) {
        if (this.L(ECHO) || (c === 10 && this.L(ECHONL))) this.echo_bytes([10]);
        this.line.push(c);
        this.ready.push(...this.line);
        this.line = [];
        return;
      }
    }
    this.put_input(c, false);
  }

  private put_input(c: number, literal: boolean): void {
    if (this.ready.length + this.line.length >= N_TTY_BUF_SIZE - 1) return; // the buffer is full: drop
    if (this.L(ICANON)) this.line.push(c);
    else this.ready.push(c);
    if (this.L(ECHO)) this.echo_char(c, literal);
  }

  /** Echo c, control characters as ^X with ECHOCTL (not tab or newline). */
  private echo_char(c: number, _literal = false): void {
    if (!this.L(ECHO)) return;
    if (this.L(ECHOCTL) && (c < 32 || c === 127) && c !== 9 && c !== 10) this.echo_bytes([94, c === 127 ? 63 : c + 64]);
    else this.echo_bytes([c]);
  }

  private echo_bytes(bytes: number[]): void {
    this.out(new Uint8Array(bytes));
  }

  /** Remove n characters from the line being edited, wiping them on screen. */
  private erase(n: number): void {
    for (let i = 0; i < n && this.line.length > 0; i++) {
      const c = this.line.pop()!;
      if (!this.L(ECHO)) continue;
      const width = this.L(ECHOCTL) && (c < 32 || c === 127) && c !== 9 ? 2 : 1;
      if (this.L(ECHOE)) for (let j = 0; j < width; j++) this.echo_bytes([8, 32, 8]);
      else this.echo_char(this.termios.c_cc[VERASE]);
    }
  }

  private erase_word(): void {
    let n = 0;
    let i = this.line.length - 1;
    while (i >= 0 && (this.line[i] === 32 || this.line[i] === 9)) {
      i--;
      n++;
    }
    while (i >= 0 && this.line[i] !== 32 && this.line[i] !== 9) {
      i--;
      n++;
    }
    this.erase(n);
  }

  // --- output --------------------------------------------------------------------------
  /** Kernel messages (printk) go out like any write, through OPOST. */
  print(text: string): void {
    this.out(new TextEncoder().encode(text));
  }

  /** A printk record's bytes (the log keeps byte strings, one char per byte). */
  print_bytes(bytes: Uint8Array): void {
    this.out(bytes);
  }

  private out(bytes: Uint8Array): void {
    const t = this.termios;
    if (!(t.c_oflag & OPOST) || !(t.c_oflag & ONLCR) || !bytes.includes(10)) {
      this.output(bytes);
      return;
    }
    const o: number[] = [];
    for (const b of bytes) {
      if (b === 10) o.push(13);
      o.push(b);
    }
    this.output(new Uint8Array(o));
  }

  // --- file operations -------------------------------------------------------------------
  /** Job control: a background process group may not read (SIGTTIN) — tty_check_change(). */
  private job_control(sig: number): number {
    const t = this.k.current;
    if (!t || !this.pgrp || t.sid !== this.session || t.pgrp_of() === this.pgrp) return 0;
    const ignored = t.sighand.action[sig].handler === SIG_IGN || (t.blocked & sigmask(sig)) !== 0n;
    if (ignored) return sig === SIGTTIN ? -EIO : 0;
    kill_pgrp(this.k, t.pgrp_of(), sig);
    return ERESTARTSYS_RETURN;
  }

  /** n_tty_poll: readable with a line (or any byte in raw mode), at EOF or hang-up. */
  poll(_file: File): { mask: number; queues: WaitQueue[] } {
    let mask = POLLOUT | POLLWRNORM;
    if (this.ready.length > 0 || this.eof_pending > 0) mask |= POLLIN | POLLRDNORM;
    if (this.hangup) mask |= POLLIN | POLLRDNORM | POLLHUP;
    return { mask, queues: [this.read_wait] };
  }

  read(file: File, max: number, _ppos: FilePos): Uint8Array | number | Block {
    const jc = this.job_control(SIGTTIN);
    if (jc !== 0) return jc;
    if (this.ready.length === 0) {
      if (this.eof_pending > 0) {
        this.eof_pending--;
        return new Uint8Array(0);
      }
      if (this.hangup) return new Uint8Array(0);
      if (file.flags & 0o4000 /* O_NONBLOCK */) return -11; // EAGAIN
      return new Block(this.read_wait);
    }
    let n = Math.min(max, this.ready.length);
    if (this.L(ICANON)) {
      // One line at most per read.
      const nl = this.ready.findIndex((c) => c === 10 || (c !== 0 && (c === this.termios.c_cc[VEOL] || c === this.termios.c_cc[VEOL2])));
      if (nl >= 0) n = Math.min(n, nl + 1);
    }
    return new Uint8Array(this.ready.splice(0, n));
  }

  write(_file: File, data: Uint8Array, _ppos: FilePos): number | Block {
    if (this.termios.c_lflag & TOSTOP) {
      const jc = this.job_control(SIGTTOU);
      if (jc !== 0) return jc;
    }
    this.out(data);
    return data.length;
  }

  ioctl(_file: File, cmd: number, arg: bigint, io: IoctlAccess): number {
    const t = this.k.current;
    switch (cmd) {
      case TCGETS:
        return io.write(arg, termios_to_bytes(this.termios)) ? 0 : -EFAULT;
      case TCSETS: case TCSETSW: case TCSETSF: {
        const raw = io.read(arg, TERMIOS_SIZE);
        if (!raw) return -EFAULT;
        const was_canon = this.L(ICANON);
        this.termios = termios_from_bytes(raw);
        if (cmd === TCSETSF) {
          this.ready = [];
          this.line = [];
        } else if (was_canon && !this.L(ICANON)) {
          // Leaving canonical mode makes the partial line readable at once.
          this.ready.push(...this.line);
          this.line = [];
        }
        this.read_wait.wake_up();
        return 0;
      }
      case TCFLSH: {
        const q = Number(arg);
        if (q < 0 || q > 2) return -EINVAL;
        if (q === TCIFLUSH || q === TCIOFLUSH) {
          this.ready = [];
          this.line = [];
        }
        return 0;
      }
      case TCXONC:
        return 0;
      case TIOCGWINSZ: {
        const b = new Uint8Array(8);
        const dv = new DataView(b.buffer);
        dv.setUint16(0, this.winsize.rows, true);
        dv.setUint16(2, this.winsize.cols, true);
        return io.write(arg, b) ? 0 : -EFAULT;
      }
      case TIOCSWINSZ: {
        const raw = io.read(arg, 8);
        if (!raw) return -EFAULT;
        const dv = new DataView(raw.buffer);
        this.resize(dv.getUint16(0, true), dv.getUint16(2, true));
        return 0;
      }
      case TIOCGPGRP: {
        if (!t || t.sid !== this.session) return -ENOTTY;
        const b = new Uint8Array(4);
        new DataView(b.buffer).setInt32(0, this.pgrp, true);
        return io.write(arg, b) ? 0 : -EFAULT;
      }
      case TIOCSPGRP: {
        if (!t || t.sid !== this.session) return -ENOTTY;
        const raw = io.read(arg, 4);
        if (!raw) return -EFAULT;
        const pgrp = new DataView(raw.buffer).getInt32(0, true);
        if (pgrp < 0) return -EINVAL;
        let exists = false;
        for (const p of this.k.tasks.values()) if (p.pgrp_of() === pgrp && p.sid === this.session) exists = true;
        if (!exists) return -EPERM;
        this.pgrp = pgrp;
        return 0;
      }
      case TIOCGSID: {
        if (!t || t.sid !== this.session || !this.session) return -ENOTTY;
        const b = new Uint8Array(4);
        new DataView(b.buffer).setInt32(0, this.session, true);
        return io.write(arg, b) ? 0 : -EFAULT;
      }
      case TIOCSCTTY: {
        if (!t) return -EPERM;
        if (t.sid !== t.tgid) return -EPERM; // only a session leader
        if (this.session && this.session !== t.sid && Number(arg) !== 1) return -EPERM;
        this.session = t.sid;
        this.pgrp = t.pgrp_of();
        t.ctty = this;
        return 0;
      }
      case TIOCNOTTY: {
        if (!t || t.ctty !== this) return -ENOTTY;
        t.ctty = null;
        return 0;
      }
      case FIONREAD: {
        const b = new Uint8Array(4);
        new DataView(b.buffer).setInt32(0, this.ready.length, true);
        return io.write(arg, b) ? 0 : -EFAULT;
      }
      case TIOCOUTQ:
        return io.write(arg, new Uint8Array(4)) ? 0 : -EFAULT;
    }
    return -ENOTTY;
  }

  /** A new window size (host terminal resized, or TIOCSWINSZ): SIGWINCH to the foreground
   *  group when it changed, as UML's SIGWINCH helper makes happen. */
  resize(rows: number, cols: number): void {
    if (rows === this.winsize.rows && cols === this.winsize.cols) return;
    this.winsize = { rows, cols };
    if (this.pgrp) kill_pgrp(this.k, this.pgrp, SIGWINCH);
  }

  getattr(_file: File): Kstat {
    return {
      dev: 6n, ino: 3n, mode: S_IFCHR | 0o620, nlink: 1, uid: 0, gid: 5, rdev: this.rdev, size: 0n,
      blksize: 1024, blocks: 0n, atime_ns: 0n, mtime_ns: 0n, ctime_ns: 0n,
    };
  }
}
