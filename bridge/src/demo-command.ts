import { parseArgs } from "node:util";
import type { CommandIo } from "./decode-command.js";
import { KV_DEFAULT_PORT, startKvServer } from "./kv/kv-server.js";
import { untilSignal } from "./until-signal.js";

export const DEMO_USAGE = `usage: framescope demo [--host HOST] [--port PORT]

Runs the demo kv server: abi.CommandRequest / abi.CommandResponse (proto/kv.proto)
framed by a 4-byte big-endian length whose top bit flags a gzip-compressed
payload (payloads over 1436 bytes are gzipped); framing spec
length:mask=7fffffff,gzip=80000000. Ctrl-C stops it.

  --host HOST   bind address (default 127.0.0.1)
  --port PORT   port (default ${KV_DEFAULT_PORT}; 0 picks a free one)`;

/** Runs `framescope demo` until SIGINT/SIGTERM; resolves to the exit status. */
export async function runDemoCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        host: { type: "string" },
        port: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    io.stderr.write(
      `framescope demo: ${err instanceof Error ? err.message : String(err)}\n\n${DEMO_USAGE}\n`,
    );
    return 2;
  }
  if (values.help) {
    io.stdout.write(DEMO_USAGE + "\n");
    return 0;
  }
  const port = values.port === undefined ? KV_DEFAULT_PORT : Number(values.port);
  if (!/^\d+$/.test(values.port ?? "0") || port > 65535) {
    io.stderr.write(`framescope demo: --port ${values.port ?? ""}: expected 0..65535\n`);
    return 2;
  }
  let kv;
  try {
    kv = await startKvServer({ host: values.host ?? "127.0.0.1", port });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EADDRINUSE") {
      io.stderr.write(`framescope demo: ${(err as Error).message} (choose another --port)\n`);
      return 1;
    }
    throw err;
  }
  io.stdout.write(
    `framescope demo: kv server on ${kv.address} (framing length:mask=7fffffff,gzip=80000000)\nPress Ctrl-C to stop.\n`,
  );
  await untilSignal();
  await kv.close();
  return 0;
}
