/**
 * `ride-duration train`: the course's LinearRegression (or Ridge) trained in TypeScript on the
 * course's or the homework's features, written as our native JSON artifact that `score`, `serve`,
 * `invoke` and the Lambda load like any pickle. The artifact is loaded back before the command
 * ends, so what it writes is known to be servable, and its contract is printed.
 */
import { Command, Option } from 'commander';
import { readFile } from 'node:fs/promises';
import { sha256Hex } from '../../lambda/model/digest.js';
import { loadModel, parseModelLocation } from '../../lambda/model/index.js';
import { describeModel } from '../contract.js';
import { onInterrupt, partialFile } from '../interrupt.js';
import { note, processIO, type CliIO } from '../io.js';
import { nonNegativeNumber, positiveInt, positiveNumber, UsageError } from '../errors.js';
import { checkOutputFile, checkRideColumns, type RideNeeds } from '../preflight.js';
import { COURSE_RIDE_FIELDS } from '../../io/values.js';
import {
  describeSolve,
  readTrips,
  solveMode,
  trainModel,
  TRAINING_RECIPES,
  writeNativeModel,
  type SolverName,
  type TrainingRecipeName,
} from '../../train/index.js';

/** What both recipes read of a ride file: the course's columns, and the times for the durations. */
const TRAINING_NEEDS: RideNeeds = {
  fields: COURSE_RIDE_FIELDS,
  times: true,
  why: 'training reads PULocationID, DOLocationID, trip_distance and the pick-up and drop-off times (a TLC green-taxi file has them)',
};

/**
 * The command object (registered in `cli/main.ts`).
 *
 * @example
 * npm run --silent cli -- train --train ../shared/data/green_tripdata_2021-01.parquet \
 *   --val ../shared/data/green_tripdata_2021-02.parquet --output model-artifacts/lin_reg-ts.json
 */
export function trainCommand(io: CliIO = processIO): Command {
  return new Command('train')
    .description(
      'Train the course model (duration 1–60 min; PU_DO one-hot + trip_distance, or with --recipe homework the homework\'s ' +
        'PULocationID/DOLocationID one-hots; LinearRegression, or Ridge with --alpha) by sparse least squares and write a native JSON model artifact.',
    )
    .requiredOption('--train <rides>', 'training month: TLC green-taxi parquet, or CSV / JSON lines with the same columns')
    .requiredOption('--val <rides>', 'validation month, as --train')
    .requiredOption('--output <file.json>', 'artifact to write, e.g. model-artifacts/lin_reg-ts.json')
    .addOption(new Option('--recipe <name>', 'the features to train on (see below)').choices(Object.keys(TRAINING_RECIPES)).default('course'))
    .option('--alpha <a>', 'Ridge penalty (0 = LinearRegression)', nonNegativeNumber, 0)
    .addOption(new Option('--solver <name>', 'lsqr: scipy LSQR port, as sklearn; cg: conjugate gradients on the normal equations').choices(['lsqr', 'cg']).default('lsqr'))
    .option('--tol <t>', "stopping tolerance (lsqr: atol = btol, default 1e-6 = sklearn's early stop; cg: relative residual, default 1e-10)", positiveNumber)
    .option('--max-iter <n>', 'iteration cap (default 2 × features)', positiveInt)
    .addHelpText(
      'after',
      `
Recipes (both: duration = dropoff − pickup in minutes, rides of 1–60 min kept, as the course's read_dataframe):
${Object.entries(TRAINING_RECIPES)
  .map(([name, recipe]) => `  ${name.padEnd(9)} ${recipe.description}`)
  .join('\n')}
Either artifact serves with no configuration: its contract (printed at the end) reads PU_DO from
PULocationID and DOLocationID, or the location ids themselves as text, as scikit-learn would.

Examples:
  $ ride-duration train --train green_tripdata_2021-01.parquet --val green_tripdata_2021-02.parquet --output model-artifacts/lin_reg-ts.json
  $ ride-duration train --recipe homework --train green_tripdata_2021-01.parquet --val green_tripdata_2021-02.parquet --output homework.json
`,
    )
    .action(async (opts: { train: string; val: string; output: string; recipe: TrainingRecipeName; alpha: number; solver: SolverName; tol?: number; maxIter?: number }) => {
      // Every flag, both inputs' columns and the output's folder checked before minutes of reading
      // and solving: a wrong --val must not cost the read of --train first.
      if (!/\.json$/i.test(opts.output)) {
        throw new UsageError(`--output ${opts.output}: the artifact is JSON; name a .json file, e.g. --output model-artifacts/lin_reg-ts.json`);
      }
      for (const [flag, path] of [['--train', opts.train], ['--val', opts.val]] as const) await checkRideColumns(path, flag, TRAINING_NEEDS);
      // As score and events: a missing folder is a typo to report, not one to create.
      await checkOutputFile(opts.output, '--output');
      // Ctrl-C while reading or solving: nothing is written yet (the solve is one synchronous
      // computation, so a signal is handled when it returns).
      const stopCleanup = onInterrupt(() => undefined);
      const started = Date.now();
      const [train, val] = await Promise.all([readTrips(opts.train), readTrips(opts.val)]);
      const result = trainModel(train, val, {
        recipe: opts.recipe,
        alpha: opts.alpha,
        solver: opts.solver,
        ...(opts.tol === undefined ? {} : { tol: opts.tol }),
        ...(opts.maxIter === undefined ? {} : { maxIterations: opts.maxIter }),
      });
      // Provenance: the exact bytes trained and validated on.
      const [trainDataSha256, valDataSha256] = await Promise.all([opts.train, opts.val].map(async (path) => sha256Hex(await readFile(path))));
      // Interrupted while writing or checking the artifact: the file is removed, never left half-made.
      const written = partialFile(opts.output);
      await writeNativeModel(opts.output, { ...result.model, metadata: { ...result.model.metadata, trainDataSha256, valDataSha256 } });
      const log = (line: string) => note(io, line);
      log(`train: ${train.source}: ${result.trainRows} rides kept of ${train.rowsRead} (${train.rowsOutOfRange} outside 1–60 min, ${train.rowsWithNulls} with nulls)`);
      log(`val:   ${val.source}: ${result.valRows} rides kept of ${val.rowsRead} (${result.valUnseen} with a one-hot value unseen in training)`);
      log(`model: ${result.model.regressor}${opts.alpha > 0 ? `(alpha=${opts.alpha})` : ''}, ${opts.recipe} recipe, ${result.vocabulary.featureNames.length} features, intercept ${result.fit.intercept}`);
      log(`solve: ${result.fit.solve.iterations} iterations; ${describeSolve(result.fit)}`);
      log(`RMSE: train ${result.trainRmse}, validation ${result.valRmse} (minutes)`);
      // Loaded back as every command loads it: a model the function could not serve fails here.
      const loaded = await loadModel(parseModelLocation(opts.output));
      written();
      stopCleanup();
      log(describeModel(loaded.description, loaded.contract).slice(1).join('; '));
      log(`wrote ${opts.output} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      io.stdout.write(`${JSON.stringify({ trainRmse: result.trainRmse, valRmse: result.valRmse, iterations: result.fit.solve.iterations, solveMode: solveMode(result.fit), output: opts.output })}\n`);
    });
}
