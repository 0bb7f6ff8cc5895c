/** The first index whose value is not below `value`, in a list sorted by `valueOf` (binary search, O(log n)). */
export function sortedIndex<T>(list: readonly T[], value: number, valueOf: (item: T) => number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (valueOf(list[mid]!) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
