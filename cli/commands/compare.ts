/**
 * `compare`: two or more models against the actual durations of the rides in a file (TLC parquet,
 * CSV or JSON lines with pick-up and drop-off times): RMSE and MAE in minutes on the rides of 1–60
 * minutes, the course's filter. The offline half of champion/challenger; the online half is the
 * shadow model (`SHADOW_MODEL_LOCATION`).
 */
import { Command } from 'commander';

import { MissingRideColumnError } from '../../io/errors.js';
import { readRides } from '../../io/read.js';
import type { RideField } from '../../io/types.js';
import { presentValues } from '../contract.js';
import type { LoadedModel } from '../../lambda/model/types.js';
import { ErrorAccumulator } from '../../lambda/shadow/stats.js';
import { actualDurationMinutes, inCourseRange, MAX_DURATION_MINUTES, MIN_DURATION_MINUTES } from '../../train/data.js';
import { CliError, positiveInt } from '../errors.js';
import { note, processIO, type CliIO } from '../io.js';
import { loadCliModel } from '../model.js';
import { checkRideColumns } from '../preflight.js';

export interface CompareOptions {
  /** Two or more model locations. */
  readonly model: readonly string[];
  readonly input: string;
  /** Read only the first n rides of the file. */
  readonly limit?: number | undefined;
  readonly json?: boolean | undefined;
}

/** One model's result. */
export interface ModelComparison {
  readonly location: string;
  readonly version: string;
  readonly regressor: string;
  /** Rides of 1–60 minutes it scored: the RMSE and MAE are over these. */
  readonly rides: number;
  /** Rides of 1–60 minutes it could not score (a field it reads is missing or invalid). */
  readonly unscorable: number;
  readonly rmse: number;
  readonly mae: number;
}

export interface CompareSummary {
  readonly input: string;
  /** Rides read from the file. */
  readonly read: number;
  /** Of those, rides with both times and a duration of 1–60 minutes. */
  readonly evaluated: number;
  readonly models: readonly ModelComparison[];
}

export interface CompareDependencies {
  readonly loadModel?: (location: string | undefined) => Promise<LoadedModel>;
}

/** The fields any of the models reads, each once. */
function unionOfFields(models: readonly LoadedModel[]): RideField[] {
  const fields: RideField[] = [];
  for (const { contract } of models) for (const field of contract.requiredFields) if (!fields.some((f) => f.name === field.name)) fields.push(field);
  return fields;
}

/** A plain text table: the model column left-aligned, numbers right-aligned. */
export function formatComparison(summary: CompareSummary): string {
  const header = ['model', 'version', 'rides', 'unscorable', 'RMSE', 'MAE'];
  const rows = summary.models.map((m) => [m.location, m.version, String(m.rides), String(m.unscorable), m.rmse.toFixed(4), m.mae.toFixed(4)]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/**
 * Scores every ride of 1–60 minutes with every model and accumulates each one's errors.
 *
 * @example
 * ```ts
 * const summary = await runCompare({ model: ['lin_reg.bin', 'lasso.bin'], input: 'green_tripdata_2021-02.parquet' });
 * summary.models[0].rmse;
 * ```
 */
export async function runCompare(options: CompareOptions, io: CliIO = processIO, deps: CompareDependencies = {}): Promise<CompareSummary> {
  if (options.model.length < 2) throw new CliError('compare needs two or more models (-m A -m B)', 2);
  // The header or footer shows times missing (or no ride) in a moment: before the models load and
  // before a month is read to find it out. The models' own columns may be missing (see below).
  await checkRideColumns(options.input, '-i', { fields: [], times: true, why: 'compare needs them for the actual durations' });
  const load = deps.loadModel ?? ((location) => loadCliModel(location, process.env, { flag: '-m' }));
  const models = await Promise.all(options.model.map(load));
  const fields = unionOfFields(models);
  const scorers = models.map((model) => ({ model, encoder: model.contract.encoder(), errors: new ErrorAccumulator(), unscorable: 0 }));
  let read = 0;
  let evaluated = 0;
  const score = async (fields: readonly RideField[]): Promise<void> => {
    const range = { fields, ...(options.limit === undefined ? {} : { limit: options.limit }) };
    for await (const ride of readRides(options.input, range)) {
      read++;
      const actual = actualDurationMinutes(ride.pickup, ride.dropoff);
      if (actual === undefined || !inCourseRange(actual)) continue;
      evaluated++;
      // A missing value is absent from the ride, as it would be from the event.
      const values = presentValues(fields, ride.fields);
      for (const scorer of scorers) {
        const { contract, predictor } = scorer.model;
        if (contract.check(values, '') !== undefined) {
          scorer.unscorable++;
          continue;
        }
        const n = scorer.encoder.encode(values);
        scorer.errors.add(predictor.score(scorer.encoder.cols, scorer.encoder.vals, n), actual);
      }
    }
  };
  try {
    await score(fields);
  } catch (error) {
    // A column only some models read: those models score none of the rides; the others are compared.
    if (!(error instanceof MissingRideColumnError) || read > 0) throw error;
    const present = fields.filter((field) => !error.columns.includes(field.name));
    note(io, `compare: ${options.input} has no column ${error.columns.join(', ')}: the models reading it score no ride`);
    await score(present);
  }
  if (evaluated === 0) {
    throw new CliError(`${options.input}: no ride with pick-up and drop-off times and a duration of ${MIN_DURATION_MINUTES}–${MAX_DURATION_MINUTES} min`);
  }
  const summary: CompareSummary = {
    input: options.input,
    read,
    evaluated,
    models: scorers.map(({ model, errors, unscorable }, i) => {
      const { count, rmse, mae } = errors.stats();
      return { location: options.model[i]!, version: model.description.version, regressor: model.description.regressor, rides: count, unscorable, rmse, mae };
    }),
  };
  if (options.json) io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else io.stdout.write(formatComparison(summary));
  note(io, `compare: ${evaluated} of ${read} ride(s) in ${options.input} last ${MIN_DURATION_MINUTES}–${MAX_DURATION_MINUTES} min; RMSE and MAE in minutes`);
  return summary;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function compareCommand(io: CliIO = processIO): Command {
  return new Command('compare')
    .description(
      `Compare two or more models against actual ride durations (drop-off − pick-up) on the rides of ${MIN_DURATION_MINUTES}–${MAX_DURATION_MINUTES} min of a file: RMSE and MAE in minutes.`,
    )
    // Not MODEL_OPTION_HELP: its "default: model-artifacts/lin_reg.bin" holds for one optional
    // --model, not for this required, repeated one.
    .requiredOption('-m, --model <path|s3://…>', 'a model, given twice or more: model file or MLflow folder, local path, s3://bucket/key or s3://bucket/prefix/', collect)
    .requiredOption('-i, --input <file>', 'rides with pick-up and drop-off times: TLC parquet, CSV or JSON lines')
    .option('-n, --limit <n>', 'read only the first n rides', positiveInt)
    .option('--json', 'print the comparison as JSON', false)
    .addHelpText('after', `\nExample:\n  ride-duration compare -m model-artifacts/lin_reg.bin -m candidate.bin -i green_tripdata_2021-02.parquet\n`)
    .action(async (options: CompareOptions) => {
      await runCompare(options, io);
    });
}
