import type { Notice } from "../session/session-model.js";
import { useSessionSettings } from "./use-session.js";

/** The problems reported at one place of the page, each dismissable. */
export function NoticeList(props: { readonly places: readonly Notice["place"][] }) {
  const model = useSessionSettings();
  const here = model.notices.filter((n) => props.places.includes(n.place));
  if (here.length === 0) return null;
  return (
    <ul className="notices" role="status">
      {here.map((n) => (
        <li key={n.id} data-place={n.place}>
          <span>{n.text}</span>
          <button aria-label="dismiss" onClick={() => model.dismiss(n.id)}>
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
