import { open, readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import type { CaptureInfo } from "../../web/src/session/bridge-protocol.js";
import {
  readCapture,
  readCaptureHead,
  type CaptureReadResult,
} from "../../web/src/session/capture-format.js";
import { CAPTURE_EXTENSION } from "./capture-writer.js";

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\.fscap$/;

/** True for a plain capture file name (no folders, no leading dot): the only names the page may open. */
export function isCaptureName(name: string): boolean {
  return NAME.test(name) && name.endsWith(CAPTURE_EXTENSION) && !name.includes("..");
}

/** Reads a whole capture file; torn or damaged tails are reported, never thrown (`framescope decode` uses this). */
export async function readCaptureFile(path: string): Promise<CaptureReadResult> {
  return readCapture(await readFile(path), crc32);
}

/** The capture's head (version, creation time, head size), or null when the file is not a readable capture. */
export async function readCaptureFileHead(
  path: string,
): Promise<{ created: number; headSize: number } | null> {
  const file = await open(path, "r");
  try {
    const buf = Buffer.alloc(64);
    const { bytesRead } = await file.read(buf, 0, buf.length, 0);
    const head = readCaptureHead(buf.subarray(0, bytesRead));
    return head.ok ? { created: head.created, headSize: head.headSize } : null;
  } finally {
    await file.close();
  }
}

/** The capture files in `dir`, newest first; files that vanish or are not captures are left out. */
export async function listCaptures(dir: string, current: string | null): Promise<CaptureInfo[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  const infos: CaptureInfo[] = [];
  for (const name of names.filter(isCaptureName).sort().reverse()) {
    const path = join(dir, name);
    try {
      const info = await stat(path);
      const head = info.isFile() ? await readCaptureFileHead(path) : null;
      if (head !== null)
        infos.push({ name, size: info.size, created: head.created, current: name === current });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
  }
  return infos;
}
