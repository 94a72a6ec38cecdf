// Whatever a body does to a viewer that parses it, the window stays: an error thrown while
// drawing it is said in its place, with the viewers that read bytes as they are.
import { Component, type ReactNode } from 'react';

interface Props {
  viewer: string;
  onFallback(viewer: 'text' | 'hex'): void;
  children: ReactNode;
}

export class ViewerBoundary extends Component<Props, { error: string | null }> {
  override state = { error: null as string | null };

  static getDerivedStateFromError(error: unknown): { error: string } {
    return { error: error instanceof Error ? error.message : String(error) };
  }

  override render(): ReactNode {
    if (this.state.error === null) return this.props.children;
    return (
      <p className="missing" data-testid="viewer-failed">
        The {this.props.viewer} viewer could not show this body ({this.state.error}).{' '}
        <button type="button" className="link" onClick={() => this.props.onFallback('text')}>
          Show it as text
        </button>{' '}
        or{' '}
        <button type="button" className="link" onClick={() => this.props.onFallback('hex')}>
          as hex
        </button>
        .
      </p>
    );
  }
}
