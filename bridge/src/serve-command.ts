import { parseArgs } from "node:util";
import { createBridge, type Bridge } from "./bridge.js";
import {
  DEFAULT_HOST,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_PAYLOAD,
  DEFAULT_MAX_SESSION_CONNECTIONS,
  DEFAULT_PORT,
  type TapOption,
} from "./bridge-options.js";
import type { CommandIo } from "./decode-command.js";
import { DEMO_INTERVAL_MS, startDemoTraffic } from "./kv/demo-script.js";
import { loadKvSchema } from "./kv/kv-schema.js";
import { startKvServer, type KvServer } from "./kv/kv-server.js";
import { MAX_RECORD_BODY } from "../../web/src/session/capture-format.js";
import { parseTapOption } from "./tap.js";
import { parseAllowRule } from "./targets.js";
import { normalizeOrigin } from "./upgrade-guard.js";
import { untilSignal } from "./until-signal.js";

export const SERVE_USAGE = `usage: framescope serve [options]

Starts the bridge: the page at http://HOST:PORT/, its WebSocket (/session), a
websockify-compatible /raw endpoint, taps and the capture file. By default it
also runs the demo kv server behind a tap, with a scripted client every few
seconds, so the page has live traffic at once. Ctrl-C stops everything.

  --host HOST              bind address (default ${DEFAULT_HOST}); any other than
                           loopback requires a token
  --port PORT              port (default ${DEFAULT_PORT}; 0 picks a free one)
  --allow TARGET           a target the page may connect to: HOST:PORT or HOST:*
                           (repeatable; demo and tap targets are always allowed)
  --tap LISTEN=TARGET      listen on LISTEN, forward each client to TARGET and
                           capture both directions, e.g. 127.0.0.1:7000=127.0.0.1:9527
                           (repeatable)
  --captures DIR           folder for capture files (default ./captures)
  --origin ORIGIN          another page origin allowed to open WebSockets, e.g.
                           http://localhost:5173 (repeatable)
  --token TOKEN            token WebSocket clients must send (?token=); generated
                           when the host is not loopback
  --web DIR                folder of the built page (default dist/web)
  --no-demo                no demo kv server, tap or scripted client
  --demo-interval SECONDS  pause between scripted demo sessions (default ${DEMO_INTERVAL_MS / 1000})
  --max-connections N      TCP connections in total (default ${DEFAULT_MAX_CONNECTIONS})
  --max-session-connections N
                           TCP connections per page (default ${DEFAULT_MAX_SESSION_CONNECTIONS})
  --max-message BYTES      largest WebSocket message (default ${DEFAULT_MAX_PAYLOAD})
  --idle-timeout SECONDS   close connections idle this long (default ${DEFAULT_IDLE_TIMEOUT_MS / 1000})
  -h, --help               this text`;

class UsageError extends Error {}

/** Runs `framescope serve` until SIGINT/SIGTERM; resolves to the exit status. */
export async function runServeCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  let config: ReturnType<typeof parse>;
  try {
    config = parse(argv);
  } catch (err) {
    if (
      err instanceof UsageError ||
      (err as NodeJS.ErrnoException).code?.startsWith("ERR_PARSE_ARGS")
    ) {
      io.stderr.write(`framescope serve: ${(err as Error).message}\n\n${SERVE_USAGE}\n`);
      return 2;
    }
    throw err;
  }
  if (config === null) {
    io.stdout.write(SERVE_USAGE + "\n");
    return 0;
  }
  let kv: KvServer | null = null;
  let bridge: Bridge | null = null;
  let traffic: { stop(): Promise<void> } | null = null;
  const log = (line: string): void => void io.stderr.write(line + "\n");
  try {
    const schema = config.demo ? loadKvSchema() : null;
    if (schema !== null) kv = await startKvServer({ port: 0, schema });
    const taps: TapOption[] = [...config.taps];
    if (kv !== null) taps.push({ listen: "127.0.0.1:0", target: kv.address, name: "demo" });
    bridge = await createBridge({ ...config.bridge, taps, demo: kv?.address ?? null, log });
    const demoTap = bridge.taps.find((t) => t.name === "demo");
    if (schema !== null && demoTap !== undefined) {
      traffic = startDemoTraffic(demoTap.listen, schema, log, config.demoIntervalMs);
    }
    const lines = [`framescope bridge: open ${bridge.url}`];
    if (kv !== null && demoTap !== undefined) {
      lines.push(
        `  demo kv server   ${kv.address} (tap "demo" on ${demoTap.listen}, scripted client every ${config.demoIntervalMs / 1000} s)`,
      );
    }
    for (const t of bridge.taps.filter((x) => x !== demoTap))
      lines.push(`  tap              ${t.listen} -> ${t.target}`);
    if (bridge.capturePath !== null) lines.push(`  capture          ${bridge.capturePath}`);
    lines.push("Press Ctrl-C to stop.");
    io.stdout.write(lines.join("\n") + "\n");
    await untilSignal();
    io.stdout.write("framescope: stopping\n");
    return 0;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE" || code === "EACCES" || code === "EADDRNOTAVAIL") {
      io.stderr.write(
        `framescope serve: cannot listen: ${(err as Error).message} (choose another --port or --tap address)\n`,
      );
      return 1;
    }
    throw err;
  } finally {
    await traffic?.stop();
    await bridge?.close();
    await kv?.close();
  }
}

