import { FramerBase, type PendingFrame } from "./framer.js";
import { makeIssue } from "./issue.js";
import type { LengthSpec } from "./spec.js";

/**
 * tokio-util's LengthDelimitedCodec, exactly.
 *
 * ```
 * frame start                      head = max(offset + size, skip) bytes
 * |<-- offset -->|<-- size -->|...|
 * |<------- skip -------->|<--- n = field + adjust bytes --->|
 *                         ^ payload (what tokio returns)
 * ```
 * The field is checked against the maximum (clamped to what the field and the
 * adjustment can express) as soon as the head is complete, before any payload
 * byte is needed. Errors are fatal, as in tokio. Payload bytes are never
 * buffered: the framer only counts them.
 */
export class LengthDelimitedFramer extends FramerBase {
  private readonly headLen: number;
  private readonly fieldEnd: number;
  private readonly effectiveMax: number;
  private readonly useBig: boolean;
  /** The hot loop applies: a 1, 2 or 4-byte field and no mask. */
  private readonly fast: boolean;
  private readonly maskNum: number;
  private readonly head: Uint8Array;
  /** Bytes of the current head seen so far (HEAD state). */
  private headSeen = 0;
  /** In DATA state: absolute end of the payload being counted; -1 in HEAD state. */
  private dataEnd = -1;
  private dataStart = 0;
  private length = 0;
  private flags = 0;

  constructor(private readonly spec: LengthSpec) {
    super();
    this.fieldEnd = spec.offset + spec.size;
    this.headLen = Math.max(this.fieldEnd, spec.skip);
    this.head = new Uint8Array(this.headLen);
    this.effectiveMax = effectiveMaxFrameLength(spec);
    this.useBig = spec.size > 4;
    this.fast = (spec.size === 1 || spec.size === 2 || spec.size === 4) && spec.mask === null;
    this.maskNum = spec.mask === null ? -1 : Number(spec.mask);
  }

  protected scan(chunk: Uint8Array, base: number): void {
    const n = chunk.length;
    const { offset, size, endian } = this.spec;
    let i = 0;
    while (this.stoppedAt === undefined) {
      if (this.dataEnd < 0 && this.headSeen === 0 && this.fast) {
        i = this.scanWhole(chunk, base, i);
        this.startFrame(base + i);
      }
      if (this.dataEnd < 0) {
        // HEAD: gather headLen bytes from frameStart.
        if (this.headSeen === 0 && !this.useBig && i + this.headLen <= n) {
          // Fast path: the whole head is in this chunk.
          this.headSeen = this.headLen;
          if (!this.onHead(readSmall(chunk, i + offset, size, endian))) return;
          i += this.headLen;
          continue;
        }
        if (i >= n) return;
        const take = Math.min(n - i, this.headLen - this.headSeen);
        this.head.set(chunk.subarray(i, i + take), this.headSeen);
        this.headSeen += take;
        i += take;
        if (this.headSeen < this.headLen) return;
        const raw = this.useBig
          ? readBig(this.head, offset, size, endian)
          : readSmall(this.head, offset, size, endian);
        if (!this.onHead(raw)) return;
        continue;
      }
      // DATA: count the payload; its bytes are never buffered.
      const end = this.dataEnd;
      if (base + n < end) return;
      this.emitFrame();
      if (end >= base) {
        i = end - base;
        this.startFrame(end);
      } else {
        // The payload ended inside head bytes of an earlier chunk (skip + n < head):
        // tokio reads them again as the start of the next frame.
        this.replayHead(end);
      }
    }
  }

  /**
   * The hot loop: cuts every frame that lies wholly inside this chunk, with a
   * field of 1, 2 or 4 bytes and no mask. It stops (returning the chunk index
   * where it stopped) at anything else: a frame crossing the chunk's end, a
   * length over the max, or a frame that would end inside its own head; the
   * general path then takes over and reports what needs reporting.
   */
  private scanWhole(chunk: Uint8Array, base: number, from: number): number {
    const { offset, size, adjust, skip } = this.spec;
    const headLen = this.headLen;
    const max = this.effectiveMax;
    const little = this.spec.endian === "le";
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const n = chunk.length;
    const sink = this.sink;
    const ci = this.chunkIndex;
    let idx = this.nextIndex;
    let i = from;
    while (i + headLen <= n) {
      const at = i + offset;
      const v =
        size === 4
          ? view.getUint32(at, little)
          : size === 2
            ? view.getUint16(at, little)
            : view.getUint8(at);
      if (v > max) break;
      const len = v + adjust;
      const s = base + i;
      const dataStart = s + skip;
      const dataEnd = dataStart + len;
      if (len < 0 || dataEnd < s + headLen || dataEnd > base + n) break;
      sink.frame(
        idx++,
        s,
        dataEnd,
        s + offset,
        s + offset + size,
        dataStart,
        dataEnd,
        ci,
        ci + 1,
        undefined,
      );
      i = dataEnd - base;
    }
    this.nextIndex = idx;
    return i;
  }

