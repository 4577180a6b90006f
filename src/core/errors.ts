// Errors a user can meet: their message says what is wrong, where, and what to do.

/** A problem caused by input or environment, not a bug: shown as one line, never with a stack. */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

/** Why a git operation failed, as far as the library cache needs to know. */
export type GitFailure = 'refused' | 'unreachable' | 'timeout' | 'auth' | 'not-found' | 'ref-not-found' | 'local-changes' | 'corrupt' | 'disk-full' | 'failed';

/** A git operation that failed; the message is redacted (never holds credentials) and says what to do. */
export class GitError extends UserError {
  constructor(
    message: string,
    readonly failure: GitFailure,
  ) {
    super(message);
    this.name = 'GitError';
  }
}
