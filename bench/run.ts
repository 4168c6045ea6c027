/**
 * `npm run bench`: the function's performance figures against their targets.
 *
 * ```sh
 * npm run bench                      # table on stdout, bench/results.json written
 * npm run --silent bench -- --json   # the JSON object alone on stdout
 * ```
 *
 * Figures (details and method in BENCHMARKS.md):
 * - handler_records_per_s_{linreg,homework,rf}: warm invocations of the real handler (createHandler →
 *   processBatch) on a 10,000-record event of real February 2021 rides, output sink stubbed; the
 *   course model, a homework-style model (location ids one-hot, no distance) and the RandomForest.
 * - cold_start_ms: a fresh `node` importing the deployable bundle, fetching lin_reg.bin (as the
 *   stack deploys it) from a local S3 (s3rver) through the SDK and returning the first prediction;
 *   spawned by bench/launcher.mjs (a small process, so that the spawn does not pay for the bench's
 *   memory), its clock, spawn → response. cold_start_in_process_ms: the same
 *   runs measured inside the child, from the start of the bundle's import to the first response
 *   (Node's own boot excluded).
 * - bundle_bytes: the bundle a CDK synth of the function's construct deploys (NodejsFunction's index.mjs).
 * - rf_peak_rss_mb: peak RSS of a fresh process running the bundle with the RandomForest, scoring
 *   10,000 rides.
 * - e2e_records_per_s: runLocalPipeline on the bundled 3,000-ride sample.
 * - cli_help_ms, invoke_sample_ms, invoke_10k_ms: whole processes of the built CLI, medians of 10
 *   interleaved with `node -e 0` (bench/cli.ts), the course's Python handler on the same events
 *   beside them. `--cli-only` measures these alone (a minute instead of several).
 * - score_month_s, score_3m_rides_peak_rss_mb: `score --layout course` whole process on February
 *   2021 next to the course's Python, and on 3 million rides (bench/score-batch.ts; need ../shared).
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { ensureBuilt } from '../scripts/launch.mjs';
import { DEFAULT_BATCH_SIZE } from '../cdk/defaults.js';
import { synthesizeCdkBundle } from './bundle.js';
import { measureCli, type CliFigures } from './cli.js';
import { measureEndToEnd } from './e2e.js';
import { measureHandlerThroughput, measureShadowRatio } from './handler-throughput.js';
import { measureLambdaRuns, type LambdaRunsResult } from './lambda-runs.js';
import { currentLoad, hostPaceMs, machineInfo } from './machine.js';
import { kinesisEvent, rideInputs, SHARED_FEBRUARY } from './rides.js';
import { round } from './stats.js';
import { measureScore3m, measureScoreMonth, type Score3mResult, type ScoreMonthResult } from './score-batch.js';

const path = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));

export const RESULTS_FILE = path('./results.json');
const LINREG_MODEL = path('../model-artifacts/lin_reg.bin');
const RF_MODEL = path('../test/fixtures/models/official-rf-mlflow');
const HOMEWORK_MODEL = path('../test/fixtures/models/contract/homework-linreg.bin');
/** A second linear model on the same rides, shadowing lin_reg.bin (issue 18). */
const SHADOW_MODEL = path('../test/fixtures/models/linreg-sklearn-1.5.0-numpy2.bin');

/** Records per handler event (the mapping's maximum batch size). */
const EVENT_RECORDS = 10_000;
const WARMUP_RUNS = 10;
const THROUGHPUT_RUNS = 25;
// Eleven: single cold starts on this shared host spread widely (206–636 ms within one run under load).
const COLD_START_RUNS = 11;
const RSS_RUNS = 2;
const E2E_RIDES = 3_000;
/** Whole-process `score` runs per model, interleaved with as many of the course's Python. */
const SCORE_MONTH_RUNS = 5;

