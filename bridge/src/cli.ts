#!/usr/bin/env node
import { DECODE_USAGE, runDecodeCommand } from "./decode-command.js";
import { DEMO_USAGE, runDemoCommand } from "./demo-command.js";
import { SERVE_USAGE, runServeCommand } from "./serve-command.js";

const USAGE = `usage: framescope <command> [options]

commands:
  decode    cut a byte stream into frames and print them as JSON Lines
  serve     start the bridge and the page (with the live kv demo)
  demo      run the demo kv server alone

${DECODE_USAGE}

${SERVE_USAGE}

${DEMO_USAGE}`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
  switch (command) {
    case "decode":
      return runDecodeCommand(rest, io);
    case "serve":
      return runServeCommand(rest, io);
    case "demo":
      return runDemoCommand(rest, io);
    case undefined:
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(USAGE + "\n");
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`framescope: unknown command "${command}"\n\n${USAGE}\n`);
      return 2;
  }
}

process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  // A closed pipe (framescope decode ... | head) is a normal way to stop.
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(
      `framescope: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = 70;
  },
);
