import { DelimFramer } from "./delim.js";
import { FixedFramer } from "./fixed.js";
import type { Framer } from "./framer.js";
import { GrpcFramer } from "./grpc.js";
import { Http1Framer } from "./http1.js";
import { LengthDelimitedFramer } from "./length-delimited.js";
import { NettyFramer } from "./netty.js";
import { RespFramer } from "./resp.js";
import type { FramingSpec } from "./spec.js";
import { VarintFramer } from "./varint.js";

/** A fresh framer for one stream, as the spec describes. */
export function createFramer(spec: FramingSpec): Framer {
  switch (spec.kind) {
    case "length":
      return new LengthDelimitedFramer(spec);
    case "netty":
      return new NettyFramer(spec);
    case "fixed":
      return new FixedFramer(spec);
    case "varint":
      return new VarintFramer(spec);
    case "grpc":
      return new GrpcFramer(spec);
    case "delim":
      return new DelimFramer(spec);
    case "resp":
      return new RespFramer(spec);
    case "http1":
      return new Http1Framer(spec);
  }
}
