/**
 * The session model for components: a context and a hook that re-renders the
 * component whenever the model changed (at most once per animation frame).
 */
import { createContext, useContext, useSyncExternalStore } from "react";
import type { SessionModel } from "../session/session-model.js";

export const SessionContext = createContext<SessionModel | null>(null);

/** The session model; the calling component re-renders on every change. */
export function useSession(): SessionModel {
  const model = useContext(SessionContext);
  if (model === null) throw new Error("useSession outside <SessionContext>");
  useSyncExternalStore(model.subscribe, model.getVersion);
  return model;
}
