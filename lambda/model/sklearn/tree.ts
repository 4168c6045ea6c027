/**
 * Decision trees as flat typed arrays (memory-light: a forest of thousands of nodes is a few
 * hundred kB). Read from `sklearn.tree._tree.Tree` state by field name and offset, so node records
 * of 56 bytes (scikit-learn < 1.3) and 64 bytes (with `missing_go_to_left`) both work.
 *
 * Traversal mirrors scikit-learn on sparse input: the feature value is cast to float32 and compared
 * `x <= threshold` (threshold float64), going left on true, until a leaf (`left_child == -1`).
 */
import { UnsupportedModelError } from '../errors.js';
import { describeValue } from '../pickle/index.js';
import type { NdArray, PyInstance } from '../pickle/index.js';
import { arrayAttr, attr, instanceOf, numberAttr } from './attrs.js';
import type { SparseRegressor } from './regressor.js';

const TREE_LEAF = -1;

/** One or more trees in shared arrays; tree `t` starts at node `roots[t]`. */
export class TreeEnsemble implements SparseRegressor {
  /** Dense per-column scratch for one row (float32-rounded values, zeros elsewhere). */
  private readonly x: Float64Array;

  constructor(
    readonly name: string,
    readonly featureCount: number,
    readonly roots: Int32Array,
    readonly left: Int32Array,
    readonly right: Int32Array,
    readonly feature: Int32Array,
    readonly threshold: Float64Array,
    readonly value: Float64Array,
  ) {
    this.x = new Float64Array(featureCount);
  }

  /** From a fitted DecisionTreeRegressor (one tree). */
  static fromPickle(obj: PyInstance): TreeEnsemble {
    return TreeEnsemble.fromEstimators(obj.className, [obj]);
  }

  /**
   * Several fitted DecisionTreeRegressors in one set of arrays; the score is their float64 sum in
   * this order divided by their number (RandomForestRegressor's `predict`).
   */
  static fromEstimators(name: string, estimators: readonly PyInstance[]): TreeEnsemble {
    const trees = estimators.map((est) => readTree(est));
    const featureCount = trees[0]?.nFeatures ?? 0;
    const odd = trees.findIndex((t) => t.nFeatures !== featureCount);
    if (odd >= 0) throw new UnsupportedModelError(`${name}: tree ${odd} reads ${trees[odd]!.nFeatures} features, tree 0 reads ${featureCount}`);
    const total = trees.reduce((s, t) => s + t.nodes, 0);
    const roots = new Int32Array(trees.length);
    const left = new Int32Array(total);
    const right = new Int32Array(total);
    const feature = new Int32Array(total);
    const threshold = new Float64Array(total);
    const value = new Float64Array(total);
    let base = 0;
    trees.forEach((t, k) => {
      roots[k] = base;
      for (let i = 0; i < t.nodes; i++) {
        const l = t.left[i] as number;
        left[base + i] = l === TREE_LEAF ? TREE_LEAF : base + l;
        right[base + i] = l === TREE_LEAF ? TREE_LEAF : base + (t.right[i] as number);
      }
      feature.set(t.feature, base);
      threshold.set(t.threshold, base);
      value.set(t.value, base);
      base += t.nodes;
    });
    return new TreeEnsemble(name, featureCount, roots, left, right, feature, threshold, value);
  }

  get nodeCount(): number {
    return this.left.length;
  }

  score(cols: Int32Array, vals: Float64Array, n: number): number {
    const { x, left, right, feature, threshold, value, roots } = this;
    // Later duplicates overwrite earlier ones, as scikit-learn's sparse apply does.
    for (let i = 0; i < n; i++) x[cols[i] as number] = Math.fround(vals[i] as number);
    let sum = 0;
    for (let t = 0; t < roots.length; t++) {
      let node = roots[t] as number;
      while ((left[node] as number) !== TREE_LEAF) {
        node = (x[feature[node] as number] as number) <= (threshold[node] as number) ? (left[node] as number) : (right[node] as number);
      }
      sum += value[node] as number;
    }
    for (let i = 0; i < n; i++) x[cols[i] as number] = 0;
    return roots.length === 1 ? sum : sum / roots.length;
  }
}

