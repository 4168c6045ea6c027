/**
 * `invoke`: run the real Lambda handler in-process on a Kinesis event file, with `TEST_RUN`
 * semantics (nothing written to Kinesis) and dead letters kept in memory, and print
 * `{"batchItemFailures": [...], "predictions": [...], "deadLetters": [...]}` on stdout.
 * stdout carries only that JSON; logs (with `--verbose`) and the summary go to stderr.
 */
import { readFile } from 'node:fs/promises';
import type { KinesisStreamBatchItemFailure, KinesisStreamEvent } from 'aws-lambda';
import { Command } from 'commander';

import { DEFAULT_REGION, ENV } from '../../lambda/config.js';
import { createHandler } from '../../lambda/handler.js';
import type { LoadedModel } from '../../lambda/model/index.js';
import { silentLog, type LogSink } from '../../lambda/log-sink.js';
import type { PredictionEvent } from '../../lambda/ride/prediction.js';
import { MemoryDeadLetterSink } from '../../lambda/sinks/memory.js';
import type { DeadLetter } from '../../lambda/sinks/types.js';
import { createInvocationContext } from '../../local/invocation-context.js';
import { describeModel } from '../contract.js';
import { CliError } from '../errors.js';
import { note, processIO, type CliIO } from '../io.js';
import { loadCliModel, MODEL_OPTION_HELP } from '../model.js';
import { checkReadableFile } from '../preflight.js';

/** Name and timeout of the simulated function (the CDK stack's timeout order of magnitude). */
const FUNCTION_NAME = 'ride-duration-local';
const TIMEOUT_MS = 60_000;
/** Distinct dead-letter reasons the stderr summary quotes. */
const REASONS_SHOWN = 3;

export interface InvokeOptions {
  /** Path of a Kinesis event JSON file (`{"Records": [...]}`); `-`: standard input. */
  readonly event: string;
  readonly model?: string | undefined;
  /** Handler logs as JSON lines on stderr, the model's contract first. */
  readonly verbose?: boolean | undefined;
}

/** What `invoke` prints. */
export interface InvokeResult {
  readonly batchItemFailures: KinesisStreamBatchItemFailure[];
  readonly predictions: PredictionEvent[];
  readonly deadLetters: DeadLetter[];
}

export interface InvokeDependencies {
  readonly loadModel?: (location: string | undefined) => Promise<LoadedModel>;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** What `--event -` reads; default the process's standard input. */
  readonly stdin?: EventInput;
}

/** Handler logs as one JSON object per line on stderr, so stdout stays pure JSON. */
export function stderrLog(io: CliIO): LogSink {
  const line =
    (level: string) =>
    (message: string, ...extra: Array<Record<string, unknown>>): void => {
      io.stderr.write(`${JSON.stringify({ level, message, ...Object.assign({}, ...extra) })}\n`);
    };
  return { debug: line('DEBUG'), info: line('INFO'), warn: line('WARN'), error: line('ERROR') };
}

/** Where `--event -` is read from: the process's standard input, a stream in tests. */
export type EventInput = AsyncIterable<unknown> & { readonly isTTY?: boolean };

/** How to make an event, for the messages about a missing one. */
const EVENT_HINT = 'e.g. ride-duration events -i rides.csv -n 5 | ride-duration invoke --event -';

/** All of `input` as text. */
async function readAll(input: EventInput): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Reads and checks a Kinesis event file (`-`: `stdin`); errors name `--event`. On a terminal,
 * `--event -` would wait in silence for a paste: one line on stderr says what it waits for.
 */
export async function readKinesisEvent(path: string, io: CliIO = processIO, stdin: EventInput = process.stdin): Promise<KinesisStreamEvent> {
  const name = `--event ${path}`;
  let text: string;
  try {
    if (path === '-' && stdin.isTTY === true) note(io, 'reading the event from stdin (Ctrl-D to end)…');
    text = path === '-' ? await readAll(stdin) : await readFile(path, 'utf8');
  } catch (cause) {
    throw new CliError(`${name}: cannot read the event file (${(cause as Error).message})`, 1, { cause });
  }
  // Empty is an error, said as such rather than as JSON's "Unexpected end of JSON input".
  if (text.trim() === '') {
    throw new CliError(path === '-' ? `${name}: stdin is empty; pipe a Kinesis event into it (${EVENT_HINT})` : `${name}: the file is empty; give a Kinesis event file`);
  }
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch (cause) {
    throw new CliError(`${name}: the event file is not JSON (${(cause as Error).message})`, 1, { cause });
  }
  const records = (event as { Records?: unknown } | null)?.Records;
  if (!Array.isArray(records)) throw new CliError(`${name}: not a Kinesis event (no "Records" array)`);
  if (records.length === 0) throw new CliError(`${name}: the event has no records; nothing to invoke (${EVENT_HINT})`);
  records.forEach((record: unknown, i) => {
    const kinesis = (record as { kinesis?: { data?: unknown; sequenceNumber?: unknown } } | null)?.kinesis;
    if (typeof kinesis?.data !== 'string' || typeof kinesis.sequenceNumber !== 'string') {
      throw new CliError(`${name}: Records[${i}] is not a Kinesis record (needs kinesis.data and kinesis.sequenceNumber strings)`);
    }
  });
  return event as KinesisStreamEvent;
}