  /** Reads the head's field value; sets DATA state or reports a fatal issue. */
  private onHead(raw: number | bigint): boolean {
    const s = this.frameStart;
    let value: number;
    let flags = 0;
    if (typeof raw === "bigint") {
      const mask = this.spec.mask;
      const v = mask === null ? raw : raw & mask;
      flags = mask === null ? 0 : Number(raw & ~mask & 0xffffffffffffffffn);
      if (v > BigInt(this.effectiveMax)) return this.tooLarge(v.toString(), raw);
      value = Number(v);
    } else {
      if (this.maskNum >= 0) {
        value = (raw & this.maskNum) >>> 0;
        flags = (raw & ~this.maskNum) >>> 0;
      } else {
        value = raw;
      }
      if (value > this.effectiveMax) return this.tooLarge(String(value), raw);
    }
    const len = value + this.spec.adjust;
    if (len < 0) {
      this.report(
        makeIssue(
          "ADJUSTMENT_OVERFLOW",
          `length ${value} with adjust ${this.spec.adjust} is negative (provided length would overflow after adjustment)`,
          [s + this.spec.offset, s + this.fieldEnd],
          true,
        ),
      );
      return false;
    }
    this.length = value;
    this.flags = flags;
    this.dataStart = s + this.spec.skip;
    this.dataEnd = this.dataStart + len;
    if (this.dataEnd === s) {
      // skip = 0 and an empty frame: tokio would return empty frames forever.
      this.report(
        makeIssue(
          "NO_PROGRESS",
          "the frame is empty and skip is 0, so the same head would be read again forever",
          [s, s + this.headLen],
          true,
        ),
      );
      return false;
    }
    return true;
  }

  /** Reports a length over the max; with a mask, the text shows the field the length came from. */
  private tooLarge(value: string, raw: number | bigint): boolean {
    const s = this.frameStart;
    const mask = this.spec.mask;
    const from =
      mask === null ? "" : ` (field 0x${raw.toString(16)}, length bits 0x${mask.toString(16)})`;
    this.report(
      makeIssue(
        "FRAME_TOO_LARGE",
        `length ${value}${from} exceeds max ${this.effectiveMax}`,
        [s + this.spec.offset, s + this.fieldEnd],
        true,
      ),
    );
    return false;
  }

  private emitFrame(): void {
    const s = this.frameStart;
    const end = this.dataEnd;
    const gzip = this.spec.gzip;
    // Normally end >= the head; when skip + n is shorter than the head (a
    // misconfiguration tokio allows) the frame ends first and the head is clipped.
    this.emit(
      end,
      Math.min(s + this.spec.offset, end),
      Math.min(s + this.fieldEnd, end),
      this.dataStart,
      end,
      this.spec.mask === null
        ? undefined
        : {
            kind: "length",
            length: this.length,
            flags: this.flags,
            gzip: gzip !== null && (BigInt(this.flags) & gzip) !== 0n,
          },
    );
  }

  /** Starts the next frame at `at`, inside the head bytes already read. */
  private replayHead(at: number): void {
    const rest = this.head.slice(at - this.frameStart, this.headLen);
    this.startFrame(at);
    this.head.set(rest, 0);
    this.headSeen = rest.length;
  }

  protected finish(): void {
    const s = this.frameStart;
    const end = this.position;
    if (this.dataEnd < 0) {
      if (this.headSeen > 0) {
        this.report(
          makeIssue(
            "BYTES_REMAINING",
            `stream ended inside a head: ${this.headSeen} of ${this.headLen} bytes`,
            [s, end],
            true,
          ),
        );
      }
      return;
    }
    const missing = this.dataEnd - end;
    if (end > this.dataStart) {
      this.report(
        makeIssue(
          "BYTES_REMAINING",
          `stream ended inside a frame: ${missing} of ${this.dataEnd - this.dataStart} payload bytes missing`,
          [s, end],
          true,
        ),
      );
    } else {
      // tokio reports nothing here (its buffer is empty once the head is consumed),
      // but a frame whose payload never arrived is worth seeing.
      this.report(
        makeIssue(
          "TRUNCATED_FRAME",
          `stream ended after a complete head: ${missing} payload bytes never arrived (tokio-util reports no error here)`,
          [s, end],
          false,
        ),
      );
    }
  }

  protected override startFrame(at: number): void {
    super.startFrame(at);
    this.headSeen = 0;
    this.dataEnd = -1;
  }

  /** Once the head is read: its length field, and the end of its payload. */
  override get pendingFrame(): PendingFrame | undefined {
    if (this.stoppedAt !== undefined || this.dataEnd < 0) return undefined;
    const s = this.frameStart;
    const end = this.dataEnd;
    return {
      head: [Math.min(s + this.spec.offset, end), Math.min(s + this.fieldEnd, end)],
      end,
    };
  }
}

/**
 * tokio's effective maximum: `max`, clamped to the largest value the field can
 * hold plus the adjustment (saturating at 0). The comparison is on the raw field.
 */
export function effectiveMaxFrameLength(spec: LengthSpec): number {
  let fieldMax = (1n << BigInt(8 * spec.size)) - 1n;
  if (spec.mask !== null) fieldMax = spec.mask < fieldMax ? spec.mask : fieldMax;
  let allowed = fieldMax + BigInt(spec.adjust);
  if (allowed < 0n) allowed = 0n;
  return BigInt(spec.max) > allowed ? Number(allowed) : spec.max;
}

function readSmall(bytes: Uint8Array, at: number, size: number, endian: "be" | "le"): number {
  let v = 0;
  if (endian === "be") {
    for (let k = 0; k < size; k++) v = v * 256 + (bytes[at + k] ?? 0);
  } else {
    for (let k = size - 1; k >= 0; k--) v = v * 256 + (bytes[at + k] ?? 0);
  }
  return v;
}

function readBig(bytes: Uint8Array, at: number, size: number, endian: "be" | "le"): bigint {
  let v = 0n;
  if (endian === "be") {
    for (let k = 0; k < size; k++) v = (v << 8n) | BigInt(bytes[at + k] ?? 0);
  } else {
    for (let k = size - 1; k >= 0; k--) v = (v << 8n) | BigInt(bytes[at + k] ?? 0);
  }
  return v;
}
