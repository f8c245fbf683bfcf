import type { ReactElement } from 'react';

/** Shown after leaving, or when the call could not start / was lost. */
export function EndScreen(props: {
  kind: 'left' | 'failed';
  title?: string;
  message?: string;
  onRejoin: () => void;
}): ReactElement {
  const left = props.kind === 'left';
  return (
    <main className="landing">
      <section className="landing-card center" data-testid={left ? 'left-screen' : 'failed-screen'}>
        <h1>{props.title ?? (left ? 'You left the call' : 'Could not stay in the call')}</h1>
        {props.message ? <p className="tagline">{props.message}</p> : null}
        <div className="end-actions">
          <button type="button" className="btn btn-primary" data-testid="rejoin-button" onClick={props.onRejoin}>
            Rejoin
          </button>
          <a className="btn btn-secondary" href="/" data-testid="home-link">
            Return to home screen
          </a>
        </div>
      </section>
    </main>
  );
}
