/**
 * `events`: build a Kinesis event file from real rides (and, optionally, poison records) for
 * `invoke` and for trying the function in the Lambda console. Each ride event carries the fields
 * the chosen model needs (its contract's `requiredFields`; the course model's by default).
 */
import type { KinesisStreamEvent } from 'aws-lambda';
import { Command, InvalidArgumentError } from 'commander';

import { KinesisEventBuilder, parseNaiveTimestamp, POISON_KINDS, rideStreamRecords } from '../../io/index.js';
import type { KinesisRecordInput, PoisonKind } from '../../io/index.js';
import type { LoadedModel } from '../../lambda/model/types.js';
import { poisonKindsFor } from '../contract.js';
import { CliError, fraction, nonNegativeInt, positiveInt, UsageError } from '../errors.js';
import { writeWhole } from '../interrupt.js';
import { note, processIO, type CliIO } from '../io.js';
import { loadCliModel, MODEL_OPTION_HELP } from '../model.js';
import { checkOutputFile, checkRideColumns, checkRideInput } from '../preflight.js';

export interface EventsOptions {
  readonly input: string;
  /** Records in the event, poison included. */
  readonly count: number;
  /** Output file; `-` or absent: stdout. */
  readonly output?: string | undefined;
  /** Share of poison records, 0..1. */
  readonly poison?: number | undefined;
  readonly seed?: number | undefined;
  /** Rides to skip first. */
  readonly offset?: number | undefined;
  /** Column holding the ride id (default: the row index). */
  readonly idColumn?: string | undefined;
  /** Arrival time of the first record: ISO date-time or epoch seconds (default: now). */
  readonly arrivalTime?: string | undefined;
  readonly region?: string | undefined;
  readonly stream?: string | undefined;
  /** The model whose ride fields the events carry (default: the course model). */
  readonly model?: string | undefined;
}

/** What `events` and `produce` may be given instead of loading the model themselves (tests). */
export interface RideEventDependencies {
  readonly loadModel?: (location: string | undefined) => Promise<LoadedModel>;
}

export interface EventsSummary {
  readonly records: number;
  readonly rides: number;
  readonly poison: Readonly<Partial<Record<PoisonKind, number>>>;
}

/** Epoch seconds from `--arrival-time` (ISO 8601 or a number). */
export function parseArrivalTime(value: string): number {
  const n = Number(value);
  if (value.trim() !== '' && Number.isFinite(n)) return n;
  const iso = Date.parse(value);
  if (!Number.isNaN(iso)) return iso / 1000;
  const naive = parseNaiveTimestamp(value);
  if (naive !== null) return naive / 1000;
  throw new UsageError(`--arrival-time must be an ISO date-time or epoch seconds, got ${JSON.stringify(value)}`);
}

/** `--arrival-time` checked when parsed (a usage error before any work); kept as given. */
function arrivalTimeArg(value: string): string {
  try {
    parseArrivalTime(value);
  } catch {
    throw new InvalidArgumentError('Expected an ISO date-time (2021-02-01T00:00:00Z) or epoch seconds.');
  }
  return value;
}

/** One record per line: compact, still readable, and diffs stay small. */
export function formatKinesisEvent(event: KinesisStreamEvent): string {
  return `{"Records": [\n${event.Records.map((record) => `  ${JSON.stringify(record)}`).join(',\n')}\n]}\n`;
}

