/**
 * The course's Flask web service (`04-deployment/web-service`) on Node's `http`: `POST /predict`
 * with a ride → `{"duration", "model_version"}`, plus `GET /health` and `GET /model` (the model and
 * its contract: the fields a ride must carry). The model is loaded once by the caller and shared by
 * every request.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { debuglog } from 'node:util';
import type { LoadedModel } from '../lambda/model/types.js';
import { quote } from '../lambda/quote.js';
import { DEFAULT_MAX_BODY_BYTES, readJsonBody } from './body.js';
import { ClientGoneError, HttpError } from './errors.js';
import { predictBody } from './ride.js';

export const DEFAULT_PORT = 9696;
export const DEFAULT_HOST = '127.0.0.1';
/** How long shutdown waits for in-flight requests before cutting connections. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

/**
 * The server's bounds on slow or idle clients, set explicitly rather than left to Node's defaults
 * (which change between versions): a client must send its headers within `headersTimeoutMs` and its
 * whole request within `requestTimeoutMs` (else 408 and the connection closes); an idle keep-alive
 * connection is closed after `keepAliveTimeoutMs`; at most `maxConnections` connections are open at
 * once (more are closed on arrival). A ride request is ~200 bytes: these leave slow networks room
 * and a slow-loris client little.
 */
export interface ServerLimits {
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly maxConnections: number;
  /** How often Node checks the header and request timeouts (their resolution). */
  readonly connectionsCheckingIntervalMs: number;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 1_024,
  connectionsCheckingIntervalMs: 1_000,
};

/** Debug lines (a client gone mid-body); shown with `NODE_DEBUG=serve`. */
const defaultDebug = debuglog('serve');

export interface PredictionServiceOptions {
  readonly model: LoadedModel;
  /** `model_version` in responses; default the model's own version id (as `RUN_ID` in the Lambda). */
  readonly modelVersion?: string;
  readonly maxBodyBytes?: number;
  /** Overrides of {@link DEFAULT_SERVER_LIMITS}. */
  readonly limits?: Partial<ServerLimits>;
  /** Where debug lines go; default `util.debuglog('serve')` (printed with `NODE_DEBUG=serve`). */
  readonly debug?: (message: string) => void;
}

/** The course response body. */
export interface PredictResponse {
  readonly duration: number;
  readonly model_version: string;
}

type Route = (req: IncomingMessage) => Promise<unknown>;

function send(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * Builds the request handler (no listening): useful on its own behind another server.
 *
 * @example
 * const server = createServer(predictionHandler({ model: await loadCliModel(undefined) }));
 */
export function predictionHandler(
  options: PredictionServiceOptions,
  /** While `draining`, responses say `Connection: close` so keep-alive sockets end with them. */
  lifecycle: { readonly draining: boolean } = { draining: false },
): (req: IncomingMessage, res: ServerResponse) => void {
  const { model } = options;
  const { description } = model;
  const version = options.modelVersion ?? description.version;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const debug = options.debug ?? defaultDebug;
  const routes: Record<string, Record<string, Route>> = {
    '/predict': {
      POST: async (req): Promise<PredictResponse> => {
        return { duration: predictBody(await readJsonBody(req, maxBodyBytes), model), model_version: version };
      },
    },
    '/health': {
      GET: async () => ({
        status: 'ok',
        model: { version, regressor: description.regressor, format: description.format, featureCount: description.featureCount, source: description.source },
      }),
    },
    '/model': {
      GET: async () => ({ version, description, contract: model.contract.summary }),
    },
  };

  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const methods = routes[path];
    const route = methods?.[req.method ?? ''];
    const run = async (): Promise<unknown> => {
      if (methods === undefined) throw new HttpError(404, `no route ${quote(path)}; try POST /predict, GET /health or GET /model`);
      if (route === undefined) {
        throw new HttpError(405, `${quote(req.method ?? '', { bare: true })} not allowed on ${quote(path)}`, { allow: Object.keys(methods).join(', ') });
      }
      return route(req);
    };
    run().then(
      (body) => send(res, 200, body, lifecycle.draining ? { connection: 'close' } : {}),
      (err: unknown) => {
        if (err instanceof ClientGoneError) {
          // Nobody is left to answer, and nothing failed on our side: one line, no stack, no 500.
          debug(`client gone on ${quote(req.method ?? '', { bare: true })} ${quote(path)}: ${err.message}`);
          return;
        }
        if (err instanceof HttpError) {
          // A refused upload is not read to the end: close the connection rather than drain it.
          const close: Record<string, string> = err.status === 413 || lifecycle.draining ? { connection: 'close' } : {};
          send(res, err.status, { error: err.message }, { ...err.headers, ...close });
          if (err.status === 413) req.resume();
          return;
        }
        process.stderr.write(`serve: internal error on ${quote(req.method ?? '', { bare: true })} ${quote(path)}: ${(err as Error).stack ?? String(err)}\n`);
        send(res, 500, { error: 'internal error' }, lifecycle.draining ? { connection: 'close' } : {});
      },
    );
  };
}

/** A listening service and its graceful stop. */
export interface RunningService {
  readonly server: Server;
  /** `http://host:port` actually bound (port 0 → the free port chosen). */
  readonly url: string;
  /**
   * Stops accepting, lets in-flight requests finish (up to `graceMs`), closes idle keep-alive
   * connections, then resolves.
   */
  close(graceMs?: number): Promise<void>;
}

/**
 * Starts the service.
 *
 * @example
 * const service = await startPredictionService({ model, port: 0 });
 * await fetch(`${service.url}/predict`, { method: 'POST', body: JSON.stringify(ride) });
 * await service.close();
 */
export async function startPredictionService(options: PredictionServiceOptions & { port?: number; host?: string }): Promise<RunningService> {
  const lifecycle = { draining: false };
  const limits: ServerLimits = { ...DEFAULT_SERVER_LIMITS, ...options.limits };
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: limits.connectionsCheckingIntervalMs,
    },
    predictionHandler(options, lifecycle),
  );
  // Also set as properties: the constructor option for keep-alive is recent, the property is not.
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxConnections = limits.maxConnections;
  const host = options.host ?? DEFAULT_HOST;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    server,
    url: `http://${shownHost}:${address.port}`,
    close(graceMs = DEFAULT_SHUTDOWN_GRACE_MS) {
      lifecycle.draining = true;
      closing ??= new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        timer.unref();
        server.close((err) => {
          clearTimeout(timer);
          if (err) reject(err);
          else resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
