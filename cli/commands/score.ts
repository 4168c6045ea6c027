/**
 * `score`: batch-score a ride file with a model, as scikit-learn would, into a CSV (or parquet) file.
 *
 * The model's contract decides what is read: the file must have a column for every field the model
 * needs (else one error names them all, before anything is written), and each ride must carry
 * valid values for them (else the run stops, naming the ride's row and the field, and the partial
 * output is removed). The default layout writes those fields and the prediction: for the course
 * model `PULocationID,DOLocationID,trip_distance,prediction`, the golden files' columns, floats
 * printed like Python. Rides with a one-hot value the model never saw are scored as scikit-learn
 * scores them (without that feature) and counted on stderr: the drift signal. Other layouts plug
 * in as a {@link ScoreLayout}.
 */
import { INTERRUPTED_EXIT_CODES, stopOnSignals, type SignalStop } from '../interrupt.js';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Command, Option } from 'commander';

// Leaf modules rather than the io barrel: scoring local files loads neither the AWS SDK nor the
// stream-record helpers (start-up is a large part of a month's run).
import { csvInt } from '../../io/format.js';
import type { CsvInteger, CsvTimestamp, CsvValue } from '../../io/format.js';
import { MissingRideColumnError, UnsupportedRideFormatError } from '../../io/errors.js';
import { detectRideFormat, readRideBatches, rideFileInfo } from '../../io/read.js';
import { fileSink, type ByteSink } from '../../io/sink.js';
import { fileSource, httpSource, isHttpUrl, isS3Url, localFileProblem, parseS3Url, type RideSource } from '../../io/source.js';
import type { RideField, RideFieldValue, RideFileInfo, RideFormat, RideRow } from '../../io/types.js';
import { plannedColumns } from '../../io/values.js';
import type { LoadedModel, ModelDescription } from '../../lambda/model/types.js';
import { CliError, positiveInt } from '../errors.js';
import { note, processIO, type CliIO } from '../io.js';
import { loadCliModel, MODEL_OPTION_HELP } from '../model.js';
import { checkOutputFile } from '../preflight.js';
import { COURSE_LAYOUT, FIELD_PARQUET_KINDS, openCsvOutput, openParquetOutput, type ParquetColumnKind } from '../batch-output.js';
import { describeModel, DriftCounter, presentValues } from '../contract.js';

/** One output cell: CSV-printable values, integers, naive timestamps (typed in parquet). */
export type ScoreCell = CsvValue | CsvInteger | CsvTimestamp;

/** What a layout may use besides the ride and its prediction. */
export interface ScoreContext {
  readonly model: ModelDescription;
  /** The input file as given on the command line. */
  readonly input: string;
  /** The ride fields the model needs (its contract's `requiredFields`), in `ride.fields`. */
  readonly fields: readonly RideField[];
}

/** One run of a layout: its header and the mapping of one scored ride to its cells. */
export interface ScoreLayoutRun {
  readonly header: readonly string[];
  /** The parquet type of each column, for `.parquet` outputs. */
  readonly kinds: readonly ParquetColumnKind[];
  /** Columns never empty (written REQUIRED in parquet, which spares their definition levels); default none. */
  readonly required?: readonly boolean[];
  /** What `keep` keeps, for the error when it keeps nothing (e.g. `rides of 1–60 min`). */
  readonly keptWhat?: string;
  /** The cells of one line. */
  cells(ride: RideRow, prediction: number): readonly ScoreCell[];
  /** Rides for which this returns false are left out of the output (e.g. the course's 1–60 min filter). */
  keep?(ride: RideRow): boolean;
  /** Extra summary lines for stderr once every ride is written (e.g. an RMSE). */
  summary?(): readonly string[];
}

/** An output layout of `score`, selected with `--layout <name>`. */
export interface ScoreLayout {
  readonly description: string;
  /** Columns the input must have besides the model's fields: one of each list (e.g. a pickup time). */
  readonly requiredColumns?: ReadonlyArray<readonly string[]>;
  /** A fresh run (layouts may keep state across rides, e.g. error sums). */
  start(context: ScoreContext): ScoreLayoutRun;
}

