/**
 * The bench's plain Node TCP proxy hop, run as a child process with
 * `--child TARGET_PORT`: net.createServer on 127.0.0.1, port 0, each client
 * piped to the target on 127.0.0.1 and back (the port goes to the parent over IPC).
 */
import { connect, createServer } from "node:net";

if (process.argv[2] === "--child") {
  const targetPort = Number(process.argv[3]);
  const server = createServer({ allowHalfOpen: true }, (client) => {
    const target = connect({ host: "127.0.0.1", port: targetPort, allowHalfOpen: true });
    client.setNoDelay(true);
    target.setNoDelay(true);
    client.pipe(target);
    target.pipe(client);
    client.on("error", () => target.destroy());
    target.on("error", () => client.destroy());
    client.on("close", () => target.destroy());
    target.on("close", () => client.destroy());
  });
  server.listen(0, "127.0.0.1", () => {
    const address = server.address();
    process.send?.({ port: typeof address === "object" && address !== null ? address.port : 0 });
  });
  process.on("message", () => process.exit(0));
  process.on("disconnect", () => process.exit(0));
}
