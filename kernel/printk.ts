// kernel/printk.ts — the kernel log: a ring of records with sequence numbers, levels,
// facilities and timestamps, the console that shows some of them, and syslog(2)'s readers.
// Follows kernel/printk/printk.c and printk_ringbuffer.c (6.18).
// Owns: the records, the sequence counters of the syslog reader (syslog_seq, syslog_partial)
// and of clears (clear_seq), and the console log level. /dev/kmsg readers keep their own
// sequence number (printk_kmsg.ts).
// Invariants:
//   - records hold consecutive seqs, oldest first; next_seq is one past the newest;
//   - the records fit the ring: the sum of their data blocks (8-byte id + text, rounded up to
//     8) is at most log_buf_len, and there are at most log_buf_len >> PRB_AVGBITS of them;
//     storing a record drops the oldest until both hold again (a reader behind it sees a gap);
//   - only the newest record may be unfinalized (stored without a trailing newline, so a
//     continuation could still join it); readers never see an unfinalized record.
// Timestamps come from the kernel's monotonic clock (virtual time), never the host's.

import { WaitQueue } from "./fs/wait";

/** CONFIG_LOG_BUF_SHIFT of this machine's kernel: SYSLOG_ACTION_SIZE_BUFFER says 131072. */
export const LOG_BUF_SHIFT = 17;
/** Average record size the descriptor ring is sized for (printk_ringbuffer.h). */
const PRB_AVGBITS = 5;
/** PRINTKRB_RECORD_MAX: the longest record text; longer messages are cut. */
export const PRINTKRB_RECORD_MAX = 1024;

export const LOGLEVEL_DEFAULT = -1;
export const KERN_EMERG = 0;
export const KERN_ALERT = 1;
export const KERN_CRIT = 2;
export const KERN_ERR = 3;
export const KERN_WARNING = 4;
export const KERN_NOTICE = 5;
export const KERN_INFO = 6;
export const KERN_DEBUG = 7;
/** CONFIG_MESSAGE_LOGLEVEL_DEFAULT: the level of a message that names none. */
export const MESSAGE_LOGLEVEL_DEFAULT = 4;
/** The lowest level CONSOLE_OFF and CONSOLE_LEVEL may set (minimum_console_loglevel). */
export const CONSOLE_LOGLEVEL_MIN = 1;

/** LOG_NEWLINE: the text ended with a newline; LOG_CONT: a fragment of a continued line. */
export const LOG_NEWLINE = 2;
export const LOG_CONT = 8;

export interface PrintkRecord {
  seq: number;
  ts_nsec: bigint;
  level: number;
  /** syslog facility: 0 (LOG_KERN) for the kernel, 1 (LOG_USER) for /dev/kmsg writers. */
  facility: number;
  flags: number;
  text: string;
}

/** print_time: "[%5lu.%06lu]" of a nanosecond timestamp. */
export function print_time(ts_nsec: bigint): string {
  const sec = ts_nsec / 1_000_000_000n;
  const usec = (ts_nsec % 1_000_000_000n) / 1000n;
  return `[${sec.toString().padStart(5, " ")}.${usec.toString().padStart(6, "0")}]`;
}

/** record_print_text: each line of the record with its prefix ("<prio>" when syslog, the time
 *  when time), newline terminated, as syslog(2) reads it. */
export function record_print_text(r: PrintkRecord, syslog: boolean, time: boolean): string {
  let prefix = syslog ? `<${(r.facility << 3) | r.level}>` : "";
  if (time) prefix += print_time(r.ts_nsec) + " ";
  let out = "";
  for (const line of r.text.split("\n")) out += prefix + line + "\n";
  return out;
}

/** What data-ring space a record of text takes: its block id plus the text, 8-byte aligned. */
function data_block_size(text: string): number {
  return (8 + text.length + 7) & ~7;
}

export class Printk {
  readonly log_buf_len = 1 << LOG_BUF_SHIFT;
  private readonly desc_max = 1 << (LOG_BUF_SHIFT - PRB_AVGBITS);
  private records: PrintkRecord[] = [];
  private data_bytes = 0;
  /** The newest record is still open to continuation (no trailing newline yet). */
  private last_open = false;
  next_seq = 0;
  clear_seq = 0;
  syslog_seq = 0;
  syslog_partial = 0;
  console_loglevel: number;
  saved_console_loglevel = LOGLEVEL_DEFAULT;
  /** printk_time (CONFIG_PRINTK_TIME): syslog(2) text carries timestamps. */
  printk_time = true;
  /** Readers (syslog READ, /dev/kmsg) sleep here until a record is stored. */
  readonly log_wait = new WaitQueue();
  /** Where console output goes; null until a console registers (messages wait in the ring). */
  private console: ((line: string) => void) | null = null;

  constructor(private readonly now_ns: () => bigint, console_loglevel: number) {
    this.console_loglevel = console_loglevel;
  }

  /** register_console: show the records already logged (those the level lets through), then
   *  every new one. */
  register_console(write: (line: string) => void): void {
    this.console = write;
    const end = this.readable_end_seq();
    for (const r of this.records) if (r.seq < end) this.console_emit(r);
  }

