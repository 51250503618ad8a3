/**
 * Reads a capture file as it downloads: bytes go in as the network hands
 * them over, complete records come out, a record cut between two reads waits
 * for the rest. Bad records are listed and skipped; damaged framing (a bad
 * length or checksum) ends the reading there, and the bytes from it on are
 * reported as the tail, as readCapture does for a whole file.
 */
import {
  readCaptureHead,
  readRecords,
  type CaptureBadRecord,
  type CaptureRecord,
  type CaptureTail,
} from "./capture-format.js";
import { appendAll } from "../decode/append.js";

/** What one push yielded. */
export interface CaptureStreamRead {
  readonly records: readonly CaptureRecord[];
  readonly bad: readonly CaptureBadRecord[];
}

/** Incremental reader of one capture file. */
export class CaptureStreamReader {
  /**
   * Bytes received and not read yet (the file head, or a record cut short),
   * from file offset `offset`: part[0, filled). The buffer is made at the
   * record's size, so the rest of a record cut over many reads is copied once.
   */
  private part: Uint8Array = new Uint8Array(0);
  private filled = 0;
  private offset = 0;
  private headRead = false;
  /** Size of the record `part` starts (when it is cut short). */
  private need = 0;
  private total = 0;
  /** Why the file cannot be read at all (no capture, unknown version), once known. */
  error: string | undefined;
  /** Where reading stopped on damaged framing, once it did. */
  private damaged: Omit<CaptureTail, "size"> | undefined;

  /**
   * Takes the next bytes of the file; returns the records they completed.
   * Records lying whole in `bytes` are views into it (nothing is copied); only
   * a record cut between two reads is put together in a buffer of its own.
   */
  push(bytes: Uint8Array): CaptureStreamRead {
    this.total += bytes.length;
    const out: { records: CaptureRecord[]; bad: CaptureBadRecord[] } = { records: [], bad: [] };
    if (this.error !== undefined || this.damaged !== undefined) return out;
    let rest = bytes;
    if (!this.headRead) {
      this.gather(rest);
      rest = new Uint8Array(0);
      const head = readCaptureHead(this.part.subarray(0, this.filled));
      if (!head.ok) {
        if (head.error !== "SHORT_HEAD") this.error = `${head.error}: ${head.text}`;
        return out;
      }
      this.headRead = true;
      rest = this.take().subarray(head.headSize);
      this.offset = head.headSize;
    }
    // A record cut between reads gathers the bytes it lacks; then it is read from its own buffer.
    while (this.filled > 0 && rest.length > 0) {
      const n = Math.min(rest.length, Math.max(1, this.need - this.filled));
      this.gather(rest.subarray(0, n));
      rest = rest.subarray(n);
      if (this.filled < this.need) continue;
      if (!this.read(this.take(), out)) return out;
    }
    if (this.filled === 0 && rest.length > 0) this.read(rest, out);
    return out;
  }

  /** Appends `more` to the bytes held, in a buffer of at least the record's size. */
  private gather(more: Uint8Array): void {
    const size = this.filled + more.length;
    if (size > this.part.length) {
      const next = new Uint8Array(Math.max(size, this.need));
      next.set(this.part.subarray(0, this.filled));
      this.part = next;
    }
    this.part.set(more, this.filled);
    this.filled = size;
  }

  /** The bytes held, handed over (records become views into them): the reader holds none after. */
  private take(): Uint8Array {
    const held = this.part.subarray(0, this.filled);
    this.part = new Uint8Array(0);
    this.filled = 0;
    return held;
  }

  /** Reads the records of `bytes` (from `offset`); keeps a record cut short; false once damaged. */
  private read(
    bytes: Uint8Array,
    out: { records: CaptureRecord[]; bad: CaptureBadRecord[] },
  ): boolean {
    const r = readRecords(bytes, this.offset);
    appendAll(out.records, r.records);
    appendAll(out.bad, r.bad);
    const cut = bytes.subarray(r.next - this.offset);
    this.offset = r.next;
    this.need = r.stop?.reason === "more" ? r.stop.need : 0;
    this.gather(cut);
    if (r.stop !== null && r.stop.reason !== "more") {
      this.damaged = { offset: r.next, reason: r.stop.reason };
      return false;
    }
    return true;
  }

  /**
   * The file ended: the tail left unread (damaged framing, or a record cut
   * short), or null when it ended on a record boundary.
   */
  end(): CaptureTail | null {
    if (!this.headRead && this.error === undefined)
      this.error = `SHORT_HEAD: the file head is cut short (${this.total} bytes)`;
    if (this.damaged !== undefined)
      return { ...this.damaged, size: this.total - this.damaged.offset };
    if (this.filled > 0) return { offset: this.offset, size: this.filled, reason: "incomplete" };
    return null;
  }
}