function parse(argv: readonly string[]) {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      host: { type: "string" },
      port: { type: "string" },
      allow: { type: "string", multiple: true },
      tap: { type: "string", multiple: true },
      captures: { type: "string" },
      origin: { type: "string", multiple: true },
      token: { type: "string" },
      web: { type: "string" },
      "no-demo": { type: "boolean" },
      "demo-interval": { type: "string" },
      "max-connections": { type: "string" },
      "max-session-connections": { type: "string" },
      "max-message": { type: "string" },
      "idle-timeout": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return null;
  for (const a of values.allow ?? [])
    if (parseAllowRule(a) === null)
      throw new UsageError(`--allow ${a}: expected HOST:PORT or HOST:*`);
  const taps = (values.tap ?? []).map((t) => {
    const o = parseTapOption(t);
    if (o === null)
      throw new UsageError(
        `--tap ${t}: expected LISTEN=TARGET, e.g. 127.0.0.1:7000=127.0.0.1:9527`,
      );
    return o;
  });
  const origins = (values.origin ?? []).map((o) => {
    if (!URL.canParse(o))
      throw new UsageError(`--origin ${o}: expected an origin like http://localhost:5173`);
    return normalizeOrigin(o);
  });
  const limits = {
    ...optionalInt(values["max-connections"], "--max-connections", "maxConnections"),
    ...optionalInt(
      values["max-session-connections"],
      "--max-session-connections",
      "maxSessionConnections",
    ),
    ...optionalInt(values["max-message"], "--max-message", "maxPayload", 1, MAX_RECORD_BODY),
    ...optionalInt(values["idle-timeout"], "--idle-timeout", "idleTimeoutMs", 1000),
  };
  const port = values.port === undefined ? DEFAULT_PORT : integer(values.port, "--port", 0, 65535);
  return {
    bridge: {
      host: values.host ?? DEFAULT_HOST,
      port,
      allow: values.allow ?? [],
      origins,
      captures: values.captures ?? "captures",
      limits,
      ...(values.token === undefined ? {} : { token: values.token }),
      ...(values.web === undefined ? {} : { webRoot: values.web }),
    },
    taps,
    demo: values["no-demo"] !== true,
    demoIntervalMs:
      values["demo-interval"] === undefined
        ? DEMO_INTERVAL_MS
        : integer(values["demo-interval"], "--demo-interval", 1) * 1000,
  };
}

function optionalInt<K extends string>(
  text: string | undefined,
  flag: string,
  key: K,
  scale = 1,
  max = Number.MAX_SAFE_INTEGER,
): Partial<Record<K, number>> {
  if (text === undefined) return {};
  return { [key]: integer(text, flag, 1, max) * scale } as Partial<Record<K, number>>;
}

function integer(text: string, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max)
    throw new UsageError(`${flag} ${text}: expected a whole number from ${min} to ${max}`);
  return n;
}
