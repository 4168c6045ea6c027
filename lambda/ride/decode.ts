/**
 * One Kinesis record's data → a validated ride event, or a {@link RideRejection} saying why not.
 *
 * Steps, each with its own rejection kind: size → base64 (strict alphabet and padding; Node's own
 * decoder silently skips bad characters) → UTF-8 (invalid sequences rejected, not replaced) →
 * `JSON.parse` (never evaluates anything; a `__proto__` key becomes a plain own property, nothing is
 * merged; nesting deeper than {@link MAX_JSON_DEPTH} is refused first) → schema.
 *
 * This file decides every record but does not put a schema failure into words: that takes zod,
 * which only `validation.ts` loads, so that the function's cold start (which meets no poison) never
 * compiles it. A schema failure is a {@link SchemaMismatch} here; `decodeRide` in `validation.ts`
 * is the complete decoder that explains everything.
 */
import { Buffer, isUtf8 } from 'node:buffer';
import { decodeRideFast, type RideSlot } from './fast-path.js';
import { matchRideEvent, type RideEvent } from './schema.js';

/** Kinesis' own record limit: no genuine record is larger, so anything bigger is rejected unread. */
export const MAX_RECORD_BYTES = 1024 * 1024;
const MAX_BASE64_LENGTH = 4 * Math.ceil(MAX_RECORD_BYTES / 3);

/**
 * Deepest JSON nesting accepted. A ride event is 2 levels deep; V8's `JSON.parse` slows down
 * superlinearly on deep nesting (a 1 MiB record of brackets would take seconds), so deeper documents
 * are poison, found by a linear scan before parsing.
 */
export const MAX_JSON_DEPTH = 64;

export type RejectionKind = 'too-large' | 'base64' | 'utf8' | 'json' | 'too-deep' | 'schema';

/** Why a record is poison; one per rejected record. */
export class RideRejection {
  constructor(
    readonly kind: RejectionKind,
    /** Human-readable and specific, e.g. `schema: ride.trip_distance: expected a finite number`. */
    readonly reason: string,
  ) {}
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function base64Problem(data: string): string {
  if (data.length % 4 !== 0) return `length ${data.length} is not a multiple of 4`;
  const bad = /[^A-Za-z0-9+/=]/.exec(data);
  if (bad !== null) return `invalid character ${JSON.stringify(bad[0])} at offset ${bad.index}`;
  return 'misplaced "=" padding';
}

/** Whether `text` nests arrays/objects deeper than `limit` (brackets inside strings do not count). */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > limit) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    }
  }
  return false;
}

/** Describes a JSON syntax error without echoing an arbitrary amount of the payload. */
function jsonProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > 200 ? `${message.slice(0, 200)}…` : message;
}

/**
 * A record whose JSON parsed but does not match the ride event schema; `explainMismatch` in
 * `validation.ts` turns it into the {@link RideRejection} saying why.
 */
export class SchemaMismatch {
  readonly kind = 'schema';
  constructor(
    /** The parsed JSON. */
    readonly value: unknown,
  ) {}
}

/**
 * The hot-path form of `decodeRide`: fills `slot` and returns `undefined` for a valid ride, else
 * the rejection (a schema failure unexplained). Allocates nothing for a common valid record.
 */
export function decodeRideInto(data: string, slot: RideSlot): RideRejection | SchemaMismatch | undefined {
  if (decodeRideFast(data, slot)) return undefined;
  const decoded = checkRideGeneral(data);
  if (decoded instanceof RideRejection || decoded instanceof SchemaMismatch) return decoded;
  slot.PULocationID = decoded.ride.PULocationID;
  slot.DOLocationID = decoded.ride.DOLocationID;
  slot.trip_distance = decoded.ride.trip_distance;
  slot.ride_id = decoded.ride_id;
  return undefined;
}

/**
 * The general path: strict base64, fatal UTF-8, `JSON.parse`, schema. Decides every input and
 * explains every rejection but a schema mismatch; the decoders only come here when the fast path
 * cannot decide.
 */
export function checkRideGeneral(data: string): RideEvent | RideRejection | SchemaMismatch {
  if (data.length > MAX_BASE64_LENGTH) {
    return new RideRejection('too-large', `too large: ${data.length} base64 characters, more than a ${MAX_RECORD_BYTES}-byte Kinesis record`);
  }
  if (data.length % 4 !== 0 || !BASE64.test(data)) {
    return new RideRejection('base64', `invalid base64: ${base64Problem(data)}`);
  }
  const bytes = Buffer.from(data, 'base64');
  if (!isUtf8(bytes)) return new RideRejection('utf8', 'invalid UTF-8 in the decoded data');
  const text = bytes.toString('utf8');
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    return new RideRejection('too-deep', `too deep: JSON nested more than ${MAX_JSON_DEPTH} levels`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return new RideRejection('json', `invalid JSON: ${jsonProblem(error)}`);
  }
  return matchRideEvent(value) ?? new SchemaMismatch(value);
}
