/**
 * Runs a built entry of `dist/`, rebuilding first when a source changed after the last build, so
 * that an edit is never silently ignored. The check is one `stat` per source file (a few ms); a
 * rebuild takes about a second and says so on stderr. Processes started together (tests spawn
 * several) rebuild once: the first takes a lock directory, the others wait for it.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';

import { DIST, ROOT, staleReason } from './build-stamp.mjs';

const LOCK = `${ROOT}.dist-build.lock`;
/** A lock older than this belongs to a build that died. */
const LOCK_WAIT_MS = 30_000;
const LOCK_POLL_MS = 50;

async function rebuild(reason) {
  let build;
  try {
    ({ build } = await import('./build.mjs'));
  } catch (cause) {
    process.stderr.write(`ride-duration: ${reason}, and esbuild is not installed to rebuild it (${cause.message}); run npm ci\n`);
    process.exit(1);
  }
  const ms = await build();
  process.stderr.write(`ride-duration: ${reason}; rebuilt dist/ in ${ms} ms\n`);
}

/**
 * Rebuilds `dist/` if a source changed after the last build, once for all the processes that ask
 * at the same time (the first takes a lock directory, the others wait for it). Returns why it was
 * rebuilt, or undefined when it was up to date.
 *
 * @example
 * await ensureBuilt(); // 'cli/errors.ts changed after the build' | undefined
 */
export async function ensureBuilt() {
  if (staleReason() === undefined) return undefined;
  const waitUntil = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      if (Date.now() > waitUntil) rmSync(LOCK, { recursive: true, force: true });
      else await sleep(LOCK_POLL_MS);
    }
  }
  try {
    const reason = staleReason(); // another process may have rebuilt while this one waited
    if (reason !== undefined) await rebuild(reason);
    return reason;
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/**
 * Imports `dist/<entry>.js`, built fresh if needed.
 *
 * @example
 * await launch('ride-duration');
 */
export async function launch(entry) {
  await ensureBuilt();
  await import(pathToFileURL(`${DIST}${entry}.js`).href);
}
