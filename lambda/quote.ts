/**
 * THE way a value read from a model file or from a record (an MLmodel scalar, a pickle string, a
 * field of a ride, a request header or path) is quoted in an error message or a log line: escaped,
 * so that control characters, terminal escape sequences, line separators and bidi overrides cannot
 * forge log lines or rewrite a terminal, and cut after {@link MAX_QUOTED_CHARS} characters, so that
 * a hostile multi-megabyte value cannot flood the logs. Imported by the model runtime and by the
 * batch, sinks and services alike; it depends on nothing.
 */

/** Longest value quoted as is; a longer one is cut and its length given. */
export const MAX_QUOTED_CHARS = 200;

export interface QuoteOptions {
  /** Leave out the surrounding quotes (for names that read better unquoted). */
  readonly bare?: boolean;
  /** Cut after this many characters instead of {@link MAX_QUOTED_CHARS}. */
  readonly maxChars?: number;
}

/**
 * Characters JSON.stringify leaves as they are that a log or terminal may still act on: DEL and
 * the C1 controls (0x9b is a terminal's CSI), the Unicode line and paragraph separators, and the
 * bidirectional-text controls.
 */
const UNSAFE = /[\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `value` JSON-escaped (with {@link UNSAFE} characters as `\uXXXX` too), quoted, and cut after
 * `maxChars` characters with its length given.
 *
 * @example
 * ```ts
 * quote('model.pkl');                 // '"model.pkl"'
 * quote('x'.repeat(5_000_000));       // '"xxx…x"…(5000000 chars)' (200 x's)
 * quote('os.system', { bare: true }); // 'os.system'
 * quote('evil\u001b[2J\nline');       // '"evil\\u001b[2J\\nline"'
 * ```
 */
export function quote(value: string, options: QuoteOptions = {}): string {
  const max = options.maxChars ?? MAX_QUOTED_CHARS;
  const cut = value.length > max;
  const quoted = JSON.stringify(cut ? value.slice(0, max) : value).replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const shown = options.bare ? quoted.slice(1, -1) : quoted;
  return cut ? `${shown}…(${value.length} chars)` : shown;
}
