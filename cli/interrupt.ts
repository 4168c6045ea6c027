/**
 * Ctrl-C (SIGINT) and SIGTERM for the long commands and `npm start`: stop promptly, run the
 * command's clean-ups (partial files removed, services stopped), restore the terminal (a progress
 * bar turns line wrap and the cursor off), print one line saying what was kept, and exit 130
 * (SIGINT) or 143 (SIGTERM), as a shell reports a process killed by the signal.
 */
import { rmSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';

import { CliError } from './errors.js';

/** Exit codes of an interrupted command: 128 + the signal's number. */
export const INTERRUPTED_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
export type InterruptSignal = keyof typeof INTERRUPTED_EXIT_CODES;

/** Clean-ups get this long in all before the process exits anyway. */
export const CLEANUP_BUDGET_MS = 5_000;

/** Line wrap on (undoes cli-progress's `ESC[?7l`), cursor shown (undoes `ESC[?25l`). */
export const RESTORE_TERMINAL = '\x1b[?7h\x1b[?25h';

/**
 * A command's part in an interruption: what to undo, and what it leaves behind. `cleanup`
 * returns the "kept" text (e.g. `120 record(s) already put on ride_events stay there`).
 */
export type Cleanup = (signal: InterruptSignal) => Promise<string | undefined> | string | undefined;

const cleanups = new Set<Cleanup>();
const partials = new Set<string>();
let installed = false;
let programName = 'ride-duration';
let interrupting = false;

/**
 * Registers a clean-up for the rest of the run, or until the returned function is called.
 *
 * @example
 * const done = onInterrupt(async () => { await pipeline.stop(); return 'nothing'; });
 */
export function onInterrupt(cleanup: Cleanup): () => void {
  install();
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/**
 * A file being written: removed if the run is interrupted before the returned function is called.
 *
 * @example
 * const written = partialFile('out.json.partial'); await writeFile(…); await rename(…); written();
 */
export function partialFile(path: string): () => void {
  install();
  partials.add(path);
  return () => partials.delete(path);
}

/**
 * A run that stops itself on a signal (see {@link stopOnSignals}): the first SIGINT or SIGTERM
 * aborts {@link signal}, a second one runs the {@link onForce} clean-up and exits at once.
 */
export interface SignalStop {
  /** Aborted by the first signal, its reason a {@link CliError} with the exit code 130 or 143. */
  readonly signal: AbortSignal;
  /** The signal received, if any. */
  stopped(): InterruptSignal | undefined;
  /** What a second signal does before the process exits (remove local leftovers, restore the terminal). */
  onForce(cleanup: () => void): void;
  /** Hands the signals back to the clean-ups of {@link onInterrupt}. */
  dispose(): void;
}

/** A run stopping itself: the signal it received, its force clean-up, what aborts it. */
interface Stop {
  received: InterruptSignal | undefined;
  force: (() => void) | undefined;
  readonly controller: AbortController;
}

/** The runs stopping themselves: a signal goes to each. */
const stops = new Set<Stop>();

/** The first signal aborts every stopping run; a second runs all their force clean-ups and exits. */
function stopRuns(signal: InterruptSignal): void {
  const runs = [...stops];
  if (runs.some((run) => run.received !== undefined)) {
    for (const run of runs) run.force?.();
    process.exit(INTERRUPTED_EXIT_CODES[signal]);
  }
  for (const run of runs) {
    run.received = signal;
    run.controller.abort(new CliError(`interrupted by ${signal}`, INTERRUPTED_EXIT_CODES[signal]));
  }
}

/**
 * Takes the signals for a command that stops itself cleanly between units of work (`score`
 * finishes its batch, aborts its upload and says what it kept), until `dispose()`; meanwhile the
 * clean-ups of {@link onInterrupt} stand aside.
 *
 * @example
 * const stop = stopOnSignals();
 * try { for (const batch of batches) { if (stop.signal.aborted) break; … } } finally { stop.dispose(); }
 */
export function stopOnSignals(): SignalStop {
  install();
  const stop: Stop = { received: undefined, force: undefined, controller: new AbortController() };
  stops.add(stop);
  return {
    signal: stop.controller.signal,
    stopped: () => stop.received,
    onForce: (cleanup) => {
      stop.force = cleanup;
    },
    dispose: () => {
      stops.delete(stop);
    },
  };
}

/** The name that starts the interruption line (`npm start` has its own). */
export function setProgramName(name: string): void {
  programName = name;
}

/** Installs the handlers (once); the first signal starts the stop, a second one exits at once. */
export function install(): void {
  if (installed) return;
  installed = true;
  for (const signal of Object.keys(INTERRUPTED_EXIT_CODES) as InterruptSignal[]) {
    process.on(signal, () => void interrupt(signal));
  }
}

async function interrupt(signal: InterruptSignal): Promise<void> {
  // Every signal gives the terminal back first, whoever handles it (a progress bar may be drawn).
  if (process.stderr.isTTY) process.stderr.write(RESTORE_TERMINAL);
  if (stops.size > 0) return stopRuns(signal);
  const code = INTERRUPTED_EXIT_CODES[signal];
  if (interrupting) process.exit(code);
  interrupting = true;
  const kept: string[] = [];
  const removed: string[] = [];
  for (const path of partials) {
    rmSync(path, { force: true });
    removed.push(path);
  }
  const budget = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), CLEANUP_BUDGET_MS).unref());
  for (const cleanup of [...cleanups].reverse()) {
    try {
      const result = await Promise.race([Promise.resolve(cleanup(signal)), budget]);
      if (result === 'late') break;
      if (result) kept.push(result);
    } catch (error) {
      kept.push(`clean-up failed: ${(error as Error).message}`);
    }
  }
  const removedText = removed.length > 0 ? `; removed ${removed.join(', ')}` : '';
  const keptText = kept.length > 0 ? kept.join('; ') : 'nothing written';
  process.stderr.write(`${process.stderr.isTTY ? '\n' : ''}${programName}: interrupted by ${signal}; kept: ${keptText}${removedText}\n`);
  process.exit(code);
}

/** Writes `text` to `path` through `<path>.partial`: an interrupted write leaves no half file. */
export async function writeWhole(path: string, text: string): Promise<void> {
  const partial = `${path}.partial`;
  const written = partialFile(partial);
  try {
    await writeFile(partial, text, 'utf8');
    await rename(partial, path);
  } finally {
    written();
  }
}
