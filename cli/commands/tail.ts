/**
 * `tail`: print the records of a Kinesis stream (the predictions stream, typically) as JSON lines,
 * reading every shard, until `--count` records, `--timeout` seconds or Ctrl-C.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  type KinesisClient,
  type _Record as KinesisRecord,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { Command, Option } from 'commander';

import { CliError, positiveInt, positiveNumber } from '../errors.js';
import { processIO, type CliIO } from '../io.js';
import { awsFailureWords } from '../../lambda/aws-failure.js';
import { checkAws } from '../aws-retry.js';
import { onInterrupt } from '../interrupt.js';
import { cliKinesisClient, ENDPOINT_HELP, endpointArg, kinesisEndpoint } from '../kinesis.js';

/** Pause after a round of reads that found nothing (Kinesis allows 5 GetRecords per shard per second). */
const IDLE_POLL_MS = 250;
/** Pause after a throttled or failed read. */
export const THROTTLE_BACKOFF_MS = 1_000;
/** Consecutive network/5xx failures tolerated before giving up. */
const MAX_TRANSIENT_FAILURES = 5;

export type TailStart = 'trim-horizon' | 'latest';

export interface TailOptions {
  readonly stream: string;
  readonly endpoint?: string | undefined;
  readonly region?: string | undefined;
  /** Where to start in each shard; default `latest`. */
  readonly from?: TailStart | undefined;
  /** Stop after this many records. */
  readonly count?: number | undefined;
  /** Stop after this many seconds. */
  readonly timeout?: number | undefined;
  /** Wrap each record with its shard, sequence number, partition key and arrival time. */
  readonly metadata?: boolean | undefined;
}

export interface TailDependencies {
  /** Client to use (default: built from endpoint/region); not destroyed when given. */
  readonly kinesis?: KinesisClient;
  /** Stops the tail (Ctrl-C in the CLI). */
  readonly signal?: AbortSignal;
  /** Pause after a throttled or failed read, and between the stream check's attempts; default {@link THROTTLE_BACKOFF_MS} (the check: its own backoff). */
  readonly backoffMs?: number;
}

export interface TailSummary {
  readonly records: number;
  readonly shards: number;
}

const decoder = new TextDecoder();

/** One output line for a record: its JSON as is when it is one line of JSON, else a wrapper. */
export function formatTailLine(record: KinesisRecord, shardId: string, metadata: boolean): string {
  const text = decoder.decode(record.Data ?? new Uint8Array());
  let value: unknown;
  let json = true;
  try {
    value = JSON.parse(text);
  } catch {
    json = false;
  }
  if (!metadata) {
    if (json) return text.includes('\n') ? JSON.stringify(value) : text.trim();
    return JSON.stringify({ notJson: Buffer.from(record.Data ?? new Uint8Array()).toString('base64') });
  }
  return JSON.stringify({
    shardId,
    sequenceNumber: record.SequenceNumber,
    partitionKey: record.PartitionKey,
    // Epoch seconds, as in a Lambda Kinesis event.
    approximateArrivalTimestamp: record.ApproximateArrivalTimestamp === undefined ? undefined : record.ApproximateArrivalTimestamp.getTime() / 1000,
    ...(json ? { data: value } : { notJson: Buffer.from(record.Data ?? new Uint8Array()).toString('base64') }),
  });
}

async function listShards(client: KinesisClient, stream: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListShardsCommand(token === undefined ? { StreamName: stream } : { NextToken: token }),
    );
    shards.push(...(page.Shards ?? []));
    token = page.NextToken;
  } while (token !== undefined);
  return shards;
}

/** A network error (no HTTP status) or a server-side (5xx) one: worth another try. */
function isTransient(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  return status === undefined || status >= 500;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'Error';
}

