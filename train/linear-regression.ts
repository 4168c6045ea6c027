/**
 * Least squares with an intercept on sparse features, the way sklearn's `LinearRegression`
 * (and `Ridge(solver='lsqr')` when alpha > 0) does it for sparse X: centre X implicitly with the
 * column means, centre y, solve, then intercept = ȳ − x̄·coef.
 */
import { cgls } from './cg.js';
import { SolverError } from './errors.js';
import { LSQR_DEFAULTS, lsqr } from './lsqr.js';
import { centeredOperator, columnMeans, dot } from './sparse.js';
import type { CsrMatrix, SolveResult, SolverName } from './types.js';

export interface FitOptions {
  /** Ridge penalty; 0 (default) is ordinary least squares. */
  readonly alpha?: number;
  /** `lsqr` (default, sklearn's path) or `cg` (conjugate gradients on the normal equations). */
  readonly solver?: SolverName;
  /** LSQR: atol = btol (default 1e-6, scipy's and so sklearn's); CG: relative residual (default 1e-10). */
  readonly tol?: number;
  /** Iteration cap (default 2 × columns). */
  readonly maxIterations?: number;
}

export interface LinearFit {
  readonly coef: Float64Array;
  readonly intercept: number;
  readonly solver: SolverName;
  readonly alpha: number;
  readonly tol: number;
  readonly solve: SolveResult;
}

/**
 * Fits y ≈ X·coef + intercept.
 *
 * @example
 * const fit = fitLinear(X, y); // sklearn LinearRegression().fit(X, y), early stop included
 */
export function fitLinear(X: CsrMatrix, y: Float64Array, options: FitOptions = {}): LinearFit {
  if (y.length !== X.rows) throw new SolverError(`fit: ${X.rows} rows but ${y.length} targets`);
  const alpha = options.alpha ?? 0;
  const solver = options.solver ?? 'lsqr';
  if (!(alpha >= 0) || !Number.isFinite(alpha)) throw new SolverError(`alpha must be a finite number >= 0, got ${alpha}`);
  const xOffset = columnMeans(X);
  let ySum = 0;
  for (let i = 0; i < y.length; i++) ySum += y[i] as number;
  const yOffset = ySum / y.length;
  const yCentered = y.map((v) => v - yOffset);
  const A = centeredOperator(X, xOffset);
  const iterLimit = options.maxIterations;
  let tol: number;
  let solve: SolveResult;
  if (solver === 'lsqr') {
    tol = options.tol ?? LSQR_DEFAULTS.atol;
    solve = lsqr(A, yCentered, { damp: Math.sqrt(alpha), atol: tol, btol: tol, ...(iterLimit === undefined ? {} : { iterLimit }) });
  } else {
    tol = options.tol ?? 1e-10;
    solve = cgls(A, yCentered, { alpha, tol, ...(iterLimit === undefined ? {} : { iterLimit }) });
  }
  const coef = solve.x;
  return { coef, intercept: yOffset - dot(xOffset, coef), solver, alpha, tol, solve };
}

/**
 * Scores rows as the runtime does: Σ coef·value over present features in ascending column order,
 * then + intercept.
 */
export function predictLinear(X: CsrMatrix, coef: Float64Array, intercept: number): Float64Array {
  const out = new Float64Array(X.rows);
  for (let i = 0; i < X.rows; i++) {
    let sum = 0;
    for (let k = X.indptr[i] as number; k < (X.indptr[i + 1] as number); k++) {
      sum += (X.data[k] as number) * (coef[X.indices[k] as number] as number);
    }
    out[i] = sum + intercept;
  }
  return out;
}
