/** Shapes shared by the trainer's steps: trips, the sparse design matrix, solver results. */

/** One ride month after the course's preparation, column-wise. */
export interface TripTable {
  /** Where the rows came from (path), for metadata. */
  readonly source: string;
  readonly puLocationId: Int32Array;
  readonly doLocationId: Int32Array;
  readonly tripDistance: Float64Array;
  /** dropoff − pickup in minutes (float), already filtered to the kept range. */
  readonly duration: Float64Array;
  /** Rows read from the file before filtering. */
  readonly rowsRead: number;
  /** Rows dropped because a model column was null. */
  readonly rowsWithNulls: number;
  /** Rows dropped by the duration filter. */
  readonly rowsOutOfRange: number;
}

/** Compressed sparse rows, as scipy's `csr_matrix`: row i holds `indices/data[indptr[i]..indptr[i+1])`. */
export interface CsrMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly data: Float64Array;
}

/**
 * A linear map given only by its products, like scipy's `LinearOperator`: the solvers never see
 * a matrix, so centring can stay implicit.
 */
export interface LinearOperator {
  readonly rows: number;
  readonly cols: number;
  /** out = A · x (length `rows`). */
  matvec(x: Float64Array): Float64Array;
  /** out = Aᵀ · y (length `cols`). */
  rmatvec(y: Float64Array): Float64Array;
}

/** Solver that produced a fit. */
export type SolverName = 'lsqr' | 'cg';

/** What a least-squares solve returns. */
export interface SolveResult {
  readonly x: Float64Array;
  readonly iterations: number;
  /** Machine-readable reason it stopped (scipy's `istop` for LSQR). */
  readonly stopCode: number;
  /** Human-readable stopping rule that fired. */
  readonly stopReason: string;
  /** True when the stop came from the tolerance tests, false when the iteration limit hit. */
  readonly converged: boolean;
  /** ‖Aᵀr‖ estimate (LSQR) or exact (CG) at the end. */
  readonly normalEquationResidual: number;
}
