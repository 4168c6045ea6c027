/**
 * A double's JSON text (`JSON.stringify(x)`: ECMAScript's Number::toString, shortest round-trip
 * digits) written as ASCII straight into a byte buffer.
 *
 * Why: the output event carries one distinct double per record, and `JSON.stringify(x)` (a call
 * into the runtime, plus a string to allocate and collect) was the largest single cost of encoding
 * an event. Here the digits are found with double arithmetic that is exact by construction, for the
 * values a ride duration takes (1 ≤ |x| < 10^15); anything else, and the few cases the arithmetic
 * cannot settle exactly, is written from `JSON.stringify(x)` as before. A property test holds the
 * two to the same bytes.
 *
 * How: with `e = floor(log10 x)`, an n-digit candidate `c` stands for `c / 10^(n-1-e)` (or a
 * product for negative powers). For `c ≤ 2^53` and powers up to 10^22 that single IEEE operation
 * is correctly rounded, i.e. exactly what parsing the candidate's text gives (Clinger's fast path),
 * so `c / 10^k === x` decides whether it round-trips. Which digit count is the shortest is found by
 * bisection (if n digits round-trip, n + 1 do too). The 17-digit case is the correctly rounded
 * value, taken from Dekker's exact product `x · 10^k = hi + lo`.
 */

const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k); // exact up to 10^22
const TWO_53 = 2 ** 53;
/** Dekker's splitter for 53-bit doubles: 2^27 + 1. */
const SPLITTER = 134_217_729;

/** No candidate with this many digits round-trips. */
const NONE = -1;
/** The arithmetic cannot settle this digit count exactly (two candidates, or one above 2^53). */
const UNDECIDED = -2;


/**
 * The only n-digit candidate that round-trips to `x` (10^e ≤ x < 10^(e+1)), or NONE / UNDECIDED.
 * `x·10^k` computed in doubles is within 0.5 of the exact value below 2^53, so the exact floor
 * and ceiling are among floor(t) - 1, floor(t), floor(t) + 1; if only one of the three round-trips
 * it is the only n-digit one that does (the round-trip interval contains x and everything between).
 */
function candidate(x: number, n: number, e: number): number {
  const k = n - 1 - e;
  const t = k >= 0 ? x * POW10[k]! : x / POW10[-k]!;
  const floor = Math.floor(t);
  if (floor + 1 > TWO_53) return UNDECIDED;
  let found = NONE;
  for (let c = floor - 1; c <= floor + 1; c++) {
    if ((k >= 0 ? c / POW10[k]! : c * POW10[-k]!) !== x) continue;
    if (found !== NONE) return UNDECIDED;
    found = c;
  }
  return found;
}

/**
 * Writes digits `first .. first + count - 1` of a number's text (counted from its most significant
 * digit), the `count` decimal digits of `value` (an integer below 2^31), into `target`: digit j at
 * `offset + j`, or one further right from `point` on, where the decimal point goes. Why straight
 * into the output: a buffer of digits copied over after was a third of writing a duration.
 */
function putSmallDigits(target: Uint8Array, offset: number, value: number, first: number, count: number, point: number): void {
  let rest = value | 0;
  for (let j = first + count - 1; j >= first; j--) {
    const quotient = (rest / 10) | 0;
    target[offset + j + (j >= point ? 1 : 0)] = 0x30 + rest - quotient * 10;
    rest = quotient;
  }
}

/** {@link putSmallDigits} of the integer `value` (< 2^53), digits 0 .. count - 1. */
function putDigits(target: Uint8Array, offset: number, value: number, count: number, point: number): void {
  if (count <= 9) {
    putSmallDigits(target, offset, value, 0, count, point);
    return;
  }
  // value = high·10^8 + low, both exact: value / 10^8 cannot round up to the next integer below 2^53.
  const high = Math.floor(value / 1e8);
  putSmallDigits(target, offset, high, 0, count - 8, point);
  putSmallDigits(target, offset, value - high * 1e8, count - 8, 8, point);
}

/**
 * Writes the shortest round-trip text of `x` (1 ≤ x < 10^15) into `target` at `offset` and returns
 * the offset after it, or -1 (having written nothing) when this cannot decide exactly.
 */
