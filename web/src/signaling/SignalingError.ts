import type { ClientErrorCode, ErrorCode } from './protocol';

/** An error response from the server, or a client-side failure of a request. */
export class SignalingError extends Error {
  readonly code: ErrorCode | ClientErrorCode | string;
  readonly method: string | undefined;

  constructor(code: ErrorCode | ClientErrorCode | string, message: string, method?: string) {
    super(message);
    this.name = 'SignalingError';
    this.code = code;
    this.method = method;
  }

  /** Human-readable text for the error banner. */
  describe(): string {
    const where = this.method ? ` (${this.method})` : '';
    return `${this.message} [${this.code}]${where}`;
  }
}
