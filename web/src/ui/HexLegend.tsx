/** What the hex view's colours mean: one swatch per kind of byte. */
const ITEMS: readonly { readonly cls: string; readonly label: string; readonly title: string }[] = [
  {
    cls: "c fr head",
    label: "head",
    title: "bytes the framer reads to find the end: the length field, a delimiter, an HTTP head",
  },
  { cls: "c fr payload", label: "payload", title: "what the framing hands to the application" },
  {
    cls: "c fr skipped",
    label: "skipped",
    title: "inside the frame but neither head nor payload (before the length field, num_skip)",
  },
  { cls: "c fr head sel", label: "selected frame", title: "the frame selected in the list" },
  {
    cls: "c fr payload sel tag",
    label: "tag",
    title: "the selected field's tag (field number and wire type)",
  },
  { cls: "c fr payload sel len", label: "length", title: "the selected field's length prefix" },
  { cls: "c fr payload sel val", label: "value", title: "the selected field's value" },
  { cls: "c chunk", label: "TCP read", title: "a chunk (one TCP read) starts at the marked byte" },
  { cls: "c pending", label: "pending", title: "received; its frame is not complete yet" },
  {
    cls: "c unframed",
    label: "unframed",
    title: "after a fatal framing issue: no frame covers these bytes",
  },
  { cls: "c issue", label: "issue", title: "an issue was found at these bytes" },
];

export function HexLegend() {
  return (
    <div className="legend" aria-label="Legend">
      {ITEMS.map((it) => (
        <span key={it.label} className="legend-item" title={it.title}>
          <span className={`swatch ${it.cls}`}>ab</span>
          {it.label}
        </span>
      ))}
    </div>
  );
}
