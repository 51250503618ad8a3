/**
 * The open aggregates of the RESP value being framed, as an explicit stack of
 * remaining counts (no recursion, so nesting depth costs no call stack).
 */

/** Counted aggregate (* % ~ >): the count is the elements left (two per map entry). */
export const K_AGG = 0;
/** Counted attribute (|): its values do not count for the parent. */
export const K_ATTR = 1;
/** Streamed aggregate (*? ~?): the count is the elements seen so far. */
export const K_STREAM = 2;
/** Streamed map (%?): as K_STREAM, and the elements seen must be even at ".". */
export const K_STREAM_MAP = 3;
/** Streamed string ($?): only ";N" chunks follow, until ";0". */
export const K_STREAM_STR = 4;

/** `RespStack.valueDone`: the top-level value is complete, so a frame ends here. */
export const ENDED_TOP = 0;
/** `RespStack.valueDone`: an element was counted; the frame goes on. */
export const ENDED_INNER = 1;
/** `RespStack.valueDone`: an attribute closed; the value it belongs to must follow. */
export const ENDED_ATTRIBUTE = 2;

/** A stack of open aggregates: kinds and counts side by side. */
export class RespStack {
  private readonly kinds: number[] = [];
  private readonly counts: number[] = [];

  get depth(): number {
    return this.kinds.length;
  }

  /** The innermost open kind, or -1 when no aggregate is open. */
  get top(): number {
    return this.kinds[this.kinds.length - 1] ?? -1;
  }

  /** Opens an aggregate (a streamed one starts with count 0). */
  open(kind: number, count: number): void {
    this.kinds.push(kind);
    this.counts.push(count);
  }

  /** Closes the innermost aggregate (a streamed one at its end marker). */
  close(): void {
    this.kinds.pop();
    this.counts.pop();
  }

  /** True when the innermost aggregate is a streamed map with an odd number of elements. */
  oddStreamedMap(): boolean {
    const d = this.kinds.length - 1;
    return this.kinds[d] === K_STREAM_MAP && (this.counts[d] ?? 0) % 2 !== 0;
  }

  /** Counts one finished value in its parent, closing every counted aggregate it completes. */
  valueDone(): number {
    for (;;) {
      const d = this.kinds.length - 1;
      if (d < 0) return ENDED_TOP;
      const kind = this.kinds[d];
      const count = this.counts[d] ?? 0;
      if (kind === K_STREAM || kind === K_STREAM_MAP) {
        this.counts[d] = count + 1;
        return ENDED_INNER;
      }
      if (count > 1) {
        this.counts[d] = count - 1;
        return ENDED_INNER;
      }
      this.close();
      // A finished attribute is not a value of its parent: the value after it is.
      if (kind === K_ATTR) return ENDED_ATTRIBUTE;
    }
  }
}
