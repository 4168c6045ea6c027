/**
 * The command line's S3 client, for models and for ride files alike: `S3_ENDPOINT_URL` when set
 * (checked, with dummy credentials unless the environment names some: a local S3 such as s3rver),
 * else AWS's credential chain and region. Importing this loads the AWS SDK: callers import it only
 * for an `s3://` location.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { createS3Client, localEndpointCredentials } from '../lambda/aws-clients.js';
import { ENV } from '../lambda/config.js';
import { checkEndpoint } from './preflight.js';

/**
 * @example
 * const { client, endpoint } = cliS3Client(process.env);
 * try { … } finally { client.destroy(); }
 */
export function cliS3Client(env: Readonly<Record<string, string | undefined>>): { client: S3Client; endpoint: string | undefined } {
  const endpoint = env[ENV.s3EndpointUrl]?.trim() || undefined;
  if (endpoint !== undefined) checkEndpoint(endpoint, ENV.s3EndpointUrl);
  const client = createS3Client({ endpoint, region: env[ENV.region] ?? env['AWS_DEFAULT_REGION'], credentials: localEndpointCredentials(endpoint, env) });
  return { client, endpoint };
}
