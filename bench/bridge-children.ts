import { fork, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { connect, createServer } from "node:net";
import { fileURLToPath } from "node:url";

/** A server the bench started as a child process, listening on 127.0.0.1:`port`. */
export interface Child {
  readonly name: string;
  readonly port: number;
  /** Process id (for reading its CPU time from /proc). */
  readonly pid: number;
  /** What the child reported besides its port (e.g. its bufferutil status). */
  readonly info: Record<string, unknown>;
  /** Asks the child to exit (IPC) or kills it; waits at most 10 s. */
  stop(): Promise<void>;
}

/** Wait for a child to report its port: 10 s. */
const START_TIMEOUT_MS = 10_000;

/**
 * Forks one of the bench's child scripts (`bridge-target`, `bridge-proxy`,
 * `bridge-serve`) with `--child ...args` and waits for its port. With
 * FRAMESCOPE_BENCH_PROF=DIR set, the bridge child runs under --cpu-prof into DIR.
 */
export function forkChild(script: string, args: readonly string[]): Promise<Child> {
  const path = fileURLToPath(new URL(`./${script}.js`, import.meta.url));
  const prof = process.env["FRAMESCOPE_BENCH_PROF"];
  const execArgv =
    prof !== undefined && script === "bridge-serve" ? ["--cpu-prof", "--cpu-prof-dir", prof] : [];
  const child = fork(path, ["--child", ...args], { execArgv, stdio: "inherit" });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`${script} did not start within ${START_TIMEOUT_MS} ms`));
    }, START_TIMEOUT_MS);
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code} at start`)));
    child.once("message", (m) => {
      clearTimeout(timer);
      const info = (typeof m === "object" && m !== null ? m : {}) as Record<string, unknown>;
      resolve({
        name: script,
        port: Number(info["port"]),
        pid: child.pid ?? 0,
        info,
        stop: () => stopChild(child, () => child.send("stop")),
      });
    });
  });
}

function stopChild(child: ChildProcess, ask: () => void): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    ask();
  });
}

/** The websockify on PATH, installing Debian's package when missing; or why there is none. */
export function findWebsockify(): { path: string; note: string } | { skip: string } {
  const found = onPath("websockify");
  if (found !== null) return { path: found, note: "" };
  console.log("  websockify is not on PATH: apt-get install -y websockify ...");
  const install = (): ReturnType<typeof spawnSync> =>
    spawnSync("apt-get", ["install", "-y", "websockify"], { stdio: "ignore", timeout: 180_000 });
  let r = install();
  if (r.status !== 0) {
    spawnSync("apt-get", ["update"], { stdio: "ignore", timeout: 180_000 });
    r = install();
  }
  const after = onPath("websockify");
  if (after !== null) return { path: after, note: "installed with apt-get" };
  const why = r.error?.message ?? `apt-get install -y websockify exited with ${String(r.status)}`;
  return { skip: `websockify is not on PATH and could not be installed (${why})` };
}

function onPath(name: string): string | null {
  const r = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
  const path = r.status === 0 ? r.stdout.trim() : "";
  return path === "" ? null : path;
}

/** Starts websockify on a free loopback port in front of 127.0.0.1:`targetPort`. */
export async function startWebsockify(path: string, targetPort: number): Promise<Child> {
  const port = await freePort();
  const child = spawn(path, [`127.0.0.1:${port}`, `127.0.0.1:${targetPort}`], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (b: Buffer) => (stderr = (stderr + b.toString()).slice(-2000)));
  const deadline = performance.now() + START_TIMEOUT_MS;
  while (!(await canConnect(port))) {
    if (child.exitCode !== null || performance.now() > deadline) {
      child.kill();
      throw new Error(`websockify did not start: ${stderr.trim() || "no output"}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    name: "websockify",
    port,
    pid: child.pid ?? 0,
    info: {},
    stop: () => stopChild(child, () => child.kill("SIGTERM")),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: "127.0.0.1", port });
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}
