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
import { PanelBoundary } from "./PanelBoundary.js";

/** The inspector page: connection bar on top, conversations and decoding settings left, frames, hex view and field tree, or the teaching view. */
export function App({ model }: { readonly model: SessionModel }) {
  const [teach, setTeach] = useState(false);
  return (
    <SessionContext value={model}>
      <div className="app">
        <PanelBoundary name="Connection">
          <ConnectionBar teach={teach} onTeach={setTeach} />
        </PanelBoundary>
        <main className="workspace">
          <aside className="side">
            <PanelBoundary name="Conversations">
              <ConversationList />
            </PanelBoundary>
            <PanelBoundary name="Decoding">
              <DecodingPanel />
            </PanelBoundary>
            <PanelBoundary name="Export">
              <ExportPanel />
            </PanelBoundary>
          </aside>
          {teach ? (
            <section className="center teaching">
              <PanelBoundary name="Teaching">
                <TeachingView />
              </PanelBoundary>
            </section>
          ) : (
            <section className="center">
              <PanelBoundary name="Frames">
                <FrameList />
              </PanelBoundary>
              <div className="detail">
                <PanelBoundary name="Bytes">
                  <HexView />
                </PanelBoundary>
                <PanelBoundary name="Fields">
                  <FieldTree />
                </PanelBoundary>
              </div>
            </section>
          )}
        </main>
      </div>
    </SessionContext>
  );
}
