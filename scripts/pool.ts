// Runs independent tasks side by side, a few at a time (the benchmark and the chaos report).

/** Runs the tasks, `limit` at a time, starting them at least `gapMs` apart; results in order. */
export async function pool<T>(tasks: (() => Promise<T>)[], limit: number, gapMs = 0): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  let lastStart = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next++;
      const wait = lastStart + gapMs - Date.now();
      lastStart = Math.max(Date.now(), lastStart + gapMs);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      results[index] = await (tasks[index] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}