function writeShortest(target: Uint8Array, offset: number, x: number): number {
  let e = 0; // x < 10^15: a few exact comparisons (durations: one or two) beat Math.log10 plus its correction
  while (x >= POW10[e + 1]!) e++;

  let c = candidate(x, 16, e);
  if (c === UNDECIDED) return -1;
  if (c === NONE) {
    // 17 digits: the correctly rounded value of x·10^(16-e) = hi + lo (exact, Dekker).
    const p = POW10[16 - e]!;
    const hi = x * p;
    let s = SPLITTER * x;
    const xh = s - (s - x);
    const xl = x - xh;
    s = SPLITTER * p;
    const ph = s - (s - p);
    const pl = p - ph;
    const lo = xh * ph - hi + xh * pl + xl * ph + xl * pl;
    // hi ≥ 10^16 > 2^53 is an integer; |lo| ≤ 8. A tie (lo ending in .5) would need round-half-even.
    const rounded = Math.round(lo);
    if (lo - Math.floor(lo) === 0.5) return -1;
    // hi + rounded as 9 + 8 digits: a·10^8 is exact (a < 2^30, 10^8 = 2^8·390625), and so is hi - a·10^8.
    let a = Math.floor(hi / 1e8);
    let b = hi - a * 1e8 + rounded;
    while (b < 0) {
      a--;
      b += 1e8;
    }
    while (b >= 1e8) {
      a++;
      b -= 1e8;
    }
    // b < 10^8 is an integer: `| 0` makes the remainder an integer one, not a call to fmod.
    if (a < 1e8 || a >= 1e9 || (b | 0) % 10 === 0) return -1; // not 17 significant digits: not the case derived here
    // e + 1 ≤ 15 integer digits of 17, the last one nonzero: a point and nothing to trim.
    putSmallDigits(target, offset, a, 0, 9, e + 1);
    putSmallDigits(target, offset, b, 9, 8, e + 1);
    target[offset + e + 1] = 0x2e; // .
    return offset + 18;
  }
  let n = 16;
  // Bisection for the fewest digits: `n` round-trips (candidate c), fewer than `low` do not. Most
  // doubles need 16 or 17 digits, so 15 is tried first.
  let low = 1;
  const fifteen = candidate(x, 15, e);
  if (fifteen === UNDECIDED) return -1;
  if (fifteen === NONE) {
    low = 16;
  } else {
    n = 15;
    c = fifteen;
  }
  while (low < n) {
    const mid = (low + n) >> 1;
    const found = candidate(x, mid, e);
    if (found === UNDECIDED) return -1;
    if (found === NONE) {
      low = mid + 1;
    } else {
      n = mid;
      c = found;
    }
  }
  // c = x·10^(n-1-e) rounded has n digits, or n + 1 when x just below a power of ten rounds up to it.
  const count = c >= POW10[n]! ? n + 1 : c >= POW10[n - 1]! ? n : n - 1;
  const integerDigits = count - (n - 1 - e);
  if (integerDigits < 1) return -1; // not reached for x ≥ 1
  putDigits(target, offset, c, count, integerDigits);
  if (count <= integerDigits) {
    // An integer: its zeros beyond c's digits, no point.
    for (let j = count; j < integerDigits; j++) target[offset + j] = 0x30;
    return offset + integerDigits;
  }
  target[offset + integerDigits] = 0x2e; // .
  // Trailing zeros of the fraction dropped, and the point with them if nothing is left: read back
  // from the text, since `c % 10` on a double above 2^31 is a call to fmod per test.
  let end = offset + count + 1;
  while (target[end - 1] === 0x30) end--;
  if (target[end - 1] === 0x2e) end--;
  return end;
}

/**
 * Writes `String(value)` for an integer 0 ≤ value < 2^31 (or -0, written "0" as String does) into
 * `target` at `offset`; returns the offset after it. Why: ride ids are such integers, and their
 * digits cost less than a number-to-string conversion (a cache lookup or a string to allocate).
 */
export function writeSmallInteger(target: Uint8Array, offset: number, value: number): number {
  let length = 1;
  for (let rest = value; rest >= 10; rest = (rest / 10) | 0) length++;
  let rest = value | 0;
  for (let at = offset + length - 1; at >= offset; at--) {
    const quotient = (rest / 10) | 0;
    target[at] = 0x30 + rest - quotient * 10;
    rest = quotient;
  }
  return offset + length;
}

/** Writes ASCII text into `target` at `offset` (the caller ensured it is ASCII and fits). */
export function writeAscii(target: Uint8Array, offset: number, text: string): number {
  for (let i = 0; i < text.length; i++) target[offset + i] = text.charCodeAt(i);
  return offset + text.length;
}

/**
 * Writes `JSON.stringify(x)` into `target` at `offset` (at most 32 bytes); returns the offset
 * after it.
 *
 * @example
 * ```ts
 * writeNumberText(buffer, 0, 12.78553032985699); // 17, buffer holds "12.78553032985699"
 * ```
 */
export function writeNumberText(target: Uint8Array, offset: number, x: number): number {
  const magnitude = Math.abs(x);
  // NaN, ±Infinity, 0 and -0 fail this test and take JSON.stringify, as do the exponent forms.
  if (!(magnitude >= 1 && magnitude < 1e15)) return writeAscii(target, offset, JSON.stringify(x));
  const at = x < 0 ? offset + 1 : offset;
  const end = writeShortest(target, at, magnitude);
  if (end < 0) return writeAscii(target, offset, JSON.stringify(x));
  if (x < 0) target[offset] = 0x2d; // -
  return end;
}
