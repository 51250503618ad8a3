/**
 * The frame list's filter: by direction and by text (case-insensitive, in the
 * summary or the issue codes). Incremental: when rows are only appended, just
 * the new ones are tested, so a live list of a million rows stays cheap.
 */

export type DirFilter = "all" | "c2s" | "s2c";

export interface RowFilterSpec {
  readonly dir: DirFilter;
  readonly text: string;
}

/** What the filter reads of a row. */
export interface FilterSource {
  readonly count: number;
  /** Bumped when rows are replaced (not just appended). */
  readonly generation: number;
  dirOf(row: number): "c2s" | "s2c";
  summary(row: number): string;
  note(row: number): string;
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
  private generation = -1;
  private source: FilterSource | undefined;

  /** The rows that match, in order; reuses the work of the last call when it can. */
  update(
    source: FilterSource,
    spec: RowFilterSpec,
  ): { readonly rows: Int32Array; readonly length: number } {
    const key = `${spec.dir}\u0000${spec.text.trim().toLowerCase()}`;
    if (
      key !== this.key ||
      source !== this.source ||
      source.generation !== this.generation ||
      source.count < this.scanned
    ) {
      this.key = key;
      this.source = source;
      this.generation = source.generation;
      this.length = 0;
      this.scanned = 0;
    }
    const needle = spec.text.trim().toLowerCase();
    for (let row = this.scanned; row < source.count; row++) {
      if (spec.dir !== "all" && source.dirOf(row) !== spec.dir) continue;
      if (
        needle !== "" &&
        !source.summary(row).toLowerCase().includes(needle) &&
        !source.note(row).toLowerCase().includes(needle)
      )
        continue;
      this.push(row);
    }
    this.scanned = source.count;
    return { rows: this.rows, length: this.length };
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
