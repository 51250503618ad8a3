import { join } from "node:path";
import type { CaptureInfo, TapInfo } from "../../web/src/session/bridge-protocol.js";
import { isCaptureName, listCaptures, readCaptureFileHead } from "./capture-files.js";
import { CaptureView } from "./capture-view.js";
import { CaptureWriter } from "./capture-writer.js";
import type { PageSocket } from "./page-socket.js";
import type { ViewRequest, ViewService } from "./view-service.js";

/**
 * The bridge's captures: the file this run writes (every connection goes to
 * it) and the folder of earlier ones, which pages list and open as views.
 */
export class BridgeCaptures implements ViewService {
  private constructor(
    readonly dir: string,
    readonly writer: CaptureWriter,
    private readonly taps: () => readonly TapInfo[],
    private readonly log: (line: string) => void,
  ) {}

  /** Creates this run's capture file in `dir`. */
  static async start(
    dir: string,
    taps: () => readonly TapInfo[],
    log: (line: string) => void,
  ): Promise<BridgeCaptures> {
    return new BridgeCaptures(dir, await CaptureWriter.create(dir, log), taps, log);
  }

  get currentName(): string {
    return this.writer.name;
  }

  list(): Promise<CaptureInfo[]> {
    return listCaptures(this.dir, this.writer.name);
  }

  async open(page: PageSocket, view: number, what: ViewRequest, onEnd: () => void) {
    let name: string;
    let follow: boolean;
    let tap: string | undefined;
    if ("tap" in what) {
      if (!this.taps().some((t) => t.name === what.tap)) {
        return {
          ok: false as const,
          code: "TAP_NOT_FOUND" as const,
          message: `no tap named ${what.tap}`,
        };
      }
      [name, follow, tap] = [this.writer.name, true, what.tap];
    } else {
      [name, follow] = [what.capture, what.follow];
    }
    if (!isCaptureName(name)) {
      return {
        ok: false as const,
        code: "CAPTURE_NOT_FOUND" as const,
        message: `no capture named ${name}`,
      };
    }
    const path = join(this.dir, name);
    let head: Awaited<ReturnType<typeof readCaptureFileHead>>;
    try {
      head = await readCaptureFileHead(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "EISDIR") {
        return {
          ok: false as const,
          code: "CAPTURE_NOT_FOUND" as const,
          message: `no capture named ${name}`,
        };
      }
      throw err;
    }
    if (head === null) {
      return {
        ok: false as const,
        code: "CAPTURE_UNREADABLE" as const,
        message: `${name} is not a capture this bridge can read`,
      };
    }
    const current = name === this.writer.name;
    const v = new CaptureView({
      page,
      view,
      capture: name,
      path,
      headSize: head.headSize,
      writer: current ? this.writer : null,
      follow: current && follow,
      ...(tap === undefined ? {} : { tap }),
      onEnd,
      log: this.log,
    });
    return { ok: true as const, view: v };
  }

  /** Writes what is queued and closes this run's file. */
  close(): Promise<void> {
    return this.writer.close();
  }
}
