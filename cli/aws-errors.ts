/**
 * AWS and network failures that no retry can fix, told in one line: no credentials, a refused
 * connection, an unknown host, access denied, a missing stream or bucket. The commands check a
 * service with one call before their work and stop on these at once; throttling and 5xx are the
 * only failures worth retrying.
 */
import { awsFailureWords, NETWORK_CODES, networkCode, serviceMessage, type AwsErrorShape } from '../lambda/aws-failure.js';
import { CliError } from './errors.js';

const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnrecognizedClientException', 'InvalidSignatureException', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'ExpiredTokenException', 'InvalidClientTokenId']);
const MISSING = new Set(['ResourceNotFoundException', 'NoSuchBucket', 'NoSuchKey', 'NotFound']);

/**
 * One line for a failure no retry fixes, or undefined for anything else.
 *
 * @example
 * describeFatalAwsError(refused, 'Kinesis at http://127.0.0.1:9'); // 'Kinesis at http://127.0.0.1:9: connection refused'
 */
export function describeFatalAwsError(error: unknown, where: string): string | undefined {
  const e = (error ?? {}) as AwsErrorShape;
  const name = e.name ?? '';
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(e.message ?? '')) {
    return `${where}: no AWS credentials (set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or point at a local endpoint)`;
  }
  const code = networkCode(error);
  if (code !== undefined) return `${where}: ${NETWORK_CODES[code]} (${code})`;
  if (DENIED.has(name) || e.$metadata?.httpStatusCode === 403) {
    // S3's message is "Access Denied" again, or none (a HEAD); Kinesis's names the action refused, worth keeping.
    const message = serviceMessage(error);
    const said = message !== undefined && !/^access denied\.?$/i.test(message) ? `: ${message}` : '';
    return `${where}: access denied${said} (the credentials in use lack permission for it)`;
  }
  if (MISSING.has(name) || e.$metadata?.httpStatusCode === 404) {
    return `${where}: ${serviceMessage(error) ?? 'not found'}`;
  }
  return undefined;
}

/**
 * One line for any AWS failure: the fatal ones as {@link describeFatalAwsError} tells them, the rest
 * (5xx, throttling after the retries) in plain words naming the service.
 *
 * @example
 * describeAwsFailure(badGateway, '-m s3://models/lin_reg.bin', 'S3'); // '-m s3://models/lin_reg.bin: S3 answered HTTP 502 (bad gateway) after 3 attempts'
 */
export function describeAwsFailure(error: unknown, where: string, service: string): string {
  return describeFatalAwsError(error, where) ?? `${where}: ${awsFailureWords(error, service)}`;
}
