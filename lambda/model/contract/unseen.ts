/**
 * Drift: rides scored with a one-hot value the model never saw (a new pick-up/drop-off pair, an
 * unknown location id), counted, with the first few distinct values kept as examples.
 */

/** What a tally says: the rides with unseen values, and a few of those values. */
export interface UnseenValues {
  /** Rides with at least one unseen value. */
  readonly rides: number;
  /** A few of the unseen features (`key<separator>value`), distinct, in the order first met. */
  readonly sample: readonly string[];
}

/**
 * @example
 * ```ts
 * const unseen = new UnseenTally();
 * unseen.add(encoder.unseen); // after each encoder.encode(ride)
 * unseen.rides;               // rides with at least one value the model never saw
 * ```
 */
export class UnseenTally implements UnseenValues {
  rides = 0;
  readonly sample: string[] = [];

  /** @param maxSample most distinct values kept as examples */
  constructor(private readonly maxSample = 10) {}

  /** Adds one ride's unseen values (the encoder's `unseen`); a ride with none adds nothing. */
  add(values: readonly string[]): void {
    if (values.length === 0) return;
    this.rides++;
    this.keep(values);
  }

  /** Adds another tally (the local pipeline sums its batches'). */
  merge(other: UnseenValues): void {
    this.rides += other.rides;
    this.keep(other.sample);
  }

  private keep(values: readonly string[]): void {
    for (const value of values) {
      if (this.sample.length >= this.maxSample) return;
      if (!this.sample.includes(value)) this.sample.push(value);
    }
  }
}
