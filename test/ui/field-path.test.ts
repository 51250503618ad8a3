import { describe, expect, it } from "vitest";
import type { FieldNode } from "../../web/src/decode/proto-tree.js";
import { walkRaw } from "../../web/src/decode/raw-walk.js";
import { fieldAtPath, fieldPathAt, isPathWithin } from "../../web/src/ui/field-path.js";

/**
 * hget { table: "users", key: "alice" } as the kv client sends it, without its frame head:
 * 0a 10 | 0a 05 "users" | 12 05 "alice"   at stream offset 100
 */
const PAYLOAD = Uint8Array.of(
  0x0a,
  0x0e,
  0x0a,
  0x05,
  0x75,
  0x73,
  0x65,
  0x72,
  0x73,
  0x12,
  0x05,
  0x61,
  0x6c,
  0x69,
  0x63,
  0x65,
);
const fields = walkRaw(PAYLOAD, 100).fields;

describe("field paths", () => {
  it.each([
    ["the outer tag", 100, [0]],
    ["the outer length", 101, [0]],
    ["the inner tag of table", 102, [0, 0]],
    ["the last byte of users", 108, [0, 0]],
    ["the inner length of key", 110, [0, 1]],
    ["the last byte", 115, [0, 1]],
  ])("a byte of %s hits the innermost field", (_name, at, path) => {
    expect(fieldPathAt(fields, at)).toEqual(path);
  });

  it.each([99, 116])("a byte outside every field (%i) hits nothing", (at) => {
    expect(fieldPathAt(fields, at)).toBeUndefined();
  });

  it("finds the field a path names, and nothing for a path that leads nowhere", () => {
    const key = fieldAtPath(fields, [0, 1]) as FieldNode;
    expect([key.number, key.start, key.end]).toEqual([2, 109, 116]);
    expect(fieldAtPath(fields, [0, 2])).toBeUndefined();
    expect(fieldAtPath(fields, [1])).toBeUndefined();
  });

  it("knows when a path lies within another", () => {
    expect(isPathWithin([0, 1], [0])).toBe(true);
    expect(isPathWithin([0], [0])).toBe(true);
    expect(isPathWithin([0], [0, 1])).toBe(false);
    expect(isPathWithin([1, 0], [0])).toBe(false);
  });
});