/** Prints records on `io.stdout` until a stop condition; returns how many were printed. */
export async function runTail(options: TailOptions, io: CliIO = processIO, deps: TailDependencies = {}): Promise<TailSummary> {
  const client = deps.kinesis ?? cliKinesisClient(options);
  const limit = options.count ?? Number.POSITIVE_INFINITY;
  const deadline = options.timeout === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.timeout * 1000;
  const type = (options.from ?? 'latest') === 'latest' ? 'LATEST' : 'TRIM_HORIZON';
  const metadata = options.metadata === true;
  const stopped = (): boolean => deps.signal?.aborted === true || Date.now() >= deadline;
  let printed = 0;
  let transientFailures = 0;
  const backoffMs = deps.backoffMs ?? THROTTLE_BACKOFF_MS;
  const endpoint = kinesisEndpoint(options);
  const where = `stream ${options.stream}${endpoint === undefined ? '' : ` at ${endpoint}`}`;

  try {
    const shards = await checkAws(() => listShards(client, options.stream), {
      where,
      service: 'Kinesis',
      command: 'tail',
      io,
      ...(deps.backoffMs === undefined ? {} : { delayMs: () => backoffMs }),
    });
    // Shard id → iterator, plus the last sequence number read (to resume after an expired iterator).
    const cursors = new Map<string, { iterator: string | undefined; last: string | undefined }>();
    for (const shard of shards) {
      const shardId = shard.ShardId ?? '';
      const { ShardIterator } = await client.send(
        new GetShardIteratorCommand({ StreamName: options.stream, ShardId: shardId, ShardIteratorType: type }),
      );
      cursors.set(shardId, { iterator: ShardIterator, last: undefined });
    }

    while (printed < limit && !stopped() && [...cursors.values()].some((c) => c.iterator !== undefined)) {
      let found = 0;
      for (const [shardId, cursor] of cursors) {
        if (cursor.iterator === undefined || printed >= limit || stopped()) continue;
        try {
          const page = await client.send(new GetRecordsCommand({ ShardIterator: cursor.iterator, Limit: 1000 }));
          cursor.iterator = page.NextShardIterator; // undefined once a closed shard is exhausted
          transientFailures = 0;
          for (const record of page.Records ?? []) {
            if (printed >= limit) break;
            io.stdout.write(`${formatTailLine(record, shardId, metadata)}\n`);
            cursor.last = record.SequenceNumber;
            printed++;
            found++;
          }
        } catch (error) {
          const name = errorName(error);
          if (name === 'ExpiredIteratorException') {
            const { ShardIterator } = await client.send(
              new GetShardIteratorCommand({
                StreamName: options.stream,
                ShardId: shardId,
                ...(cursor.last === undefined
                  ? { ShardIteratorType: type }
                  : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: cursor.last }),
              }),
            );
            cursor.iterator = ShardIterator;
          } else if (name === 'ProvisionedThroughputExceededException' || name === 'LimitExceededException') {
            await sleep(backoffMs);
          } else if (isTransient(error) && ++transientFailures <= MAX_TRANSIENT_FAILURES) {
            // A dropped connection or a 5xx: the client does not retry (maxAttempts 1), so wait and go on.
            await sleep(backoffMs);
          } else {
            throw new CliError(`${where}: GetRecords on shard ${shardId} failed: ${awsFailureWords(error, 'Kinesis')}`, 1, {
              cause: error,
            });
          }
        }
      }
      if (found === 0 && printed < limit && !stopped()) {
        const wait = Math.min(IDLE_POLL_MS, deadline - Date.now());
        if (wait > 0) await sleep(wait, undefined, deps.signal ? { signal: deps.signal } : {}).catch(() => undefined);
      }
    }
    return { records: printed, shards: shards.length };
  } finally {
    if (deps.kinesis === undefined) client.destroy();
  }
}

/** The `tail` command. */
export function tailCommand(io: CliIO = processIO): Command {
  return new Command('tail')
    .description('Print the records of a Kinesis stream (e.g. the predictions) as JSON lines, from all shards.')
    .requiredOption('-s, --stream <name>', 'stream name, e.g. the predictions stream')
    .option('--endpoint <url>', ENDPOINT_HELP, endpointArg)
    .option('--region <region>', 'AWS region (default: AWS_REGION, else us-east-1)')
    .addOption(new Option('--from <position>', 'where to start in each shard').choices(['trim-horizon', 'latest']).default('latest'))
    .option('-n, --count <n>', 'stop after n records', positiveInt)
    .option('-t, --timeout <seconds>', 'stop after this many seconds', positiveNumber)
    .option('--metadata', 'wrap each record: {shardId, sequenceNumber, partitionKey, approximateArrivalTimestamp, data}')
    .addHelpText(
      'after',
      `
Runs until --count records, --timeout seconds, or Ctrl-C. Records that are not JSON print as {"notJson": <base64>}.

Examples:
  $ ride-duration tail -s ride_predictions --from trim-horizon -n 10
  $ ride-duration tail -s ride_predictions --endpoint http://127.0.0.1:4567 --timeout 30
`,
    )
    .action(async (options: TailOptions) => {
      kinesisEndpoint(options); // KINESIS_ENDPOINT_URL checked before any call
      // Ctrl-C / SIGTERM: every record read was printed as a whole line; nothing else to undo.
      let printed = 0;
      const counting: CliIO = { stderr: io.stderr, stdout: { write: (text: string) => (printed++, io.stdout.write(text)) } };
      const stopCleanup = onInterrupt(() => `${printed} record(s) printed`);
      try {
        await runTail(options, counting);
      } finally {
        stopCleanup();
      }
    });
}
