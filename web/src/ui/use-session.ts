/**
 * The session model for components: a context and a hook that re-renders the
 * component whenever the model changed (at most once per animation frame).
 */
import { createContext, useContext, useSyncExternalStore } from "react";
import type { SessionModel } from "../session/session-model.js";

export const SessionContext = createContext<SessionModel | null>(null);

/**
 * The session model for a component that shows only settings, schemas and
 * notices: it re-renders when those change (or another conversation is
 * selected), not on every chunk of traffic.
 */
export function useSessionSettings(): SessionModel {
  const model = useContext(SessionContext);
  if (model === null) throw new Error("useSessionSettings outside <SessionContext>");
  useSyncExternalStore(
    model.subscribe,
    () => `${model.settingsVersion}|${model.selection.conn ?? ""}`,
  );
  return model;
}

/** The session model; the calling component re-renders on every change. */
export function useSession(): SessionModel {
  const model = useContext(SessionContext);
  if (model === null) throw new Error("useSession outside <SessionContext>");
  useSyncExternalStore(model.subscribe, model.getVersion);
  return model;
}
