/**
 * The Kinesis client of `produce` and `tail`: the Lambda's own client factory, against AWS (default
 * credential chain and region) or a local endpoint such as kinesalite (which takes any credentials).
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';

import { createKinesisClient } from '../lambda/aws-clients.js';
import { ENV } from '../lambda/config.js';

/** Credentials used against a local endpoint when the environment provides none. */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export interface KinesisTarget {
  /** `--endpoint`; else `KINESIS_ENDPOINT_URL`; else AWS. */
  readonly endpoint?: string | undefined;
  readonly region?: string | undefined;
}

/** Help text of `--endpoint`. */
export const ENDPOINT_HELP = 'Kinesis endpoint URL, e.g. http://127.0.0.1:4567 (default: KINESIS_ENDPOINT_URL, else AWS)';

/** A Kinesis client for the target; the caller destroys it. */
export function cliKinesisClient(target: KinesisTarget, env: Readonly<Record<string, string | undefined>> = process.env): KinesisClient {
  const endpoint = target.endpoint ?? (env[ENV.kinesisEndpointUrl]?.trim() || undefined);
  const hasCredentials = env['AWS_ACCESS_KEY_ID'] !== undefined || env['AWS_PROFILE'] !== undefined;
  return createKinesisClient({
    endpoint,
    region: target.region ?? env[ENV.region] ?? env['AWS_DEFAULT_REGION'],
    ...(endpoint !== undefined && !hasCredentials ? { credentials: LOCAL_CREDENTIALS } : {}),
  });
}
