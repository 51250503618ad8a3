import { describe, expect, it } from "vitest";
import { isPassThrough, RowFilter, type FilterSource } from "../../web/src/ui/row-filter.js";

function source(
  rows: [dir: "c2s" | "s2c", summary: string, note: string][],
  revision = 0,
): FilterSource {
  return {
    count: rows.length,
    revision,
    dirOf: (r) => rows[r]?.[0] ?? "c2s",
    summary: (r) => rows[r]?.[1] ?? "",
    note: (r) => rows[r]?.[2] ?? "",
  };
}

const ROWS: [dir: "c2s" | "s2c", summary: string, note: string][] = [
  ["c2s", "CommandRequest hset", ""],
  ["s2c", "CommandResponse status: 200", ""],
  ["c2s", "CommandRequest hget", "INVALID_UTF8"],
  ["s2c", "CommandResponse status: 404", ""],
];

const matches = (r: { rows: Int32Array; length: number }) => [...r.rows.subarray(0, r.length)];

describe("RowFilter", () => {
  it.each([
    ["by direction", { dir: "s2c", text: "" }, [1, 3]],
    ["by text, any case", { dir: "all", text: "HGET" }, [2]],
    ["by issue code", { dir: "all", text: "invalid_utf8" }, [2]],
    ["by both", { dir: "c2s", text: "command" }, [0, 2]],
    ["with nothing matching", { dir: "all", text: "zzz" }, []],
  ] as const)("filters %s", (_name, spec, rows) => {
    expect(matches(new RowFilter().update(source(ROWS), spec))).toEqual(rows);
  });

  it("tests only appended rows when the source grows, and starts over when it is replaced", () => {
    const f = new RowFilter();
    const spec = { dir: "all", text: "status" } as const;
    const grow = [...ROWS.slice(0, 2)];
    const s = { ...source(grow), count: 2 };
    expect(matches(f.update(s, spec))).toEqual([1]);
    let asked = 0;
    const grown: FilterSource = {
      ...source(ROWS),
      summary: (r) => {
        asked++;
        return ROWS[r]?.[1] ?? "";
      },
    };
    // Same object identity is required for reuse: a new source object starts over.
    expect(matches(f.update(grown, spec))).toEqual([1, 3]);
    expect(asked).toBe(4);
    asked = 0;
    expect(matches(f.update(grown, spec))).toEqual([1, 3]);
    expect(asked).toBe(0);
    expect(matches(f.update({ ...grown, revision: 1 }, spec))).toEqual([1, 3]);
  });

  it("knows a filter that keeps everything", () => {
    expect(isPassThrough({ dir: "all", text: "  " })).toBe(true);
    expect(isPassThrough({ dir: "c2s", text: "" })).toBe(false);
  });
});

describe("RowFilter with summaries still to come", () => {
  it("stops at the first summary it lacks, asks for the rows from there, and goes on once they came", () => {
    const held = new Map<number, string>([
      [0, "CommandRequest hset"],
      [1, "CommandResponse status: 200"],
    ]);
    const src: FilterSource = {
      count: 4,
      revision: 0,
      dirOf: (r) => (r % 2 === 0 ? "c2s" : "s2c"),
      summary: (r) => held.get(r),
      note: () => "",
    };
    const f = new RowFilter();
    const spec = { dir: "all", text: "status" } as const;
    const first = f.update(src, spec);
    expect(matches(first)).toEqual([1]);
    expect(first.scanned).toBe(2);
    expect(first.wanted).toEqual([2, 3]);
    held.set(2, "CommandRequest hget");
    held.set(3, "CommandResponse status: 404");
    const second = f.update(src, spec);
    expect(matches(second)).toEqual([1, 3]);
    expect([second.scanned, second.wanted]).toEqual([4, []]);
  });

  it("asks only for rows of the direction filtered on, and a direction-only filter needs no summaries", () => {
    const src: FilterSource = {
      count: 4,
      revision: 0,
      dirOf: (r) => (r % 2 === 0 ? "c2s" : "s2c"),
      summary: () => undefined,
      note: () => "",
    };
    expect(new RowFilter().update(src, { dir: "s2c", text: "x" }).wanted).toEqual([1, 3]);
    const byDir = new RowFilter().update(src, { dir: "s2c", text: "" });
    expect([matches(byDir), byDir.wanted]).toEqual([[1, 3], []]);
  });
});
