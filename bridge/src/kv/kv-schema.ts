import { readFileSync } from "node:fs";
import { join } from "node:path";
import type protobuf from "protobufjs";
import { findMessageType, loadSchemas } from "../../../web/src/session/schema-load.js";
import { packageRoot } from "../package-root.js";

/** A kv Value as plain data: exactly one of the fields (int64 as a decimal string). */
export interface KvValue {
  string?: string;
  binary?: Uint8Array;
  integer?: string;
  float?: number;
  bool?: boolean;
}

export interface KvPair {
  key: string;
  value?: KvValue;
}

/** abi.CommandRequest as plain data: exactly one command. */
export interface KvRequest {
  hget?: { table?: string; key?: string };
  hgetall?: { table?: string };
  hmget?: { table?: string; keys?: string[] };
  hset?: { table?: string; pair?: KvPair };
  hmset?: { table?: string; pairs?: KvPair[] };
  hdel?: { table?: string; key?: string };
  hmdel?: { table?: string; keys?: string[] };
  hexist?: { table?: string; key?: string };
  hmexist?: { table?: string; keys?: string[] };
  subscribe?: { topic?: string };
  unsubscribe?: { topic?: string; id?: number };
  publish?: { topic?: string; data?: KvValue[] };
}

/** abi.CommandResponse as plain data. */
export interface KvResponse {
  status: number;
  message?: string;
  values?: KvValue[];
  pairs?: KvPair[];
}

/** The kv protocol's message types, loaded from proto/kv.proto. */
export interface KvSchema {
  readonly request: protobuf.Type;
  readonly response: protobuf.Type;
  /** Path of the .proto file it came from. */
  readonly path: string;
}

const TO_OBJECT = { longs: String, arrays: false, defaults: false } as const;

/** Loads proto/kv.proto (package abi) from the framescope package; throws if it is missing or broken. */
export function loadKvSchema(path = join(packageRoot(), "proto", "kv.proto")): KvSchema {
  const loaded = loadSchemas([{ name: "kv.proto", text: readFileSync(path, "utf8") }]);
  if (!loaded.ok) throw new Error(`${path}: ${loaded.error.text}`);
  const request = findMessageType(loaded.root, "abi.CommandRequest");
  const response = findMessageType(loaded.root, "abi.CommandResponse");
  if (request === undefined || response === undefined)
    throw new Error(`${path}: abi.CommandRequest/CommandResponse missing`);
  return { request, response, path };
}

/** Encodes a request; throws on a value that does not fit the schema (a programmer error). */
export function encodeRequest(schema: KvSchema, request: KvRequest): Uint8Array {
  return schema.request.encode(schema.request.fromObject(request)).finish();
}

/** Encodes a response. */
export function encodeResponse(schema: KvSchema, response: KvResponse): Uint8Array {
  return schema.response.encode(schema.response.fromObject(response)).finish();
}

/** Decodes a request, or returns the decoder's complaint. */
export function decodeRequest(schema: KvSchema, bytes: Uint8Array): KvRequest | Error {
  return decodeWith(schema.request, bytes) as KvRequest | Error;
}

/** Decodes a response, or returns the decoder's complaint. */
export function decodeResponse(schema: KvSchema, bytes: Uint8Array): KvResponse | Error {
  const r = decodeWith(schema.response, bytes);
  return r instanceof Error ? r : ({ status: 0, ...r } as KvResponse);
}

function decodeWith(type: protobuf.Type, bytes: Uint8Array): Record<string, unknown> | Error {
  try {
    return type.toObject(type.decode(bytes), TO_OBJECT);
  } catch (err) {
    if (err instanceof Error) return err;
    throw err;
  }
}