/** A checked field value as a cell: integers as integers, numbers as Python floats, texts as written. */
function fieldCell(field: RideField, value: RideFieldValue | undefined): ScoreCell {
  if (value === undefined || value === null) return null;
  return field.type === 'integer' && typeof value === 'number' ? csvInt(value) : value;
}

/** The golden files' layout: the ride fields the model reads and the prediction. */
export const FEATURES_LAYOUT: ScoreLayout = {
  description: "the model's ride fields and the prediction: PULocationID,DOLocationID,trip_distance,prediction for the course model (as the golden files)",
  start: ({ fields }) => ({
    header: [...fields.map((field) => field.name), 'prediction'],
    kinds: [...fields.map((field) => FIELD_PARQUET_KINDS[field.type]), 'double'],
    cells: (ride, prediction) => [...fields.map((field) => fieldCell(field, ride.fields[field.name])), prediction],
  }),
};

/** Layouts by `--layout` name; one entry per layout. */
export const SCORE_LAYOUTS: Readonly<Record<string, ScoreLayout>> = {
  features: FEATURES_LAYOUT,
  course: COURSE_LAYOUT,
};

/** Where scored lines go; chosen by the output's extension in {@link openScoreOutput}. */
export interface ScoreOutput {
  /**
   * Buffers one line; returns a promise only when the buffer was handed on (await it then): most
   * lines need no await, which a month's scoring loop otherwise pays 60,000 times.
   */
  write(cells: readonly ScoreCell[]): Promise<void> | undefined;
  /** Finishes the output and puts it under its real name. */
  commit(): Promise<void>;
  /** Removes what was written (the run failed). */
  abort(): Promise<void>;
  /** Removes local leftovers at once (a second Ctrl-C). */
  abortSync(): void;
}

/** Output formats by extension. */
const OUTPUT_EXTENSION = /\.(csv|parquet)$/i;

/**
 * Opens the output for a layout run's header, CSV or parquet by the sink's extension. Nothing
 * appears under the real name before `commit` (a `.partial` file, or an uncompleted upload).
 */
export function openScoreOutput(sink: ByteSink, run: Pick<ScoreLayoutRun, 'header' | 'kinds' | 'required'>): ScoreOutput {
  return /\.parquet$/i.test(sink.name) ? openParquetOutput(sink, run.header, run.kinds, undefined, run.required) : openCsvOutput(sink, run.header);
}

export interface ScoreOptions {
  readonly input: string;
  readonly output: string;
  /** Local path or s3:// location; default model-artifacts/lin_reg.bin. */
  readonly model?: string | undefined;
  /** Score only the first n rides. */
  readonly limit?: number | undefined;
  /** Key of {@link SCORE_LAYOUTS}; default `features`. */
  readonly layout?: string | undefined;
}

export interface ScoreSummary {
  /** Rides written (after the layout's filter); each has a prediction. */
  readonly rides: number;
  readonly predicted: number;
  /** Rides with a one-hot value the model never saw (scored without it, as scikit-learn does). */
  readonly unseen: number;
  /** A few of those values, `key<separator>value`, e.g. `PU_DO=1_265`. */
  readonly unseenExamples: readonly string[];
  readonly model: ModelDescription;
  readonly seconds: number;
}

export interface ScoreDependencies {
  readonly loadModel?: (location: string | undefined) => Promise<LoadedModel>;
}

/** Rides read before they are scored and written: large enough to amortise, small enough to stream. */
const BATCH_SIZE = 4096;


/** Everything a run needs, checked before any ride is read or any byte written. */
interface ScorePlan {
  readonly layout: ScoreLayout;
  readonly model: LoadedModel;
  readonly format: RideFormat;
  readonly source: RideSource;
  readonly info: RideFileInfo;
  /** Opens the output's sink (a `.partial` file or a multipart upload). */
  readonly openSink: () => ByteSink;
  /** Closes what the plan opened (the S3 client). */
  readonly close: () => void;
}

/** Where `-i` / `-o` point. */
type Place = 'local' | 'http' | 's3';
const placeOf = (location: string): Place => (isS3Url(location) ? 's3' : isHttpUrl(location) ? 'http' : 'local');

