import { gunzipSync, gzipSync } from "fflate";

/** Payloads longer than this many bytes are gzipped (the kv server's rule). */
export const KV_GZIP_THRESHOLD = 1436;
/** Top bit of the 4-byte length header: the payload is gzip-compressed. */
export const KV_GZIP_FLAG = 0x80000000;
/** Largest frame payload accepted, compressed or not: 16 MiB. */
export const KV_MAX_FRAME = 16 * 1024 * 1024;

/**
 * Frames one payload as the kv server does (spec `length:mask=7fffffff,gzip=80000000`):
 * ```
 * +-+-------------------------------+----------------------------+
 * |z| payload length (31 bits, BE)  | payload (gzip when z = 1)  |
 * +-+-------------------------------+----------------------------+
 * ```
 * Payloads over KV_GZIP_THRESHOLD bytes are gzipped.
 */
export function encodeKvFrame(payload: Uint8Array): Buffer {
  const gzip = payload.length > KV_GZIP_THRESHOLD;
  const body = gzip ? gzipSync(payload, { mtime: 0 }) : payload;
  const out = Buffer.allocUnsafe(4 + body.length);
  out.writeUInt32BE((gzip ? KV_GZIP_FLAG : 0) + body.length, 0);
  out.set(body, 4);
  return out;
}

/** Cuts a kv byte stream into payloads (gunzipped when flagged), across any chunking. */
export class KvFrameReader {
  private buffered: Buffer[] = [];
  private size = 0;
  /** Header of the frame being collected, or -1 before its 4 bytes arrived. */
  private head = -1;

  /** Adds a chunk; returns the complete payloads, or an Error when the stream is broken (stop reading). */
  push(chunk: Buffer): Uint8Array[] | Error {
    this.buffered.push(chunk);
    this.size += chunk.length;
    const out: Uint8Array[] = [];
    for (;;) {
      if (this.head < 0) {
        if (this.size < 4) break;
        this.head = this.take(4).readUInt32BE(0);
        if ((this.head & 0x7fffffff) > KV_MAX_FRAME) {
          return new Error(`frame of ${this.head & 0x7fffffff} bytes exceeds ${KV_MAX_FRAME}`);
        }
      }
      const length = this.head & 0x7fffffff;
      if (this.size < length) break;
      const body = this.take(length);
      const gzip = this.head >= KV_GZIP_FLAG;
      this.head = -1;
      const payload = gzip ? gunzipBounded(body) : body;
      if (payload instanceof Error) return payload;
      out.push(payload);
    }
    return out;
  }

  /** Removes and returns the first n buffered bytes (copying only when they span chunks). */
  private take(n: number): Buffer {
    const first = this.buffered[0] ?? Buffer.alloc(0);
    const all = first.length >= n ? first : Buffer.concat(this.buffered);
    const rest = all.subarray(n);
    if (all === first) this.buffered[0] = rest;
    else this.buffered = [rest];
    if (this.buffered[0]?.length === 0) this.buffered.shift();
    this.size -= n;
    return all.subarray(0, n);
  }
}

function gunzipBounded(body: Uint8Array): Uint8Array | Error {
  if (body.length < 18) return new Error("gzip payload too short");
  const size = Buffer.from(body.buffer, body.byteOffset, body.byteLength).readUInt32LE(
    body.length - 4,
  );
  if (size > KV_MAX_FRAME)
    return new Error(`gzip payload inflates to ${size} bytes, over ${KV_MAX_FRAME}`);
  try {
    return gunzipSync(body);
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}
