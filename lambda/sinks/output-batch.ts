/**
 * A batch's output records packed into one buffer: the hot path writes each serialised event
 * straight into it instead of allocating a `Buffer` per record (which, kept alive until the write,
 * costs more than the rest of the record's processing). Sinks take views when they send.
 *
 * The buffer of a {@link OutputBatch.release}d batch is kept for the next one: a 10,000-record
 * batch fills 1.6 MB, and fresh memory of that size costs its page faults on every invocation
 * (3–9 % of the handler's time per batch, measured in BENCHMARKS.md).
 */
import { Buffer } from 'node:buffer';
import type { OutputRecord } from './types.js';

/** Writes one record's bytes from two values (see `predictionEncoder`). */
export interface RecordEncoder<A, B> {
  /** Upper bound of the bytes written for `a`. */
  maxBytes(a: A): number;
  /** Writes at `offset`, returns the offset after the record. */
  encodeInto(target: Uint8Array, offset: number, a: A, b: B): number;
}

/** Initial bytes reserved per record; a course event with a numeric id is about 120. */
const BYTES_PER_RECORD = 160;
/** Largest buffer kept for reuse: a full batch of course events is 1.6 MB; a rarer giant is let go. */
const MAX_SPARE_BYTES = 16 * 1024 * 1024;
const EMPTY = Buffer.alloc(0);

/** The buffer of the last released batch, for the next batch to write into. */
let spare: Buffer | undefined;

/** A buffer of at least `bytes`: the spare if it is big enough (taken, so no two batches share it). */
function bufferOf(bytes: number): Buffer {
  const kept = spare;
  if (kept !== undefined && kept.length >= bytes) {
    spare = undefined;
    return kept;
  }
  return Buffer.allocUnsafe(bytes);
}

export class OutputBatch {
  private buffer: Buffer;
  private offsets: Uint32Array;
  private readonly keys: string[] = [];
  private end = 0;

  /** @param expected records the batch will probably hold (it grows past that if needed) */
  constructor(expected = 16) {
    this.buffer = bufferOf(Math.max(1, expected) * BYTES_PER_RECORD);
    this.offsets = new Uint32Array(Math.max(1, expected) + 1);
  }

  /** Builds a batch from ready records (tests, other producers). */
  static of(records: readonly OutputRecord[]): OutputBatch {
    const batch = new OutputBatch(records.length);
    for (const record of records) batch.addBytes(record.data, record.partitionKey);
    return batch;
  }

  /**
   * Ends the batch: its buffer goes to the next batch, and this one is empty from now on (its
   * views read bytes of later batches). Call it once every sink's write has settled.
   */
  release(): void {
    const { buffer } = this;
    this.buffer = EMPTY;
    this.offsets = new Uint32Array(1);
    this.keys.length = 0;
    this.end = 0;
    if (buffer.length <= MAX_SPARE_BYTES && buffer.length > (spare?.length ?? 0)) spare = buffer;
  }

  get length(): number {
    return this.keys.length;
  }

  /** Appends one record: its JSON text (written as UTF-8) and partition key. */
  add(json: string, partitionKey: string): void {
    this.reserve(json.length * 3); // worst case: 3 UTF-8 bytes per UTF-16 unit
    this.end += this.buffer.write(json, this.end, 'utf8');
    this.push(partitionKey);
  }

  /**
   * Appends one record that `encoder` writes straight into the batch's buffer (no string to
   * flatten and encode, no closure per record).
   */
  addEncoded<A, B>(encoder: RecordEncoder<A, B>, a: A, b: B, partitionKey: string): void {
    this.reserve(encoder.maxBytes(a));
    this.end = encoder.encodeInto(this.buffer, this.end, a, b);
    this.push(partitionKey);
  }

  addBytes(data: Uint8Array, partitionKey: string): void {
    this.reserve(data.byteLength);
    this.buffer.set(data, this.end);
    this.end += data.byteLength;
    this.push(partitionKey);
  }

  /** Record i's bytes (a view, valid as long as the batch). */
  data(index: number): Uint8Array {
    return this.buffer.subarray(this.offsets[index], this.offsets[index + 1]);
  }

  partitionKey(index: number): string {
    const key = this.keys[index];
    if (key === undefined) throw new RangeError(`no output record ${index} in a batch of ${this.length}`);
    return key;
  }

  /** Record i's JSON text. */
  text(index: number): string {
    return this.buffer.toString('utf8', this.offsets[index], this.offsets[index + 1]);
  }

  /** The records as `PutRecords` entries (views into this batch). */
  toRecords(): OutputRecord[] {
    return this.keys.map((partitionKey, index) => ({ data: this.data(index), partitionKey }));
  }

  private reserve(bytes: number): void {
    if (this.end + bytes > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.end + bytes));
      this.buffer.copy(grown, 0, 0, this.end);
      this.buffer = grown;
    }
    if (this.keys.length + 2 > this.offsets.length) {
      const grown = new Uint32Array(this.offsets.length * 2);
      grown.set(this.offsets);
      this.offsets = grown;
    }
  }

  private push(partitionKey: string): void {
    this.keys.push(partitionKey);
    this.offsets[this.keys.length] = this.end;
  }
}