/** Builds the event and writes it to `options.output` (or stdout). */
export async function runEvents(options: EventsOptions, io: CliIO = processIO, deps: RideEventDependencies = {}): Promise<EventsSummary> {
  // Everything checked before the model loads and the input is read.
  const arrivalTime = options.arrivalTime === undefined ? undefined : parseArrivalTime(options.arrivalTime);
  const toFile = options.output !== undefined && options.output !== '-';
  await checkRideInput(options.input, '--input');
  if (toFile) await checkOutputFile(options.output, '--output');
  const { contract } = await (deps.loadModel ?? loadCliModel)(options.model);
  await checkRideColumns(options.input, '--input', { fields: contract.requiredFields, times: false, why: `the model reads ${contract.requiredFields.map((f) => f.name).join(', ')}` });
  const builder = new KinesisEventBuilder({
    ...(arrivalTime === undefined ? {} : { arrivalTime }),
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.stream === undefined ? {} : { streamName: options.stream }),
  });
  const inputs: KinesisRecordInput[] = [];
  const poison: Partial<Record<PoisonKind, number>> = {};
  let rides = 0;
  const fields = contract.requiredFields;
  for await (const record of rideStreamRecords(options.input, { ...options, fields, kinds: poisonKindsFor(contract, POISON_KINDS) })) {
    inputs.push(record);
    if (record.kind === undefined) rides++;
    else poison[record.kind] = (poison[record.kind] ?? 0) + 1;
    if (inputs.length >= options.count) break;
  }
  if (rides === 0) {
    const skipped = options.offset ? ` after skipping ${options.offset}` : '';
    throw new CliError(`--input ${options.input}: no rides${skipped}; nothing written`);
  }
  if (inputs.length < options.count) {
    note(io, `events: ${options.input} has fewer rides than asked; the event holds ${inputs.length} record(s)`);
  }
  const text = formatKinesisEvent(builder.event(inputs));
  if (toFile) await writeWhole(options.output, text);
  else io.stdout.write(text);
  const poisonText = Object.entries(poison)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  note(
    io,
    `events: ${inputs.length} record(s) (${rides} ride(s), ${inputs.length - rides} poison${poisonText ? `: ${poisonText}` : ''}) → ${options.output ?? 'stdout'}`,
  );
  return { records: inputs.length, rides, poison };
}

/** The `events` command. */
export function eventsCommand(io: CliIO = processIO): Command {
  return new Command('events')
    .description('Build a Kinesis event JSON file from rides (TLC parquet, CSV, JSON lines), optionally with poison records.')
    .requiredOption('-i, --input <file>', 'rides: .parquet (TLC), .csv or .jsonl')
    .requiredOption('-n, --count <n>', 'records in the event (poison included)', positiveInt)
    .option('-m, --model <path|s3://…>', `the model whose ride fields the events carry; ${MODEL_OPTION_HELP}`)
    .option('-o, --output <events/name.json>', 'file to write (default: stdout)')
    .option('-p, --poison <fraction>', 'share of poison records, 0..1 (every kind in turn: bad base64, bad UTF-8, not JSON, NaN, schema violations)', fraction)
    .option('--seed <n>', 'seed of the poison placement', nonNegativeInt, 1)
    .option('--offset <n>', 'rides to skip first', nonNegativeInt)
    .option('--id-column <name>', 'column holding the ride id (default: the row index)')
    .option('--arrival-time <iso|seconds>', 'arrival time of the first record (default: now); 1 ms apart after that', arrivalTimeArg)
    .option('--region <region>', 'awsRegion of the records', 'us-east-1')
    .option('--stream <name>', 'stream named in eventSourceARN', 'ride_events')
    .addHelpText(
      'after',
      `
Each ride becomes {"ride": {...the fields the model needs...}, "ride_id"} as Python's json.dumps writes it
(the course model: PULocationID, DOLocationID, trip_distance); the input needs a column for each field.
Poison is aimed at the fields the model reads; a kind is left out only when none of them can carry its flaw.

Examples:
  $ ride-duration events -i green_tripdata_2021-02.parquet -n 100 -o events/feb-2021-100-rides.json
  $ ride-duration events -m homework/model.bin -i green_tripdata_2021-02.parquet -n 100 -o events/homework.json
  $ ride-duration events -i rides.csv -n 40 --poison 0.25 --seed 7 -o events/mixed-poison.json
`,
    )
    .action(async (options: EventsOptions) => {
      await runEvents(options, io);
    });
}
