/**
 * `produce`: put ride events on a Kinesis stream, in the course's input shape
 * (`{"ride": {...}, "ride_id": …}`, partition key = ride id; the ride carries the fields the chosen
 * model needs), with `PutRecords` batching and the function's own retry logic
 * (`putRecordsReliably`: only failed entries are sent again).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { Command } from 'commander';

import { rideStreamRecords, WIRE_POISON_KINDS } from '../../io/index.js';
import type { PoisonKind } from '../../io/index.js';
import { PUT_RECORDS_MAX_ENTRIES, putRecordsReliably } from '../../lambda/sinks/kinesis.js';
import type { OutputFailure, OutputRecord } from '../../lambda/sinks/types.js';
import { poisonKindsFor } from '../contract.js';
import { awsFailureWords } from '../../lambda/aws-failure.js';
import { checkAws, RETRY_NOTICE_MS } from '../aws-retry.js';
import { CliError, fraction, nonNegativeInt, positiveInt, positiveNumber } from '../errors.js';
import { onInterrupt } from '../interrupt.js';
import { note, processIO, type CliIO } from '../io.js';
import { cliKinesisClient, ENDPOINT_HELP, endpointArg, kinesisEndpoint } from '../kinesis.js';
import { loadCliModel, MODEL_OPTION_HELP } from '../model.js';
import { checkRideColumns, checkRideInput } from '../preflight.js';
import type { RideEventDependencies } from './events.js';

/** Time one `PutRecords` batch may take, retries included, before its leftovers count as failed. */
const BATCH_BUDGET_MS = 30_000;

export interface ProduceOptions {
  readonly stream: string;
  readonly input: string;
  readonly endpoint?: string | undefined;
  readonly region?: string | undefined;
  /** Records per second at most (default: as fast as possible). */
  readonly rate?: number | undefined;
  /** Records to put, poison included (default: every ride of the input). */
  readonly count?: number | undefined;
  /** Share of poison records, 0..1. */
  readonly poison?: number | undefined;
  readonly seed?: number | undefined;
  readonly offset?: number | undefined;
  /** Column holding the ride id (default: the row index). */
  readonly idColumn?: string | undefined;
  /** The model whose ride fields the events carry (default: the course model). */
  readonly model?: string | undefined;
}

export interface ProduceSummary {
  readonly sent: number;
  readonly rides: number;
  readonly poison: Readonly<Partial<Record<PoisonKind, number>>>;
  /** Records still unwritten after retries. */
  readonly failed: number;
  readonly seconds: number;
}

export interface ProduceDependencies extends RideEventDependencies {
  /** Client to use (default: built from endpoint/region); not destroyed when given. */
  readonly kinesis?: KinesisClient;
}

/** Records per `PutRecords` call: at most 500, and about five calls a second when rate-limited. */
export function produceBatchSize(rate: number | undefined): number {
  return rate === undefined ? PUT_RECORDS_MAX_ENTRIES : Math.max(1, Math.min(PUT_RECORDS_MAX_ENTRIES, Math.round(rate / 5)));
}

