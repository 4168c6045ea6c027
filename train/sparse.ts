/**
 * Sparse products and the implicitly centred design matrix sklearn's `LinearRegression` hands to
 * scipy's `lsqr` for sparse input with `fit_intercept=True` (X − 1·x̄ᵀ, never materialised).
 */
import type { CsrMatrix, LinearOperator } from './types.js';

/** X · x with scipy's `csr_matvec` summation order (row by row, entries in stored order). */
export function csrMatvec(X: CsrMatrix, x: Float64Array): Float64Array {
  const out = new Float64Array(X.rows);
  for (let i = 0; i < X.rows; i++) {
    let sum = 0;
    for (let k = X.indptr[i] as number; k < (X.indptr[i + 1] as number); k++) {
      sum += (X.data[k] as number) * (x[X.indices[k] as number] as number);
    }
    out[i] = sum;
  }
  return out;
}

/** Xᵀ · y, accumulating each column in row order as scipy's `csc_matvec` on `X.T` does. */
export function csrRmatvec(X: CsrMatrix, y: Float64Array): Float64Array {
  const out = new Float64Array(X.cols);
  for (let i = 0; i < X.rows; i++) {
    const yi = y[i] as number;
    for (let k = X.indptr[i] as number; k < (X.indptr[i + 1] as number); k++) {
      const c = X.indices[k] as number;
      out[c] = (out[c] as number) + (X.data[k] as number) * yi;
    }
  }
  return out;
}

/** Column means of X (sklearn's `X_offset` for unweighted samples). */
export function columnMeans(X: CsrMatrix): Float64Array {
  const sums = new Float64Array(X.cols);
  for (let k = 0; k < X.data.length; k++) {
    const c = X.indices[k] as number;
    sums[c] = (sums[c] as number) + (X.data[k] as number);
  }
  for (let c = 0; c < X.cols; c++) sums[c] = (sums[c] as number) / X.rows;
  return sums;
}

/** Σ a[i]·b[i]. */
export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/** Euclidean norm, as `np.linalg.norm` of a vector (√(x·x)). */
export function norm2(x: Float64Array): number {
  return Math.sqrt(dot(x, x));
}

/**
 * The centred operator X − 1·offsetᵀ, exactly the `LinearOperator` sklearn builds:
 * `matvec(b) = X·b − b·offset`, `rmatvec(u) = Xᵀu − offset·Σu`.
 */
export function centeredOperator(X: CsrMatrix, offset: Float64Array): LinearOperator {
  return {
    rows: X.rows,
    cols: X.cols,
    matvec(b) {
      const out = csrMatvec(X, b);
      const shift = dot(b, offset);
      for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) - shift;
      return out;
    },
    rmatvec(u) {
      const out = csrRmatvec(X, u);
      let total = 0;
      for (let i = 0; i < u.length; i++) total += u[i] as number;
      for (let c = 0; c < out.length; c++) out[c] = (out[c] as number) - (offset[c] as number) * total;
      return out;
    },
  };
}

/** The operator of X itself (no intercept). */
export function plainOperator(X: CsrMatrix): LinearOperator {
  return { rows: X.rows, cols: X.cols, matvec: (b) => csrMatvec(X, b), rmatvec: (u) => csrRmatvec(X, u) };
}
