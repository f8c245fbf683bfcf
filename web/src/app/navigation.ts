import { useEffect, useState } from 'react';

const NAV_EVENT = 'jb:navigate';

export interface NavState {
  /** Set when the user already gave a name and asked to join: skip the prompt. */
  autoJoin?: boolean;
}

export function navigate(path: string, state: NavState = {}): void {
  history.pushState(state, '', path);
  window.dispatchEvent(new Event(NAV_EVENT));
}

export function currentNavState(): NavState {
  const s: unknown = history.state;
  return typeof s === 'object' && s !== null ? (s as NavState) : {};
}

/** Clears the one-shot autoJoin flag so a later reload asks for the name again. */
export function consumeAutoJoin(): boolean {
  const auto = currentNavState().autoJoin === true;
  if (auto) history.replaceState({}, '', location.pathname + location.search + location.hash);
  return auto;
}

export function usePathname(): string {
  const [path, setPath] = useState(() => location.pathname);
  useEffect(() => {
    const update = () => setPath(location.pathname);
    window.addEventListener('popstate', update);
    window.addEventListener(NAV_EVENT, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAV_EVENT, update);
    };
  }, []);
  return path;
}
