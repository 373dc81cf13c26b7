// What to do next after the endings every action can meet, whatever it was doing: an input
// error, the step's timeout (the deadline or the watchdog), the runner cancelling the step.
// Each action says first what only it knows (see its report), then the API's common advice
// (api/advice.ts), then this.
import { DeadlineExceededError, formatDuration } from './deadline.ts';
import { InputError } from './inputs.ts';
import { StepCancelledError } from './lifecycle.ts';

export const INPUT_ADVICE =
  'Fix the inputs named above and re-run: nothing was sent to Zilliz Cloud.';

interface EndingContext {
  timeoutMs: number;
  /** What goes on in Zilliz Cloud after the step ends ("Backup b1 keeps running …"), if any. */
  stillRunning?: string;
  /** How to give the step more time, if there is more to say than the timeout input. */
  moreTime?: string;
}

/** Advice for the endings above; undefined for any other error. */
export function endingAdvice(error: unknown, context: EndingContext): string | undefined {
  const running = context.stillRunning ? ` ${context.stillRunning}` : '';
  if (error instanceof InputError) return INPUT_ADVICE;
  if (error instanceof DeadlineExceededError) {
    return (
      `The step ran out of its ${formatDuration(context.timeoutMs)} timeout.${running} ` +
      (context.moreTime ?? 'Raise the timeout input if the work needs more time, and re-run.')
    );
  }
  if (error instanceof StepCancelledError) {
    return `The run was cancelled.${running} Re-run the workflow when you want the step done.`;
  }
  return undefined;
}

/** The last resort, when nothing more precise is known. */
export function fallbackAdvice(stillRunning?: string): string {
  return `Read the error above; if it names a request id, quote it when contacting Zilliz support.${stillRunning ? ` ${stillRunning}` : ''}`;
}
