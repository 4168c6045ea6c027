/**
 * `npm start`: the whole pipeline on this machine, no AWS account, no Docker.
 *
 * kinesalite and s3rver start in-process on free ports, the real Lambda handler runs behind a local
 * Kinesis event-source mapping, real NYC taxi rides are replayed through it and every record is
 * accounted for. Exit code 0 only when nothing is missing.
 */
import { Command, CommanderError, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import { fileURLToPath } from 'node:url';
import { CliError, errorLine, EXIT_FAILURE, EXIT_USAGE, exitCodeOf, fraction, integerFrom, positiveNumber, UsageError } from '../cli/errors.js';
import { install as installInterruptHandlers, onInterrupt, setProgramName, writeWhole } from '../cli/interrupt.js';
import { loadCliModel } from '../cli/model.js';
import { checkOutputFile, checkRideColumns, checkRideInput } from '../cli/preflight.js';
import type { LoadedModel } from '../lambda/model/types.js';
import { LocalPipeline, type LocalPipelineOptions, type PipelineProgress } from './pipeline.js';
import { formatEndpoints, formatSummary } from './report.js';
import { DEFAULT_BATCH_SIZE, DEFAULT_SAMPLE } from './constants.js';

/** How errors and interruptions are signed. */
const PROGRAM = 'npm start';

// Node 20 is supported by this project; the SDK's notice about future versions is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

interface StartFlags {
  readonly input?: string;
  readonly count?: number;
  readonly rate?: number;
  readonly poison: number;
  readonly seed: number;
  readonly batchSize: number;
  readonly batchWindow: number;
  readonly shards: number;
  readonly model?: string;
  readonly shadowModel?: string;
  readonly maxRetries: number;
  readonly bisect: boolean;
  readonly runId?: string;
  readonly logLevel: string;
  readonly metrics: boolean;
  readonly timeout?: number;
  readonly keepRunning: boolean;
  readonly onFailure?: string;
  readonly json: boolean;
}

const program = new Command()
  .name('npm start --')
  .description(
    'Run the whole pipeline locally: kinesalite and s3rver in-process, the real handler behind a Lambda-like ' +
      'Kinesis event-source mapping, real NYC green-taxi rides replayed through it, every record accounted for. ' +
      'Exit code 0 only when every produced record is predicted (valid rides) or dead-lettered (poison).',
  )
  .option('--input <file>', 'TLC rides to replay (.parquet, .csv or .jsonl); default: the bundled Feb 2021 sample (3,000 rides)')
  .option('--count <n>', 'rides to replay (default: all rides of the input)', integerFrom(1))
  .option('--rate <records/s>', 'put at most this many records per second (default: as fast as possible)', positiveNumber)
  .option('--poison <fraction>', 'share of poison records mixed in, 0..1', fraction, 0.01)
  .option('--seed <n>', 'seed of the poison placement', integerFrom(0), 1)
  .option('--batch-size <n>', 'event-source mapping BatchSize', integerFrom(1, 10_000), DEFAULT_BATCH_SIZE)
  .option('--batch-window <ms>', 'event-source mapping MaximumBatchingWindow, ms', integerFrom(0, 300_000), 0)
  .option('--shards <n>', 'shards of the input and output streams', integerFrom(1, 50), 1)
  .option('--model <path>', 'model file or MLflow model folder to upload (default: model-artifacts/lin_reg.bin)')
  .option('--shadow-model <path>', 'also score every ride with this candidate model in the shadow and compare both against actual durations')
  .option('--max-retries <n>', 'MaximumRetryAttempts of the mapping (-1: forever)', integerFrom(-1, 10_000), 3)
  .option('--no-bisect', 'do not split a batch in two when the function fails')
  .option('--run-id <id>', 'RUN_ID: the version written in every prediction (default: the model version id)')
  .addOption(
    new Option('--log-level <level>', "the handler's LOG_LEVEL (its JSON logs go to stdout)")
      .choices(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'])
      .default('ERROR'),
  )
  .option('--metrics', "print the handler's EMF metrics on stdout", false)
  .option('--timeout <seconds>', 'give up waiting for the records after this long (default: 120, or 10 ms per record if more)', positiveNumber)
  .option('--on-failure <file>', "also write the mapping's on-failure destination (batches given up) to this file, as JSON lines")
  .option('--keep-running', 'after the replay, leave the services up and print their endpoints until Ctrl-C', false)
  .option('--json', 'print the summary as JSON on stdout instead of text', false)
  .showHelpAfterError('(npm start -- --help for usage)')
  // One error style with the CLI: "npm start: <message>"; usage errors exit 2, failures 1.
  .configureOutput({ outputError: (text, write) => write(`${PROGRAM}: ${text.replace(/^error: /, '')}`) })
  .exitOverride()
  .addHelpText('after', '\nExit codes: 0 every record accounted for; 1 failure; 2 usage error; 130 Ctrl-C, 143 SIGTERM.');

/** A progress bar on a terminal, a line every few seconds otherwise (CI logs stay short). */
function progressReporter(): { update: (progress: PipelineProgress) => void; stop: () => void } {
  if (process.stderr.isTTY) {
    const bar = new SingleBar({
      stream: process.stderr,
      format: 'replay |{bar}| {value}/{total} processed | {produced} put | {predictions} predictions read | {duration_formatted}',
      hideCursor: true,
      clearOnComplete: false,
      barsize: 30,
    });
    let started = false;
    return {
      update: (p) => {
        if (!started) {
          bar.start(p.total, 0, { produced: 0, predictions: 0 });
          started = true;
        }
        bar.update(p.processed, { produced: p.produced, predictions: p.predictionsRead });
      },
      stop: () => {
        if (started) bar.stop();
      },
    };
  }
  let last = 0;
  let lastLine = '';
  return {
    update: (p) => {
      const now = Date.now();
      const line = `replay: ${p.processed}/${p.total} processed, ${p.produced} put, ${p.predictionsRead} predictions read`;
      const finished = p.processed >= p.total;
      if (line === lastLine || (now - last < 2_000 && !finished)) return;
      last = now;
      lastLine = line;
      process.stderr.write(`${line}\n`);
    },
    stop: () => undefined,
  };
}

/**
 * Loads a model of the command line for its checks. `MODEL_SHA256` pins the Lambda's model, and the
 * local pipeline runs its handler without it: a shell that exports it must not refuse models here
 * that the run would serve. Refusals name `flag`.
 */
async function loadStartModel(path: string | undefined, flag = '--model'): Promise<LoadedModel> {
  return loadCliModel(path, process.env, { pinned: false, flag });
}

/**
 * The replayed file has the columns the model reads, and the shadow's (as its header or footer
 * tells: parquet and CSV; a JSON-lines ride without a field the model reads is dead-lettered, and
 * one without a field only the shadow reads is the shadow's failure), and at least one ride.
 */
async function checkReplayInput(
  input: string | undefined,
  model: LoadedModel,
  shadow: { readonly path: string; readonly model: LoadedModel } | undefined,
): Promise<void> {
  const flag = input === undefined ? 'the bundled sample' : '--input';
  input ??= fileURLToPath(DEFAULT_SAMPLE);
  const why = 'the model needs a column for each field it reads (replay another file with --input)';
  const { columns } = await checkRideColumns(input, flag, { fields: model.contract.requiredFields, times: false, why });
  if (shadow === undefined) return;
  const { plannedColumns } = await import('../io/values.js');
  const missing = columns === undefined ? [] : plannedColumns(new Set(columns), shadow.model.contract.requiredFields, undefined).missing;
  if (missing.length > 0) {
    throw new CliError(`--shadow-model ${shadow.path}: it reads ${missing.join(', ')}, and ${input} has no such column; no ride could be compared`);
  }
}

/**
 * Everything checked before a service starts or a byte is uploaded: the input (readable, with the
 * columns the models read, not empty), the on-failure file's folder, and the models themselves
 * (local paths, loaded here, their contracts checked), so that a folder that is no model fails in a
 * second naming the folder, not after uploading it.
 *
 * The pipeline keeps a shadow that cannot load or score out of the production path, as the Lambda
 * must; but here a user named the shadow on the command line, and a run whose comparison is empty
 * from the start is a mistake to report, not a run to make.
 */
async function preflight(flags: StartFlags): Promise<void> {
  for (const [flag, value] of [['--model', flags.model], ['--shadow-model', flags.shadowModel]] as const) {
    if (value !== undefined && /^s3:\/\//i.test(value)) {
      throw new UsageError(`${flag} ${value}: npm start uploads a local model file or MLflow folder to its own S3; give a local path`);
    }
  }
  if (flags.input !== undefined) await checkRideInput(flags.input, '--input');
  if (flags.onFailure !== undefined) await checkOutputFile(flags.onFailure, '--on-failure');
  const model = await loadStartModel(flags.model);
  const shadow = flags.shadowModel === undefined ? undefined : { path: flags.shadowModel, model: await loadStartModel(flags.shadowModel, '--shadow-model') };
  await checkReplayInput(flags.input, model, shadow);
}

async function main(flags: StartFlags): Promise<number> {
  await preflight(flags);
  const progress = flags.json ? undefined : progressReporter();
  const options: LocalPipelineOptions = {
    ...(flags.input === undefined ? {} : { input: flags.input }),
    ...(flags.count === undefined ? {} : { count: flags.count }),
    ...(flags.rate === undefined ? {} : { rate: flags.rate }),
    poison: flags.poison,
    seed: flags.seed,
    batchSize: flags.batchSize,
    batchingWindowMs: flags.batchWindow,
    shards: flags.shards,
    ...(flags.model === undefined ? {} : { model: flags.model }),
    ...(flags.shadowModel === undefined ? {} : { shadowModel: flags.shadowModel }),
    maxRetries: flags.maxRetries,
    bisect: flags.bisect,
    ...(flags.runId === undefined ? {} : { runId: flags.runId }),
    logLevel: flags.logLevel,
    metrics: flags.metrics,
    ...(flags.timeout === undefined ? {} : { waitTimeoutMs: flags.timeout * 1000 }),
    ...(progress ? { onProgress: progress.update } : {}),
  };

  const log = (text: string): void => {
    process.stderr.write(`${text}\n`);
  };
  if (!flags.json) log('Starting kinesalite and s3rver in-process, uploading the model…');
  const starting = LocalPipeline.start(options);
  // Ctrl-C or SIGTERM (while the services start, while replaying, or after it with --keep-running):
  // the progress bar ends (terminal restored), the services stop once started and their temporary
  // S3 directory goes; exit 130/143.
  onInterrupt(async () => {
    progress?.stop();
    await (await starting.catch(() => undefined))?.stop();
    return 'nothing (the local services and their data are gone)';
  });
  const pipeline = await starting;
  try {
    if (!flags.json) {
      log(`Kinesis ${pipeline.endpoints.kinesisEndpoint}, S3 ${pipeline.endpoints.s3Endpoint}; replaying rides…`);
    }
    const summary = await pipeline.replay();
    progress?.stop();
    if (flags.json) {
      const { outcomes: _outcomes, ...rest } = summary;
      process.stdout.write(`${JSON.stringify(rest, null, 2)}\n`);
    } else {
      process.stdout.write(`\n${formatSummary(summary)}\n`);
    }
    if (flags.onFailure !== undefined) {
      await writeWhole(flags.onFailure, summary.onFailure.map((failure) => `${JSON.stringify(failure)}\n`).join(''));
    }
    if (flags.keepRunning) {
      log(`\n${formatEndpoints(pipeline.endpoints, summary.input)}`);
      // Until Ctrl-C or SIGTERM: the interruption stops the services and exits 130/143.
      await new Promise<never>(() => undefined);
    }
    return summary.ok ? 0 : 1;
  } finally {
    progress?.stop();
    await pipeline.stop();
  }
}

program.action(async (flags: StartFlags) => {
  process.exitCode = await main(flags);
});

setProgramName(PROGRAM);
installInterruptHandlers();
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : EXIT_USAGE;
  } else {
    process.stderr.write(`${errorLine(error, PROGRAM)}\n`);
    if (process.env['DEBUG'] && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    process.exitCode = exitCodeOf(error);
  }
}
