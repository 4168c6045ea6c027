/**
 * One Kinesis record's data → a ride event the model can score, or a {@link RideRejection} saying
 * why not. The one decode path of the function, the CLI and the local tools:
 * size → base64 (strict alphabet and padding; Node's own decoder silently skips bad characters) →
 * UTF-8 (invalid sequences rejected, not replaced) → `JSON.parse` (never evaluates anything; a
 * `__proto__` key becomes a plain own property; nesting deeper than {@link MAX_JSON_DEPTH} is
 * refused first) → the envelope (`schema.ts`) → the model's contract (its fields and their types).
 */
import { Buffer, isUtf8 } from 'node:buffer';
import type { RideContract } from '../model/contract/index.js';
import { quote } from '../quote.js';
import { rideIdProblem, type RideEvent, type RideId } from './schema.js';

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
    /** Human-readable and specific, e.g. `schema: ride.trip_distance: expected a finite number >= 0`. */
    readonly reason: string,
  ) {}
}

/** Why `data` is not strict base64: only rejected records pay for these scans. */
function base64Problem(data: string): string {
  if (data.length % 4 !== 0) return `length ${data.length} is not a multiple of 4`;
  const bad = /[^A-Za-z0-9+/=]/.exec(data);
  if (bad !== null) return `invalid character ${JSON.stringify(bad[0])} at offset ${bad.index}`;
  return 'misplaced "=" padding';
}

const EQUALS = 0x3d;

/** Bytes of {@link decoded} at first: a ride event is about 100. */
const DECODED_START_BYTES = 4096;

/**
 * The bytes of the record being parsed. One buffer serves record after record, grown for a larger
 * one (to 1 MiB at most, {@link MAX_RECORD_BYTES}): a `Buffer.from` per record cost about a fifth of
 * the decode, in allocation and garbage. Nothing refers to these bytes once
 * {@link parseRecordData} has copied them out as text.
 */
let decoded = Buffer.allocUnsafeSlow(DECODED_START_BYTES);

/**
 * Decodes strict base64 (`^[A-Za-z0-9+/]*={0,2}$`, length a multiple of 4) into {@link decoded};
 * returns the number of bytes, or -1 when `data` is not strict base64.
 *
 * Node's decoder is lenient, so strictness is checked around it rather than by a regex scan of
 * every record (a quarter of the decode's cost). On ASCII text the decoder takes `A-Za-z0-9+/`
 * and the base64url `-_` as digits, skips any other character and stops at the first `=`. The
 * bytes of `n` digits number `floor(3n / 4)`, and for the `n = length - padding` digits a text
 * with a length multiple of 4 and at most 2 `=` at its end can have (n mod 4 is 0, 2 or 3), one
 * digit fewer always means fewer bytes. So the decoded length is `3 * length / 4 - padding`
 * exactly when every character before the padding is a digit, which with no `-` or `_` is
 * the strict alphabet. Non-ASCII text is refused first: the decoder reads only the low byte of a
 * two-byte character (`Ł`, U+0141, would pass as `A`). test/ride/decode.test.ts checks this
 * against the regex for every UTF-16 code unit.
 */
function decodeStrictBase64(data: string): number {
  const length = data.length;
  if (length % 4 !== 0 || Buffer.byteLength(data, 'utf8') !== length || data.includes('-') || data.includes('_')) return -1;
  const padding = length === 0 || data.charCodeAt(length - 1) !== EQUALS ? 0 : data.charCodeAt(length - 2) === EQUALS ? 2 : 1;
  const expected = (length / 4) * 3 - padding;
  if (expected > decoded.length) decoded = Buffer.allocUnsafeSlow(expected);
  return decoded.write(data, 0, 'base64') === expected ? expected : -1;
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

/**
 * Describes a JSON syntax error: V8 quotes a piece of the payload in its message, which is escaped
 * and capped here so that no record can write control sequences into a log or a terminal.
 */
function jsonProblem(error: unknown): string {
  return quote(error instanceof Error ? error.message : String(error), { bare: true });
}

/**
 * A record's base64 data → its parsed JSON, or the rejection of its bytes.
 *
 * @example
 * ```ts
 * parseRecordData('not base64!'); // RideRejection { kind: 'base64', reason: 'invalid base64: length 11 is not a multiple of 4' }
 * ```
 */
export function parseRecordData(data: string): unknown {
  if (data.length > MAX_BASE64_LENGTH) {
    return new RideRejection('too-large', `too large: ${data.length} base64 characters, more than a ${MAX_RECORD_BYTES}-byte Kinesis record`);
  }
  const byteLength = decodeStrictBase64(data);
  if (byteLength < 0) return new RideRejection('base64', `invalid base64: ${base64Problem(data)}`);
  // A plain view for the check: a Buffer view (subarray) costs a Buffer's construction per record.
  if (!isUtf8(new Uint8Array(decoded.buffer, decoded.byteOffset, byteLength))) {
    return new RideRejection('utf8', 'invalid UTF-8 in the decoded data');
  }
  const text = decoded.toString('utf8', 0, byteLength);
  // Valid JSON nested deeper than the limit has more than twice the limit in brackets: a shorter
  // text (a ride event is about 100 characters) needs no scan.
  if (text.length > 2 * MAX_JSON_DEPTH && nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    return new RideRejection('too-deep', `too deep: JSON nested more than ${MAX_JSON_DEPTH} levels`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    return new RideRejection('json', `invalid JSON: ${jsonProblem(error)}`);
  }
}

function schemaRejection(problem: string): RideRejection {
  return new RideRejection('schema', `schema: ${problem}`);
}

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A parsed event → the ride event, or a `schema` rejection naming each problem's field
 * (`ride_id`, `ride`, `ride.<field>`). Own properties only.
 */
export function checkRideEvent(value: unknown, contract: RideContract): RideEvent | RideRejection {
  if (!isObject(value)) return schemaRejection('(root): expected an object');
  const ride = Object.hasOwn(value, 'ride') ? value.ride : undefined;
  const rideId = Object.hasOwn(value, 'ride_id') ? value.ride_id : undefined;
  const rideProblem = isObject(ride) ? undefined : ride === undefined ? 'ride: missing' : 'ride: expected an object';
  const idProblem = rideId === undefined ? 'missing' : rideIdProblem(rideId);
  const fieldProblems = isObject(ride) ? contract.check(ride) : undefined;
  if (rideProblem === undefined && idProblem === undefined && fieldProblems === undefined) {
    return { ride: ride as RideEvent['ride'], ride_id: rideId as RideId };
  }
  const problems = [rideProblem, idProblem === undefined ? undefined : `ride_id: ${idProblem}`, fieldProblems];
  return schemaRejection(problems.filter((problem) => problem !== undefined).join('; '));
}

/**
 * Decodes and checks a record's base64 `data` for the model whose contract is given.
 *
 * @returns the ride event (the parsed object's parts; extra fields are left in place and ignored)
 *   or a {@link RideRejection}
 * @example
 * ```ts
 * const data = Buffer.from('{"ride": {"PULocationID": 130, "DOLocationID": 205, "trip_distance": 3.66}, "ride_id": 256}').toString('base64');
 * decodeRide(data, model.contract); // { ride: { PULocationID: 130, DOLocationID: 205, trip_distance: 3.66 }, ride_id: 256 }
 * ```
 */
export function decodeRide(data: string, contract: RideContract): RideEvent | RideRejection {
  const value = parseRecordData(data);
  return value instanceof RideRejection ? value : checkRideEvent(value, contract);
}