/** Runs the handler on the event file and prints the result on `io.stdout`. */
export async function runInvoke(options: InvokeOptions, io: CliIO = processIO, deps: InvokeDependencies = {}): Promise<InvokeResult> {
  const env = deps.env ?? process.env;
  if (options.event !== '-') await checkReadableFile(options.event, '--event');
  // The model first: one whose contract cannot be served is refused before the event is read.
  const model = await (deps.loadModel ?? loadCliModel)(options.model);
  const logger = options.verbose === true ? stderrLog(io) : silentLog;
  const [modelLine = '', contractLine = '', fieldsLine = ''] = describeModel(model.description, model.contract);
  logger.info('Model contract', { model: modelLine, contract: contractLine, rideFields: fieldsLine });
  const event = await readKinesisEvent(options.event, io, deps.stdin);
  const deadLetters = new MemoryDeadLetterSink();
  const handler = createHandler({
    loadModel: () => Promise.resolve(model),
    runId: env[ENV.runId]?.trim() || undefined,
    output: undefined, // TEST_RUN: predictions are returned, nothing is written
    deadLetters,
    logger,
  });
  const region = env[ENV.region] ?? event.Records[0]?.awsRegion ?? DEFAULT_REGION;
  const response = await handler(event, createInvocationContext(FUNCTION_NAME, region, TIMEOUT_MS));
  const result: InvokeResult = {
    batchItemFailures: response.batchItemFailures,
    predictions: response.predictions ?? [],
    deadLetters: response.deadLetters ?? deadLetters.letters,
  };
  io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  note(
    io,
    `invoke: ${event.Records.length} record(s): ${result.predictions.length} predicted, ${result.deadLetters.length} dead-lettered, ${result.batchItemFailures.length} in batchItemFailures`,
  );
  const reasons = [...new Set(result.deadLetters.map((letter) => letter.reason))];
  if (reasons.length > 0) {
    const more = reasons.length > REASONS_SHOWN ? ` (and ${reasons.length - REASONS_SHOWN} more)` : '';
    note(io, `invoke: dead-letter reasons: ${reasons.slice(0, REASONS_SHOWN).join(' | ')}${more}`);
  }
  return result;
}

/** The `invoke` command. */
export function invokeCommand(io: CliIO = processIO): Command {
  return new Command('invoke')
    .description('Run the real Lambda handler locally (TEST_RUN semantics) on a Kinesis event file; print the result as JSON.')
    .requiredOption('-e, --event <event.json>', 'Kinesis event file, e.g. events/kinesis-single-ride.json; - reads it from standard input')
    .option('-m, --model <path|s3://…>', MODEL_OPTION_HELP)
    .option('-v, --verbose', "the model's contract and the handler's logs, as JSON lines on stderr")
    .addHelpText(
      'after',
      `
Prints one JSON object on stdout:
  {"batchItemFailures": [...], "predictions": [...output events...], "deadLetters": [{"sequenceNumber", "reason", ...}]}
RUN_ID sets the output events' version (default: the model's version id); S3_ENDPOINT_URL and MODEL_SHA256 apply to --model.
The model is loaded first: one whose contract cannot be served (it reads a key no ride provides) is
refused before the event is read. Rides lacking a field the model needs, or with a wrong type, are
dead-lettered with a reason naming the field (stdout, and the first reasons on stderr).

Examples:
  $ ride-duration invoke --event events/kinesis-single-ride.json
  $ ride-duration invoke --event events/mixed-poison.json --model s3://models/lin_reg.bin
  $ ride-duration events -i rides.csv -n 10 | ride-duration invoke --event -
`,
    )
    .action(async (options: InvokeOptions) => {
      await runInvoke(options, io);
    });
}
