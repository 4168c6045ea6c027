/**
 * The command line's whole-process figures (BENCHMARKS.md, issue 17): `ride-duration --help`,
 * `invoke` on the one-record sample event and on a 10,000-record event, each a fresh process of the
 * built CLI (`bin/ride-duration.js` → `dist/`), interleaved with an empty `node -e 0` so that the
 * host's load moves both alike; and the course's Python handler logic on the same events
 * (`bench/python/invoke_handler.py`, Debian's python3 + scikit-learn 1.2.1) when python3 has sklearn.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KinesisStreamEvent } from 'aws-lambda';

import { formatKinesisEvent } from '../cli/commands/events.js';
import { median, round } from './stats.js';

const path = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));
const BIN = path('../bin/ride-duration.js');
const SAMPLE_EVENT = path('../events/kinesis-single-ride.json');
const LINREG_MODEL = path('../model-artifacts/lin_reg.bin');
const PYTHON_HANDLER = path('./python/invoke_handler.py');
/** Debian's python3 (`command -p python3`), not a virtualenv's. */
const PYTHON = '/usr/bin/python3';

export interface CliFigures {
  readonly nodeMs: number;
  readonly helpMs: number;
  readonly invokeSampleMs: number;
  readonly invoke10kMs: number;
  readonly python?: { readonly sampleMs: number; readonly tenKMs: number } | undefined;
  readonly runs: number;
}

/** Wall time of one process, spawn → exit; throws if it fails. */
function timed(command: string, args: readonly string[]): number {
  const started = performance.now();
  const run = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env: { ...process.env, DEBUG: '' } });
  const ms = performance.now() - started;
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return ms;
}

function hasSklearn(): boolean {
  return spawnSync(PYTHON, ['-c', 'import sklearn'], { stdio: 'ignore' }).status === 0;
}

/**
 * Medians of `runs` interleaved rounds (one untimed round first: the build is checked and
 * the page cache warm).
 */
export async function measureCli(bigEvent: KinesisStreamEvent, runs = 10): Promise<CliFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-cli-'));
  try {
    const bigFile = join(dir, 'kinesis-10k.json');
    await writeFile(bigFile, formatKinesisEvent(bigEvent));
    const python = hasSklearn();
    const rounds = {
      node: () => timed(process.execPath, ['-e', '0']),
      help: () => timed(process.execPath, [BIN, '--help']),
      sample: () => timed(process.execPath, [BIN, 'invoke', '--event', SAMPLE_EVENT]),
      big: () => timed(process.execPath, [BIN, 'invoke', '--event', bigFile]),
      ...(python
        ? {
            pySample: () => timed(PYTHON, ['-W', 'ignore', PYTHON_HANDLER, LINREG_MODEL, SAMPLE_EVENT]),
            pyBig: () => timed(PYTHON, ['-W', 'ignore', PYTHON_HANDLER, LINREG_MODEL, bigFile]),
          }
        : {}),
    };
    const times: Record<string, number[]> = {};
    for (let i = 0; i <= runs; i++) {
      for (const [name, run] of Object.entries(rounds)) {
        const ms = run();
        if (i > 0) (times[name] ??= []).push(ms);
      }
    }
    const med = (name: string): number => round(median(times[name] ?? []));
    return {
      nodeMs: med('node'),
      helpMs: med('help'),
      invokeSampleMs: med('sample'),
      invoke10kMs: med('big'),
      python: python ? { sampleMs: med('pySample'), tenKMs: med('pyBig') } : undefined,
      runs,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
