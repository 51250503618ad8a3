import type { BridgeErrorCode, CaptureInfo } from "../../web/src/session/bridge-protocol.js";
import type { PageSocket } from "./page-socket.js";

/** A view that is set up: `start()` begins sending its records, `close()` stops it (sending `view-end`). */
export interface RunningView {
  readonly capture: string;
  readonly follow: boolean;
  start(): void;
  close(): void;
}

/** What a view shows: a capture file (followed live when it is the current one), or one tap's connections. */
export type ViewRequest =
  { readonly capture: string; readonly follow: boolean } | { readonly tap: string };

/** Lists captures and opens views on them for a session. */
export interface ViewService {
  list(): Promise<CaptureInfo[]>;
  /** Prepares view number `view` for `page`; `onEnd` runs once it has ended for any reason. */
  open(
    page: PageSocket,
    view: number,
    what: ViewRequest,
    onEnd: () => void,
  ): Promise<
    { ok: true; view: RunningView } | { ok: false; code: BridgeErrorCode; message: string }
  >;
}
