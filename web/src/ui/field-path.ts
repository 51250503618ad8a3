/**
 * Addressing fields in a decoded message by path (child indices from the top
 * level) and hit testing: which field, innermost first, covers a byte.
 */
import { fieldDecoded } from "../decode/field-decode.js";
import type { FieldNode } from "../decode/proto-tree.js";

/** Child indices from the message's top level down to one field. */
export type FieldPath = readonly number[];

/** A field's children: a message's fields or a packed field's elements (none for scalars). */
export function childrenOf(f: FieldNode): readonly FieldNode[] {
  const d = fieldDecoded(f);
  if (d.kind === "message") return d.fields;
  if (d.kind === "packed") return d.elements;
  return [];
}

/** The field a path names, or undefined when the path leads nowhere. */
export function fieldAtPath(fields: readonly FieldNode[], path: FieldPath): FieldNode | undefined {
  let level = fields;
  let found: FieldNode | undefined;
  for (const i of path) {
    found = level[i];
    if (found === undefined) return undefined;
    level = childrenOf(found);
  }
  return found;
}

/**
 * The path of the innermost field whose span [start, end) covers offset `at`,
 * or undefined when no top-level field does. Fields of one level lie in wire
 * order without overlap, so each level is a binary search.
 */
export function fieldPathAt(fields: readonly FieldNode[], at: number): FieldPath | undefined {
  const path: number[] = [];
  let level = fields;
  for (;;) {
    const i = coveringIndex(level, at);
    if (i < 0) return path.length === 0 ? undefined : path;
    path.push(i);
    level = childrenOf(level[i] as FieldNode);
  }
}

function coveringIndex(level: readonly FieldNode[], at: number): number {
  let lo = 0;
  let hi = level.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const f = level[mid] as FieldNode;
    if (f.end <= at) lo = mid + 1;
    else if (f.start > at) hi = mid - 1;
    else return mid;
  }
  return -1;
}

/** True when `inner` is `outer` or lies below it. */
export function isPathWithin(inner: FieldPath, outer: FieldPath): boolean {
  return outer.length <= inner.length && outer.every((v, i) => inner[i] === v);
}
