import { describe, expect, it } from "vitest";
import {
  findMessageType,
  listMessageTypes,
  loadSchemas,
} from "../../web/src/session/schema-load.js";

describe("loadSchemas", () => {
  it("resolves imports among the given files and the bundled well-known types", () => {
    const r = loadSchemas([
      {
        name: "app/msg.proto",
        text: 'syntax = "proto3"; package app; import "app/common.proto"; import "google/protobuf/timestamp.proto"; message Msg { Id id = 1; google.protobuf.Timestamp at = 2; }',
      },
      {
        name: "protos/app/common.proto",
        text: 'syntax = "proto3"; package app; message Id { string v = 1; }',
      },
    ]);
    if (!r.ok) throw new Error(r.error.text);
    expect(listMessageTypes(r.root)).toContain("app.Msg");
    expect(findMessageType(r.root, ".app.Msg")?.fieldsArray.map((f) => f.name)).toEqual([
      "id",
      "at",
    ]);
  });

  it("takes a well-known type given as a file under any path as the bundled one (regression: duplicate name)", () => {
    const r = loadSchemas([
      {
        name: "my.proto",
        text: 'syntax = "proto3"; import "google/protobuf/timestamp.proto"; message M { google.protobuf.Timestamp t = 1; }',
      },
      {
        name: "/usr/include/google/protobuf/timestamp.proto",
        text: 'syntax = "proto3"; package google.protobuf; message Timestamp { int64 seconds = 1; int32 nanos = 2; }',
      },
    ]);
    expect(r.ok).toBe(true);
  });

  it("names the file, line and column of a parse error", () => {
    const r = loadSchemas([
      { name: "bad.proto", text: 'syntax = "proto3";\nmessage A {\n  int32 x = ;\n}\n' },
    ]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ file: "bad.proto", line: 3, column: 13 });
  });

  it("names an import that is not loaded", () => {
    const r = loadSchemas([
      { name: "a.proto", text: 'syntax = "proto3";\nimport "b.proto";\nmessage A { B b = 1; }' },
    ]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ file: "a.proto", line: 2 });
  });

  it("names a type that does not resolve", () => {
    const r = loadSchemas([
      { name: "a.proto", text: 'syntax = "proto3";\nmessage A {\n  Nope n = 1;\n}' },
    ]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.text).toContain("Nope");
  });
});
