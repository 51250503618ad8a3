/**
 * What the user looks at: a conversation, a row of its frame list, the field
 * tree of that frame (asked of the worker on demand), a field in it, and which
 * stream the hex view shows. Selections survive re-framing by byte offset: the
 * frame that now covers the selected frame's first byte is selected again.
 */
import { fieldAtPath, fieldPathAt, type FieldPath } from "../ui/field-path.js";
import type { Direction } from "./bridge-protocol.js";
import type { CaptureStore } from "./capture-store.js";
import type { FrameTable } from "./frame-table.js";
import {
  ROW_START,
  type ConnKey,
  type FrameDetail,
  type UiToWorker,
  type WorkerToUi,
} from "./worker-protocol.js";

/** The part of the session model the selection needs. */
export interface SelectionHost {
  readonly store: CaptureStore;
  readonly tables: ReadonlyMap<ConnKey, FrameTable>;
  followNewest: boolean;
  changed(): void;
}

/** The hex view shows the stream, or the decompressed payload of a gzip frame (its fields index that). */
export type HexSource = "stream" | "payload";

export class Selection {
  conn: ConnKey | undefined;
  /** The selected row of the conversation's frame list, or -1. */
  row = -1;
  /** The selected frame (a frame row), as direction and index in its stream. */
  frame: { readonly dir: Direction; readonly index: number } | undefined;
  detail: FrameDetail | undefined;
  field: FieldPath | undefined;
  hover: FieldPath | undefined;
  hexDir: Direction = "c2s";
  /** Until the user picks a stream (or a row), the hex view shows whichever direction has bytes. */
  private hexDirAuto = true;
  hexSource: HexSource = "stream";
  /** Bumped when the hex view should bring `hexFocusAt` into view. */
  hexFocusSeq = 0;
  hexFocusAt = 0;
  /** Bumped when the frame list should bring the selected row into view. */
  rowFocusSeq = 0;
  private detailReq = 0;
  private pendingByte: number | undefined;
  private reselect: { dir: Direction; offset: number } | undefined;

  constructor(
    private readonly host: SelectionHost,
    private readonly post: (msg: UiToWorker) => void,
  ) {}

  private table(): FrameTable | undefined {
    return this.conn === undefined ? undefined : this.host.tables.get(this.conn);
  }

  /** The user picks a conversation (auto: the page follows the newest one). */
  selectConversation(key: ConnKey, auto = false): void {
    if (!auto) this.host.followNewest = false;
    if (this.conn === key) return;
    this.conn = key;
    this.clearFrame();
    this.hexDir = "c2s";
    this.hexDirAuto = true;
    if (auto && (this.table()?.count ?? 0) > 0) this.selectRow(0, true);
    this.host.changed();
  }

  /** Selects a row of the current conversation's list (-1: none). */
  selectRow(row: number, auto = false): void {
    if (!auto) this.host.followNewest = false;
    const t = this.table();
    if (t === undefined || row < 0 || row >= t.count) {
      this.clearFrame();
      this.host.changed();
      return;
    }
    this.row = row;
    this.field = undefined;
    this.hover = undefined;
    this.hexDir = t.dirOf(row);
    this.hexDirAuto = false;
    this.hexSource = "stream";
    this.focusHex(t.num(row, ROW_START));
    this.rowFocusSeq++;
    this.detail = undefined;
    if (t.isFrame(row)) {
      this.frame = { dir: t.dirOf(row), index: t.frameIndex(row) };
      this.requestDetail();
    } else this.frame = undefined;
    this.host.changed();
  }

  selectField(path: FieldPath | undefined): void {
    this.host.followNewest = false;
    this.field = path;
    const fields = this.detail?.message?.fields;
    const f = path === undefined || fields === undefined ? undefined : fieldAtPath(fields, path);
    if (f !== undefined) {
      if (this.detail?.decompressed !== undefined) this.hexSource = "payload";
      this.focusHex(f.start);
    }
    this.host.changed();
  }

  hoverField(path: FieldPath | undefined): void {
    if (this.hover === path) return;
    this.hover = path;
    this.host.changed();
  }

  setHexDir(dir: Direction): void {
    this.hexDir = dir;
    this.hexDirAuto = false;
    this.hexSource = "stream";
    this.host.changed();
  }

