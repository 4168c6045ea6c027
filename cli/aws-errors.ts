/**
 * AWS and network failures that no retry can fix, told in one line: no credentials, a refused
 * connection, an unknown host, access denied, a missing stream or bucket. The commands check a
 * service with one call before their work and stop on these at once; throttling and 5xx are the
 * only failures worth retrying.
 */
import { CliError } from './errors.js';

interface ErrorShape {
  readonly name?: string;
  readonly message?: string;
  readonly code?: string;
  readonly errno?: number;
  readonly cause?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $retryable?: { readonly throttling?: boolean };
}

const NETWORK_CODES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'host name lookup failed',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ETIMEDOUT: 'connection timed out',
};

const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnrecognizedClientException', 'InvalidSignatureException', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'ExpiredTokenException', 'InvalidClientTokenId']);
const MISSING = new Set(['ResourceNotFoundException', 'NoSuchBucket', 'NoSuchKey', 'NotFound']);

/** The network error code of an error or of its causes (the SDK wraps Node's). */
function networkCode(error: unknown): string | undefined {
  for (let e = error as ErrorShape | undefined, depth = 0; e && depth < 5; e = e.cause as ErrorShape | undefined, depth++) {
    if (e.code !== undefined && e.code in NETWORK_CODES) return e.code;
    const errors = (e as { errors?: unknown[] }).errors; // AggregateError of a dual-stack connect
    const inner = errors?.map(networkCode).find((code) => code !== undefined);
    if (inner) return inner;
  }
  return undefined;
}

/**
 * One line for a failure no retry fixes, or undefined for anything else.
 *
 * @example
 * describeFatalAwsError(refused, 'Kinesis at http://127.0.0.1:9'); // 'Kinesis at http://127.0.0.1:9: connection refused'
 */
export function describeFatalAwsError(error: unknown, where: string): string | undefined {
  const e = (error ?? {}) as ErrorShape;
  const name = e.name ?? '';
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(e.message ?? '')) {
    return `${where}: no AWS credentials (set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or point at a local endpoint)`;
  }
  const code = networkCode(error);
  if (code !== undefined) return `${where}: ${NETWORK_CODES[code]} (${code})`;
  if (DENIED.has(name) || e.$metadata?.httpStatusCode === 403) return `${where}: access denied: ${e.message ?? name}`;
  if (MISSING.has(name) || e.$metadata?.httpStatusCode === 404) return `${where}: ${e.message || 'not found'}`;
  return undefined;
}

/** Rethrows a fatal AWS failure as a one-line {@link CliError}; anything else unchanged. */
export function rethrowAws(error: unknown, where: string): never {
  const line = describeFatalAwsError(error, where);
  if (line !== undefined) throw new CliError(line, 1, { cause: error });
  throw error;
}

/** An AWS SDK error as a few words: its code, HTTP status and message, no class name. */
export function describeAwsError(error: unknown): string {
  const e = error as ErrorShape;
  const status = e.$metadata?.httpStatusCode;
  return [e.name, status === undefined ? undefined : `HTTP ${status}`, e.message && e.message !== e.name ? e.message : undefined]
    .filter(Boolean)
    .join(', ');
}
