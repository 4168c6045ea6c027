/**
 * Decision trees as flat typed arrays (memory-light: a forest of thousands of nodes is a few
 * hundred kB). A tree the pickle references more than once (one estimator, one `Tree` or one pair
 * of node and value arrays behind several estimators) is converted and stored once, its estimators
 * sharing its root, so a forest of 20,000 references to one tree holds one tree. Read from `sklearn.tree._tree.Tree` state by field name and offset, so node records
 * of 56 bytes (scikit-learn < 1.3) and 64 bytes (with `missing_go_to_left`) both work.
 *
 * Traversal mirrors scikit-learn on sparse input: the feature value is cast to float32 and compared
 * `x <= threshold` (threshold float64), going left on true, until a leaf (`left_child == -1`).
 */
import { UnsupportedModelError } from '../errors.js';
import { COST } from '../pickle/budget.js';
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
    return TreeEnsemble.fromEstimators(obj.className, [obj], undefined, false);
  }

  /**
   * Several fitted DecisionTreeRegressors in one set of arrays; the score is their float64 sum in
   * this order divided by their number (RandomForestRegressor's `predict`).
   */
  static fromEstimators(name: string, estimators: readonly PyInstance[], width?: number, indexed = true): TreeEnsemble {
    const reader = new TreeReader();
    // A refusal names the estimator it is about: one tree of a hundred is otherwise not to be found.
    const which = (i: number): string => (indexed ? `${name}.estimators_[${i}]` : name);
    const trees = estimators.map((est, i) => {
      try {
        return reader.read(est);
      } catch (cause) {
        if (!(cause instanceof UnsupportedModelError)) throw cause;
        // The reader's refusals start at `tree_`; others (a missing attribute) say their own path.
        throw new UnsupportedModelError(`${which(i)}${cause.message.startsWith('tree_') ? '.' : ': '}${cause.message}`, { cause });
      }
    });
    // Every tree must read the vectorizer's width (when given: the authority), else the first's.
    const featureCount = width ?? trees[0]?.nFeatures ?? 0;
    const odd = trees.findIndex((t) => t.nFeatures !== featureCount);
    if (odd >= 0) {
      const against = width === undefined ? `${which(0)} reads ${featureCount}` : `the DictVectorizer produces ${width}`;
      throw new UnsupportedModelError(`${which(odd)} reads ${trees[odd]?.nFeatures} features, ${against}`);
    }
    // Each distinct tree once, in order of first use; estimators of the same tree share its root.
    const unique = [...new Set(trees)];
    const total = unique.reduce((s, t) => s + t.nodes, 0);
    unique[0]?.budget.charge(COST.object * 6 + total * NODE_BYTES + trees.length * 4, `a tree ensemble of ${total} nodes`);
    const roots = new Int32Array(trees.length);
    const left = new Int32Array(total);
    const right = new Int32Array(total);
    const feature = new Int32Array(total);
    const threshold = new Float64Array(total);
    const value = new Float64Array(total);
    const bases = new Map<FlatTree, number>();
    let base = 0;
    for (const t of unique) {
      bases.set(t, base);
      for (let i = 0; i < t.nodes; i++) {
        const l = t.left[i] as number;
        left[base + i] = l === TREE_LEAF ? TREE_LEAF : base + l;
        right[base + i] = l === TREE_LEAF ? TREE_LEAF : base + (t.right[i] as number);
      }
      feature.set(t.feature, base);
      threshold.set(t.threshold, base);
      value.set(t.value, base);
      base += t.nodes;
    }
    trees.forEach((t, k) => (roots[k] = bases.get(t) as number));
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

/** Bytes a node costs in a {@link TreeEnsemble} (left, right, feature: int32; threshold, value: float64). */
const NODE_BYTES = 3 * 4 + 2 * 8;

interface FlatTree {
  /** The load budget the tree's arrays were charged to. */
  budget: NdArray['budget'];
  nFeatures: number;
  nodes: number;
  left: Int32Array;
  right: Int32Array;
  feature: Int32Array;
  threshold: Float64Array;
  value: Float64Array;
}

/**
 * Reads the trees of one ensemble, each distinct tree once: by estimator, then by `Tree` object,
 * then by its pair of node and value arrays (a `Tree` is nothing but those arrays and its sizes,
 * which are checked against them), so that no reference in the pickle converts a tree twice.
 */
class TreeReader {
  private readonly byObject = new Map<PyInstance, FlatTree>();
  private readonly byArrays = new Map<NdArray, Map<NdArray, Map<number, FlatTree>>>();

  read(est: PyInstance): FlatTree {
    const known = this.byObject.get(est);
    if (known) return known;
    const tree = attr(est, 'tree_');
    if (!instanceOf(tree, 'Tree')) throw new UnsupportedModelError(`tree_ is ${describeValue(tree)}`);
    let flat = this.byObject.get(tree);
    if (!flat) {
      flat = this.fromArrays(tree);
      this.byObject.set(tree, flat);
    }
    this.byObject.set(est, flat);
    return flat;
  }

  private fromArrays(tree: PyInstance): FlatTree {
    const [nFeatures, , nOutputs] = tree.args;
    if (typeof nFeatures !== 'number' || nFeatures <= 0) throw new UnsupportedModelError(`tree_: bad n_features ${describeValue(nFeatures)}`);
    if (nOutputs !== 1) throw new UnsupportedModelError(`tree_: n_outputs ${describeValue(nOutputs)} is not supported (1 only)`);
    const nodeCount = numberAttr(tree, 'node_count');
    const nodes = arrayAttr(tree, 'nodes');
    const values = arrayAttr(tree, 'values');
    let byValues = this.byArrays.get(nodes);
    if (!byValues) this.byArrays.set(nodes, (byValues = new Map()));
    let byFeatures = byValues.get(values);
    if (!byFeatures) byValues.set(values, (byFeatures = new Map()));
    const known = byFeatures.get(nFeatures);
    // The same arrays were checked against this node_count already only if it is theirs.
    if (known && known.nodes === nodeCount) return known;
    const flat = readTree(nFeatures, nodeCount, nodes, values);
    byFeatures.set(nFeatures, flat);
    return flat;
  }
}

function readTree(nFeatures: number, nodeCount: number, nodes: NdArray, values: NdArray): FlatTree {
  if (nodes.size !== nodeCount || nodes.shape.length !== 1 || nodeCount < 1) {
    throw new UnsupportedModelError(`tree_: node_count ${nodeCount} does not match nodes ${nodes.describe()}`);
  }
  if (values.shape[0] !== nodeCount || values.size < nodeCount) {
    throw new UnsupportedModelError(`tree_: values ${values.describe()} do not match ${nodeCount} nodes`);
  }
  // Leaf values must be float64, as scikit-learn's regression trees store them: anything else is a
  // model scikit-learn would not predict with as it stands.
  if (values.dtype.kind !== 'f' || values.dtype.itemSize !== 8) {
    throw new UnsupportedModelError(`tree_: values have dtype ${values.dtype.kind}${values.dtype.itemSize}, expected float64`);
  }
  nodes.budget.charge(COST.object * 3 + nodeCount * (3 * 4 + 8), `the ${nodeCount} nodes of a tree`);
  const left = toInt32(nodes, 'left_child');
  const right = toInt32(nodes, 'right_child');
  const feature = toInt32(nodes, 'feature');
  const threshold = nodes.field('threshold');
  const all = values.toFloat64();
  const stride = values.size / nodeCount;
  const value = new Float64Array(nodeCount);
  for (let i = 0; i < nodeCount; i++) {
    value[i] = all[i * stride] as number;
    if (!Number.isFinite(value[i]!)) throw new UnsupportedModelError(`tree_: node ${i} has value ${value[i]}, not a finite number`);
    if (!Number.isFinite(threshold[i]!)) throw new UnsupportedModelError(`tree_: node ${i} has threshold ${threshold[i]}, not a finite number`);
  }
  // Children always come after their parent in scikit-learn's node order; checking it proves the
  // traversal terminates and stays in bounds, whatever a corrupt file says.
  for (let i = 0; i < nodeCount; i++) {
    const l = left[i] as number;
    if (l === TREE_LEAF) continue;
    const r = right[i] as number;
    const f = feature[i] as number;
    if (!(l > i && l < nodeCount && r > i && r < nodeCount)) {
      throw new UnsupportedModelError(`tree_: node ${i} has children ${l}, ${r} outside ${i + 1}..${nodeCount - 1}`);
    }
    if (!(f >= 0 && f < nFeatures)) throw new UnsupportedModelError(`tree_: node ${i} splits on feature ${f} of ${nFeatures}`);
  }
  return { budget: nodes.budget, nFeatures, nodes: nodeCount, left, right, feature, threshold, value };
}

function toInt32(nodes: NdArray, field: string): Int32Array {
  const raw = nodes.field(field);
  const out = new Int32Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i] as number;
    if (!Number.isInteger(v) || v < -2 || v > 0x7fffffff) throw new UnsupportedModelError(`tree_: ${field}[${i}] = ${v} is out of range`);
    out[i] = v;
  }
  return out;
}