/** The targets on this 2-core machine (BENCHMARKS.md says why these). */
export const TARGETS = {
  // A batch of 100 then spends well under a millisecond of CPU against its PutRecords round trip.
  handler_records_per_s_linreg: { op: '>=', value: 200_000, unit: 'records/s' },
  handler_records_per_s_homework: { op: '>=', value: 200_000, unit: 'records/s' },
  // Issue 18: scoring every ride twice (and keeping the pairs) costs at most 2.2 times the time.
  handler_shadow_time_ratio: { op: '<=', value: 2.2, unit: '×' },
  // Issue 15: once per shard or concurrency step, in a pipeline that waits up to a second per batch.
  cold_start_ms: { op: '<=', value: 400, unit: 'ms' },
  // 1 MB read strictly as 1,000,000 bytes (the looser 1 MiB = 1,048,576 is reported alongside).
  bundle_bytes: { op: '<=', value: 1_000_000, unit: 'bytes' },
  // A 128 MB Lambda function has 128 MiB of memory; RSS is measured in KiB and reported in MiB.
  rf_peak_rss_mb: { op: '<=', value: 128, unit: 'MiB' },
  // Issue 17: a command line that answers as fast as an empty node would, nearly.
  cli_help_ms: { op: '<=', value: 150, unit: 'ms' },
  cli_help_vs_node: { op: '<=', value: 2, unit: '× node -e 0' },
  invoke_sample_ms: { op: '<=', value: 200, unit: 'ms' },
  invoke_sample_vs_node: { op: '<=', value: 4, unit: '× node -e 0' },
  invoke_10k_speedup_vs_python: { op: '>=', value: 4, unit: '× the course Python' },
  // Issue 17: a month well ahead of pandas + pyarrow (Python's median wall time over ours, the
  // lesser of the two models; whole process, interleaved) …
  score_month_speedup: { op: '>=', value: 3, unit: 'x' },
  // … and a file of any size in bounded memory (pandas holds the whole frame).
  score_3m_rides_peak_rss_mb: { op: '<=', value: 300, unit: 'MiB' },
} as const;
type TargetKey = keyof typeof TARGETS;

function meets(key: TargetKey, value: number): boolean {
  const target = TARGETS[key];
  switch (target.op) {
    case '>=':
      return value >= target.value;
    case '<=':
      return value <= target.value;
  }
}

interface Options {
  readonly json: boolean;
  readonly cliOnly: boolean;
}

/** The CLI's figures and their ratios (targets above). */
function cliFigures(cli: CliFigures) {
  return {
    cli_help_ms: cli.helpMs,
    cli_help_vs_node: round(cli.helpMs / cli.nodeMs, 2),
    invoke_sample_ms: cli.invokeSampleMs,
    invoke_sample_vs_node: round(cli.invokeSampleMs / cli.nodeMs, 2),
    invoke_10k_ms: cli.invoke10kMs,
    invoke_10k_speedup_vs_python: cli.python === undefined ? null : round(cli.python.tenKMs / cli.invoke10kMs, 2),
    cli_node_baseline_ms: cli.nodeMs,
    python_invoke_sample_ms: cli.python?.sampleMs ?? null,
    python_invoke_10k_ms: cli.python?.tenKMs ?? null,
  };
}

const CLI_METHOD =
  'fresh processes of bin/ride-duration.js (built dist/): --help, invoke on events/kinesis-single-ride.json and on the 10,000-record event, each round interleaved with node -e 0 and /usr/bin/python3 bench/python/invoke_handler.py (the course handler logic, scikit-learn 1.2.1) on the same events; spawned by bench/launcher.mjs, spawn → exit on its clock; one untimed round, median of 10';

/** The lesser model's speedup over Python, or null when Python's side was not measured. */
function lesserSpeedup(speedups: ReadonlyArray<number | null>): number | null {
  return speedups.some((s) => s === null) ? null : Math.min(...(speedups as number[]));
}

function targetsOf(figures: Record<string, number | null>) {
  return Object.fromEntries(
    (Object.keys(TARGETS) as TargetKey[])
      .filter((key) => typeof figures[key] === 'number')
      .map((key) => [key, { ...TARGETS[key], met: meets(key, figures[key] as number) }]),
  );
}

/** Sends everything else written to stdout to stderr while `work` runs (stdout stays pure JSON). */
async function withStdoutOnStderr<T>(enabled: boolean, work: () => Promise<T>): Promise<T> {
  if (!enabled) return work();
  const original = process.stdout.write;
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  try {
    return await work();
  } finally {
    process.stdout.write = original;
  }
}

function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

