/**
 * Vitest global setup: builds `dist/` first when a source changed after the last build. Tests spawn
 * the built CLI and `npm start` through their launchers, which would rebuild too, but then say so
 * on stderr, inside the output of whichever test ran first (its one-line checks would fail after
 * any edit). A fresh `npm ci` has built it already: then this costs one `stat` per source.
 */
import { staleReason } from '../../scripts/build-stamp.mjs';

export default async function buildDist() {
  const reason = staleReason();
  if (reason === undefined) return;
  const { build } = await import('../../scripts/build.mjs');
  const ms = await build();
  process.stderr.write(`test setup: ${reason}; rebuilt dist/ in ${ms} ms\n`);
}
