// One line of text for an error shown to the user or logged: a server error with its code,
// an Error's message, or whatever was thrown.
import { SignalingError } from '../signaling/SignalingError';

export function describeError(err: unknown): string {
  if (err instanceof SignalingError) return err.describe();
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
