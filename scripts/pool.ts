// Runs independent tasks side by side, a few at a time (the benchmark and the chaos report).
import { setTimeout as sleep } from 'node:timers/promises';
import { forEachConcurrent } from '../src/core/pool.ts';

/** Runs the tasks, `limit` at a time, starting them at least `gapMs` apart; results in order. */
export async function pool<T>(tasks: (() => Promise<T>)[], limit: number, gapMs = 0): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let lastStart = 0;
  await forEachConcurrent(
    tasks.map((task, index) => ({ task, index })),
    limit,
    async ({ task, index }) => {
      const wait = lastStart + gapMs - Date.now();
      lastStart = Math.max(Date.now(), lastStart + gapMs);
      if (wait > 0) await sleep(wait);
      results[index] = await task();
    },
  );
  return results;
}
