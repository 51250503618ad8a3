import { VALUE_UINT } from "./field-decode.js";
import { newFieldFacts, newFieldNode, type FieldFacts, type FieldNode } from "./proto-tree.js";
import { READ_MESSAGE, READ_STRING } from "./raw-walk-guess.js";
import { K_BYTES, K_STRING } from "./schema-walk-info.js";
import { WIRE_I32, WIRE_I64, WIRE_LEN, WIRE_SGROUP, WIRE_VARINT } from "./wire.js";

/**
 * Builders for the field nodes of a schemaless walk. Node types name what the
 * wire says: "varint", "fixed32", "fixed64", "group", or the chosen reading of
 * a LEN field ("message", "string", "bytes"). Scalars, strings and bytes are
 * decoded on first use (field-decode.ts); only nested fields are kept here.
 */

const VARINT_FACTS = newFieldFacts({ type: "varint", decode: VALUE_UINT });
const FIXED32_FACTS = newFieldFacts({ type: "fixed32", decode: VALUE_UINT });
const FIXED64_FACTS = newFieldFacts({ type: "fixed64", decode: VALUE_UINT });
const GROUP_FACTS = newFieldFacts({ type: "group", decode: VALUE_UINT });

/** LEN facts for a reading and the READ_MESSAGE / READ_STRING bits of its alternatives. */
function lenFacts(reading: "message" | "string" | "bytes", guessed: number): FieldFacts {
  return newFieldFacts({
    type: reading,
    decode: reading === "string" ? K_STRING : K_BYTES,
    reading,
    guessed,
  });
}

/** A LEN field read as a message (its bytes are not text). */
export const MESSAGE_FACTS = lenFacts("message", 0);
/** A LEN field read as a message whose bytes are also text. */
export const MESSAGE_TEXT_FACTS = lenFacts("message", READ_MESSAGE | READ_STRING);
/** Text (that is not also one message). */
export const STRING_FACTS = lenFacts("string", READ_STRING);
/** Text that is also one (flat) message. */
export const STRING_MESSAGE_FACTS = lenFacts("string", READ_STRING | READ_MESSAGE);
/** Bytes (neither text nor a message). */
export const BYTES_FACTS = lenFacts("bytes", 0);
/** Bytes that would be a message but are nested too deep to read as one. */
export const BYTES_DEEP_FACTS = lenFacts("bytes", READ_MESSAGE);

/**
 * A VARINT field (or packed element: then `tag` is empty at the value's
 * start) in bytes[start, end); absolute positions are index + base.
 */
export function varintNode(
  bytes: Uint8Array,
  number: number,
  start: number,
  tagEnd: number,
  end: number,
  base: number,
): FieldNode {
  const s = start + base;
  const t = tagEnd + base;
  const e = end + base;
  return newFieldNode(number, WIRE_VARINT, s, t, t, e, e, VARINT_FACTS, bytes, base, undefined);
}

/** An I32 or I64 field (or packed element) whose value starts at `tagEnd` in `bytes`. */
export function fixedNode(
  bytes: Uint8Array,
  number: number,
  wireType: typeof WIRE_I32 | typeof WIRE_I64,
  start: number,
  tagEnd: number,
  base: number,
): FieldNode {
  const wide = wireType === WIRE_I64;
  const s = start + base;
  const t = tagEnd + base;
  const e = t + (wide ? 8 : 4);
  const facts = wide ? FIXED64_FACTS : FIXED32_FACTS;
  return newFieldNode(number, wireType, s, t, t, e, e, facts, bytes, base, undefined);
}

/**
 * A LEN field: tag [start, tagEnd), length [tagEnd, valueStart), value
 * [valueStart, end); `facts` one of the LEN facts above (its reading), and
 * `fields` when it was read as a message.
 */
export function lenNode(
  bytes: Uint8Array,
  number: number,
  start: number,
  tagEnd: number,
  valueStart: number,
  end: number,
  base: number,
  facts: FieldFacts,
  fields: readonly FieldNode[] | undefined,
): FieldNode {
  return newFieldNode(
    number,
    WIRE_LEN,
    start + base,
    tagEnd + base,
    valueStart + base,
    end + base,
    end + base,
    facts,
    bytes,
    base,
    fields,
  );
}

/**
 * A group: start tag [start, tagEnd), fields [tagEnd, valueEnd), then the
 * EGROUP tag [valueEnd, end) (valueEnd = end when it has none).
 */
export function groupNode(
  bytes: Uint8Array,
  number: number,
  start: number,
  tagEnd: number,
  valueEnd: number,
  end: number,
  base: number,
  fields: readonly FieldNode[],
): FieldNode {
  return newFieldNode(
    number,
    WIRE_SGROUP,
    start + base,
    tagEnd + base,
    tagEnd + base,
    valueEnd + base,
    end + base,
    GROUP_FACTS,
    bytes,
    base,
    fields,
  );
}
