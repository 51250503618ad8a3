import { useState } from "react";
import type { SessionModel } from "../session/session-model.js";
import { ConnectionBar } from "./ConnectionBar.js";
import { ConversationList } from "./ConversationList.js";
import { DecodingPanel } from "./DecodingPanel.js";
import { ExportPanel } from "./ExportPanel.js";
import { FieldTree } from "./FieldTree.js";
import { FrameList } from "./FrameList.js";
import { HexView } from "./HexView.js";
import { TeachingView } from "./TeachingView.js";
import { SessionContext } from "./use-session.js";

/** The inspector page: connection bar on top, conversations and decoding settings left, frames, hex view and field tree, or the teaching view. */
export function App({ model }: { readonly model: SessionModel }) {
  const [teach, setTeach] = useState(false);
  return (
    <SessionContext value={model}>
      <div className="app">
        <ConnectionBar teach={teach} onTeach={setTeach} />
        <main className="workspace">
          <aside className="side">
            <ConversationList />
            <DecodingPanel />
            <ExportPanel />
          </aside>
          {teach ? (
            <section className="center teaching">
              <TeachingView />
            </section>
          ) : (
            <section className="center">
              <FrameList />
              <div className="detail">
                <HexView />
                <FieldTree />
              </div>
            </section>
          )}
        </main>
      </div>
    </SessionContext>
  );
}
