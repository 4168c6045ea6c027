/**
 * The hot path for the common record: base64 of a compact ASCII ride event with exactly the course's
 * keys. It decodes base64 into a reused buffer and scans the JSON bytes directly into a reused
 * {@link RideSlot}, allocating nothing.
 *
 * Why: on this workload `Buffer.from(base64)` + UTF-8 check + `JSON.parse` + the schema cost several
 * microseconds per record; the handler's budget is two (500,000 records/s). The scanner is
 * deliberately narrow: anything it does not fully understand (extra keys, escapes, non-ASCII bytes,
 * exponents, duplicate keys, `130.0` for an integer, more than 15 significant digits, invalid values)
 * makes it return `false`, and the general path (`JSON.parse` + zod) decides and explains. A
 * property test holds both paths to the same results.
 *
 * Numbers: integers are accumulated exactly (safe integers only); a decimal with at most 15
 * significant digits and at most 22 fraction digits is `mantissa / 10^k`, one correctly rounded IEEE
 * division of two exact values (Clinger's fast path), hence the same double `JSON.parse` gives.
 */
import { MAX_RIDE_ID_LENGTH, type RideId } from './schema.js';

/** Mutable holder the fast path fills; read it before the next call. */
export interface RideSlot {
  PULocationID: number;
  DOLocationID: number;
  trip_distance: number;
  ride_id: RideId;
}

export function createRideSlot(): RideSlot {
  return { PULocationID: 0, DOLocationID: 0, trip_distance: 0, ride_id: 0 };
}

/** Records longer than this (in base64 characters) go to the general path. */
const MAX_FAST_BASE64 = 4_096;

// Indexed by a byte of the record's text: the non-ASCII bytes a wider character becomes are -1 too.
const BASE64_VALUES = new Int8Array(256).fill(-1);
for (let i = 0; i < 64; i++) {
  BASE64_VALUES['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;
}
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k); // exact up to 1e22

// One spare byte for a 0 sentinel at `end`, so no check can match a stale byte of an earlier record.
const bytes = new Uint8Array((MAX_FAST_BASE64 / 4) * 3 + 1);
let end = 0;
let pos = 0;

/**
 * The record's base64 text as bytes, `chars[i] === data.charCodeAt(i)` once {@link readChars} said
 * so. Why: one `TextEncoder#encodeInto` copy and then byte loads cost less than a `charCodeAt` per
 * character (about a third of the decode, measured), and unlike Node's own base64 decoder it
 * changes nothing about which texts are accepted.
 */
const chars = new Uint8Array(MAX_FAST_BASE64);
const encoder = new TextEncoder();

/**
 * Copies `data` into {@link chars}; false unless it is all ASCII and fits. Every ASCII character
 * is one UTF-8 byte and every other character more, so `read` and `written` both equal to the length
 * means byte i is character i; a wider character could otherwise shift or truncate the copy.
 */
function readChars(data: string): boolean {
  const length = data.length;
  if (length === 0 || length % 4 !== 0 || length > MAX_FAST_BASE64) return false;
  const { read, written } = encoder.encodeInto(data, chars);
  return read === length && written === length;
}

/**
 * Strict base64 of `chars[0..length)` → `bytes[0..end)`; false on any invalid character or
 * padding. Characters before `first` (a multiple of 4) are not read and their bytes not written:
 * the caller vouches for them.
 */
function decodeBase64(length: number, first: number): boolean {
  // Locals: a module binding is reloaded (and checked for initialisation) on every use in the loop.
  const text = chars;
  const out = bytes;
  const values = BASE64_VALUES;
  let padding = 0;
  if (text[length - 1] === 61 /* = */) padding = text[length - 2] === 61 ? 2 : 1;
  const full = length - (padding === 0 ? 0 : 4);
  if (first > full) return false;
  let at = (first / 4) * 3;
  for (let i = first; i < full; i += 4) {
    const a = values[text[i]!]!;
    const b = values[text[i + 1]!]!;
    const c = values[text[i + 2]!]!;
    const d = values[text[i + 3]!]!;
    if ((a | b | c | d) < 0) return false; // -1 marks a character outside the alphabet
    out[at] = (a << 2) | (b >> 4);
    out[at + 1] = ((b & 15) << 4) | (c >> 2);
    out[at + 2] = ((c & 3) << 6) | d;
    at += 3;
  }
  if (padding > 0) {
    const a = values[text[full]!]!;
    const b = values[text[full + 1]!]!;
    const c = padding === 1 ? values[text[full + 2]!]! : 0; // unused for two "="
    if ((a | b | c) < 0) return false;
    out[at++] = (a << 2) | (b >> 4);
    if (padding === 1) out[at++] = ((b & 15) << 4) | (c >> 2);
  }
  end = at;
  out[end] = 0;
  return true;
}

