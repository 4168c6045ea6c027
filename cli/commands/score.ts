/**
 * `score`: batch-score a ride file with a model, as scikit-learn would, into a CSV (or parquet) file.
 *
 * The default layout writes `PULocationID,DOLocationID,trip_distance,prediction` (the golden files'
 * columns, floats printed like Python). A ride missing a field the model needs keeps its line, with
 * an empty prediction, and is counted on stderr. Other layouts plug in as a {@link ScoreLayout}.
 */
import { rename, rm } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { Command, Option } from 'commander';
import cliProgress from 'cli-progress';

import { CsvWriter, csvInt, isComplete, readRides, rideFileInfo } from '../../io/index.js';
import type { CsvInteger, CsvValue, RideRow } from '../../io/index.js';
import type { LoadedModel, ModelDescription } from '../../lambda/model/types.js';
import { CliError, positiveInt } from '../errors.js';
import { note, processIO, type CliIO } from '../io.js';
import { loadCliModel, MODEL_OPTION_HELP } from '../model.js';
import { COURSE_LAYOUT, openParquetOutput } from '../batch-output.js';

/** What a layout may use besides the ride and its prediction. */
export interface ScoreContext {
  readonly model: ModelDescription;
  /** The input file as given on the command line. */
  readonly input: string;
}

/** One run of a layout: its header and the mapping of one scored ride to its cells. */
export interface ScoreLayoutRun {
  readonly header: readonly string[];
  /** The cells of one line; `prediction` is `null` when the ride lacks a field the model needs. */
  cells(ride: RideRow, prediction: number | null): ReadonlyArray<CsvValue | CsvInteger>;
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

/** The golden files' layout: the model's input columns and the prediction. */
export const FEATURES_LAYOUT: ScoreLayout = {
  description: 'PULocationID,DOLocationID,trip_distance,prediction (as the golden files)',
  start: () => ({
    header: ['PULocationID', 'DOLocationID', 'trip_distance', 'prediction'],
    cells: (ride, prediction) => [csvInt(ride.PULocationID), csvInt(ride.DOLocationID), ride.trip_distance, prediction],
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

/**
 * Opens the output for a header. The file is written under a temporary name and renamed by
 * `commit`, so a failed run never leaves a half-written file under the real name.
 */
export function openScoreOutput(path: string, header: readonly string[]): ScoreOutput {
  if (/\.parquet$/i.test(path)) return openParquetOutput(path, header);
  if (!/\.csv$/i.test(path)) throw new CliError(`${path}: the output must be a .csv or .parquet file`, 2);
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
  readonly rides: number;
  readonly predicted: number;
  /** Rides written with an empty prediction (a field missing or invalid). */
  readonly missing: number;
  /** Row indexes of the first few such rides. */
  readonly missingRows: readonly number[];
  readonly model: ModelDescription;
  readonly seconds: number;
}

export interface ScoreDependencies {
  readonly loadModel?: (location: string | undefined) => Promise<LoadedModel>;
}

/** Rides scored per `predict` call: large enough to amortise, small enough to stream. */
const BATCH_SIZE = 4096;
const MISSING_ROWS_SHOWN = 5;

/** Scores `options.input` into `options.output`; reports on `io.stderr`. */
export async function runScore(options: ScoreOptions, io: CliIO = processIO, deps: ScoreDependencies = {}): Promise<ScoreSummary> {
  const layoutName = options.layout ?? 'features';
  const layout = SCORE_LAYOUTS[layoutName];
  if (layout === undefined) {
    throw new CliError(`unknown layout ${JSON.stringify(layoutName)}; known: ${Object.keys(SCORE_LAYOUTS).join(', ')}`, 2);
  }
  const started = performance.now();
  const info = await rideFileInfo(options.input);
  const { predictor, description, contract } = await (deps.loadModel ?? loadCliModel)(options.model);
  const encoder = contract.encoder();
  const run = layout.start({ model: description, input: options.input });

  const total = info.rows === undefined ? undefined : Math.min(info.rows, options.limit ?? Number.POSITIVE_INFINITY);
  const bar =
    io.stderr.isTTY === true && total !== undefined
      ? new cliProgress.SingleBar(
          { stream: process.stderr, format: 'scoring [{bar}] {percentage}% {value}/{total} rides | {eta_formatted} left' },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
  bar?.start(total ?? 0, 0);

  const out = openScoreOutput(options.output, run.header);
  let rides = 0;
  let predicted = 0;
  const missingRows: number[] = [];
  let missing = 0;

  const flush = async (all: RideRow[]): Promise<void> => {
    const batch = run.keep ? all.filter((ride) => run.keep?.(ride) === true) : all;
    for (const ride of batch) {
      let prediction: number | null = null;
      const fields = { PULocationID: ride.PULocationID, DOLocationID: ride.DOLocationID, trip_distance: ride.trip_distance };
      if (isComplete(ride) && contract.check(fields) === undefined) {
        prediction = predictor.score(encoder.cols, encoder.vals, encoder.encode(fields));
        predicted++;
      } else {
        missing++;
        if (missingRows.length < MISSING_ROWS_SHOWN) missingRows.push(ride.rowIndex);
      }
      await out.write(run.cells(ride, prediction));
    }
    rides += batch.length;
    bar?.increment(all.length);
  };

  try {
    let batch: RideRow[] = [];
    for await (const ride of readRides(options.input, options.limit === undefined ? {} : { limit: options.limit })) {
      batch.push(ride);
      if (batch.length === BATCH_SIZE) {
        await flush(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await flush(batch);
    await out.commit();
  } catch (error) {
    await out.abort();
    throw error;
  } finally {
    bar?.stop();
  }

  const seconds = (performance.now() - started) / 1000;
  const summary: ScoreSummary = { rides, predicted, missing, missingRows, model: description, seconds };
  reportScore(summary, options, io);
  for (const line of run.summary?.() ?? []) note(io, line);
  return summary;
}

function reportScore(summary: ScoreSummary, options: ScoreOptions, io: CliIO): void {
  const { model } = summary;
  note(io, `model: ${model.regressor} (${model.format}, ${model.featureCount} features, version ${model.version}) from ${model.source}`);
  if (summary.missing > 0) {
    const more = summary.missing > summary.missingRows.length ? ', …' : '';
    note(
      io,
      `${summary.missing} ride(s) lack PULocationID, DOLocationID or trip_distance: written with an empty prediction (rows ${summary.missingRows.join(', ')}${more})`,
    );
  }
  const rate = summary.seconds > 0 ? Math.round(summary.rides / summary.seconds) : summary.rides;
  note(
    io,
    `scored ${summary.rides} ride(s) from ${options.input}: ${summary.predicted} predicted, ${summary.missing} empty → ${options.output} (${summary.seconds.toFixed(2)} s, ${rate} rides/s)`,
  );
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

Rides missing a field keep their line with an empty prediction; their count is printed on stderr.

Examples:
  $ ride-duration score -i green_tripdata_2021-02.parquet -o predictions.csv
  $ ride-duration score -m s3://models/lin_reg.bin -i rides.csv -o out.csv
`,
    )
    .action(async (options: ScoreOptions) => {
      await runScore(options, io);
    });
}