/** `-o`: extension and place, before anything else (usage errors, exit code 2). */
function checkOutputFlag(output: string): void {
  const place = placeOf(output);
  if (place === 'http') throw new CliError(`-o ${output}: cannot write to an http(s) URL; give a local path or s3://bucket/key.csv|.parquet`, 2);
  if (place === 's3' && !parseS3Url(output)?.key) throw new CliError(`-o ${output}: give a key, e.g. s3://bucket/predictions.parquet`, 2);
  if (!OUTPUT_EXTENSION.test(output)) {
    throw new CliError(`-o ${output}: the output must be a .csv or .parquet file (e.g. -o predictions.parquet)`, 2);
  }
}

/** `-i`: its format from the extension (a usage error when none fits). */
function inputFormat(input: string): RideFormat {
  if (isHttpUrl(input) && !URL.canParse(input)) throw new CliError(`-i ${input}: not a valid URL (e.g. https://host/green_tripdata_2021-02.parquet)`, 2);
  try {
    // A URL's query or fragment is no part of its file name.
    return detectRideFormat(isHttpUrl(input) ? new URL(input).pathname : input);
  } catch (error) {
    if (error instanceof UnsupportedRideFormatError) {
      throw new CliError(`-i ${input}: cannot tell the ride file format; name a .parquet, .csv, .jsonl or .ndjson file`, 2);
    }
    throw error;
  }
}

/**
 * Checks every flag, the input (exists, format, columns), the output's place and the model
 * (contract included) before any ride is read or any byte written; what it returns is ready to run.
 */
async function planScore(options: ScoreOptions, deps: ScoreDependencies, signal: AbortSignal): Promise<ScorePlan> {
  const layoutName = options.layout ?? 'features';
  const layout = SCORE_LAYOUTS[layoutName];
  if (layout === undefined) {
    throw new CliError(`--layout ${JSON.stringify(layoutName)} is not a layout; known: ${Object.keys(SCORE_LAYOUTS).join(', ')}`, 2);
  }
  checkOutputFlag(options.output);
  const format = inputFormat(options.input);
  const [inPlace, outPlace] = [placeOf(options.input), placeOf(options.output)];
  if (inPlace === 'local' && outPlace === 'local' && resolve(options.input) === resolve(options.output)) {
    throw new CliError(`-o ${options.output}: the same file as -i; write the predictions elsewhere`, 2);
  }
  if (inPlace === 'local') {
    const problem = await localFileProblem(options.input);
    if (problem !== undefined) throw new CliError(`-i ${options.input}: ${problem}`);
  }
  if (outPlace === 'local') await checkOutputFile(options.output, '-o');
  // The AWS SDK only for s3:// locations.
  const s3 = inPlace === 's3' || outPlace === 's3' ? (await import('../score-s3.js')).openScoreS3(process.env) : undefined;
  try {
    if (outPlace === 's3' && s3 !== undefined) await s3.checkOutputBucket(options.output, signal);
    // The model (its contract included) before the input's bytes: one that cannot be served stops here.
    const model = await (deps.loadModel ?? ((model) => loadCliModel(model, process.env, { flag: '-m' })))(options.model);
    const source =
      inPlace === 's3' && s3 !== undefined
        ? s3.source(options.input, signal)
        : inPlace === 'http'
          ? httpSource(options.input, signal)
          : fileSource(options.input);
    // Only parquet's footer or CSV's header line: enough to refuse a file that cannot be scored.
    const info = await rideFileInfo(options.input, format, source);
    checkColumns(options.input, info, model.contract.requiredFields, layout);
    if (info.rows === 0) throw new CliError(`${options.input}: no rides in the file; nothing to score`);
    const openSink = (): ByteSink => (outPlace === 's3' && s3 !== undefined ? s3.sink(options.output) : fileSink(options.output));
    return { layout, model, format, source, info, openSink, close: () => s3?.destroy() };
  } catch (error) {
    s3?.destroy();
    throw error;
  }
}

/** The file's columns against the model's fields and the layout's needs (files with a header only). */
function checkColumns(input: string, info: RideFileInfo, fields: readonly RideField[], layout: ScoreLayout): void {
  if (info.columns === undefined) return;
  const available = new Set(info.columns);
  if (info.format === 'csv' && available.size === 0) throw new CliError(`${input}: empty file (no header, no rides); nothing to score`);
  const { missing } = plannedColumns(available, fields, undefined);
  if (missing.length > 0) throw new MissingRideColumnError(input, missing);
  for (const options of layout.requiredColumns ?? []) {
    if (!options.some((name) => available.has(name))) {
      throw new CliError(`${input}: this layout needs a ${options.join(' or ')} column, and the file has none; use --layout features`);
    }
  }
}