function skipWhitespace(): void {
  while (pos < end) {
    const c = bytes[pos]!;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
    pos++;
  }
}

// Key ids returned by readKey.
const KEY_UNKNOWN = 0;
const KEY_RIDE = 1;
const KEY_RIDE_ID = 2;
const KEY_PU = 3;
const KEY_DO = 4;
const KEY_DISTANCE = 5;
/** Known keys by length (the five have distinct lengths except the two location ids). */
const KEYS_BY_LENGTH: ReadonlyArray<ReadonlyArray<readonly [number, Uint8Array]>> = (() => {
  const table: Array<Array<readonly [number, Uint8Array]>> = Array.from({ length: 14 }, () => []);
  const keys: ReadonlyArray<readonly [number, string]> = [
    [KEY_RIDE, 'ride'],
    [KEY_RIDE_ID, 'ride_id'],
    [KEY_PU, 'PULocationID'],
    [KEY_DO, 'DOLocationID'],
    [KEY_DISTANCE, 'trip_distance'],
  ];
  for (const [id, key] of keys) table[key.length]!.push([id, encoder.encode(key)]);
  return table;
})();

/** At `"`: reads a plain ASCII string without escapes; returns [start, stop) via globals or -1. */
let stringStart = 0;
function readPlainString(): boolean {
  if (bytes[pos] !== 0x22) return false;
  stringStart = ++pos;
  while (pos < end) {
    const c = bytes[pos]!;
    if (c === 0x22) {
      pos++;
      return true;
    }
    if (c === 0x5c || c < 0x20 || c > 0x7e) return false; // escapes, control and non-ASCII bytes: general path
    pos++;
  }
  return false;
}

function readKey(): number {
  if (!readPlainString()) return -1;
  const length = pos - 1 - stringStart;
  const candidates = length < KEYS_BY_LENGTH.length ? KEYS_BY_LENGTH[length]! : [];
  for (let k = 0; k < candidates.length; k++) {
    const [id, key] = candidates[k]!;
    let i = 0;
    while (i < length && bytes[stringStart + i] === key[i]) i++;
    if (i === length) return id;
  }
  return KEY_UNKNOWN;
}

/**
 * Reads a JSON number; NaN when it is not one the fast path handles. `integer` requires no
 * fraction (an exponent is never handled here).
 */
function readNumber(integer: boolean): number {
  // Locals for the module's cursor and buffer: a module binding is reloaded and checked for
  // initialisation on every use, which in these per-digit loops cost more than the digits.
  const text = bytes;
  const stop = end;
  let at = pos;
  let negative = false;
  if (text[at] === 0x2d) {
    negative = true;
    at++;
  }
  const first = at;
  let mantissa = 0;
  let digits = 0;
  while (at < stop && text[at]! >= 0x30 && text[at]! <= 0x39) {
    mantissa = mantissa * 10 + (text[at]! - 0x30);
    at++;
  }
  const intDigits = at - first;
  pos = at;
  if (intDigits === 0 || (intDigits > 1 && text[first] === 0x30)) return Number.NaN;
  digits = intDigits;
  let fraction = 0;
  if (text[at] === 0x2e) {
    if (integer) return Number.NaN;
    at++;
    const fracStart = at;
    while (at < stop && text[at]! >= 0x30 && text[at]! <= 0x39) {
      mantissa = mantissa * 10 + (text[at]! - 0x30);
      at++;
    }
    pos = at;
    fraction = at - fracStart;
    if (fraction === 0) return Number.NaN;
    digits += fraction;
  }
  const next = text[at];
  if (next === 0x65 || next === 0x45) return Number.NaN; // exponent
  if (fraction === 0) {
    // Exact while the true value is safe: every partial sum is then smaller and exact too; a larger
    // value accumulates to at least 2^53 and is refused (zod refuses unsafe integers as well).
    return digits <= 16 && mantissa <= Number.MAX_SAFE_INTEGER ? (negative ? -mantissa : mantissa) : Number.NaN;
  }
  // Leading zeros of "0.000123" do not count as significant digits, but counting them is only conservative.
  if (digits > 15 || fraction > 22) return Number.NaN;
  const value = mantissa / POW10[fraction]!;
  return negative ? -value : value;
}

