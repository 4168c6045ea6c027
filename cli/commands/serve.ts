/**
 * `ride-duration serve`: the course's web service (`POST /predict`, `GET /health`) on the same
 * model runtime as the Lambda; stops gracefully on SIGTERM/SIGINT.
 */
import { Command } from 'commander';
import { ENV } from '../../lambda/config.js';
import { DEFAULT_HOST, DEFAULT_MAX_BODY_BYTES, DEFAULT_PORT, startPredictionService } from '../../serve/index.js';
import { describeModel } from '../contract.js';
import { CliError, integerFrom, positiveInt } from '../errors.js';
import { CLEANUP_BUDGET_MS, onInterrupt } from '../interrupt.js';
import { note, processIO, type CliIO } from '../io.js';
import { loadCliModel, MODEL_OPTION_HELP } from '../model.js';

/**
 * In-flight requests get this long after Ctrl-C or SIGTERM, then their sockets are cut: less than
 * the interruption's whole clean-up budget, so that the server's own close ends the run.
 */
const SHUTDOWN_GRACE_MS = CLEANUP_BUDGET_MS - 1_000;

interface ServeOptions {
  readonly port: number;
  readonly host: string;
  readonly model?: string;
  readonly runId?: string;
  readonly maxBody: number;
}

/** Largest TCP port. */
const MAX_PORT = 65_535;

/** `--port`: 0 (any free port) to 65535, a usage error otherwise. */
const portArg = integerFrom(0, MAX_PORT, `Expected a port from 0 to ${MAX_PORT} (0: any free port).`);

/**
 * A failure to listen as the flag to change and what would work: Node's own text
 * (`listen EADDRINUSE: address already in use 127.0.0.1:9696`) names neither.
 *
 * @example
 * listenError(eaddrinuse, { port: 9696, host: '127.0.0.1' }).message;
 * // '--port 9696: already in use on 127.0.0.1; choose another port or --port 0 for a free one'
 */
export function listenError(error: unknown, { port, host }: { readonly port: number; readonly host: string }): CliError {
  const code = (error as NodeJS.ErrnoException).code;
  const message =
    code === 'EADDRINUSE'
      ? `--port ${port}: already in use on ${host}; choose another port or --port 0 for a free one`
      : code === 'EACCES'
        ? `--port ${port}: permission denied on ${host} (ports below 1024 need privileges); choose a port from 1024 up or --port 0 for a free one`
        : code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME'
          ? `--host ${host}: no such host; give an address of this machine, e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)`
          : code === 'EADDRNOTAVAIL'
            ? `--host ${host}: not an address of this machine; use e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)`
            : `cannot listen on ${host}:${port} (--host, --port): ${(error as Error).message}`;
  return new CliError(message, 1, { cause: error });
}

/** The `serve` command. */
export function serveCommand(io: CliIO = processIO): Command {
  return new Command('serve')
    .description(
      'Serve the model over HTTP as the course web service: POST /predict with the ride fields the model needs ' +
        '(the course model: {"PULocationID","DOLocationID","trip_distance"}) → {"duration","model_version"}; GET /health; GET /model.',
    )
    .option('-p, --port <port>', 'port to listen on (0 = any free port)', portArg, DEFAULT_PORT)
    .option('--host <host>', 'interface to bind', DEFAULT_HOST)
    .option('-m, --model <path|s3://…>', MODEL_OPTION_HELP)
    .option('--run-id <id>', `model_version in responses (default: ${ENV.runId}, else the model's version id)`)
    .option('--max-body <bytes>', 'largest request body accepted; larger → 413', positiveInt, DEFAULT_MAX_BODY_BYTES)
    .addHelpText(
      'after',
      `
Example:
  $ ride-duration serve --port 9696 &
  $ curl -s -X POST localhost:9696/predict -H 'content-type: application/json' \\
      -d '{"PULocationID": 130, "DOLocationID": 205, "trip_distance": 3.66}'
  {"duration":12.78553032985699,"model_version":"sha256:b51a38fd7db9"}

The model's contract (what it reads, the ride fields /predict needs) is printed on stderr at start;
a model whose contract cannot be served is refused before the port is opened.
Ctrl-C or SIGTERM: no new connections, in-flight requests finish (4 s at most), exit 130 (SIGINT) or 143 (SIGTERM).`,
    )
    .action(async (options: ServeOptions) => {
      const model = await loadCliModel(options.model);
      const runId = options.runId ?? (process.env[ENV.runId]?.trim() || undefined);
      const service = await startPredictionService({
        model,
        port: options.port,
        host: options.host,
        maxBodyBytes: options.maxBody,
        ...(runId !== undefined ? { modelVersion: runId } : {}),
      }).catch((error: unknown) => {
        throw listenError(error, options);
      });
      for (const line of describeModel(model.description, model.contract)) note(io, line);
      note(io, `listening on ${service.url} (POST /predict, GET /health, GET /model)`);
      // Printed on stdout so scripts can read the bound URL (useful with --port 0).
      io.stdout.write(`${service.url}\n`);
      // Runs until a signal: the interruption closes the server gracefully, then exits 130/143.
      onInterrupt(async (signal) => {
        note(io, `${signal}: no new connections; finishing in-flight requests`);
        await service.close(SHUTDOWN_GRACE_MS);
        note(io, 'stopped');
        return 'nothing (the server writes no files)';
      });
      await new Promise<never>(() => undefined);
    });
}
