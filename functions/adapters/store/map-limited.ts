/** Reads at most this many objects at once (S3 is happy with it; a folder too). */
const CONCURRENCY = 16;

/** f over items, at most `limit` at a time, results in order. */
export async function mapLimited<T, R>(
  items: readonly T[],
  f: (t: T) => Promise<R>,
  limit: number = CONCURRENCY,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await f(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
