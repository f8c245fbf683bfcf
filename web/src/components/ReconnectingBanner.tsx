import { useEffect, useState, type ReactElement } from 'react';
import type { ReconnectInfo } from '../call/callState';

/**
 * Shown over the call while the connection is being restored. Tiles underneath keep their
 * last frame; the countdown tells the user something is still happening.
 */
export function ReconnectingBanner({ info, now }: { info: ReconnectInfo; now: () => number }): ReactElement {
  const [, tick] = useState(0);
  useEffect(() => {
    const t = setInterval(() => tick((n) => n + 1), 500);
    return () => clearInterval(t);
  }, []);
  const wait = info.nextAttemptAt === undefined ? 0 : Math.max(0, Math.ceil((info.nextAttemptAt - now()) / 1000));
  const detail = info.nextAttemptAt === undefined || wait === 0 ? 'Trying now…' : `Next try in ${wait} s`;
  return (
    <div className="reconnecting" role="status" aria-live="polite" data-testid="reconnecting" data-attempt={info.attempt}>
      <span className="spinner" aria-hidden="true" />
      <div>
        <strong>Reconnecting…</strong>
        <div className="reconnecting-detail">
          Lost the connection to the call. {detail}
          {info.attempt > 0 ? ` (attempt ${info.attempt})` : ''}
        </div>
      </div>
    </div>
  );
}