async function measure(options: Options): Promise<Record<string, unknown>> {
  const machine = machineInfo();
  const started = performance.now();
  const paceStart = hostPaceMs();
  // The command-line figures run the built dist/, as a user does: built fresh here, once, if a
  // source changed since (never inside a timed run).
  await ensureBuilt();

  progress(`reading ${EVENT_RECORDS} rides`);
  const { inputs, source } = await rideInputs(EVENT_RECORDS);
  const event = kinesisEvent(inputs);

  progress('command line: --help and invoke, whole processes, with node -e 0 and the course Python');
  const cli = cliFigures(await measureCli(event));
  if (options.cliOnly) {
    const targets = targetsOf(cli);
    return {
      ...cli,
      targets,
      all_targets_met: Object.values(targets).every((target) => target.met),
      machine: { ...machine, loadAverage: { ...machine.loadAverage, end: currentLoad() }, hostPaceMs: { start: paceStart, end: hostPaceMs() } },
      method: { cli: CLI_METHOD },
      elapsed_s: round((performance.now() - started) / 1000),
      generated_at: new Date().toISOString(),
    };
  }

  progress('handler throughput (lin_reg.bin)');
  // The host's pace right around the figure the host's phases move most (see BENCHMARKS.md).
  const paceBeforeHandler = hostPaceMs();
  const linreg = await measureHandlerThroughput({ model: LINREG_MODEL, event, warmupRuns: WARMUP_RUNS, runs: THROUGHPUT_RUNS });
  const paceAfterHandler = hostPaceMs();
  progress('handler throughput (lin_reg.bin with and without a shadow model, alternately)');
  const shadowRatio = await measureShadowRatio({ model: LINREG_MODEL, shadowModel: SHADOW_MODEL, event, warmupRuns: WARMUP_RUNS, runs: THROUGHPUT_RUNS });
  const shadowed = shadowRatio.with;
  progress('handler throughput (homework-style model)');
  const homework = await measureHandlerThroughput({ model: HOMEWORK_MODEL, event, warmupRuns: WARMUP_RUNS, runs: THROUGHPUT_RUNS });
  progress('handler throughput (RandomForest)');
  const rf = await measureHandlerThroughput({ model: RF_MODEL, event, warmupRuns: WARMUP_RUNS, runs: THROUGHPUT_RUNS });

  progress('synthesizing the function (CDK, NodejsFunction bundling)');
  const bundle = await synthesizeCdkBundle();
  let lambda: LambdaRunsResult;
  try {
    progress('cold starts and RandomForest memory (fresh processes, local S3)');
    lambda = await measureLambdaRuns({
      bundleFile: bundle.file,
      linregModel: LINREG_MODEL,
      rfModel: RF_MODEL,
      firstEvent: kinesisEvent(inputs.slice(0, 1)),
      bigEvent: event,
      coldStartRuns: COLD_START_RUNS,
      rssRuns: RSS_RUNS,
    });
  } finally {
    await bundle.remove();
  }

  progress(`local pipeline (${E2E_RIDES} rides)`);
  const e2e = await measureEndToEnd(E2E_RIDES, DEFAULT_BATCH_SIZE);

  let scoreMonth: ScoreMonthResult | undefined;
  let score3m: Score3mResult | undefined;
  if (existsSync(SHARED_FEBRUARY)) {
    progress('score a month, whole process, interleaved with the course\'s Python');
    scoreMonth = await measureScoreMonth(SCORE_MONTH_RUNS);
    progress('score 3 million rides (February × 47) under a terminal');
    score3m = await measureScore3m();
  } else {
    progress(`score figures skipped: ${SHARED_FEBRUARY} missing`);
  }

  const figures = {
    handler_records_per_s_linreg: Math.round(linreg.recordsPerSecond),
    handler_records_per_s_homework: Math.round(homework.recordsPerSecond),
    handler_records_per_s_rf: Math.round(rf.recordsPerSecond),
    handler_records_per_s_linreg_with_shadow: Math.round(shadowed.recordsPerSecond),
    // Issue 18: a batch's time with a shadow over its time without, the median of runs paired back
    // to back (CPU time alongside).
    handler_shadow_time_ratio: round(shadowRatio.timeRatio, 2),
    cold_start_ms: round(lambda.coldStart.medianMs),
    bundle_bytes: bundle.bytes,
    rf_peak_rss_mb: round(lambda.rfMemory.peakRssMb),
    e2e_records_per_s: Math.round(e2e.recordsPerSecond),
    ...cli,
    // The slower model's median (Python's 3x is checked per model in details.score_month). A figure
    // not measured (no ../shared, no Python) is null, which the targets leave out, as the CLI's.
    score_month_s: scoreMonth === undefined ? null : Math.max(...Object.values(scoreMonth.models).map((m) => m.oursMedianS)),
    score_month_speedup: scoreMonth === undefined ? null : lesserSpeedup(Object.values(scoreMonth.models).map((m) => m.speedup)),
    score_3m_rides_peak_rss_mb: score3m === undefined ? null : score3m.peakRssMb,
  };
  const targets = targetsOf(figures);
  return {
    ...figures,
    handler_records_per_cpu_s_linreg: Math.round(linreg.recordsPerCpuSecond),
    handler_records_per_cpu_s_homework: Math.round(homework.recordsPerCpuSecond),
    handler_records_per_cpu_s_rf: Math.round(rf.recordsPerCpuSecond),
    handler_shadow_cpu_ratio: round(shadowRatio.cpuRatio, 2),
    handler_records_per_s_linreg_best_run: Math.round(linreg.bestRecordsPerSecond),
    handler_records_per_s_rf_best_run: Math.round(rf.bestRecordsPerSecond),
    // Inside the fresh process: bundle import → first prediction (Node's own boot excluded).
    cold_start_in_process_ms: round(lambda.coldStart.inProcessMs),
    cold_start_import_ms: round(lambda.coldStart.importMs),
    cold_start_model_load_ms: lambda.coldStart.modelLoadMs === undefined ? null : round(lambda.coldStart.modelLoadMs),
    cold_start_first_invoke_ms: round(lambda.coldStart.firstInvokeMs),
    cold_start_node_start_ms: round(lambda.coldStart.nodeStartMs),
    cold_start_cpu_ms: round(lambda.coldStart.cpuMs),
    node_baseline_ms: round(lambda.coldStart.nodeBaselineMs),
    cold_start_with_output_ms: round(lambda.coldStart.withOutputMs),
    targets,
    all_targets_met: Object.values(targets).every((target) => target.met),
    details: {
      rides: { file: source.path, distinct: source.distinctRides, eventRecords: EVENT_RECORDS },
      handler_linreg: { runsMs: linreg.runsMs.map((ms) => round(ms, 2)), medianMs: round(linreg.medianMs, 2), medianCpuMs: round(linreg.medianCpuMs, 2), model: linreg.model },
      handler_rf: { runsMs: rf.runsMs.map((ms) => round(ms, 2)), medianMs: round(rf.medianMs, 2), medianCpuMs: round(rf.medianCpuMs, 2), model: rf.model },
      cold_start: { ...lambda.coldStart, runsMs: lambda.coldStart.runsMs.map((ms) => round(ms)) },
      rf_memory: lambda.rfMemory,
      bundle: { synthMs: round(bundle.buildMs), mib: round(bundle.bytes / 1024 ** 2, 3) },
      e2e,
      score_month: scoreMonth ?? 'skipped: ../shared missing',
      score_3m: score3m ?? 'skipped: ../shared missing',
    },
    machine: {
      ...machine,
      loadAverage: { ...machine.loadAverage, end: currentLoad() },
      hostPaceMs: { start: paceStart, beforeHandler: paceBeforeHandler, afterHandler: paceAfterHandler, end: hostPaceMs() },
    },
    method: {
      handler: `createHandler (real) → processBatch on a ${EVENT_RECORDS}-record Kinesis event of real rides (course producer bytes); output sink stubbed (accepts, stores nothing); ${WARMUP_RUNS} warm-up runs, median of ${THROUGHPUT_RUNS}; also records per CPU-second (process.cpuUsage, all threads)`,
      cold_start: `fresh \`node bench/lambda-child.mjs\` per run importing the bundle CDK synthesizes, AWS_LAMBDA_FUNCTION_NAME set (SDK clients made and model load started at import, as in Lambda's init), TEST_RUN=True, no NODE_OPTIONS (as deployed), credentials in the environment (as in Lambda), model lin_reg.bin from s3rver in the parent through the SDK's GetObject; 1 untimed run, median of ${COLD_START_RUNS}; each process spawned by bench/launcher.mjs, a small process of its own, whose clock times spawn → first response. with_output: the same with PREDICTIONS_STREAM_NAME on kinesalite instead of TEST_RUN. The variants interleaved`,
      bundle: 'index.mjs of the function asset of a CDK synth of StreamScoring (NodejsFunction, local esbuild, cdk/handler-bundle.ts)',
      rf_memory: `fresh process running the bundle with official-rf-mlflow from s3rver, one invocation of the ${EVENT_RECORDS}-record event; max of the child's VmHWM (/proc/self/status) over ${RSS_RUNS} runs (getrusage maxRSS would include the bench's own RSS, inherited across fork + exec)`,
      e2e: `runLocalPipeline({ count: ${E2E_RIDES}, batchSize: ${DEFAULT_BATCH_SIZE} }) on the bundled sample: first put → last record processed`,
      cli: CLI_METHOD,
    },
    elapsed_s: round((performance.now() - started) / 1000),
    generated_at: new Date().toISOString(),
  };
}

