// Describe job: the one endpoint that says how a backup or restore is going, and the wait for a
// job's end that every action shares.
import { formatDuration, type Deadline } from '../core/deadline.ts';
import type { Log } from '../core/log.ts';
import { pollUntil, type PollInterval } from '../core/schedule.ts';
import { MalformedReplyError } from './errors.ts';
import { optionalText, requireString, type Transport } from './transport.ts';

/** Job statuses are words in capitals; anything else is not a status. */
const STATUS = /^[A-Z][A-Z_]{0,39}$/;
/** Progress is a number of percent (a string in the API). */
const PROGRESS = /^\d{1,3}(\.\d+)?$/;

export interface Job {
  jobId: string;
  status: string;
  /** Percent, as the API sends it (a string). */
  progress: string | undefined;
  reason: string | undefined;
}

/** The console's cancel, in every spelling seen (the API enum lists only CANCELING). */
export const CANCEL_STATUSES = new Set(['CANCELING', 'CANCELED', 'CANCELLED']);
const DOCUMENTED_JOB_STATUSES = new Set([
  'PENDING',
  'IN_PROGRESS',
  'SUCCESSFUL',
  'FAILED',
  ...CANCEL_STATUSES,
]);

export async function describeJob(transport: Transport, jobId: string): Promise<Job> {
  const label = `GET /v2/jobs/${jobId}`;
  return transport.read(`/v2/jobs/${encodeURIComponent(jobId)}`, label, (reply) => {
    const status = requireString(reply, 'status', label);
    if (!STATUS.test(status)) {
      throw new MalformedReplyError(
        label,
        `reply field "status" is not a job status: ${JSON.stringify(status.slice(0, 40))}`,
        reply.requestId,
        false,
      );
    }
    const progress = optionalText(reply.data.progress);
    return {
      jobId,
      status,
      progress: progress !== undefined && PROGRESS.test(progress) ? progress : undefined,
      reason: optionalText(reply.data.reason)?.slice(0, 500),
    };
  });
}

export interface JobWait {
  deadline: Deadline;
  log: Log;
  interval?: PollInterval;
}

/**
 * Polls the job until it ends (SUCCESSFUL, FAILED or cancelled) and returns its last state;
 * logs every change of status or progress. DeadlineExceededError when the timeout passes first.
 */
export async function waitForJobEnd(
  transport: Transport,
  jobId: string,
  { deadline, log, interval }: JobWait,
): Promise<Job> {
  const started = Date.now();
  let last = '';
  return pollUntil(
    deadline,
    `job ${jobId}`,
    async (reportProgress) => {
      const job = await describeJob(transport, jobId);
      // The schedule forecasts the job's end from its progress, and checks around it.
      reportProgress(job.progress);
      const line = `${job.status}${job.progress ? ` ${job.progress}%` : ''}`;
      if (line !== last) {
        last = line;
        const unknown = !DOCUMENTED_JOB_STATUSES.has(job.status);
        log.info(
          `Job ${jobId}: ${line} (${formatDuration(Date.now() - started)} elapsed)` +
            (unknown ? ' — an undocumented status, still waiting' : ''),
        );
      }
      const ended =
        job.status === 'SUCCESSFUL' || job.status === 'FAILED' || CANCEL_STATUSES.has(job.status);
      return ended ? job : undefined;
    },
    interval,
  );
}
