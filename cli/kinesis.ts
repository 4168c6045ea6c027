/**
 * The Kinesis client of `produce` and `tail`: the Lambda's own client factory, against AWS (default
 * credential chain and region) or a local endpoint such as kinesalite (which takes any credentials).
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';

import { InvalidArgumentError } from 'commander';

import { createKinesisClient, localEndpointCredentials } from '../lambda/aws-clients.js';
import { ENV } from '../lambda/config.js';
import { checkEndpoint } from './preflight.js';

export interface KinesisTarget {
  /** `--endpoint`; else `KINESIS_ENDPOINT_URL`; else AWS. */
  readonly endpoint?: string | undefined;
  readonly region?: string | undefined;
}

/** Help text of `--endpoint`. */
export const ENDPOINT_HELP = 'Kinesis endpoint URL, e.g. http://127.0.0.1:4567 (default: KINESIS_ENDPOINT_URL, else AWS)';

/** `--endpoint` checked when parsed: a usage error naming the flag, before any work. */
export function endpointArg(value: string): string {
  try {
    return checkEndpoint(value, '--endpoint');
  } catch {
    throw new InvalidArgumentError('Expected an http:// or https:// URL, e.g. http://127.0.0.1:4567.');
  }
}

/** The endpoint the target resolves to (`--endpoint`, else `KINESIS_ENDPOINT_URL`, checked), or undefined for AWS. */
export function kinesisEndpoint(target: KinesisTarget, env: Readonly<Record<string, string | undefined>> = process.env): string | undefined {
  if (target.endpoint !== undefined) return target.endpoint;
  const fromEnv = env[ENV.kinesisEndpointUrl]?.trim() || undefined;
  return fromEnv === undefined ? undefined : checkEndpoint(fromEnv, ENV.kinesisEndpointUrl);
}

/** A Kinesis client for the target (dummy credentials for a local endpoint); the caller destroys it. */
export function cliKinesisClient(target: KinesisTarget, env: Readonly<Record<string, string | undefined>> = process.env): KinesisClient {
  const endpoint = kinesisEndpoint(target, env);
  return createKinesisClient({
    endpoint,
    region: target.region ?? env[ENV.region] ?? env['AWS_DEFAULT_REGION'],
    credentials: localEndpointCredentials(endpoint, env),
  });
}
