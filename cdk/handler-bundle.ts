/**
 * How the function's code is bundled: `NodejsFunction`'s esbuild, run locally (esbuild is a
 * dependency, so synth needs neither Docker nor a network), into one minified ESM file `index.mjs`.
 * The stack and `npm run bench` both take the bundle from a CDK synth, so what is measured is what deploys.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

/** Repository root (this file lives in `cdk/`). */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The function's entry source (TypeScript), a fixed contract with lambda/: it exports `handler`. */
export const HANDLER_ENTRY = join(REPO_ROOT, 'lambda', 'entry.ts');

/** esbuild target: the oldest Node the code runs on (this repository's engines); the runtime is newer. */
const BUNDLE_TARGET = 'node20';

/** The file `NodejsFunction` writes for an ESM bundle: the function's handler is `index.handler`. */
export const BUNDLE_ENTRY_FILE = 'index.mjs';

/**
 * The bundling options of the function.
 *
 * - The AWS SDK is bundled (`externalModules: []`): the function runs exactly the client versions the
 *   test suite ran (package-lock.json), not whatever the runtime happens to ship.
 * - ESM builds of the dependencies (`mainFields`), so no `createRequire` banner is needed; a
 *   dependency that still calls `require()` makes esbuild emit its `__require` shim, which the stack test refuses.
 * - No source maps: Node then also needs `--enable-source-maps`, which reads and indexes the map at
 *   every cold start; stack traces still name the bundle's functions.
 * - `yaml` (the MLmodel reader) gives Node its CommonJS build; its ESM build, published as the
 *   package's default (browser) entry and free of Node APIs, is the same parser.
 */
export const HANDLER_BUNDLING: BundlingOptions = {
  forceDockerBundling: false,
  format: OutputFormat.ESM,
  target: BUNDLE_TARGET,
  minify: true,
  sourceMap: false,
  sourcesContent: false,
  externalModules: [],
  mainFields: ['module', 'main'],
  esbuildArgs: { '--alias:yaml': './node_modules/yaml/browser/index.js' },
};
