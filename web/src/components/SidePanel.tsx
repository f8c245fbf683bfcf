import type { ReactElement, ReactNode } from 'react';
import { CloseIcon } from './icons';

export function SidePanel(props: { title: string; testId: string; onClose: () => void; children: ReactNode }): ReactElement {
  return (
    <aside className="side-panel" data-testid={props.testId} aria-label={props.title}>
      <header className="side-panel-header">
        <h2>{props.title}</h2>
        <button type="button" className="icon-btn" title="Close" onClick={props.onClose}>
          <CloseIcon />
        </button>
      </header>
      <div className="side-panel-body">{props.children}</div>
    </aside>
  );
}
