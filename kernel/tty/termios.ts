// kernel/tty/termios.ts — struct termios as riscv64 user space sees it (asm-generic/termbits.h:
// four flag words, c_line, c_cc[19]; 36 bytes) and the flag bits the line discipline uses.

export const NCCS = 19;
export const TERMIOS_SIZE = 36;

// c_cc indices
export const VINTR = 0, VQUIT = 1, VERASE = 2, VKILL = 3, VEOF = 4, VTIME = 5, VMIN = 6,
  VSWTC = 7, VSTART = 8, VSTOP = 9, VSUSP = 10, VEOL = 11, VREPRINT = 12, VDISCARD = 13,
  VWERASE = 14, VLNEXT = 15, VEOL2 = 16;

// c_iflag
export const IGNBRK = 0o1, BRKINT = 0o2, IGNPAR = 0o4, INLCR = 0o100, IGNCR = 0o200,
  ICRNL = 0o400, IXON = 0o2000, IXANY = 0o4000, IXOFF = 0o10000, IMAXBEL = 0o20000, IUTF8 = 0o40000;
// c_oflag
export const OPOST = 0o1, ONLCR = 0o4, OCRNL = 0o10;
// c_cflag
export const B38400 = 0o17, CS8 = 0o60, CREAD = 0o200, HUPCL = 0o2000;
// c_lflag
export const ISIG = 0o1, ICANON = 0o2, ECHO = 0o10, ECHOE = 0o20, ECHOK = 0o40, ECHONL = 0o100,
  NOFLSH = 0o200, TOSTOP = 0o400, ECHOCTL = 0o1000, ECHOPRT = 0o2000, ECHOKE = 0o4000, IEXTEN = 0o100000;

export interface Termios {
  c_iflag: number;
  c_oflag: number;
  c_cflag: number;
  c_lflag: number;
  c_line: number;
  c_cc: number[];
}

/** tty_std_termios (drivers/tty/tty_io.c) with the values n_tty expects for a console. */
export function std_termios(): Termios {
  const c_cc = new Array<number>(NCCS).fill(0);
  c_cc[VINTR] = 3; c_cc[VQUIT] = 0x1c; c_cc[VERASE] = 0x7f; c_cc[VKILL] = 0x15; c_cc[VEOF] = 4;
  c_cc[VTIME] = 0; c_cc[VMIN] = 1; c_cc[VSTART] = 0x11; c_cc[VSTOP] = 0x13; c_cc[VSUSP] = 0x1a;
  c_cc[VREPRINT] = 0x12; c_cc[VDISCARD] = 0x0f; c_cc[VWERASE] = 0x17; c_cc[VLNEXT] = 0x16;
  return {
    c_iflag: ICRNL | IXON,
    c_oflag: OPOST | ONLCR,
    c_cflag: B38400 | CS8 | CREAD | HUPCL,
    c_lflag: ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
    c_line: 0,
    c_cc,
  };
}

export function termios_to_bytes(t: Termios): Uint8Array {
  const b = new Uint8Array(TERMIOS_SIZE);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, t.c_iflag, true);
  dv.setUint32(4, t.c_oflag, true);
  dv.setUint32(8, t.c_cflag, true);
  dv.setUint32(12, t.c_lflag, true);
  b[16] = t.c_line;
  b.set(t.c_cc, 17);
  return b;
}

export function termios_from_bytes(b: Uint8Array): Termios {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return {
    c_iflag: dv.getUint32(0, true),
    c_oflag: dv.getUint32(4, true),
    c_cflag: dv.getUint32(8, true),
    c_lflag: dv.getUint32(12, true),
    c_line: b[16],
    c_cc: Array.from(b.subarray(17, 17 + NCCS)),
  };
}