function readRide(slot: RideSlot): boolean {
  if (bytes[pos] !== 0x7b) return false;
  pos++;
  let seen = 0;
  for (;;) {
    skipWhitespace();
    const key = readKey();
    if (key < KEY_PU) return false; // unknown, malformed or top-level key inside ride
    const bit = 1 << key;
    if ((seen & bit) !== 0) return false; // duplicate key: JSON.parse keeps the last; let it decide
    seen |= bit;
    skipWhitespace();
    if (bytes[pos] !== 0x3a) return false;
    pos++;
    skipWhitespace();
    if (key === KEY_DISTANCE) {
      const value = readNumber(false);
      if (!(value >= 0)) return false; // NaN (not handled) or negative (invalid: general path explains)
      slot.trip_distance = value;
    } else {
      const value = readNumber(true);
      if (value !== value) return false;
      if (key === KEY_PU) slot.PULocationID = value;
      else slot.DOLocationID = value;
    }
    skipWhitespace();
    const c = bytes[pos++];
    if (c === 0x7d) return seen === ((1 << KEY_PU) | (1 << KEY_DO) | (1 << KEY_DISTANCE));
    if (c !== 0x2c) return false;
  }
}

function readRideId(slot: RideSlot): boolean {
  if (bytes[pos] === 0x22) {
    if (!readPlainString()) return false;
    const length = pos - 1 - stringStart;
    if (length < 1 || length > MAX_RIDE_ID_LENGTH) return false;
    slot.ride_id = String.fromCharCode.apply(null, bytes.subarray(stringStart, pos - 1) as unknown as number[]);
    return true;
  }
  const value = readNumber(true);
  if (value !== value) return false;
  slot.ride_id = value;
  return true;
}

/**
 * The layout the course's producer writes (Python's `json.dumps` defaults: one space after `:` and
 * `,`, keys in this order). Its first 24 bytes are exactly the first 32 base64 characters, so a
 * record starting with those characters is not decoded or scanned there, and the rest is matched
 * against the fixed text between the values instead of being scanned key by key. The values are
 * read by the same functions as in {@link readDocument} and held to the same rules, so whatever this
 * accepts, the general scan accepts with the same values; anything else goes to the general scan.
 */
const COURSE_PREFIX = encoder.encode('{"ride": {"PULocationID"');
const COURSE_PREFIX_BASE64 = fixedText(btoa('{"ride": {"PULocationID"'));
const COURSE_AFTER_PICKUP_KEY = fixedText(': ');
const COURSE_DROPOFF_KEY = fixedText(', "DOLocationID": ');
const COURSE_DISTANCE_KEY = fixedText(', "trip_distance": ');
const COURSE_RIDE_ID_KEY = fixedText('}, "ride_id": ');

/**
 * A constant ASCII text of two or more bytes, as the little-endian words that cover it (the last
 * one overlapping the one before), for comparing it eight (below eight bytes four, below four two)
 * bytes at a time. Why: the course layout's fixed texts are 85 bytes a record, and comparing them
 * byte by byte was the largest part of its decode (measured: BENCHMARKS.md).
 *
 * Eight bytes are compared as one float64, which is exact here: two doubles compare equal only if
 * their bits are equal, except NaN (never equal) and ±0 (equal), and eight ASCII bytes without NUL
 * are neither (a top byte below 0x80 rules out NaN's exponent, and they are not all zero). So
 * bytes that read as NaN or -0 never match the text, and any others match only if they are it.
 */
interface FixedText {
  readonly length: number;
  /** 8, 4, or 2 for a text shorter than four bytes. */
  readonly width: number;
  readonly starts: Int32Array;
  readonly words: Int32Array;
  readonly doubles: Float64Array;
}

function fixedText(text: string): FixedText {
  const source = encoder.encode(text);
  const length = source.length;
  // ASCII without NUL: what makes the float64 compare exact (see above).
  if (length < 2 || length !== text.length || source.includes(0)) {
    throw new Error(`fixedText: ${JSON.stringify(text)} is not ASCII of two or more bytes without NUL`);
  }
  const width = length >= 8 ? 8 : length >= 4 ? 4 : 2;
  const starts: number[] = [];
  for (let at = 0; at + width <= length; at += width) starts.push(at);
  if (length % width !== 0) starts.push(length - width);
  const view = new DataView(source.buffer);
  const words = starts.map((at) => (width === 4 ? view.getInt32(at, true) : width === 2 ? view.getUint16(at, true) : 0));
  const doubles = starts.map((at) => (width === 8 ? view.getFloat64(at, true) : 0));
  return { length, width, starts: Int32Array.from(starts), words: Int32Array.from(words), doubles: Float64Array.from(doubles) };
}

