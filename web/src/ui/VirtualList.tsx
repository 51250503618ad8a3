import {
  Fragment,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from "react";
import { calcVScroll, isAtEnd, scrollTopFor, scrollTopForEnd } from "./virtual-scroll.js";

export interface VirtualListProps {
  readonly count: number;
  /** Height of every row in CSS pixels (the stylesheet must agree). */
  readonly rowHeight: number;
  /**
   * One row; it is placed in a block of rows, so it needs no position of its own.
   * Rows live in slots (row i in slot i mod the rows in view): the element of a row
   * that leaves the view is reused for the row that enters it, so give rows no key
   * of their own and React updates them in place instead of making new elements.
   */
  readonly renderRow: (index: number) => ReactNode;
  readonly className?: string;
  /** Keep the last row in view as rows are added. */
  readonly follow?: boolean;
  /** The user scrolled: whether the view now shows the end. */
  readonly onFollowChange?: (follow: boolean) => void;
  /** Bring row `index` into view whenever `seq` changes. */
  readonly scrollTo?: { readonly index: number; readonly seq: number } | undefined;
  readonly onKeyDown?: (event: KeyboardEvent<HTMLDivElement>, rowsPerPage: number) => void;
  readonly label?: string;
  readonly testId?: string;
  /** After every render: the rows [start, end) in view (to fetch what they show). */
  readonly onShown?: (start: number, end: number) => void;
}

/** A scrolling list that renders only the rows in view (see virtual-scroll.ts). */
export function VirtualList(props: VirtualListProps) {
  const { count, rowHeight, follow, onFollowChange, scrollTo } = props;
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(400);
  const programmatic = useRef<number | null>(null);

  useEffect(() => {
    const el = ref.current;
    if (el === null) return;
    const observer = new ResizeObserver(() => setViewport(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const setTop = (top: number): void => {
    const el = ref.current;
    if (el === null || Math.abs(el.scrollTop - top) < 0.5) return;
    programmatic.current = top;
    el.scrollTop = top;
  };

  useLayoutEffect(() => {
    if (!follow) return;
    setTop(
      scrollTopForEnd({
        itemCount: count,
        itemHeight: rowHeight,
        viewportHeight: viewport,
        scrollTop: 0,
      }),
    );
  }, [follow, count, rowHeight, viewport]);

  const seq = scrollTo?.seq;
  const index = scrollTo?.index;
  useLayoutEffect(() => {
    const el = ref.current;
    if (seq === undefined || index === undefined || index < 0 || el === null) return;
    setTop(
      scrollTopFor(index, {
        itemCount: count,
        itemHeight: rowHeight,
        viewportHeight: el.clientHeight,
        scrollTop: el.scrollTop,
      }),
    );
    // Only a new seq scrolls; rows arriving must not pull the view back.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [seq]);

  const onScroll = (): void => {
    const el = ref.current;
    if (el === null) return;
    setScrollTop(el.scrollTop);
    const wanted = programmatic.current;
    programmatic.current = null;
    if (wanted !== null && Math.abs(wanted - el.scrollTop) < 1) return;
    onFollowChange?.(
      isAtEnd({
        itemCount: count,
        itemHeight: rowHeight,
        viewportHeight: el.clientHeight,
        scrollTop: el.scrollTop,
      }),
    );
  };

  const v = calcVScroll({
    itemCount: count,
    itemHeight: rowHeight,
    viewportHeight: viewport,
    scrollTop,
  });
  const rows: ReactNode[] = [];
  const slots = v.end - v.start;
  for (let i = v.start; i < v.end; i++)
    rows.push(<Fragment key={i % slots}>{props.renderRow(i)}</Fragment>);
  const onShown = props.onShown;
  useEffect(() => onShown?.(v.start, v.end));
  return (
    <div
      ref={ref}
      className={`vlist ${props.className ?? ""}`}
      onScroll={onScroll}
      tabIndex={props.onKeyDown === undefined ? undefined : 0}
      onKeyDown={(e) => props.onKeyDown?.(e, Math.max(1, Math.floor(viewport / rowHeight) - 1))}
      aria-label={props.label}
      data-testid={props.testId}
    >
      <div className="vlist-content" style={{ height: v.height }}>
        <div className="vlist-rows" style={{ transform: `translateY(${v.top}px)` }}>
          {rows}
        </div>
      </div>
    </div>
  );
}
