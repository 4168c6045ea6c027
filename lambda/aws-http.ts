/**
 * HTTP for the function's own signed AWS calls: keep-alive connections, TLS loaded on the first
 * https request (a plain-http local endpoint never loads it), an idle timeout, bounded bodies.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';

/** A socket silent for this long (connecting or mid-body) fails the call. */
export const IDLE_TIMEOUT_MS = 10_000;

type Https = typeof import('node:https');

/**
 * The DNS suffix of a region's service endpoints (`kinesis.<region>.<suffix>`), as the SDK's
 * partitions define it: China and the isolated partitions differ from `amazonaws.com`.
 */
export function dnsSuffix(region: string): string {
  if (region.startsWith('cn-')) return 'amazonaws.com.cn';
  if (region.startsWith('us-isob-')) return 'sc2s.sgov.gov';
  if (region.startsWith('us-iso-')) return 'c2s.ic.gov';
  return 'amazonaws.com';
}

export interface HttpCall {
  /** Protocol, host and port come from here; the path does not. */
  readonly origin: URL;
  /** Sent as given: a `URL` would resolve `.` and `..` segments, which are part of an S3 key. */
  readonly path: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  readonly signal?: AbortSignal;
}

export class AwsHttp {
  // Node unrefs idle pooled sockets, so they never hold a process open.
  private readonly httpAgent = new HttpAgent({ keepAlive: true });
  private https: Promise<{ readonly agent: InstanceType<Https['Agent']>; readonly request: Https['request'] }> | undefined;

  /** Sends the request; resolves with the response once its headers are in. */
  async send(call: HttpCall): Promise<IncomingMessage> {
    const tls =
      call.origin.protocol === 'https:'
        ? await (this.https ??= import('node:https').then(({ Agent, request }) => ({ agent: new Agent({ keepAlive: true }), request })))
        : undefined;
    return new Promise<IncomingMessage>((resolve, reject) => {
      const request = (tls?.request ?? httpRequest)({
        protocol: call.origin.protocol,
        hostname: call.origin.hostname,
        port: call.origin.port === '' ? undefined : Number(call.origin.port),
        path: call.path,
        method: call.method,
        headers: call.headers,
        agent: tls?.agent ?? this.httpAgent,
        timeout: IDLE_TIMEOUT_MS,
        ...(call.signal === undefined ? {} : { signal: call.signal }),
      });
      request.once('response', resolve);
      request.once('timeout', () => request.destroy(new Error(`no answer from ${call.origin.host} within ${IDLE_TIMEOUT_MS} ms`)));
      request.once('error', reject);
      request.end(call.body);
    });
  }
}

/** The whole body, refused past `limit` bytes. */
export function readBody(response: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    response.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > limit) {
        response.destroy(new RangeError(`response body larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    response.once('end', () => resolve(Buffer.concat(chunks, length)));
    response.once('error', reject);
    response.once('aborted', () => reject(new Error('response aborted')));
  });
}
