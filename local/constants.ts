/** Names and defaults of the embedded local pipeline, defined once. */

/** Region of every local client and of the ARNs kinesalite hands out. */
export const LOCAL_REGION = 'us-east-1';

/**
 * Dummy credentials: s3rver checks signatures against S3RVER/S3RVER, kinesalite accepts any.
 * The same pair goes into the handler's environment so its default credential chain finds it;
 * the CLI gives it to every client of a local endpoint (`lambda/aws-clients.ts`, its one home).
 */
export { LOCAL_ENDPOINT_CREDENTIALS as LOCAL_CREDENTIALS } from '../lambda/aws-clients.js';

/** The function name the local event-source mapping puts into the invocation context. */
export const LOCAL_FUNCTION_NAME = 'ride-duration-prediction';

/** Lambda's own default for a Kinesis event-source mapping. */
export const DEFAULT_BATCH_SIZE = 100;

/** Lambda's maximum invocation payload (6 MB); a batch never exceeds it. */
export const MAX_EVENT_BYTES = 6 * 1024 * 1024;

/** The sample of real rides `npm start` replays when no `--input` is given. */
export const DEFAULT_SAMPLE = new URL('./data/green_tripdata_2021-02.sample.csv', import.meta.url);

/** The course model shipped in the repository. */
export const DEFAULT_MODEL = new URL('../model-artifacts/lin_reg.bin', import.meta.url);