/** Whether `view[at..at + text.length)` holds `text`, reading nothing at or past `limit`. */
function matchesAt(view: DataView, at: number, limit: number, text: FixedText): boolean {
  if (at + text.length > limit) return false;
  const { starts, words } = text;
  if (text.width === 8) {
    const doubles = text.doubles;
    for (let k = 0; k < doubles.length; k++) {
      if (view.getFloat64(at + starts[k]!, true) !== doubles[k]) return false;
    }
  } else if (text.width === 4) {
    for (let k = 0; k < words.length; k++) {
      if (view.getInt32(at + starts[k]!, true) !== words[k]) return false;
    }
  } else {
    for (let k = 0; k < words.length; k++) {
      if (view.getUint16(at + starts[k]!, true) !== words[k]) return false;
    }
  }
  return true;
}

const bytesView = new DataView(bytes.buffer);
const charsView = new DataView(chars.buffer);

/** At `pos`: the bytes of `text`? Moves past them if so. */
function skipText(text: FixedText): boolean {
  if (!matchesAt(bytesView, pos, end, text)) return false;
  pos += text.length;
  return true;
}

/** `bytes[COURSE_PREFIX.length..end)` as the rest of a course-layout ride event. */
function readCourseLayout(slot: RideSlot): boolean {
  pos = COURSE_PREFIX.length;
  if (!skipText(COURSE_AFTER_PICKUP_KEY)) return false;
  const pickup = readNumber(true);
  if (pickup !== pickup || !skipText(COURSE_DROPOFF_KEY)) return false;
  const dropoff = readNumber(true);
  if (dropoff !== dropoff || !skipText(COURSE_DISTANCE_KEY)) return false;
  const distance = readNumber(false);
  if (!(distance >= 0) || !skipText(COURSE_RIDE_ID_KEY)) return false;
  if (!readRideId(slot) || bytes[pos] !== 0x7d || pos + 1 !== end) return false;
  slot.PULocationID = pickup;
  slot.DOLocationID = dropoff;
  slot.trip_distance = distance;
  return true;
}

/**
 * Fills `slot` from a record's base64 data if the fast path can decide it is a valid ride event.
 *
 * @returns `true` when `slot` holds the ride; `false` means "not decided here", never "invalid".
 */
export function decodeRideFast(data: string, slot: RideSlot): boolean {
  if (!readChars(data)) return false;
  const length = data.length;
  if (hasCoursePrefix(length)) {
    if (!decodeBase64(length, COURSE_PREFIX_BASE64.length)) return false;
    if (readCourseLayout(slot)) return true;
    bytes.set(COURSE_PREFIX); // the general scan below reads the whole document
  } else if (!decodeBase64(length, 0)) {
    return false;
  }
  return readDocument(slot);
}

/** Whether `chars[0..length)` starts with the course prefix's base64. */
function hasCoursePrefix(length: number): boolean {
  return matchesAt(charsView, 0, length, COURSE_PREFIX_BASE64);
}

/** Any layout of the two members, their keys and whitespace: the JSON scan of `bytes[0..end)`. */
function readDocument(slot: RideSlot): boolean {
  pos = 0;
  skipWhitespace();
  if (bytes[pos] !== 0x7b) return false;
  pos++;
  let seen = 0;
  for (;;) {
    skipWhitespace();
    const key = readKey();
    if (key !== KEY_RIDE && key !== KEY_RIDE_ID) return false;
    const bit = 1 << key;
    if ((seen & bit) !== 0) return false;
    seen |= bit;
    skipWhitespace();
    if (bytes[pos] !== 0x3a) return false;
    pos++;
    skipWhitespace();
    if (!(key === KEY_RIDE ? readRide(slot) : readRideId(slot))) return false;
    skipWhitespace();
    const c = bytes[pos++];
    if (c === 0x7d) break;
    if (c !== 0x2c) return false;
  }
  if (seen !== ((1 << KEY_RIDE) | (1 << KEY_RIDE_ID))) return false;
  skipWhitespace();
  return pos === end;
}
