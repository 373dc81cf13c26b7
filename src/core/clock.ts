// The action's clock for everything it times itself (its deadline, polling, rate limit,
// durations): the wall-clock time when the process started, moved on by the monotonic clock that
// timers run on. A wall clock that is set or jumps while the step runs (seen on virtual machines:
// seconds at once) then never shortens the timeout, nor lets two requests leave closer than the
// rate limit. Times compared with the server's (a backup's createTime, an HTTP date) use the wall
// clock itself, Date.now().
export function now(): number {
  return Math.floor(performance.timeOrigin + performance.now());
}
