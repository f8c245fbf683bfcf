import { isValidRoomId } from '../room/roomId';

export type Route =
  | { name: 'landing' }
  | { name: 'room'; roomId: string }
  | { name: 'notFound'; path: string; reason: string };

/** Maps a location pathname to a screen. */
export function parseRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '' || pathname === '/index.html') return { name: 'landing' };
  const m = /^\/r\/([^/]+)\/?$/.exec(pathname);
  if (m) {
    let id: string;
    try {
      id = decodeURIComponent(m[1]!);
    } catch {
      return { name: 'notFound', path: pathname, reason: 'The room link is malformed.' };
    }
    if (isValidRoomId(id)) return { name: 'room', roomId: id };
    return {
      name: 'notFound',
      path: pathname,
      reason: 'Room ids use 1–64 letters, digits, "-" or "_".',
    };
  }
  return { name: 'notFound', path: pathname, reason: 'There is no page at this address.' };
}
