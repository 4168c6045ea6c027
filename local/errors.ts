/** Typed errors of the embedded local pipeline. */

/** The local Kinesis/S3 services could not be started, provisioned or stopped. */
export class LocalServicesError extends Error {
  override readonly name = 'LocalServicesError';
}

/** The local event-source mapping was misconfigured or failed outside an invocation. */
export class EventSourceMappingError extends Error {
  override readonly name = 'EventSourceMappingError';
}

/** The local pipeline run could not be set up or did not finish. */
export class LocalPipelineError extends Error {
  override readonly name = 'LocalPipelineError';
}
