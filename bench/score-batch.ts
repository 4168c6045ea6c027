/**
 * `score` on whole files, whole process, next to the course's Python (bench/python/score.py):
 *
 * - score_month_s: `score --layout course` on February 2021 (../shared), parquet out, spawned as
 *   a user runs it (`bin/ride-duration.js`, the built `dist/`), median wall time over interleaved
 *   runs with the Python side, for lin_reg.bin and the RandomForest MLflow folder; the outputs are
 *   compared column for column (bench/python/compare.py) when Python has pandas + pyarrow.
 * - score_3m_rides_peak_rss_mb: the same command on 3,034,884 rides (February × 47, written by
 *   bench/big-month.ts into a temporary folder) under a pseudo-terminal (`script`), so the progress
 *   bar is drawn; the child's own VmHWM (bench/exit-report.cjs).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { writeBigMonth } from './big-month.js';
import { SHARED_FEBRUARY } from './rides.js';
import { BIN } from './cli.js';
import { Launcher } from './launcher-client.js';
import { currentLoad } from './machine.js';
import { median, round } from './stats.js';

const path = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));
const EXIT_REPORT = path('./exit-report.cjs');
const PYTHON_SCORE = path('./python/timed.py');
const PYTHON_COMPARE = path('./python/compare.py');
/** Python with pandas, pyarrow and scikit-learn; `BENCH_PYTHONPATH` adds e.g. a pip --target folder holding pyarrow. */
const PYTHON = process.env['BENCH_PYTHON'] ?? 'python3';

export const SCORE_MODELS = {
  lin_reg: path('../model-artifacts/lin_reg.bin'),
  rf_mlflow: path('../test/fixtures/models/official-rf-mlflow'),
} as const;
type ModelName = keyof typeof SCORE_MODELS;

/** One measured process: wall time (spawn → exit, from the bench), its own CPU time and peak RSS. */
export interface ProcessRun {
  readonly wallS: number;
  readonly cpuS: number;
  readonly peakRssMb: number;
}

export interface ModelComparison {
  readonly ours: readonly ProcessRun[];
  readonly python: readonly ProcessRun[];
  readonly oursMedianS: number;
  readonly pythonMedianS: number | null;
  /** Python's median wall time over ours. */
  readonly speedup: number | null;
  readonly oursMedianCpuS: number;
  readonly pythonMedianCpuS: number | null;
  /** bench/python/compare.py's verdict on the last pair of outputs (RandomForest in estimator order). */
  readonly comparison: string;
}

export interface ScoreMonthResult {
  readonly models: Readonly<Record<ModelName, ModelComparison>>;
  readonly python: string;
  readonly loadAverage: readonly number[];
}

function pythonEnv(): NodeJS.ProcessEnv {
  const extra = process.env['BENCH_PYTHONPATH'];
  return { ...process.env, PYTHONWARNINGS: 'ignore', ...(extra ? { PYTHONPATH: extra } : {}) };
}

/** Why the Python side cannot run here, or `undefined` when it can. */
export function pythonProblem(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import pandas, pyarrow, sklearn; print(pandas.__version__, pyarrow.__version__, sklearn.__version__)'], {
    encoding: 'utf8',
    env: pythonEnv(),
  });
  if (probe.status === 0) return undefined;
  return (probe.stderr || String(probe.error)).trim().split('\n').at(-1);
}

function pythonVersions(): string {
  const probe = spawnSync(PYTHON, ['-c', 'import sys, pandas, pyarrow, sklearn; print(sys.version.split()[0], pandas.__version__, pyarrow.__version__, sklearn.__version__)'], {
    encoding: 'utf8',
    env: pythonEnv(),
  });
  const [py, pandas, pyarrow, sklearn] = probe.stdout.trim().split(' ');
  return `Python ${py}, pandas ${pandas}, pyarrow ${pyarrow}, scikit-learn ${sklearn}`;
}

/**
 * Runs a command from the bench's small launcher (bench/launcher.mjs: a spawn from the bench itself
 * would fork its hundreds of MB first, tens of ms more for either side) and reads the report its
 * exit hook wrote. Wall time: spawn → exit on the launcher's clock.
 */
async function timed(launcher: Launcher, command: string, args: readonly string[], env: NodeJS.ProcessEnv, report: string): Promise<ProcessRun> {
  const run = await launcher.runOk(args, { ...env, BENCH_EXIT_REPORT: report }, true, 'exitMs', command);
  const { peakRssKb, cpuMs } = JSON.parse(readFileSync(report, 'utf8')) as { peakRssKb: number; cpuMs: number };
  return { wallS: round(run.ms / 1000, 3), cpuS: round(cpuMs / 1000, 3), peakRssMb: round(peakRssKb / 1024) };
}

/**
 * Whole-process `score --layout course` on February 2021 vs bench/python/score.py, interleaved
 * (ours, Python, ours, …) so that the shared machine's load falls on both alike.
 */
