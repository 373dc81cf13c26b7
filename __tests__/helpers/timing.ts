// The margins of the tests' wall-clock checks. A test bounds a time only where the code decides
// it (a timeout, a sleep, a rate limit, the polling schedule), and allows on top what a busy
// machine adds to a measurement, which the code does not decide.
//
// A test measures a duration with performance.now(), the monotonic clock that timers run on,
// not Date.now(): a machine's wall clock can be set while a test runs (on the 2-core machine
// these margins were measured on, it ran 0.5% fast and once jumped 4.7 s ahead during a 4 s
// test). Date.now() is for comparing with times the code or the simulator took from it.
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Added to an upper bound ("within X"): what a busy machine adds to a time measured around the
 * code under test, timers that fire late and processes that wait for a core. With two full runs
 * of the suite side by side on a 2-core machine, and up to four CPU-bound processes beside them,
 * a 10 ms timer fired 0.13 s late at the 99.9th percentile and 1.8 s late at worst (over 17
 * rounds of two runs): this is well above that. Each bound that uses it says why the failure it
 * is there to catch would still exceed it.
 */
export const BUSY_MS = 3_000;

/**
 * Taken from a lower bound ("not before X") measured between two clock readings that the wait
 * lies between: Date.now() and the timers' clock each round to the millisecond, so a wait of N ms
 * can measure a ms or two short. A busy machine only makes it longer.
 */
export const CLOCK_MS = 5;

/**
 * Waits until `condition()` holds, checking every 10 ms: for an event the code under test
 * causes, instead of sleeping a fixed time and hoping it has happened. The test's own timeout
 * is the limit.
 */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(10);
}
