/**
 * The bench's framescope bridge, run as a child process with
 * `--child TARGET CAPTURE_DIR|off`: createBridge on 127.0.0.1, port 0, allowing
 * TARGET; it reports its port and whether its `ws` unmasks natively over IPC,
 * and closes cleanly (so `--cpu-prof` can write its profile) on any message.
 */
import { createBridge } from "../bridge/src/bridge.js";
import { bufferutilStatus } from "./bridge-native.js";

async function main(target: string, captures: string): Promise<void> {
  const bridge = await createBridge({
    host: "127.0.0.1",
    port: 0,
    allow: [target],
    captures: captures === "off" ? null : captures,
    log: (line) => process.stderr.write(line + "\n"),
  });
  process.send?.({ port: bridge.port, bufferutil: bufferutilStatus() });
  const stop = (): void => {
    bridge.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`bench bridge: close: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.once("message", stop);
  process.once("disconnect", stop);
}

if (process.argv[2] === "--child") {
  main(process.argv[3] ?? "", process.argv[4] ?? "off").catch((err: unknown) => {
    process.stderr.write(`bench bridge: ${String(err)}\n`);
    process.exit(1);
  });
}
