// Describe job: the one endpoint that says how a backup or restore is going.
import { optionalText, requireString, type Transport } from './transport.ts';

export interface Job {
  jobId: string;
  status: string;
  /** Percent, as the API sends it (a string). */
  progress: string | undefined;
  reason: string | undefined;
}

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
