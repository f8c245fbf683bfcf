import type { ReactElement } from 'react';

/** A join token was missing, expired or invalid: nothing to retry from here. */
export function AccessDenied(props: { code: string; title: string; message: string }): ReactElement {
  return (
    <main className="landing">
      <section className="landing-card center" data-testid="access-denied" data-code={props.code}>
        <h1>{props.title}</h1>
        <p className="tagline">{props.message}</p>
        <a className="btn btn-secondary" href="/" data-testid="home-link">
          Return to home screen
        </a>
      </section>
    </main>
  );
}
