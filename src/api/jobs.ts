// Describe job: the one endpoint that says how a backup or restore is going.
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
