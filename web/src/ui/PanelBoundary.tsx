import { Component, type ReactNode } from "react";

interface Props {
  /** What the panel is called on the page ("Frames", "Bytes"). */
  readonly name: string;
  readonly children: ReactNode;
}

interface State {
  readonly error: Error | undefined;
}

/**
 * Keeps a panel's failure to itself: the panel says what went wrong and offers to
 * draw it again, while the other panels (and every byte received) stay.
 */
export class PanelBoundary extends Component<Props, State> {
  override state: State = { error: undefined };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (error === undefined) return this.props.children;
    return (
      <section className="panel failed" role="alert" aria-label={this.props.name}>
        <div className="toolbar">
          <h2>{this.props.name}</h2>
        </div>
        <div className="empty">
          <p>
            This panel failed: {error.message}. The bytes received are kept; the other panels work
            on.
          </p>
          <button onClick={() => this.setState({ error: undefined })}>draw it again</button>
        </div>
      </section>
    );
  }
}
