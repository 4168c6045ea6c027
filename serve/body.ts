/**
 * Reading a JSON request body with a hard size limit: `Content-Length` above the limit is refused
 * before reading, and a streamed body is cut off as soon as it passes the limit.
 */
import type { IncomingMessage } from 'node:http';
import { quote } from '../lambda/quote.js';
import { ClientGoneError, HttpError } from './errors.js';

/** Largest request body accepted, bytes (a ride is ~70 bytes; this leaves room, not room for abuse). */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/**
 * Reads and parses the body; throws {@link HttpError} 413, 415 or 400, or {@link ClientGoneError}
 * when the client disconnects before the body ends.
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const type = req.headers['content-type'];
  if (type !== undefined && !/^application\/(.+\+)?json\b/i.test(type)) {
    throw new HttpError(415, `expected Content-Type application/json, got ${quote(type)}`);
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new HttpError(413, `request body of ${declared} bytes exceeds the limit of ${maxBytes} bytes`);
  }
  const text = (await readBody(req, maxBytes)).toString('utf8');
  if (text.trim() === '') throw new HttpError(400, 'empty body: expected a JSON ride {"PULocationID", "DOLocationID", "trip_distance"}');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new HttpError(400, `body is not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * The body's bytes, by events rather than `for await`: leaving a `for await` loop destroys the
 * request, and with it the socket the 413 must still be written to. Past the limit the rest is
 * read and dropped while the 413 goes out (its `Connection: close` then ends the connection).
 */
function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onGone);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      settle();
      // Drain what keeps coming (and ignore a reset) instead of failing the socket under the 413.
      req.on('error', () => undefined);
      req.resume();
      reject(new HttpError(413, `request body exceeds the limit of ${maxBytes} bytes`));
    };
    const onEnd = (): void => {
      settle();
      resolve(Buffer.concat(chunks));
    };
    const onGone = (): void => {
      settle();
      req.on('error', () => undefined);
      reject(new ClientGoneError(`client disconnected after ${size} bytes of the body`));
    };
    const onClose = (): void => {
      if (!req.complete) onGone();
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onGone);
    req.on('close', onClose);
  });
}
