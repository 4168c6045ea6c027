/**
 * A batch's output records: each prediction event's UTF-8 JSON and its partition key, in the order
 * the batch produced them. Sinks refer to records by their index in the batch when they report
 * failures.
 *
 * The JSON texts are encoded a few hundred at a time: one `Buffer.from` of the joined texts, each
 * record a part of it. A `Buffer.from` per record cost a native call and a Buffer's construction
 * each; keeping every text until a sink reads the batch kept a batch's worth of strings alive
 * through the young generation's collections, which then copied them (about a tenth of the
 * handler's time per record either way).
 */
import { Buffer } from 'node:buffer';
import type { OutputRecord } from './types.js';

/** Texts encoded together: a few kilobytes per `Buffer.from`, few enough to die young. */
const TEXTS_PER_ENCODING = 256;

export class OutputBatch {
  /** Record i's bytes are `buffers[i]` from `starts[i]` to `ends[i]`. */
  private readonly buffers: Uint8Array[] = [];
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly keys: string[] = [];
  /** Texts added and not yet encoded: the batch's last records. */
  private pending: string[] = [];

  /** Builds a batch from ready records (tests, other producers). */
  static of(records: readonly OutputRecord[]): OutputBatch {
    const batch = new OutputBatch();
    for (const record of records) batch.addBytes(record.data, record.partitionKey);
    return batch;
  }

  get length(): number {
    return this.keys.length;
  }

  /** Appends one record: its JSON text (written as UTF-8) and partition key. */
  add(json: string, partitionKey: string): void {
    this.keys.push(partitionKey);
    this.pending.push(json);
    if (this.pending.length === TEXTS_PER_ENCODING) this.encodePending();
  }

  addBytes(data: Uint8Array, partitionKey: string): void {
    this.encodePending();
    this.keys.push(partitionKey);
    this.buffers.push(data);
    this.starts.push(0);
    this.ends.push(data.byteLength);
  }

  /** Record i's bytes. */
  data(index: number): Uint8Array {
    this.check(index);
    this.encodePending();
    return this.bytes(index);
  }

  partitionKey(index: number): string {
    this.check(index);
    return this.keys[index]!;
  }

  /** Record i's JSON text. */
  text(index: number): string {
    const bytes = this.data(index);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'); // a view, not a copy
  }

  /**
   * The records as `PutRecords` entries.
   *
   * @example
   * ```ts
   * const batch = new OutputBatch();
   * batch.add('{"a":1}', '256');
   * batch.toRecords(); // [{ data: Uint8Array(7) [123, 34, 97, 34, 58, 49, 125], partitionKey: '256' }]
   * ```
   */
  toRecords(): OutputRecord[] {
    this.encodePending();
    const records: OutputRecord[] = new Array(this.length);
    for (let i = 0; i < records.length; i++) records[i] = { data: this.bytes(i), partitionKey: this.keys[i]! };
    return records;
  }

  /** A plain view of record i's bytes: a Buffer view (subarray) would cost a Buffer's construction. */
  private bytes(index: number): Uint8Array {
    const buffer = this.buffers[index]!;
    const start = this.starts[index]!;
    const end = this.ends[index]!;
    return start === 0 && end === buffer.byteLength ? buffer : new Uint8Array(buffer.buffer, buffer.byteOffset + start, end - start);
  }

  private encodePending(): void {
    const texts = this.pending;
    if (texts.length === 0) return;
    this.pending = [];
    const joined = texts.join('');
    const buffer = Buffer.from(joined, 'utf8');
    // UTF-8 takes one byte per UTF-16 code unit exactly when every unit is ASCII: then each text's
    // bytes are its length, one after the other. Otherwise (a version or ride id that is not
    // ASCII) each text is encoded on its own.
    const ascii = buffer.length === joined.length;
    let start = 0;
    for (const text of texts) {
      const bytes = ascii ? buffer : Buffer.from(text, 'utf8');
      this.buffers.push(bytes);
      this.starts.push(ascii ? start : 0);
      this.ends.push(ascii ? start + text.length : bytes.length);
      start += text.length;
    }
  }

  private check(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) throw new RangeError(`no output record ${index} in a batch of ${this.length}`);
  }
}
