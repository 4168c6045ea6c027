/**
 * `PutRecords` through the AWS SDK's `KinesisClient`: the output's client for the CLI, the local
 * pipeline, tests that inject faults into the SDK (aws-sdk-client-mock), and any place whose
 * credentials come from the SDK's provider chain rather than the environment.
 */
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { PutRecordsClient } from './kinesis.js';

/**
 * @example
 * ```ts
 * await putRecordsReliably(sdkPutRecords(createKinesisClient()), 'ride_predictions', records, options);
 * ```
 */
export function sdkPutRecords(client: KinesisClient): PutRecordsClient {
  return {
    putRecords: (input, options) =>
      client.send(new PutRecordsCommand({ StreamName: input.StreamName, Records: [...input.Records] }), options),
  };
}
