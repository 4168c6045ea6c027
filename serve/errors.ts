/** An HTTP failure with the status to answer and a message safe to show the client. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
    /** Extra response headers (e.g. `Allow` on 405). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/**
 * The client went away before its request body was read (it closed or reset the connection): not
 * a failure of the service, and nobody is left to answer.
 */
export class ClientGoneError extends Error {
  override readonly name = 'ClientGoneError';
}