  /** The stream the hex view shows: the chosen one, or the one with bytes while nothing was chosen. */
  shownDir(): Direction {
    const c = this.conn === undefined ? undefined : this.host.store.get(this.conn);
    if (this.hexDirAuto && c !== undefined && c.c2s.length === 0 && c.s2c.length > 0) return "s2c";
    return this.hexDir;
  }

  setHexSource(source: HexSource): void {
    this.hexSource = source;
    this.host.changed();
  }

  /**
   * A click on a byte of the hex view: the innermost field covering it in the
   * selected frame, or else the frame covering it (and then its field, once
   * the worker sent the frame's tree).
   */
  selectByte(offset: number): void {
    this.host.followNewest = false;
    const t = this.table();
    if (t === undefined) return;
    const fields = this.detail?.message?.fields;
    const inPayload = this.hexSource === "payload";
    if (fields !== undefined && (inPayload || this.frameCovers(offset))) {
      this.field = fieldPathAt(fields, offset);
      this.host.changed();
      return;
    }
    if (inPayload) return;
    const row = t.frameRowAt(this.shownDir(), offset);
    if (row < 0) return;
    this.selectRow(row);
    this.pendingByte = offset;
  }

  private frameCovers(offset: number): boolean {
    const f = this.detail?.frame;
    return (
      f !== undefined &&
      this.detail?.message?.source.kind === "stream" &&
      offset >= f.start &&
      offset < f.end
    );
  }

  private focusHex(offset: number): void {
    this.hexFocusAt = offset;
    this.hexFocusSeq++;
  }

  private clearFrame(): void {
    this.row = -1;
    this.frame = undefined;
    this.detail = undefined;
    this.field = undefined;
    this.hover = undefined;
    this.hexSource = "stream";
    this.pendingByte = undefined;
  }

  private requestDetail(): void {
    const t = this.table();
    const frame = t?.frameRef(this.row);
    if (this.conn === undefined || this.frame === undefined || frame === undefined) return;
    this.post({
      type: "detail",
      req: ++this.detailReq,
      conn: this.conn,
      generation: t?.generation ?? 0,
      dir: this.frame.dir,
      frame,
    });
  }

  // ---- from the model --------------------------------------------------------

  detailArrived(msg: Extract<WorkerToUi, { type: "detail" }>): void {
    if (msg.req !== this.detailReq || msg.conn !== this.conn) return;
    this.detail = msg.detail;
    if (this.pendingByte !== undefined && msg.detail?.message !== undefined) {
      this.field = fieldPathAt(msg.detail.message.fields, this.pendingByte);
    }
    this.pendingByte = undefined;
  }

  /** Settings changed for `key` (undefined: all): remember the selected frame's first byte. */
  keepAcrossReframe(key: ConnKey | undefined): void {
    if (this.conn === undefined || (key !== undefined && key !== this.conn)) return;
    const t = this.table();
    if (t !== undefined && this.row >= 0)
      this.reselect = { dir: t.dirOf(this.row), offset: t.num(this.row, ROW_START) };
  }

  /** The worker dropped a connection's rows: it is being framed again. */
  reset(key: ConnKey): void {
    if (key !== this.conn) return;
    const keepDir = this.hexDir;
    this.clearFrame();
    this.hexDir = keepDir;
  }

  rowsAdded(key: ConnKey): void {
    if (key !== this.conn) return;
    const t = this.table();
    if (t === undefined) return;
    if (this.reselect !== undefined) {
      const row = t.frameRowAt(this.reselect.dir, this.reselect.offset);
      if (row >= 0) {
        this.reselect = undefined;
        const follow = this.host.followNewest;
        this.selectRow(row, true);
        this.host.followNewest = follow;
      }
    } else if (this.host.followNewest && this.row < 0 && t.count > 0) this.selectRow(0, true);
  }

  /** A chunk arrived on `key`: while following, the newest conversation with traffic is shown. */
  noticeTraffic(key: ConnKey): void {
    if (
      this.conn === undefined ||
      (this.host.followNewest && key !== this.conn && this.isNewer(key))
    ) {
      this.selectConversation(key, true);
    }
  }

  private isNewer(key: ConnKey): boolean {
    const store = this.host.store;
    return this.conn === undefined || store.ordinal(key) > store.ordinal(this.conn);
  }

  /** Connections were removed. */
  forget(keys: ReadonlySet<ConnKey>): void {
    if (this.conn !== undefined && keys.has(this.conn)) {
      this.conn = undefined;
      this.clearFrame();
    }
  }
}
