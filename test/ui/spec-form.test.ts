import { describe, expect, it } from "vitest";
import {
  checkSpecText,
  defaultValue,
  FORM_FIELDS,
  readSpecText,
  setSpecKind,
  setSpecValue,
  writeSpecText,
} from "../../web/src/ui/spec-form.js";
import { parseFramingSpec } from "../../web/src/decode/spec.js";

describe("spec form", () => {
  it("reads a spec string into kind and raw values, even an invalid one", () => {
    const r = readSpecText(" length:size=9, mask=zz,offset ");
    expect(r.kind).toBe("length");
    expect([...r.values]).toEqual([
      ["size", "9"],
      ["mask", "zz"],
      ["offset", ""],
    ]);
  });

  it("writes keys in form order, leaving empty values out", () => {
    const values = new Map([
      ["gzip", "80000000"],
      ["mask", "7fffffff"],
      ["offset", ""],
    ]);
    expect(writeSpecText("length", values)).toBe("length:mask=7fffffff,gzip=80000000");
    expect(writeSpecText("resp", new Map())).toBe("resp");
  });

  it("sets and clears one key, keeping the others", () => {
    expect(setSpecValue("length:mask=7fffffff", "size", "4")).toBe("length:size=4,mask=7fffffff");
    expect(setSpecValue("length:size=4,mask=7fffffff", "size", "")).toBe("length:mask=7fffffff");
  });

  it("switches kind, keeping the keys the new kind has and filling required ones", () => {
    expect(setSpecKind("length:offset=1,size=2,mask=ff", "netty")).toBe("netty:offset=1,size=2");
    expect(setSpecKind("length", "fixed")).toBe("fixed:size=12");
    expect(setSpecKind("length:max=10", "delim")).toBe("delim:sep=0a,max=10");
  });

  it("explains an invalid value with parseFramingSpec's text and names the key", () => {
    const bad = checkSpecText("length:size=9");
    expect(bad).toEqual({
      ok: false,
      error: expect.stringContaining("size takes 1 to 8"),
      key: "size",
    });
    const unknown = checkSpecText("grpc:sise=1");
    expect(unknown).toMatchObject({ ok: false, key: "sise" });
    expect(checkSpecText("fixed")).toMatchObject({ ok: false, key: undefined });
    expect(checkSpecText("length:offset=0,size=4")).toMatchObject({
      ok: true,
      canonical: "length",
    });
  });

  it("shows each key's default as a placeholder (skip follows offset + size)", () => {
    const parsed = parseFramingSpec("length:offset=2,size=2");
    const spec = parsed.ok ? parsed.spec : undefined;
    expect(defaultValue(spec, "length", "skip")).toBe("4");
    expect(defaultValue(undefined, "length", "max")).toBe("8388608");
    expect(defaultValue(undefined, "netty", "failfast")).toBe("1");
    expect(defaultValue(undefined, "length", "mask")).toBe("");
  });

  it("offers a field for every key the spec parser knows", () => {
    for (const [kind, fields] of Object.entries(FORM_FIELDS)) {
      for (const f of fields) {
        const r = parseFramingSpec(`${kind}:${f.key}=`);
        expect(r.ok ? "" : r.error, `${kind}.${f.key}`).not.toMatch(/unknown key/);
      }
    }
  });
});
