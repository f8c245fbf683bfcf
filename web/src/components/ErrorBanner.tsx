import type { ReactElement } from 'react';
import type { CallError } from '../call/callState';
import { CloseIcon } from './icons';

export function ErrorBanner({ errors, onDismiss }: { errors: readonly CallError[]; onDismiss: (id: number) => void }): ReactElement | null {
  if (errors.length === 0) return null;
  return (
    <div className="error-stack" role="alert" data-testid="error-banner">
      {errors.map((e) => (
        <div key={e.id} className={`error-banner${e.fatal ? ' fatal' : ''}`} data-code={e.code}>
          <span className="error-text">
            {e.message}
            {e.count > 1 ? <span className="error-count"> (×{e.count})</span> : null}
          </span>
          <button type="button" className="icon-btn" title="Dismiss" onClick={() => onDismiss(e.id)}>
            <CloseIcon />
          </button>
        </div>
      ))}
    </div>
  );
}
