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
import { rename, rm } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { Command, Option } from 'commander';
import cliProgress from 'cli-progress';

import { CsvWriter, csvInt, readRides, rideFileInfo } from '../../io/index.js';
import type { CsvInteger, CsvValue, RideField, RideFieldValue, RideRow } from '../../io/index.js';
import type { LoadedModel, ModelDescription } from '../../lambda/model/types.js';
import { CliError, positiveInt } from '../errors.js';
import { note, processIO, type CliIO } from '../io.js';
import { loadCliModel, MODEL_OPTION_HELP } from '../model.js';
import { COURSE_LAYOUT, FIELD_PARQUET_KINDS, openParquetOutput, type ParquetColumnKind } from '../batch-output.js';
import { describeModel, DriftCounter, presentFields } from '../contract.js';

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
  /** The cells of one line. */
  cells(ride: RideRow, prediction: number): ReadonlyArray<CsvValue | CsvInteger>;
  /** Rides for which this returns false are left out of the output (e.g. the course's 1–60 min filter). */
  keep?(ride: RideRow): boolean;
  /** Extra summary lines for stderr once every ride is written (e.g. an RMSE). */
  summary?(): readonly string[];
}

/** An output layout of `score`, selected with `--layout <name>`. */
export interface ScoreLayout {
  readonly description: string;
  /** A fresh run (layouts may keep state across rides, e.g. error sums). */
  start(context: ScoreContext): ScoreLayoutRun;
}

/** A checked field value as a cell: integers as integers, numbers as Python floats, texts as written. */
function fieldCell(field: RideField, value: RideFieldValue | undefined): CsvValue | CsvInteger {
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

/** Where scored lines go; chosen by the output file's extension in {@link openScoreOutput}. */
export interface ScoreOutput {
  write(cells: ReadonlyArray<CsvValue | CsvInteger>): Promise<void>;
  /** Finishes the file and moves it into place. */
  commit(): Promise<void>;
  /** Removes what was written (the run failed). */
  abort(): Promise<void>;
}

/** Refuses an output that is neither `.csv` nor `.parquet`, before anything is read. */
function checkOutputPath(path: string): void {
  if (!/\.(csv|parquet)$/i.test(path)) throw new CliError(`${path}: the output must be a .csv or .parquet file`, 2);
}

/**
 * Opens the output for a layout run's header. The file is written under a temporary name and
 * renamed by `commit`, so a failed run never leaves a half-written file under the real name.
 */
export function openScoreOutput(path: string, run: Pick<ScoreLayoutRun, 'header' | 'kinds'>): ScoreOutput {
  checkOutputPath(path);
  const { header } = run;
  if (/\.parquet$/i.test(path)) return openParquetOutput(path, header, run.kinds);
  const partial = `${path}.partial`;
  const writer = CsvWriter.toFile(partial, header);
  return {
    write: (cells) => writer.write(cells),
    commit: async () => {
      await writer.close();
      await rename(partial, path);
    },
    abort: async () => {
      await writer.close().catch(() => undefined);
      await rm(partial, { force: true });
    },
  };
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

/** Scores `options.input` into `options.output`; reports on `io.stderr`. */
export async function runScore(options: ScoreOptions, io: CliIO = processIO, deps: ScoreDependencies = {}): Promise<ScoreSummary> {
  const layoutName = options.layout ?? 'features';
  const layout = SCORE_LAYOUTS[layoutName];
  if (layout === undefined) {
    throw new CliError(`unknown layout ${JSON.stringify(layoutName)}; known: ${Object.keys(SCORE_LAYOUTS).join(', ')}`, 2);
  }
  checkOutputPath(options.output);
  const started = performance.now();
  // The model first: one that cannot be served is refused before any input is read.
  const { predictor, description, contract } = await (deps.loadModel ?? loadCliModel)(options.model);
  const fields = contract.requiredFields;
  for (const line of describeModel(description, contract)) note(io, line);
  const info = await rideFileInfo(options.input);
  const encoder = contract.encoder();
  const drift = new DriftCounter();
  const run = layout.start({ model: description, input: options.input, fields });

  const total = info.rows === undefined ? undefined : Math.min(info.rows, options.limit ?? Number.POSITIVE_INFINITY);
  const bar =
    io.stderr.isTTY === true && total !== undefined
      ? new cliProgress.SingleBar(
          { stream: process.stderr, format: 'scoring [{bar}] {percentage}% {value}/{total} rides | {eta_formatted} left' },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
  bar?.start(total ?? 0, 0);

  // Opened with the first batch: a file lacking a column the model needs fails before that.
  let out: ScoreOutput | undefined;
  let rides = 0;

  const flush = async (all: RideRow[]): Promise<void> => {
    out ??= openScoreOutput(options.output, run);
    const batch = run.keep ? all.filter((ride) => run.keep?.(ride) === true) : all;
    for (const ride of batch) {
      const values = presentFields(ride.fields);
      const problem = contract.check(values, '');
      if (problem !== undefined) {
        throw new CliError(`${options.input}: ride at row ${ride.rowIndex} (counting from 0): ${problem}; nothing written`);
      }
      const prediction = predictor.score(encoder.cols, encoder.vals, encoder.encode(values));
      drift.add(encoder.unseen);
      await out.write(run.cells(ride, prediction));
    }
    rides += batch.length;
    bar?.increment(all.length);
  };

  try {
    let batch: RideRow[] = [];
    const range = { fields, ...(options.limit === undefined ? {} : { limit: options.limit }) };
    for await (const ride of readRides(options.input, range)) {
      batch.push(ride);
      if (batch.length === BATCH_SIZE) {
        await flush(batch);
        batch = [];
      }
    }
    await flush(batch);
    await out?.commit();
  } catch (error) {
    await out?.abort();
    throw error;
  } finally {
    bar?.stop();
  }

  const seconds = (performance.now() - started) / 1000;
  const summary: ScoreSummary = { rides, predicted: rides, unseen: drift.rides, unseenExamples: drift.examples, model: description, seconds };
  const rate = seconds > 0 ? Math.round(rides / seconds) : rides;
  note(io, `scored ${rides} ride(s) from ${options.input}: ${rides} predicted → ${options.output} (${seconds.toFixed(2)} s, ${rate} rides/s)`);
  note(io, drift.describe(rides));
  for (const line of run.summary?.() ?? []) note(io, line);
  return summary;
}

/** The `score` command. */
export function scoreCommand(io: CliIO = processIO): Command {
  return new Command('score')
    .description('Score a ride file (TLC parquet, CSV or JSON lines) and write its predictions as CSV or parquet.')
    .requiredOption('-i, --input <file>', 'rides: .parquet (TLC), .csv or .jsonl/.ndjson')
    .requiredOption('-o, --output <file.csv|file.parquet>', 'CSV or parquet (by extension) to write (overwritten)')
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

Examples:
  $ ride-duration score -i green_tripdata_2021-02.parquet -o predictions.csv
  $ ride-duration score -m s3://models/lin_reg.bin -i rides.csv -o out.csv
`,
    )
    .action(async (options: ScoreOptions) => {
      await runScore(options, io);
    });
}
