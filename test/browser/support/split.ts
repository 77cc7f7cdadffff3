/** Cuts a sequence of `length` items at the given offsets (taken modulo length + 1): the pieces' [start, end) ranges. */
export function cutRanges(length: number, offsets: readonly number[]): Array<[number, number]> {
  const points = [...new Set(offsets.map((o) => o % (length + 1)))].sort((a, b) => a - b);
  const ranges: Array<[number, number]> = [];
  let from = 0;
  for (const point of [...points, length]) {
    ranges.push([from, point]);
    from = point;
  }
  return ranges;
}