/** Puts the rides (and poison) on the stream; reports on `io.stderr`. */
export async function runProduce(options: ProduceOptions, io: CliIO = processIO, deps: ProduceDependencies = {}): Promise<ProduceSummary> {
  // Everything checked before any record is read or put: input, model, then the stream itself.
  await checkRideInput(options.input, '--input');
  const endpoint = kinesisEndpoint(options);
  const { contract } = await (deps.loadModel ?? loadCliModel)(options.model);
  await checkRideColumns(options.input, '--input', { fields: contract.requiredFields, times: false, why: `the model reads ${contract.requiredFields.map((f) => f.name).join(', ')}` });
  const client = deps.kinesis ?? cliKinesisClient(options);
  const where = `stream ${options.stream}${endpoint === undefined ? '' : ` at ${endpoint}`}`;
  try {
    await checkAws(() => client.send(new DescribeStreamSummaryCommand({ StreamName: options.stream })), { where, service: 'Kinesis', command: 'produce', io });
  } catch (error) {
    if (deps.kinesis === undefined) client.destroy();
    throw error;
  }
  const batchSize = produceBatchSize(options.rate);
  const limit = options.count ?? Number.POSITIVE_INFINITY;
  const started = performance.now();
  const poison: Partial<Record<PoisonKind, number>> = {};
  let sent = 0;
  let rides = 0;
  let failed = 0;
  let firstFailure: OutputFailure | undefined;
  let batch: OutputRecord[] = [];

  const send = async (): Promise<void> => {
    if (batch.length === 0) return;
    if (options.rate !== undefined) {
      // Record i leaves no earlier than i / rate seconds after the start.
      const due = started + (sent / options.rate) * 1000;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
    }
    const deadline = Date.now() + BATCH_BUDGET_MS;
    // Retries (throttling, 5xx only) are visible once they last more than a second.
    let waited = 0;
    let noticed = 0;
    const retrySleep = async (ms: number): Promise<void> => {
      waited += ms;
      if (waited - noticed >= RETRY_NOTICE_MS) {
        noticed = waited;
        note(io, `produce: ${where} is throttling or failing (5xx); retrying, ${(waited / 1000).toFixed(1)} s so far`);
      }
      await sleep(ms);
    };
    const { failures } = await putRecordsReliably(client, options.stream, batch, { remainingTimeMs: () => deadline - Date.now(), sleep: retrySleep });
    if (failures.length === batch.length && sent === 0) {
      const first = failures[0];
      // The writer's failure as a reply's shape: its code (throttling or not) and message, in words.
      throw new CliError(`${where}: no record could be put: ${awsFailureWords({ name: first?.errorCode, message: first?.errorMessage }, 'Kinesis')}`);
    }
    firstFailure ??= failures[0];
    failed += failures.length;
    sent += batch.length;
    batch = [];
  };

  // Ctrl-C: records put stay on the stream (nothing can take them back); say how many.
  const stopCleanup = onInterrupt(() => `${sent} record(s) already put on ${options.stream} stay there`);
  try {
    const fields = contract.requiredFields;
    for await (const record of rideStreamRecords(options.input, { ...options, fields, kinds: poisonKindsFor(contract, WIRE_POISON_KINDS) })) {
      batch.push({ data: record.data, partitionKey: record.partitionKey });
      if (record.kind === undefined) rides++;
      else poison[record.kind] = (poison[record.kind] ?? 0) + 1;
      if (batch.length >= batchSize) await send();
      if (sent + batch.length >= limit) break;
    }
    await send();
  } finally {
    stopCleanup();
    if (deps.kinesis === undefined) client.destroy();
  }
  if (rides === 0) throw new CliError(`--input ${options.input}: no rides${options.offset ? ` after skipping ${options.offset}` : ''}; nothing put`);

  const seconds = (performance.now() - started) / 1000;
  const poisonCount = sent - rides;
  note(
    io,
    `produce: ${sent - failed} of ${sent} record(s) put on ${options.stream} (${rides} ride(s), ${poisonCount} poison) in ${seconds.toFixed(2)} s (${Math.round(sent / Math.max(seconds, 1e-3))} records/s)`,
  );
  if (failed > 0) {
    note(io, `produce: ${failed} record(s) could not be put; first error ${firstFailure?.errorCode}: ${firstFailure?.errorMessage}`);
    process.exitCode = 1;
  }
  return { sent, rides, poison, failed, seconds };
}

/** The `produce` command. */
export function produceCommand(io: CliIO = processIO): Command {
  return new Command('produce')
    .description('Put ride events (course input shape) on a Kinesis stream with PutRecords batching.')
    .requiredOption('-s, --stream <name>', 'input stream name')
    .requiredOption('-i, --input <file>', 'rides: .parquet (TLC), .csv or .jsonl')
    .option('-m, --model <path|s3://…>', `the model whose ride fields the events carry; ${MODEL_OPTION_HELP}`)
    .option('--endpoint <url>', ENDPOINT_HELP, endpointArg)
    .option('--region <region>', 'AWS region (default: AWS_REGION, else us-east-1)')
    .option('-r, --rate <n>', 'records per second at most (default: as fast as possible)', positiveNumber)
    .option('-n, --count <n>', 'records to put, poison included (default: all rides)', positiveInt)
    .option('-p, --poison <fraction>', 'share of poison records, 0..1 (bad UTF-8, not JSON, NaN, schema violations)', fraction)
    .option('--seed <n>', 'seed of the poison placement', nonNegativeInt, 1)
    .option('--offset <n>', 'rides to skip first', nonNegativeInt)
    .option('--id-column <name>', 'column holding the ride id (default: the row index)')
    .addHelpText(
      'after',
      `
Each ride becomes {"ride": {...the fields the model needs...}, "ride_id"} with partition key String(ride_id)
(the course model: PULocationID, DOLocationID, trip_distance); the input needs a column for each field.
Poison is aimed at the fields the model reads; a kind is left out only when none of them can carry its flaw.
Failed entries are retried (only those) with backoff; records that still fail are counted and the exit code is 1.

Examples:
  $ ride-duration produce -s ride_events -i green_tripdata_2021-02.parquet -n 1000 --rate 200
  $ ride-duration produce -s ride_events --endpoint http://127.0.0.1:4567 -i rides.csv --poison 0.05
`,
    )
    .action(async (options: ProduceOptions) => {
      await runProduce(options, io);
    });
}
