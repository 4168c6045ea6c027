/**
 * The S3 command the model locator sends, in a module of its own so that it is loaded by the first
 * S3 read only: a model read from a file (`invoke`, `score`, `serve` on a local model) loads none of
 * the SDK. (A bundle's `import()` of the SDK package itself does not give the named export through
 * its CommonJS build; a module of ours that imports it statically does.)
 */
export { GetObjectCommand } from '@aws-sdk/client-s3';
