/**
 * Everything of the function that needs the AWS SDK's clients, in one module that the handler
 * imports on demand: the bundler makes it a chunk of its own, compiled only when the model, the
 * output or the S3 dead letters go through the SDK (no credentials in the environment, or an
 * injected client).
 */
export { createKinesisClient, createS3Client } from './aws-clients.js';
export { sdkS3Reader } from './sdk-s3-reader.js';
export { sdkS3ObjectWriter } from './sinks/dead-letter-sdk.js';
export { sdkPutRecords } from './sinks/kinesis-sdk.js';
