/** The inspector page: connection bar on top, conversations and frames, hex view and field tree. */
export function App() {
  return (
    <div className="app">
      <header className="bar">
        <strong className="brand">framescope</strong>
      </header>
    </div>
  );
}
