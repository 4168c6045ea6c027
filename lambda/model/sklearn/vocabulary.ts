/**
 * DictVectorizer's `vocabulary_` (feature name → column) in the cheapest exact form: when it is
 * exactly `{feature_names_[i]: i}` with sorted names (what `DictVectorizer(sort=True)` always
 * writes), a binary search over the names, which costs nothing to build at cold start; otherwise a
 * Map built from the dict itself.
 */
import { quote } from '../../quote.js';
import { UnsupportedModelError } from '../errors.js';

export interface Vocabulary {
  readonly size: number;
  /** Column of a feature name, or -1. */
  column(name: string): number;
  /**
   * The names in column order.
   *
   * @throws {UnsupportedModelError} when some column has no name (two names share a column)
   */
  names(): readonly string[];
}

/** Names sorted strictly ascending (JS string order); column = position. */
export class SortedVocabulary implements Vocabulary {
  readonly size: number;
  constructor(private readonly sorted: readonly string[]) {
    this.size = sorted.length;
  }
  column(name: string): number {
    const names = this.sorted;
    let lo = 0;
    let hi = names.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const probe = names[mid] as string;
      if (probe === name) return mid;
      if (probe < name) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
  names(): readonly string[] {
    return this.sorted;
  }
}

export class MapVocabulary implements Vocabulary {
  readonly size: number;
  constructor(private readonly map: ReadonlyMap<string, number>) {
    this.size = map.size;
  }
  column(name: string): number {
    return this.map.get(name) ?? -1;
  }
  names(): readonly string[] {
    const names = new Array<string | undefined>(this.size).fill(undefined);
    for (const [name, column] of this.map) names[column] = name;
    const hole = names.indexOf(undefined);
    if (hole >= 0) throw new UnsupportedModelError(`DictVectorizer.vocabulary_ has no feature for column ${hole} (two names share a column)`);
    return names as string[];
  }
}

/** Whether `names` are all strings, in strictly ascending (JS string) order. */
export function isStrictlySorted(names: readonly unknown[]): boolean {
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    if (typeof name !== 'string') return false;
    if (i > 0 && !((names[i - 1] as string) < name)) return false;
  }
  return true;
}

/** Feature names in column order (our native artifact). */
export function vocabularyFromNames(names: readonly string[]): Vocabulary {
  if (isStrictlySorted(names)) return new SortedVocabulary(names);
  const map = new Map<string, number>();
  names.forEach((name, column) => {
    if (map.has(name)) throw new UnsupportedModelError(`duplicate feature name ${quote(name)}`);
    map.set(name, column);
  });
  return new MapVocabulary(map);
}