/**
 * Scores `options.input` into `options.output`; reports on `io.stderr`.
 *
 * Every check comes first ({@link planScore}); then rides stream through in batches, so memory
 * holds one batch and one row group whatever the file's size. Ctrl-C / SIGTERM stop the run at the
 * next batch: the output is removed and a {@link CliError} with exit code 130 / 143 says so.
 *
 * @example
 * await runScore({ input: 'green_tripdata_2021-02.parquet', output: 's3://bucket/feb.parquet', layout: 'course' });
 */
export async function runScore(options: ScoreOptions, io: CliIO = processIO, deps: ScoreDependencies = {}): Promise<ScoreSummary> {
  const started = performance.now();
  // Ctrl-C and SIGTERM: the first stops the run at the next batch (the output removed, the
  // terminal restored); a second one removes local leftovers at once and exits.
  const signals = stopOnSignals();
  let plan: ScorePlan | undefined;
  try {
    plan = await planScore(options, deps, signals.signal);
    return await scoreRides(options, io, plan, signals, started);
  } catch (error) {
    const stoppedBy = signals.stopped();
    if (stoppedBy !== undefined && !(error instanceof CliError && error.exitCode === INTERRUPTED_EXIT_CODES[stoppedBy])) {
      throw new CliError(`interrupted by ${stoppedBy} before scoring began; nothing written`, INTERRUPTED_EXIT_CODES[stoppedBy], { cause: error });
    }
    throw error;
  } finally {
    signals.dispose();
    plan?.close();
  }
}

async function scoreRides(
  options: ScoreOptions,
  io: CliIO,
  plan: ScorePlan,
  signals: SignalStop,
  started: number,
): Promise<ScoreSummary> {
  const { predictor, description, contract } = plan.model;
  const fields = contract.requiredFields;
  for (const line of describeModel(description, contract)) note(io, line);
  const encoder = contract.encoder();
  const drift = new DriftCounter();
  const run = plan.layout.start({ model: description, input: options.input, fields });

  const total = plan.info.rows === undefined ? undefined : Math.min(plan.info.rows, options.limit ?? Number.POSITIVE_INFINITY);
  const tty = io.stderr.isTTY === true;
  // The bar's library only where a bar is drawn (a terminal): a script or a pipe never loads it.
  const cliProgress = tty ? (await import('cli-progress')).default : undefined;
  // Parquet's footer counts the rides: a bar, a percentage and an ETA. CSV and JSON lines do not say
  // how many rides they hold until read: a running count and the time so far is what is known.
  const format =
    total === undefined ? 'scoring: {value} rides read | {duration_formatted}' : 'scoring [{bar}] {percentage}% {value}/{total} rides | {eta_formatted} left';
  const bar = cliProgress !== undefined ? new cliProgress.SingleBar({ stream: process.stderr, format }, cliProgress.Presets.shades_classic) : undefined;
  bar?.start(total ?? 0, 0);

  const out = openScoreOutput(plan.openSink(), run);
  signals.onForce(() => out.abortSync());
  let rides = 0;
  let read = 0;

  const flush = async (all: RideRow[]): Promise<void> => {
    const batch = run.keep ? all.filter((ride) => run.keep?.(ride) === true) : all;
    for (const ride of batch) {
      const values = presentValues(fields, ride.fields);
      const problem = contract.check(values, '');
      if (problem !== undefined) {
        throw new CliError(`${options.input}: ride at row ${ride.rowIndex} (counting from 0): ${problem}; nothing written`);
      }
      const prediction = predictor.score(encoder.cols, encoder.vals, encoder.encode(values));
      drift.add(encoder.unseen);
      const pending = out.write(run.cells(ride, prediction));
      if (pending !== undefined) await pending;
    }
    rides += batch.length;
    read += all.length;
    bar?.increment(all.length);
  };

  try {
    const range = { fields, format: plan.format, ...(options.limit === undefined ? {} : { limit: options.limit }) };
    for await (const batch of readRideBatches(options.input, range, plan.source, BATCH_SIZE)) {
      // Checked between batches: a signal stops the run within one batch.
      if (signals.signal.aborted) break;
      await flush(batch);
    }
    if (signals.signal.aborted) throw signals.signal.reason;
    if (read === 0) throw new CliError(`${options.input}: no rides in the file; nothing written`);
    if (rides === 0) {
      throw new CliError(`${options.input}: none of the ${read} ride(s) qualifies (${run.keptWhat ?? 'kept by the layout'}); nothing written`);
    }
    await out.commit();
  } catch (error) {
    bar?.stop();
    await out.abort();
    const stoppedBy = signals.stopped();
    if (stoppedBy !== undefined) {
      const where = placeOf(options.output) === 's3' ? 'upload aborted' : `${options.output}.partial removed`;
      throw new CliError(
        `interrupted by ${stoppedBy} after ${read} ride(s) read: nothing kept (${options.output} not written, ${where})`,
        INTERRUPTED_EXIT_CODES[stoppedBy],
        { cause: error },
      );
    }
    throw error;
  }
  bar?.stop();

  const seconds = (performance.now() - started) / 1000;
  const summary: ScoreSummary = { rides, predicted: rides, unseen: drift.rides, unseenExamples: drift.sample, model: description, seconds };
  const rate = seconds > 0 ? Math.round(rides / seconds) : rides;
  note(io, `scored ${rides} ride(s) from ${options.input}: ${rides} predicted → ${options.output} (${seconds.toFixed(2)} s, ${rate} rides/s)`);
  note(io, drift.describe(rides));
  for (const line of run.summary?.() ?? []) note(io, line);
  return summary;
}