export async function measureScoreMonth(runs: number, input: string = SHARED_FEBRUARY): Promise<ScoreMonthResult> {
  const problem = pythonProblem();
  const dir = await mkdtemp(join(tmpdir(), 'ride-bench-score-'));
  const loads: number[] = [currentLoad()];
  const launcher = await Launcher.start();
  try {
    const models = {} as Record<ModelName, ModelComparison>;
    for (const [name, model] of Object.entries(SCORE_MODELS) as Array<[ModelName, string]>) {
      const ours: ProcessRun[] = [];
      const python: ProcessRun[] = [];
      const oursOut = join(dir, `${name}.ours.parquet`);
      const pythonOut = join(dir, `${name}.python.parquet`);
      const nodeArgs = ['--require', EXIT_REPORT, BIN, 'score', '--layout', 'course', '-i', input, '-o', oursOut, '-m', model];
      // One untimed run of each: files in the page cache for both.
      await timed(launcher, process.execPath, nodeArgs, process.env, join(dir, 'report.json'));
      if (problem === undefined) await timed(launcher, PYTHON, [PYTHON_SCORE, model, input, pythonOut], pythonEnv(), join(dir, 'report.json'));
      for (let i = 0; i < runs; i++) {
        ours.push(await timed(launcher, process.execPath, nodeArgs, { ...process.env, RUN_ID: '' }, join(dir, 'report.json')));
        if (problem === undefined) python.push(await timed(launcher, PYTHON, [PYTHON_SCORE, model, input, pythonOut], pythonEnv(), join(dir, 'report.json')));
        loads.push(currentLoad());
      }
      let comparison = `not compared: ${problem ?? ''}`;
      if (problem === undefined) {
        // The RandomForest's pickle asks for n_jobs=-1 (last bit varies with thread order): compare in estimator order.
        const ordered = join(dir, `${name}.python-ordered.parquet`);
        await timed(launcher, PYTHON, [PYTHON_SCORE, model, input, ordered], { ...pythonEnv(), ESTIMATOR_ORDER: '1' }, join(dir, 'report.json'));
        const compared = spawnSync(PYTHON, [PYTHON_COMPARE, oursOut, ordered], { encoding: 'utf8', env: pythonEnv() });
        comparison = (compared.stdout || compared.stderr).trim();
      }
      const oursMedianS = median(ours.map((r) => r.wallS));
      const pythonMedianS = python.length > 0 ? median(python.map((r) => r.wallS)) : null;
      models[name] = {
        ours,
        python,
        oursMedianS: round(oursMedianS, 3),
        pythonMedianS: pythonMedianS === null ? null : round(pythonMedianS, 3),
        speedup: pythonMedianS === null ? null : round(pythonMedianS / oursMedianS, 2),
        oursMedianCpuS: round(median(ours.map((r) => r.cpuS)), 3),
        pythonMedianCpuS: python.length > 0 ? round(median(python.map((r) => r.cpuS)), 3) : null,
        comparison,
      };
    }
    return { models, python: problem === undefined ? pythonVersions() : `unavailable: ${problem}`, loadAverage: loads };
  } finally {
    launcher.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export interface Score3mResult {
  readonly rides: number;
  readonly peakRssMb: number;
  readonly wallS: number;
  readonly cpuS: number;
  /** The bar was drawn (its frame seen on the pseudo-terminal). */
  readonly progressBar: boolean;
}

/** `score --layout course` (lin_reg) on February × 47 under a pseudo-terminal; the child's peak RSS. */
export async function measureScore3m(): Promise<Score3mResult> {
  const dir = await mkdtemp(join(tmpdir(), 'ride-bench-3m-'));
  try {
    const input = join(dir, 'green_tripdata_2021-02_x47.parquet');
    const rides = await writeBigMonth(input);
    const report = join(dir, 'report.json');
    const quote = (arg: string): string => `'${arg.replaceAll("'", "'\\''")}'`;
    const command = [process.execPath, '--require', EXIT_REPORT, BIN, 'score', '--layout', 'course', '-i', input, '-o', join(dir, 'out.parquet'), '-m', SCORE_MODELS.lin_reg]
      .map(quote)
      .join(' ');
    const started = performance.now();
    // util-linux `script` gives the child a terminal, as a person running it has: the bar is drawn.
    const run = spawnSync('script', ['-qec', command, '/dev/null'], { env: { ...process.env, BENCH_EXIT_REPORT: report }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const wallS = (performance.now() - started) / 1000;
    if (run.status !== 0 || !existsSync(report)) throw new Error(`3M-ride score failed (${run.status}): ${run.stdout.slice(-500)}`);
    const { peakRssKb, cpuMs } = JSON.parse(readFileSync(report, 'utf8')) as { peakRssKb: number; cpuMs: number };
    return { rides, peakRssMb: round(peakRssKb / 1024), wallS: round(wallS, 1), cpuS: round(cpuMs / 1000, 1), progressBar: run.stdout.includes('scoring [') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const which = process.argv[2] ?? 'month';
  const result = which === '3m' ? await measureScore3m() : await measureScoreMonth(Number(process.argv[3] ?? 5));
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
