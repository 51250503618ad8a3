import type { Framer } from "./framer.js";
import { LengthDelimitedFramer } from "./length-delimited.js";
import type { FramingSpec } from "./spec.js";

/** A fresh framer for one stream, as the spec describes. */
export function createFramer(spec: FramingSpec): Framer {
  switch (spec.kind) {
    case "length":
      return new LengthDelimitedFramer(spec);
    default:
      throw new Error(`framing ${spec.kind} is not available yet`);
  }
}
