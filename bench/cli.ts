/**
 * The command line's whole-process figures (BENCHMARKS.md, issue 17): `ride-duration --help`,
 * `invoke` on the one-record sample event and on a 10,000-record event, each a fresh process of the
 * built CLI (`bin/ride-duration.js` → `dist/`) spawned by the bench's small launcher
 * (bench/launcher.mjs), interleaved with an empty `node -e 0` so that the host's load moves both alike; and the course's Python handler logic on the same events
 * (`bench/python/invoke_handler.py`, Debian's python3 + scikit-learn 1.2.1) when python3 has sklearn.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KinesisStreamEvent } from 'aws-lambda';

import { formatKinesisEvent } from '../cli/commands/events.js';
import { Launcher } from './launcher-client.js';
import { median, round } from './stats.js';

const path = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));
/** The command as a user runs it: the launcher, then the built `dist/`. */
export const BIN = path('../bin/ride-duration.js');
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

/**
 * Wall time of one process, spawn → exit, on the clock of the bench's small launcher process, as
 * for the cold starts: a spawn from the bench itself pays for the bench's memory (see
 * bench/launcher.mjs), which a person starting the command from a shell does not. The environment
 * is the bench's own, as a shell's would be. Throws if the process fails.
 */
async function timed(launcher: Launcher, command: string, args: readonly string[]): Promise<number> {
  return (await launcher.runOk(args, { ...process.env, DEBUG: '' }, false, 'exitMs', command)).ms;
}

function hasSklearn(): boolean {
  return spawnSync(PYTHON, ['-c', 'import sklearn'], { stdio: 'ignore' }).status === 0;
}

/**
 * Medians of `runs` interleaved rounds (one untimed round first: the page cache warm). `dist/`
 * must be built and fresh (bench/run.ts checks it first).
 */
export async function measureCli(bigEvent: KinesisStreamEvent, runs = 10): Promise<CliFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-cli-'));
  const launcher = await Launcher.start();
  try {
    const bigFile = join(dir, 'kinesis-10k.json');
    await writeFile(bigFile, formatKinesisEvent(bigEvent));
    const python = hasSklearn();
    const node = process.execPath;
    const rounds = {
      node: () => timed(launcher, node, ['-e', '0']),
      help: () => timed(launcher, node, [BIN, '--help']),
      sample: () => timed(launcher, node, [BIN, 'invoke', '--event', SAMPLE_EVENT]),
      big: () => timed(launcher, node, [BIN, 'invoke', '--event', bigFile]),
      ...(python
        ? {
            pySample: () => timed(launcher, PYTHON, ['-W', 'ignore', PYTHON_HANDLER, LINREG_MODEL, SAMPLE_EVENT]),
            pyBig: () => timed(launcher, PYTHON, ['-W', 'ignore', PYTHON_HANDLER, LINREG_MODEL, bigFile]),
          }
        : {}),
    };
    const times: Record<string, number[]> = {};
    for (let i = 0; i <= runs; i++) {
      for (const [name, run] of Object.entries(rounds)) {
        const ms = await run();
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
    launcher.close();
    await rm(dir, { recursive: true, force: true });
  }
}