/** The `score` command. */
export function scoreCommand(io: CliIO = processIO): Command {
  return new Command('score')
    .description('Score a ride file (TLC parquet, CSV or JSON lines; local, https:// or s3://) and write its predictions as CSV or parquet (local or s3://).')
    .requiredOption('-i, --input <file|https://…|s3://…>', 'rides: .parquet (TLC), .csv or .jsonl/.ndjson')
    .requiredOption('-o, --output <file|s3://…>', 'a .csv or .parquet (by extension) to write (overwritten)')
    .option('-m, --model <path|s3://…>', MODEL_OPTION_HELP)
    .option('-n, --limit <n>', 'score only the first n rides', positiveInt)
    .addOption(
      new Option('--layout <name>', 'output columns').choices(Object.keys(SCORE_LAYOUTS)).default('features'),
    )
    .addHelpText(
      'after',
      `
Layouts:
${Object.entries(SCORE_LAYOUTS)
  .map(([name, layout]) => `  ${name.padEnd(10)} ${layout.description}`)
  .join('\n')}

The model's contract says which ride fields are read (shown on stderr): the input needs a column
for each (a file lacking some is refused, naming them), and a ride with a missing or invalid value
stops the run, naming its row (counting from 0) and the field; no output is left behind. Rides with a
one-hot value the model never saw (e.g. a new PU_DO pair) are scored as scikit-learn scores them, and
counted on stderr with a few examples: a drift signal.

Everything is checked before any ride is read or byte written: exit code 2 for a usage mistake
(output extension, input format, unknown layout), 1 for any other failure (missing file or
directory, a model that cannot be served, no rides). Ctrl-C / SIGTERM stop the run, remove the
partial output (or abort the upload) and exit 130 / 143. Parquet over https:// or s3:// is read by
byte ranges; s3:// outputs are multipart uploads (S3_ENDPOINT_URL for a local S3).

Examples:
  $ ride-duration score -i green_tripdata_2021-02.parquet -o predictions.csv
  $ ride-duration score -m s3://models/lin_reg.bin -i rides.csv -o out.csv
  $ ride-duration score --layout course -i https://d37ci6vzurychx.cloudfront.net/trip-data/green_tripdata_2021-02.parquet \\
      -o s3://nyc-duration/taxi_type=green/year=2021/month=02/<run_id>.parquet
`,
    )
    .action(async (options: ScoreOptions) => {
      await runScore(options, io);
    });
}
