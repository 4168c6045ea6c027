/**
 * The one sha256 of the code base: model bytes (version ids, `MODEL_SHA256`).
 */
import { createHash } from 'node:crypto';

/** sha256 of the bytes (a string is hashed as UTF-8), as 64 lower-case hex digits. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
