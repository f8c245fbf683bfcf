import type { ReactElement } from 'react';
import { parseRoute } from './app/route';
import { usePathname } from './app/navigation';
import { Landing } from './components/Landing';
import { RoomPage } from './components/RoomPage';

export function App(): ReactElement {
  const route = parseRoute(usePathname());
  switch (route.name) {
    case 'landing':
      return <Landing />;
    case 'room':
      // key: a different room is a fresh page state.
      return <RoomPage key={route.roomId} roomId={route.roomId} />;
    case 'notFound':
      return (
        <main className="landing">
          <section className="landing-card center" data-testid="not-found">
            <h1>Page not found</h1>
            <p className="tagline">{route.reason}</p>
            <a className="btn btn-primary" href="/">Go to home screen</a>
          </section>
        </main>
      );
  }
}
