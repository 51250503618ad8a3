import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readCaptureFile } from "../../bridge/src/capture-files.js";
import { runDemoScript } from "../../bridge/src/kv/demo-script.js";
import { loadKvSchema } from "../../bridge/src/kv/kv-schema.js";
import { PageClient, tempDir } from "./helpers.js";

/** The built command, run as a user would (npm test builds it first). */
const CLI = fileURLToPath(new URL("../../dist/bridge/src/cli.js", import.meta.url));

/** Starts the CLI and resolves with its stdout once `ready` matches it. */
function startCli(
  args: string[],
  ready: RegExp,
): { child: ChildProcess; output: Promise<RegExpExecArray> } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const output = new Promise<RegExpExecArray>((resolve, reject) => {
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const m = ready.exec(out);
      if (m) resolve(m);
    });
    child.once("exit", (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  return { child, output };
}

function interrupt(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.kill("SIGINT");
  });
}

describe("framescope serve and demo", () => {
  it("serve starts the bridge, the demo kv server, its tap and the scripted client; Ctrl-C stops it cleanly", async () => {
    const dir = tempDir();
    const { child, output } = startCli(
      ["serve", "--port", "0", "--captures", dir, "--demo-interval", "1"],
      /open (http:\/\/127\.0\.0\.1:(\d+)\/)\n\s+demo kv server\s+(\S+) \(tap "demo" on (\S+),[^\n]*\n\s+capture\s+(\S+)\n/,
    );
    try {
      const m = await output;
      const page = await PageClient.open({ port: Number(m[2]) });
      const hello = page.messages[0];
      expect(hello).toMatchObject({
        type: "hello",
        demo: m[3],
        allow: [m[3]],
        taps: [{ name: "demo", listen: m[4], target: m[3] }],
      });
      page.send({ type: "attach", req: 1, tap: "demo" });
      const closed = await page.waitFor((x) => x.type === "closed" && x.view > 0);
      expect(closed).toMatchObject({ reason: "ended" });
      const opened = await page.waitFor((x) => x.type === "opened" && x.view > 0);
      expect(opened).toMatchObject({ source: "tap", tap: "demo", target: m[3] });
      expect(page.chunks.some((c) => c.view > 0 && c.dir === "s2c")).toBe(true);
      // The page may also connect to the demo server itself.
      const own = await page.connect(m[3] ?? "");
      expect(own.type).toBe("opened");
      page.close();
      expect(await interrupt(child)).toBe(0);
      const capture = await readCaptureFile(m[5] ?? "");
      expect(capture.ok && capture.tail).toBeNull();
      expect(capture.ok && capture.records.length).toBeGreaterThan(10);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("serve --help prints the options; a bad option is a usage error", () => {
    const help = spawnSync(process.execPath, [CLI, "serve", "--help"], {
      encoding: "utf8",
      timeout: 10_000,
    });
    expect(help.status, help.stderr).toBe(0);
    for (const flag of [
      "--host",
      "--port",
      "--allow",
      "--tap",
      "--captures",
      "--origin",
      "--token",
      "--no-demo",
      "--max-connections",
      "--max-message",
      "--idle-timeout",
    ]) {
      expect(help.stdout).toContain(flag);
    }
    for (const args of [
      ["--bogus"],
      ["--tap", "nonsense"],
      ["--allow", "x"],
      ["--port", "70000"],
      ["--origin", "nope"],
    ]) {
      const r = spawnSync(process.execPath, [CLI, "serve", ...args], {
        encoding: "utf8",
        timeout: 10_000,
      });
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toContain("framescope serve:");
    }
  });

  it("demo runs the kv server alone; the scripted session runs against it", async () => {
    const { child, output } = startCli(["demo", "--port", "0"], /kv server on (\S+) /);
    try {
      const m = await output;
      const responses = await runDemoScript(m[1] ?? "", loadKvSchema());
      expect(responses).toHaveLength(16);
      expect(await interrupt(child)).toBe(0);
    } finally {
      child.kill("SIGKILL");
    }
  });
});
