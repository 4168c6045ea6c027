/**
 * `score`'s S3 side: one client for `s3://` inputs and outputs, the output bucket's check, and the
 * S3 source and sink. `score` imports this file only when `-i` or `-o` is an `s3://` location, so
 * that scoring local files never loads the AWS SDK (a third of the command's start-up).
 */
import { HeadBucketCommand } from '@aws-sdk/client-s3';

import { parseS3Url } from '../io/source.js';
import { s3Source } from '../io/s3-source.js';
import { s3Sink } from '../io/s3-sink.js';
import type { ByteSink } from '../io/sink.js';
import type { RideSource } from '../io/source.js';
import { httpStatusOf } from '../lambda/aws-failure.js';
import { quote } from '../lambda/quote.js';
import { describeAwsFailure } from './aws-errors.js';
import { CliError } from './errors.js';
import { cliS3Client } from './s3.js';

/** What `score` does with S3. */
export interface ScoreS3 {
  /** Fails with a {@link CliError} when the output's bucket cannot be reached. */
  checkOutputBucket(output: string, signal: AbortSignal): Promise<void>;
  source(input: string, signal: AbortSignal): RideSource;
  sink(output: string): ByteSink;
  destroy(): void;
}

/**
 * An S3 client for `s3://` inputs and outputs: `S3_ENDPOINT_URL` when set (with dummy credentials
 * unless the environment names some: `localEndpointCredentials`), else AWS.
 *
 * @example
 * const s3 = openScoreS3(process.env);
 * try { await s3.checkOutputBucket('s3://bucket/out.parquet', signal); } finally { s3.destroy(); }
 */
export function openScoreS3(env: NodeJS.ProcessEnv): ScoreS3 {
  const { client } = cliS3Client(env);
  return {
    async checkOutputBucket(output, signal) {
      const bucket = parseS3Url(output)?.bucket ?? '';
      await client.send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal: signal }).catch((error: unknown) => {
        // HeadBucket's 404 has no body: the status alone says the bucket is missing.
        const line = httpStatusOf(error) === 404 ? `-o ${output}: no such bucket ${quote(bucket)}` : describeAwsFailure(error, `-o ${output}`, 'S3');
        throw new CliError(line, 1, { cause: error });
      });
    },
    source: (input, signal) => s3Source(client, input, signal),
    sink: (output) => s3Sink(client, output),
    destroy: () => client.destroy(),
  };
}
