/**
 * The frame list's filter: by direction and by text (case-insensitive, in the
 * summary or the issue codes). Incremental: when rows are only appended, just
 * the new ones are tested, so a live list of a million rows stays cheap.
 * Summaries come from the decode worker when asked for: a text filter reads
 * rows in order and stops at the first summary it does not have yet, saying
 * which rows to ask for next; it goes on from there once they arrived.
 */

/** Rows a text filter asks summaries for at a time. */
export const FILTER_ASK_AHEAD = 4000;

export type DirFilter = "all" | "c2s" | "s2c";

export interface RowFilterSpec {
  readonly dir: DirFilter;
  readonly text: string;
}

/** What the filter reads of a row. */
export interface FilterSource {
  readonly count: number;
  /** Bumped when rows are replaced or what they say changes (not when rows are just appended). */
  readonly revision: number;
  dirOf(row: number): "c2s" | "s2c";
  /** Undefined while the row's summary is not held (it has to be asked for). */
  summary(row: number): string | undefined;
  note(row: number): string;
}

/** The matching rows so far; `scanned` rows were read, `wanted` lists rows whose summaries to ask for. */
export interface FilterResult {
  readonly rows: Int32Array;
  readonly length: number;
  readonly scanned: number;
  readonly wanted: readonly number[];
}

/** True when the filter keeps every row (then no index is built). */
export function isPassThrough(spec: RowFilterSpec): boolean {
  return spec.dir === "all" && spec.text.trim() === "";
}

/** Matching rows of one source, extended as rows are appended. */
export class RowFilter {
  private rows = new Int32Array(256);
  private length = 0;
  private scanned = 0;
  private key = "";
  private revision = -1;
  private source: FilterSource | undefined;

  /** The rows that match, in order; reuses the work of the last call when it can. */
  update(source: FilterSource, spec: RowFilterSpec): FilterResult {
    const key = `${spec.dir}\u0000${spec.text.trim().toLowerCase()}`;
    if (
      key !== this.key ||
      source !== this.source ||
      source.revision !== this.revision ||
      source.count < this.scanned
    ) {
      this.key = key;
      this.source = source;
      this.revision = source.revision;
      this.length = 0;
      this.scanned = 0;
    }
    const needle = spec.text.trim().toLowerCase();
    let row = this.scanned;
    for (; row < source.count; row++) {
      if (spec.dir !== "all" && source.dirOf(row) !== spec.dir) continue;
      if (needle !== "") {
        const summary = source.summary(row);
        if (summary === undefined) break;
        if (
          !summary.toLowerCase().includes(needle) &&
          !source.note(row).toLowerCase().includes(needle)
        )
          continue;
      }
      this.push(row);
    }
    this.scanned = row;
    const wanted: number[] = [];
    for (let r = row; r < source.count && wanted.length < FILTER_ASK_AHEAD; r++) {
      if (spec.dir === "all" || source.dirOf(r) === spec.dir) wanted.push(r);
    }
    return { rows: this.rows, length: this.length, scanned: row, wanted };
  }

  private push(row: number): void {
    if (this.length === this.rows.length) {
      const next = new Int32Array(this.rows.length * 2);
      next.set(this.rows);
      this.rows = next;
    }
    this.rows[this.length++] = row;
  }
}
