/**
 * serve against raw sockets: clients that disconnect mid-body, chunked uploads over the limit, slow
 * headers and bodies, idle keep-alive connections and the connection cap, with the server's
 * explicit limits (set small here so the tests are quick).
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SERVER_LIMITS, startPredictionService, type RunningService, type ServerLimits } from '../../serve/index.js';
import { courseModel } from '../support/model.js';

const RIDE = '{"PULocationID": 130, "DOLocationID": 205, "trip_distance": 3.66}';
let service: RunningService | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await service?.close(100);
  service = undefined;
});

async function start(limits: Partial<ServerLimits> = {}, debug: (line: string) => void = () => undefined): Promise<{ port: number; service: RunningService }> {
  service = await startPredictionService({ model: await courseModel(), port: 0, maxBodyBytes: 1024, limits, debug });
  return { port: Number(new URL(service.url).port), service };
}

/** A raw connection: everything the server sends, and when it closed. */
function open(port: number): { socket: Socket; received: () => string; closed: Promise<number> } {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
  socket.on('error', () => undefined);
  const started = Date.now();
  const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now() - started)));
  return { socket, received: () => text, closed };
}

const connected = (socket: Socket) => new Promise<void>((resolve) => (socket.connecting ? socket.once('connect', () => resolve()) : resolve()));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('serve on raw sockets', () => {
  it('a client gone mid-body is one debug line: no stack, no 500, nothing on stderr; the next client is served', async () => {
    const debug: string[] = [];
    const { port } = await start({}, (line) => debug.push(line));
    const stderr = vi.spyOn(process.stderr, 'write');
    const { socket, received, closed } = open(port);
    socket.write(`POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${RIDE.length}\r\n\r\n${RIDE.slice(0, 10)}`);
    await sleep(50);
    socket.destroy();
    await closed;
    await sleep(50);
    expect(received()).toBe('');
    expect(debug).toEqual([expect.stringMatching(/^client gone on POST "\/predict": client disconnected after 10 bytes of the body$/)]);
    expect(stderr).not.toHaveBeenCalled();
    const res = await fetch(`http://127.0.0.1:${port}/predict`, { method: 'POST', body: RIDE, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
  });

  it('a chunked body over the limit gets its 413, even while the client keeps sending', async () => {
    const { port } = await start();
    const { socket, received, closed } = open(port);
    socket.write('POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n');
    const chunk = 'x'.repeat(16 * 1024);
    // 2 MiB in 16 KiB chunks, paced by the socket: far past the 1 KiB limit.
    for (let i = 0; i < 128 && !socket.destroyed; i++) {
      if (!socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`)) await new Promise((resolve) => socket.once('drain', resolve));
    }
    if (!socket.destroyed) socket.end('0\r\n\r\n');
    await closed;
    expect(received()).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n/);
    expect(received()).toMatch(/\r\nconnection: close\r\n/i);
    expect(received()).toContain('{"error":"request body exceeds the limit of 1024 bytes"}');
  });

  it('headers not sent within headersTimeoutMs: 408 and the connection closes', async () => {
    const { port } = await start({ headersTimeoutMs: 200, requestTimeoutMs: 400, connectionsCheckingIntervalMs: 25 });
    const { socket, received, closed } = open(port);
    socket.write('POST /predict HTTP/1.1\r\nHost: x\r\n');
    const ms = await closed;
    expect(received()).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(ms).toBeGreaterThanOrEqual(150);
    expect(ms).toBeLessThan(2_000);
  });

  it('a body not finished within requestTimeoutMs: 408 and the connection closes', async () => {
    const { port } = await start({ headersTimeoutMs: 200, requestTimeoutMs: 400, connectionsCheckingIntervalMs: 25 });
    const { socket, received, closed } = open(port);
    socket.write(`POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${RIDE.length}\r\n\r\n{`);
    const ms = await closed;
    expect(received()).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(ms).toBeGreaterThanOrEqual(350);
    expect(ms).toBeLessThan(2_500);
  });

  it('an idle keep-alive connection is closed after keepAliveTimeoutMs', async () => {
    const { port } = await start({ keepAliveTimeoutMs: 200 });
    const { socket, received, closed } = open(port);
    socket.write(`POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${RIDE.length}\r\n\r\n${RIDE}`);
    while (!received().includes('model_version')) await sleep(10);
    const answered = Date.now();
    expect(received()).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*keep-alive: timeout=\d+/i);
    await closed;
    const idle = Date.now() - answered;
    expect(idle).toBeGreaterThanOrEqual(150);
    expect(idle).toBeLessThan(2_000);
  });

  it('connections beyond maxConnections are closed on arrival; the ones within are served', async () => {
    const { port } = await start({ maxConnections: 2 });
    const first = open(port);
    const second = open(port);
    await Promise.all([connected(first.socket), connected(second.socket)]);
    await sleep(50);
    const third = open(port);
    third.socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    await third.closed;
    expect(third.received()).toBe('');
    first.socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    while (!first.received().includes('"status":"ok"')) await sleep(10);
    first.socket.destroy();
    second.socket.destroy();
  });

  it('the defaults are explicit: 10 s headers, 30 s request, 5 s keep-alive, 1,024 connections', async () => {
    const { service: running } = await start();
    expect(DEFAULT_SERVER_LIMITS).toMatchObject({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000, maxConnections: 1_024 });
    expect(running.server).toMatchObject({ headersTimeout: 10_000, requestTimeout: 30_000, keepAliveTimeout: 5_000, maxConnections: 1_024 });
  });
});
