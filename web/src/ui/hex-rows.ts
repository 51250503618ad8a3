/**
 * The hex view's grid: 16 bytes a row, an offset column, a hex column and an
 * ASCII column. Rows are numbered from the first byte of the bytes shown (the
 * stream, or a decompressed payload).
 *
 * ```
 * 00000010  0a 0e 0a 05 75 73 65 72  73 12 05 61 6c 69 63 65  ....users..alice
 * ^ offset  ^ 16 hex cells, a gap after 8                      ^ 16 ASCII cells
 * ```
 */

/** Bytes in one row. */
export const BYTES_PER_ROW = 16;

/** Rows needed for `length` bytes (at least one, so an empty stream still shows its row). */
export function rowCount(length: number): number {
  return Math.max(1, Math.ceil(length / BYTES_PER_ROW));
}

/** The row holding byte `offset`. */
export function rowOf(offset: number): number {
  return Math.floor(Math.max(0, offset) / BYTES_PER_ROW);
}

/** Hex digits used for offsets: at least 8, more for streams past 4 GiB. */
export function offsetDigits(length: number): number {
  return Math.max(8, Math.max(0, length - 1).toString(16).length);
}

/** A row's first offset in hex, zero-padded. */
export function formatOffset(offset: number, digits: number): string {
  return offset.toString(16).padStart(digits, "0");
}

/** The byte range [start, end) of a row, clipped to `length`. */
export function rowRange(row: number, length: number): readonly [number, number] {
  const start = row * BYTES_PER_ROW;
  return [Math.min(start, length), Math.min(start + BYTES_PER_ROW, length)];
}