  private console_emit(r: PrintkRecord): void {
    // suppress_message_printing: a level at or past console_loglevel stays in the ring.
    if (this.console && r.level < this.console_loglevel) this.console(r.text + "\n");
  }

  /** printk / vprintk_emit: log text at level (LOGLEVEL_DEFAULT: the default level). A trailing
   *  newline ends the record; without one the record stays open until the next message. */
  printk(level: number, text: string, facility = 0): void {
    if (level === LOGLEVEL_DEFAULT) level = MESSAGE_LOGLEVEL_DEFAULT;
    let flags = 0;
    if (text.endsWith("\n")) {
      text = text.slice(0, -1);
      flags |= LOG_NEWLINE;
    }
    if (text.length > PRINTKRB_RECORD_MAX) text = text.slice(0, PRINTKRB_RECORD_MAX);
    const r: PrintkRecord = { seq: this.next_seq++, ts_nsec: this.now_ns(), level, facility, flags, text };
    // A new record finalizes the open one before it: now readers and the console see it.
    if (this.last_open) this.console_emit(this.records[this.records.length - 1]);
    this.records.push(r);
    this.data_bytes += data_block_size(text);
    while (this.data_bytes > this.log_buf_len || this.records.length > this.desc_max) {
      this.data_bytes -= data_block_size(this.records.shift()!.text);
    }
    this.last_open = (flags & LOG_NEWLINE) === 0;
    if (!this.last_open) this.console_emit(r);
    this.log_wait.wake_up();
  }

  /** prb_first_valid_seq: the oldest record still in the ring (next_seq when empty). */
  first_seq(): number {
    return this.records.length > 0 ? this.records[0].seq : this.next_seq;
  }

  /** prb_next_seq: one past the newest record a reader may see. */
  readable_end_seq(): number {
    return this.last_open ? this.next_seq - 1 : this.next_seq;
  }

  /** prb_read_valid: the readable record at seq, or the oldest after it when seq was dropped;
   *  null when there is none yet. */
  read_valid(seq: number): PrintkRecord | null {
    const first = this.first_seq();
    const s = Math.max(seq, first);
    if (s >= this.readable_end_seq()) return null;
    return this.records[s - first];
  }

  /** find_first_fitting_seq: the oldest seq from start such that all records from it on fit
   *  size bytes of syslog text. */
  private find_first_fitting_seq(start: number, size: number): number {
    let seq = Math.max(start, this.first_seq());
    const end = this.readable_end_seq();
    let len = 0;
    for (let s = seq; s < end; s++) len += record_print_text(this.read_valid(s)!, true, this.printk_time).length;
    for (; len > size && seq < end; seq++) len -= record_print_text(this.read_valid(seq)!, true, this.printk_time).length;
    return seq;
  }

  /** syslog_print_all (SYSLOG_ACTION_READ_ALL, READ_CLEAR): the newest records that fit size
   *  bytes, from clear_seq on, whole; clear moves clear_seq past them. */
  syslog_print_all(size: number, clear: boolean): string {
    let seq = this.find_first_fitting_seq(this.clear_seq, size);
    let out = "";
    for (let r = this.read_valid(seq); r; r = this.read_valid(seq)) {
      const text = record_print_text(r, true, this.printk_time);
      if (out.length + text.length > size) break;
      out += text;
      seq = r.seq + 1;
    }
    if (clear) this.clear_seq = seq;
    return out;
  }

  /** syslog_print (SYSLOG_ACTION_READ): records from syslog_seq on, consuming them; a record
   *  larger than the whole buffer is read in parts (syslog_partial). Null: nothing to read
   *  yet (the caller sleeps on log_wait). */
  syslog_print(size: number): string | null {
    if (!this.read_valid(this.syslog_seq)) return null;
    let out = "";
    while (out.length < size) {
      const r = this.read_valid(this.syslog_seq);
      if (!r) break;
      if (r.seq !== this.syslog_seq) {
        this.syslog_seq = r.seq; // the message is gone: go on with the next valid one
        this.syslog_partial = 0;
      }
      const text = record_print_text(r, true, this.printk_time);
      const left = size - out.length;
      const skip = this.syslog_partial;
      if (text.length - skip <= left) {
        out += text.slice(skip);
        this.syslog_seq = r.seq + 1;
        this.syslog_partial = 0;
      } else if (out.length === 0) {
        out += text.slice(skip, skip + left);
        this.syslog_partial += left;
      } else break;
    }
    return out;
  }

  /** SYSLOG_ACTION_SIZE_UNREAD: the bytes syslog READ would return now. */
  size_unread(): number {
    let n = 0;
    for (let r = this.read_valid(this.syslog_seq); r; r = this.read_valid(r.seq + 1)) {
      n += record_print_text(r, true, this.printk_time).length;
    }
    return n - this.syslog_partial;
  }

  /** syslog_clear (SYSLOG_ACTION_CLEAR): READ_ALL and SEEK_DATA start after what is here now. */
  syslog_clear(): void {
    this.clear_seq = this.readable_end_seq();
  }
}