interface FlatTree {
  nFeatures: number;
  nodes: number;
  left: Int32Array;
  right: Int32Array;
  feature: Int32Array;
  threshold: Float64Array;
  value: Float64Array;
}

function readTree(est: PyInstance): FlatTree {
  const tree = attr(est, 'tree_');
  if (!instanceOf(tree, 'Tree')) throw new UnsupportedModelError(`DecisionTreeRegressor.tree_ is ${describeValue(tree)}`);
  const [nFeatures, , nOutputs] = tree.args;
  if (typeof nFeatures !== 'number' || nFeatures <= 0) throw new UnsupportedModelError(`Tree: bad n_features ${describeValue(nFeatures)}`);
  if (nOutputs !== 1) throw new UnsupportedModelError(`Tree: n_outputs ${describeValue(nOutputs)} is not supported (1 only)`);
  const nodeCount = numberAttr(tree, 'node_count');
  const nodes = arrayAttr(tree, 'nodes');
  const values = arrayAttr(tree, 'values');
  if (nodes.size !== nodeCount || nodes.shape.length !== 1 || nodeCount < 1) {
    throw new UnsupportedModelError(`Tree: node_count ${nodeCount} does not match nodes ${nodes.describe()}`);
  }
  if (values.shape[0] !== nodeCount || values.size < nodeCount) {
    throw new UnsupportedModelError(`Tree: values ${values.describe()} do not match ${nodeCount} nodes`);
  }
  // Leaf values must be float64, as scikit-learn's regression trees store them: anything else is a
  // model scikit-learn would not predict with as it stands.
  if (values.dtype.kind !== 'f' || values.dtype.itemSize !== 8) {
    throw new UnsupportedModelError(`Tree: values have dtype ${values.dtype.kind}${values.dtype.itemSize}, expected float64`);
  }
  const left = toInt32(nodes, 'left_child');
  const right = toInt32(nodes, 'right_child');
  const feature = toInt32(nodes, 'feature');
  const threshold = nodes.field('threshold');
  const all = values.toFloat64();
  const stride = values.size / nodeCount;
  const value = new Float64Array(nodeCount);
  for (let i = 0; i < nodeCount; i++) {
    value[i] = all[i * stride] as number;
    if (!Number.isFinite(value[i]!)) throw new UnsupportedModelError(`Tree: node ${i} has value ${value[i]}, not a finite number`);
    if (!Number.isFinite(threshold[i]!)) throw new UnsupportedModelError(`Tree: node ${i} has threshold ${threshold[i]}, not a finite number`);
  }
  // Children always come after their parent in scikit-learn's node order; checking it proves the
  // traversal terminates and stays in bounds, whatever a corrupt file says.
  for (let i = 0; i < nodeCount; i++) {
    const l = left[i] as number;
    if (l === TREE_LEAF) continue;
    const r = right[i] as number;
    const f = feature[i] as number;
    if (!(l > i && l < nodeCount && r > i && r < nodeCount)) {
      throw new UnsupportedModelError(`Tree: node ${i} has children ${l}, ${r} outside ${i + 1}..${nodeCount - 1}`);
    }
    if (!(f >= 0 && f < nFeatures)) throw new UnsupportedModelError(`Tree: node ${i} splits on feature ${f} of ${nFeatures}`);
  }
  return { nFeatures, nodes: nodeCount, left, right, feature, threshold, value };
}

function toInt32(nodes: NdArray, field: string): Int32Array {
  const raw = nodes.field(field);
  const out = new Int32Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i] as number;
    if (!Number.isInteger(v) || v < -2 || v > 0x7fffffff) throw new UnsupportedModelError(`Tree: ${field}[${i}] = ${v} is out of range`);
    out[i] = v;
  }
  return out;
}
