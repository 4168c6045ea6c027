/**
 * Vitest global setup: builds `dist/` first when a source changed after the last build. Tests spawn
 * the built CLI and `npm start` through their launchers, which would rebuild too, but then say so
 * on stderr, inside the output of whichever test ran first (its one-line checks would fail after
 * any edit). The launchers' own lock is taken, so a launcher started beside the tests waits for
 * this build rather than running its own. A fresh `npm ci` has built it already: then this costs
 * one `stat` per source. A build that fails is reported and left to the tests that spawn the CLI
 * to fail on: the others still run.
 */
import { ensureBuilt } from '../../scripts/launch.mjs';

export default async function buildDist() {
  try {
    await ensureBuilt();
  } catch (error) {
    process.stderr.write(`test setup: dist/ could not be rebuilt (${error instanceof Error ? error.message : String(error)}); tests that spawn the CLI will fail\n`);
  }
}
