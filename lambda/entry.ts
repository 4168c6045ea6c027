/**
 * The deployed entry (`index.handler`): it starts the model download first, then loads the handler
 * (`handler.ts`, a chunk of the bundle of its own) while the bytes are on the way.
 *
 * Why: a cold start is the init phase's compile and model load, and with one module graph the model
 * request could only leave once every module (the pickle VM, the schema, Powertools) had been
 * compiled and evaluated. Here the request goes out after a few kilobytes of code, and the
 * network wait overlaps the compile of the rest.
 *
 * Inside Lambda the model is loaded during the init phase; elsewhere importing this module starts
 * nothing until the first invocation.
 */
import type { Context, KinesisStreamEvent } from 'aws-lambda';
import { inLambda, readConfig, type HandlerConfig } from './config.js';
import type { RideHandlerResponse } from './handler.js';
import type { PrefetchedModel } from './model/locate.js';
import { prefetchModel, signedS3ClientFor } from './model-prefetch.js';
import type { SignedS3Client } from './signed-s3-client.js';

/** The configuration read once for the prefetch and the handler; undefined when it cannot work. */
function configOrUndefined(): HandlerConfig | undefined {
  try {
    return readConfig();
  } catch {
    return undefined; // the handler reads it again and throws the error, with its message, on invocation
  }
}

function startPrefetch(config: HandlerConfig, s3: SignedS3Client | undefined): Promise<PrefetchedModel> | undefined {
  const prefetched = prefetchModel(config, s3);
  // Observed later by the handler's first load; until then a failure must not count as unhandled.
  prefetched?.catch(() => undefined);
  return prefetched;
}

const lambda = inLambda();
const config = lambda ? configOrUndefined() : undefined;
// One signed client for the process: the prefetch's connection then serves the handler's later
// model loads and its dead letters too.
const signedS3 = config === undefined ? undefined : signedS3ClientFor(config);
const prefetched = config === undefined ? undefined : startPrefetch(config, signedS3);
const core = import('./handler.js');
const wiring = {
  ...(config === undefined ? {} : { config }),
  ...(prefetched === undefined ? {} : { prefetched }),
  ...(signedS3 === undefined ? {} : { signedS3 }),
};

if (lambda) {
  void core.then(
    (module) => {
      try {
        void module.environmentHandler(wiring).warmUp();
      } catch {
        // A configuration error is thrown again by the first invocation.
      }
    },
    () => undefined, // a failed import rejects every invocation below
  );
}

/** The Lambda handler: `handler.ts`'s, wired from the environment. */
export const handler = async (event: KinesisStreamEvent, context: Context): Promise<RideHandlerResponse> =>
  (await core).environmentHandler(wiring)(event, context);
