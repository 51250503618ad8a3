import type { SessionModel } from "../session/session-model.js";
import { ConnectionBar } from "./ConnectionBar.js";
import { ConversationList } from "./ConversationList.js";
import { DecodingPanel } from "./DecodingPanel.js";
import { FieldTree } from "./FieldTree.js";
import { FrameList } from "./FrameList.js";
import { HexView } from "./HexView.js";
import { SessionContext } from "./use-session.js";

/** The inspector page: connection bar on top, conversations and decoding settings left, frames, hex view and field tree. */
export function App({ model }: { readonly model: SessionModel }) {
  return (
    <SessionContext value={model}>
      <div className="app">
        <ConnectionBar />
        <main className="workspace">
          <aside className="side">
            <ConversationList />
            <DecodingPanel />
          </aside>
          <section className="center">
            <FrameList />
            <div className="detail">
              <HexView />
              <FieldTree />
            </div>
          </section>
        </main>
      </div>
    </SessionContext>
  );
}
