/**
 * A local HTTP peer for the signed clients' tests: records every request as received and lets the
 * test answer it (or never answer), on a free loopback port.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';
import { LOOPBACK } from './services.js';

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  /** The body as UTF-8. */
  readonly text: string;
}

export interface RecordingPeer {
  readonly endpoint: string;
  readonly seen: ReceivedRequest[];
  /** Closes the server and drops open connections (a peer that never answered keeps them). */
  close(): Promise<void>;
}

export async function recordingPeer(answer: (request: ReceivedRequest, response: ServerResponse) => void): Promise<RecordingPeer> {
  const seen: ReceivedRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const received = {
        method: request.method ?? '',
        path: request.url ?? '',
        headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)])),
        body,
        text: body.toString('utf8'),
      };
      seen.push(received);
      answer(received, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${LOOPBACK}:${port}`,
    seen,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** {@link recordingPeer}, closed when the current test finishes, passed or failed. */
export async function usePeer(answer: (request: ReceivedRequest, response: ServerResponse) => void): Promise<RecordingPeer> {
  const peer = await recordingPeer(answer);
  onTestFinished(() => peer.close());
  return peer;
}
