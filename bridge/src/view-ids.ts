/** Largest view id: the chunk head carries it as a u16 (0 is the page's own live connections). */
export const MAX_VIEW_ID = 0xffff;

/**
 * Hands out view ids for one session: 1..`max` (default MAX_VIEW_ID), never 0,
 * never an id still in use. Ids go round in order, so a released id is reused
 * only after every other free id was handed out once since.
 */
export class ViewIds {
  private readonly used = new Set<number>();
  private last = 0;

  constructor(private readonly max: number = MAX_VIEW_ID) {
    if (!Number.isInteger(max) || max < 1 || max > MAX_VIEW_ID)
      throw new RangeError(`view ids go up to 1..${MAX_VIEW_ID}, got ${max}`);
  }

  /** Ids in use now. */
  get size(): number {
    return this.used.size;
  }

  /** The next free id after the last one handed out (wrapping past `max` to 1), or null when all are in use. */
  take(): number | null {
    if (this.used.size >= this.max) return null;
    let id = this.last;
    do id = id >= this.max ? 1 : id + 1;
    while (this.used.has(id));
    this.used.add(id);
    this.last = id;
    return id;
  }

  /** Frees `id` for later use; an id not in use is ignored. */
  release(id: number): void {
    this.used.delete(id);
  }
}