function formatNumber(value: unknown): string {
  return typeof value === 'number' ? value.toLocaleString('en-US') : String(value);
}

function table(results: Record<string, unknown>): string {
  const targets = results.targets as Record<string, { op: string; value: number; unit: string; met: boolean }>;
  const rows: string[][] = [['figure', 'value', 'target', 'met']];
  const add = (key: string, note = ''): void => {
    if (!(key in results)) return;
    const target = targets[key];
    rows.push([
      key,
      `${formatNumber(results[key])}${note}`,
      target ? `${target.op} ${formatNumber(target.value)} ${target.unit}` : '',
      target ? (target.met ? 'yes' : 'NO') : '',
    ]);
  };
  add(
    'handler_records_per_s_linreg',
    ` (best run ${formatNumber(results.handler_records_per_s_linreg_best_run)}; per CPU-s ${formatNumber(results.handler_records_per_cpu_s_linreg)})`,
  );
  add('handler_records_per_s_homework', ` (per CPU-s ${formatNumber(results.handler_records_per_cpu_s_homework)})`);
  add('handler_records_per_s_linreg_with_shadow');
  add('handler_shadow_time_ratio', ` (CPU time ${formatNumber(results.handler_shadow_cpu_ratio)}×)`);
  add(
    'handler_records_per_s_rf',
    ` (best run ${formatNumber(results.handler_records_per_s_rf_best_run)}; per CPU-s ${formatNumber(results.handler_records_per_cpu_s_rf)})`,
  );
  add(
    'cold_start_ms',
    ` spawn → first prediction (node alone ${results.node_baseline_ms}; CPU ${results.cold_start_cpu_ms}; writing to Kinesis instead of TEST_RUN ${results.cold_start_with_output_ms})`,
  );
  add(
    'cold_start_in_process_ms',
    ` import → first prediction, Node's boot excluded (import ${results.cold_start_import_ms} + first invoke ${results.cold_start_first_invoke_ms}; model load ${results.cold_start_model_load_ms})`,
  );
  add('bundle_bytes', ' (NodejsFunction index.mjs from a CDK synth)');
  add('rf_peak_rss_mb');
  add('e2e_records_per_s');
  add('cli_help_ms', ` (node -e 0: ${results.cli_node_baseline_ms})`);
  add('cli_help_vs_node');
  add('invoke_sample_ms', ` (course Python: ${results.python_invoke_sample_ms})`);
  add('invoke_sample_vs_node');
  add('invoke_10k_ms', ` (course Python: ${results.python_invoke_10k_ms})`);
  add('invoke_10k_speedup_vs_python');
  const month = (results.details as { score_month?: ScoreMonthResult | string }).score_month;
  add(
    'score_month_s',
    typeof month === 'object'
      ? ` (${Object.entries(month.models).map(([name, m]) => `${name} ${m.oursMedianS} s vs Python ${m.pythonMedianS ?? '-'} s: ${m.speedup ?? '-'}x`).join('; ')})`
      : '',
  );
  add('score_month_speedup');
  add('score_3m_rides_peak_rss_mb');
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const machine = results.machine as {
    cpuModel: string;
    cores: number;
    node: string;
    loadAverage: { start: number; end: number };
    hostPaceMs: { start: number; beforeHandler?: number; afterHandler?: number; end: number };
  };
  return [
    ...rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()),
    '',
    `${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, load average ${machine.loadAverage.start} → ${machine.loadAverage.end}, host pace ${machine.hostPaceMs.start} → ${machine.hostPaceMs.end} ms${machine.hostPaceMs.beforeHandler === undefined ? '' : `, around the lin_reg handler figure ${machine.hostPaceMs.beforeHandler} → ${machine.hostPaceMs.afterHandler} ms`} (fixed pure-JS loop; ~1 ms is the host's fast phase, ~2 ms its slow one)`,
  ].join('\n');
}

const program = new Command()
  .name('bench')
  .description('Performance figures of the ride-duration function against their targets.')
  .option('--json', 'print the results JSON alone on stdout', false)
  .option('--cli-only', 'measure the command line figures only (cli_help_ms, invoke_*)', false)
  .action(async (options: Options) => {
    const results = await withStdoutOnStderr(options.json, () => measure(options));
    await writeFile(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(options.json ? `${JSON.stringify(results, null, 2)}\n` : `${table(results)}\n\nwritten: ${RESULTS_FILE}\n`);
  });

await program.parseAsync();
