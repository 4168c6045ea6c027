/**
 * An AWS SDK failure told in plain words: the HTTP status and its name, the service's error code,
 * how many attempts were made. The SDK's own text for a reply it could not parse (an HTML 502 from
 * a proxy, a text 500) is its internals (`UnknownError`, `Deserialization error … $response`), so
 * it is left out. Shared by the model loader, whose messages the function logs, and the CLI.
 */
import { STATUS_CODES } from 'node:http';

/** The parts of an AWS SDK (or Node network) error these words are made of. */
export interface AwsErrorShape {
  readonly name?: string;
  readonly message?: string;
  readonly code?: string;
  readonly cause?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number; readonly attempts?: number };
  readonly $retryable?: { readonly throttling?: boolean };
}

/** Node's network error codes, in words. */
export const NETWORK_CODES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'host name lookup failed',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ETIMEDOUT: 'connection timed out',
};

/** Error codes with which AWS services say "slow down" (the SDK's own list, less the S3-only ones). */
const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'SlowDown',
  'RequestLimitExceeded',
]);

/** Names the SDK gives a reply it could not read: no code of the service's, nothing to show. */
const NO_CODE = new Set(['Unknown', 'UnknownError', 'Error', 'SyntaxError']);

/** The network error code of an error or of its causes (the SDK wraps Node's). */
export function networkCode(error: unknown): string | undefined {
  for (let e = error as AwsErrorShape | undefined, depth = 0; e && depth < 5; e = e.cause as AwsErrorShape | undefined, depth++) {
    if (e.code !== undefined && e.code in NETWORK_CODES) return e.code;
    const errors = (e as { errors?: unknown[] }).errors; // AggregateError of a dual-stack connect
    const inner = errors?.map(networkCode).find((code) => code !== undefined);
    if (inner) return inner;
  }
  return undefined;
}

/** The HTTP status the service answered with, if it answered. */
export function httpStatusOf(error: unknown): number | undefined {
  return (error as AwsErrorShape | null | undefined)?.$metadata?.httpStatusCode;
}

/** A "slow down" reply. */
export function isThrottling(error: unknown): boolean {
  const e = (error ?? {}) as AwsErrorShape;
  return THROTTLING.has(e.name ?? '') || e.$retryable?.throttling === true || httpStatusOf(error) === 429;
}

/** Throttling or a 5xx: the only failures another attempt can fix. */
export function isRetryableAwsError(error: unknown): boolean {
  const status = httpStatusOf(error);
  return isThrottling(error) || (status !== undefined && status >= 500);
}

/** The service's error code, when the reply carried one. */
function serviceCode(e: AwsErrorShape): string | undefined {
  return e.name !== undefined && !NO_CODE.has(e.name) ? e.name : undefined;
}

/**
 * The first line of the service's message, when it says more than the code: never the SDK's parse
 * errors, nor its `UnknownError` for a reply without a body (a HEAD's 403 or 404).
 */
export function serviceMessage(error: unknown): string | undefined {
  const e = (error ?? {}) as AwsErrorShape;
  const line = e.message?.split('\n')[0]?.trim();
  if (!line || NO_CODE.has(line) || /deserialization|parse error|\$response/i.test(e.message ?? '')) return undefined;
  // "Access Denied" after AccessDenied says nothing more.
  if (line.replace(/\W/g, '').toLowerCase() === e.name?.toLowerCase()) return undefined;
  return line;
}

/**
 * `error` in plain words, without where it happened (the caller names the stream, bucket or flag).
 *
 * @example
 * awsFailureWords(badGateway, 'S3');   // 'S3 answered HTTP 502 (bad gateway) after 3 attempts'
 * awsFailureWords(throttled, 'Kinesis'); // 'Kinesis is throttling (ProvisionedThroughputExceededException: Rate exceeded)'
 * awsFailureWords(refused, 'S3');      // 'connection refused (ECONNREFUSED)'
 */
export function awsFailureWords(error: unknown, service: string): string {
  const e = (error ?? {}) as AwsErrorShape;
  const attempts = e.$metadata?.attempts;
  const after = attempts !== undefined && attempts > 1 ? ` after ${attempts} attempts` : '';
  const code = serviceCode(e);
  const message = serviceMessage(error);
  const said = [code, message].filter(Boolean).join(': ');
  if (isThrottling(error)) return `${service} is throttling${said ? ` (${said})` : ''}${after}`;
  const status = httpStatusOf(error);
  if (status === 403 || /AccessDenied/.test(code ?? '')) {
    return `${service} denied access${said ? ` (${said})` : ''}; the credentials in use lack permission for it`;
  }
  if (status !== undefined) {
    const phrase = STATUS_CODES[status]?.toLowerCase();
    const words = [phrase, said].filter(Boolean).join(': ');
    return `${service} answered HTTP ${status}${words ? ` (${words})` : ''}${after}`;
  }
  const network = networkCode(error);
  if (network !== undefined) return `${NETWORK_CODES[network]} (${network})`;
  return said || `${service} call failed`;
}
