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

/** The two framers of one connection: client to server and server to client. */
export interface FramerPair {
  readonly c2s: Framer;
  readonly s2c: Framer;
}

/**
 * Framers for both directions of one connection. They are independent except
 * for HTTP/1, where the response framer learns each request's method from the
 * request framer (a response to HEAD has no body; a 2xx to CONNECT is a tunnel).
 */
export function createFramerPair(spec: FramingSpec): FramerPair {
  if (spec.kind !== "http1") return { c2s: createFramer(spec), s2c: createFramer(spec) };
  const methods: string[] = [];
  return {
    c2s: new Http1Framer(spec, { onRequestHead: (method) => methods.push(method) }),
    s2c: new Http1Framer(spec, { requestMethods: () => methods.shift() }),
  };
}
