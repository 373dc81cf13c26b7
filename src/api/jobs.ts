// Describe job: the one endpoint that says how a backup or restore is going, and the wait for a
// job's end that every action shares.
import { formatDuration, type Deadline } from '../core/deadline.ts';
import type { Log } from '../core/log.ts';
import { pollUntil, type PollInterval } from '../core/schedule.ts';
import { optionalText, requireString, type Transport } from './transport.ts';

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
  const reply = await transport.read(`/v2/jobs/${encodeURIComponent(jobId)}`, label);
  return {
    jobId,
    status: requireString(reply, 'status', label),
    progress: optionalText(reply.data.progress),
    reason: optionalText(reply.data.reason),
  };
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
    async () => {
      const job = await describeJob(transport, jobId);
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
