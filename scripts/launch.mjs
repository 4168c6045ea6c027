/**
 * Runs a built entry of `dist/`, rebuilding first when a source changed after the last build, so
 * that an edit is never silently ignored. The check is one `stat` per source file (a few ms); a
 * rebuild takes about a second and says so on stderr. Processes started together (tests spawn
 * several) rebuild once: the first takes a lock directory, the others wait for it.
 */
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';

import { DIST, ROOT, staleReason } from './build-stamp.mjs';

const LOCK = `${ROOT}.dist-build.lock`;
/** A lock this old belongs to a build that died (Ctrl-C or a crash mid-build): a build takes seconds. */
const STALE_LOCK_MS = 30_000;
const LOCK_POLL_MS = 50;

/** Takes the lock directory, waiting while a live build holds it. */
async function takeLock() {
  for (;;) {
    try {
      mkdirSync(LOCK);
      return;
    } catch (error) {
      // Only a lock held by another process is waited on; anything else (EACCES…) is a real error.
      if (error.code !== 'EEXIST') throw error;
    }
    let age;
    try {
      age = Date.now() - statSync(LOCK).mtimeMs;
    } catch {
      continue; // released meanwhile
    }
    if (age > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
    else await sleep(LOCK_POLL_MS);
  }
}

async function rebuild(reason) {
  let build;
  try {
    ({ build } = await import('./build.mjs'));
  } catch (cause) {
    throw new Error(`${reason}, and esbuild is not installed to rebuild it (${cause.message}); run npm ci`, { cause });
  }
  const ms = await build();
  process.stderr.write(`ride-duration: ${reason}; rebuilt dist/ in ${ms} ms\n`);
}

/**
 * Rebuilds `dist/` if a source changed after the last build, once for all the processes that ask
 * at the same time (the first takes a lock directory, the others wait for it). Returns why it was
 * rebuilt, or undefined when it was up to date. A process already running from `dist/` is not
 * protected: a rebuild replaces the chunks it may still load lazily.
 *
 * @throws when it cannot rebuild (esbuild missing, a source that does not compile)
 * @example
 * await ensureBuilt(); // 'cli/errors.ts changed after the build' | undefined
 */
export async function ensureBuilt() {
  if (staleReason() === undefined) return undefined;
  await takeLock();
  holdingLock = true;
  try {
    const reason = staleReason(); // another process may have rebuilt while this one waited
    if (reason !== undefined) await rebuild(reason);
    return reason;
  } finally {
    releaseLock();
  }
}

/** Whether this process holds the lock: an interruption mid-build releases it too. */
let holdingLock = false;

function releaseLock() {
  if (!holdingLock) return;
  holdingLock = false;
  rmSync(LOCK, { recursive: true, force: true });
}

/**
 * Ctrl-C or SIGTERM before the program takes the signals itself (`cli/interrupt.ts`: while the
 * build is checked, the modules load, npm start checks its models) ends the process with the one
 * line of an interruption that had nothing to clean up, rather than silently. Once the program has
 * a handler of its own, this one stands aside.
 */
function sayWhenInterruptedEarly(program) {
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      if (process.listenerCount(signal) > 1) return;
      // A build cut short leaves no stamp, so the next run builds again; its lock must not wait it.
      releaseLock();
      process.stderr.write(`${program}: interrupted by ${signal}; kept: nothing written\n`);
      process.exit(128 + constants.signals[signal]);
    });
  }
}

/**
 * Imports `dist/<entry>.js`, built fresh if needed; `program` signs the early interruption line.
 *
 * @example
 * await launch('ride-duration');
 */
export async function launch(entry, program = entry) {
  sayWhenInterruptedEarly(program);
  try {
    await ensureBuilt();
  } catch (error) {
    process.stderr.write(`ride-duration: ${error.message}\n`);
    process.exitCode = 1;
    return;
  }
  await import(pathToFileURL(`${DIST}${entry}.js`).href);
}
