// Describe job: the one endpoint that says how a backup or restore is going, and the wait for a
// job's end that every action shares.
import type { Log } from '../core/log.ts';
import { watch, type PollInterval } from '../core/schedule.ts';
import { optionalText, requireString, statusShape } from './reply.ts';
import type { Transport } from './transport.ts';

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

export interface JobWait {
  log: Log;
  interval?: PollInterval;
}

export interface JobEndpoints {
  describe(jobId: string): Promise<Job>;
  /**
   * Polls the job until it ends (SUCCESSFUL, FAILED or cancelled) and returns its last state;
   * logs every change of status or progress. DeadlineExceededError when the timeout passes first.
   */
  waitForEnd(jobId: string, wait: JobWait): Promise<Job>;
}

const JOB_STATUS = statusShape('job');

export function jobEndpoints(transport: Transport): JobEndpoints {
  const describe = (jobId: string): Promise<Job> => {
    const label = `GET /v2/jobs/${jobId}`;
    return transport.read(`/v2/jobs/${encodeURIComponent(jobId)}`, label, (reply) => {
      const progress = optionalText(reply.data.progress);
      return {
        jobId,
        status: requireString(reply, 'status', label, JOB_STATUS),
        progress: progress !== undefined && PROGRESS.test(progress) ? progress : undefined,
        reason: optionalText(reply.data.reason)?.slice(0, 500),
      };
    });
  };
  return {
    describe,
    waitForEnd: (jobId, { log, interval }) =>
      watch({
        deadline: transport.deadline,
        log,
        interval,
        what: `job ${jobId}`,
        look: () => describe(jobId),
        // The schedule forecasts the job's end from its progress, and checks around it.
        progress: (job) => job.progress,
        describe: (job) =>
          `Job ${jobId}: ${job.status}${job.progress ? ` ${job.progress}%` : ''}` +
          (DOCUMENTED_JOB_STATUSES.has(job.status)
            ? ''
            : ' — an undocumented status, still waiting'),
        ended: (job) =>
          job.status === 'SUCCESSFUL' || job.status === 'FAILED' || CANCEL_STATUSES.has(job.status)
            ? job
            : undefined,
      }),
  };
}
