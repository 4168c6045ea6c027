/**
 * Reading a JSON request body with a hard size limit: `Content-Length` above the limit is refused
 * before reading, and a streamed body is cut off as soon as it passes the limit.
 */
import type { IncomingMessage } from 'node:http';
import { quote } from '../lambda/quote.js';
import { HttpError } from './errors.js';

/** Largest request body accepted, bytes (a ride is ~70 bytes; this leaves room, not room for abuse). */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/** Reads and parses the body; throws {@link HttpError} 413, 415 or 400. */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const type = req.headers['content-type'];
  if (type !== undefined && !/^application\/(.+\+)?json\b/i.test(type)) {
    throw new HttpError(415, `expected Content-Type application/json, got ${quote(type)}`);
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new HttpError(413, `request body of ${declared} bytes exceeds the limit of ${maxBytes} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new HttpError(413, `request body exceeds the limit of ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new HttpError(400, 'empty body: expected a JSON ride {"PULocationID", "DOLocationID", "trip_distance"}');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new HttpError(400, `body is not valid JSON: ${(err as Error).message}`);
  }
}
