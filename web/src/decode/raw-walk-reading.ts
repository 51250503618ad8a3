import type { FieldNode, FieldValue, Reading } from "./proto-tree.js";
import { fixedNode, varintNode } from "./raw-walk-nodes.js";
import { walkRaw, type RawWalkOptions } from "./raw-walk.js";
import { decodeUtf8 } from "./utf8.js";
import { WIRE_I32, WIRE_I64, newVarint, readVarint } from "./wire.js";

const v = newVarint();

/**
 * Decodes the value of a schemaless LEN field with a reading the walk did not
 * choose (one of its `alternatives`, picked in the UI). `bytes` are the value's
 * bytes, `base` their absolute offset, `fieldNumber` the field's number (given
 * to packed elements). Bytes that do not fit the reading come back as "raw".
 *
 * Packed elements are nodes with an empty tag span at their start:
 * ```
 * | elem 0 | elem 1 | elem 2 |   value span of the LEN field
 * ```
 */
export function readAs(
  bytes: Uint8Array,
  base: number,
  fieldNumber: number,
  reading: Reading,
  options: RawWalkOptions = {},
): FieldValue {
  switch (reading) {
    case "bytes":
      return { kind: "bytes", value: bytes };
    case "string": {
      const utf8 = decodeUtf8(bytes);
      return utf8.ok ? { kind: "string", value: utf8.text } : { kind: "raw", value: bytes };
    }
    case "message": {
      const walked = walkRaw(bytes, base, options);
      return walked.issues.some((i) => i.fatal)
        ? { kind: "raw", value: bytes }
        : { kind: "message", fields: walked.fields };
    }
    case "packed-varint":
      return packedVarints(bytes, base, fieldNumber);
    case "packed-fixed32":
    case "packed-fixed64":
      return packedFixed(bytes, base, fieldNumber, reading === "packed-fixed64" ? 8 : 4);
  }
}

function packedVarints(bytes: Uint8Array, base: number, fieldNumber: number): FieldValue {
  const elements: FieldNode[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    readVarint(bytes, pos, bytes.length, v);
    if (v.next < 0) return { kind: "raw", value: bytes };
    elements.push(varintNode(bytes, fieldNumber, pos, pos, v.next, base));
    pos = v.next;
  }
  return { kind: "packed", elements };
}

function packedFixed(
  bytes: Uint8Array,
  base: number,
  fieldNumber: number,
  size: 4 | 8,
): FieldValue {
  if (bytes.length % size !== 0) return { kind: "raw", value: bytes };
  const wireType = size === 8 ? WIRE_I64 : WIRE_I32;
  const elements: FieldNode[] = [];
  for (let pos = 0; pos < bytes.length; pos += size) {
    elements.push(fixedNode(bytes, fieldNumber, wireType, pos, pos, base));
  }
  return { kind: "packed", elements };
}
