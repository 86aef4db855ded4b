/**
 * Runs tasks a few at a time, keeping `limit` in flight (not in fixed batches that wait for their
 * slowest), and never two with the same key at once (two scenarios of one caller would reset
 * each other's data). Results come back in the order of `items`.
 */
export async function inPool<T, R>(items: readonly T[], limit: number, keyOf: (item: T) => string,
  run: (item: T) => Promise<R>, onDone?: (result: R) => void): Promise<R[]> {
  const results = new Array<R>(items.length);
  const waiting = items.map((item, index) => ({ item, index, key: keyOf(item) }));
  const busy = new Set<string>();
  let active = 0;
  await new Promise<void>((resolve, reject) => {
    const next = () => {
      if (waiting.length === 0 && active === 0) return resolve();
      while (active < Math.max(1, limit)) {
        const i = waiting.findIndex((w) => !busy.has(w.key));
        if (i < 0) return;
        const [w] = waiting.splice(i, 1);
        busy.add(w!.key);
        active++;
        run(w!.item).then((result) => {
          results[w!.index] = result;
          onDone?.(result);
        }).then(() => {
          busy.delete(w!.key);
          active--;
          next();
        }, reject);
      }
    };
    next();
  });
  return results;
}
