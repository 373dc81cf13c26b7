// A write that must not be repeated blindly: creating a backup, restoring a collection or a
// cluster, deleting a backup. Repeating one whose first attempt did happen makes a second backup,
// restore job or billed cluster, or reports a refusal for a delete that worked. So a write is
// sent again only when its failure proves the server did nothing (a 429, a refused connection),
// or when the server, asked afterwards, shows that nothing was made. After a reply that leaves
// the outcome open (lost, a 5xx, a timeout) or an accepted write with an unusable reply (`code:
// 0` without the ids), the caller's `prove` looks: it finds exactly the one object the write
// made (new since the list taken before it, in the same project, with the exact name), finds
// nothing, or cannot tell. Only the first two are acted on; the third is UNKNOWN, naming what
// may exist.
import { DeadlineExceededError } from '../core/deadline.ts';
import { errorMessage, namedError } from '../core/errors.ts';
import { ApiRequestError, EmptyReplyError, MalformedReplyError } from './errors.ts';
import type { Transport } from './transport.ts';

/** What the server shows after a write whose outcome was open. */
export type Proof<R> =
  /** Provably nothing was made: the write may be sent again. */
  | { found: 'nothing' }
  /** Exactly the one object this write made. */
  | { found: 'it'; item: R }
  /** Cannot be told: `why` names what may exist and how to check it. */
  | { found: 'unclear'; why: string };

/** A write may have happened, and nothing proves whether (or which object it made). */
export class WriteUnknownError extends namedError('WriteUnknownError') {}

export interface Write<T, R> {
  /** "the create of a backup of cluster in01-x": for messages. */
  what: string;
  /** One attempt. */
  send: () => Promise<T>;
  /** Looks at the server after an answer that left the outcome open (see Proof). */
  prove: (answer: ApiRequestError) => Promise<Proof<R>>;
}

export type Written<T, R> =
  | { sent: T }
  /** Found after `answer` left the outcome open: the write happened, its reply is lost. */
  | { proven: R; answer: ApiRequestError };

/** A 2xx `code: 0` reply without the ids the write should return: accepted, ids unknown. */
export function acceptedWithoutIds(error: unknown): boolean {
  return (
    (error instanceof EmptyReplyError || error instanceof MalformedReplyError) &&
    error.outcome === 'processed'
  );
}

/**
 * How writeOnce ended when the write may have happened: its outcome was not proven, or time ran
 * out while it was in flight.
 */
export function isOutcomeOpen(error: unknown): error is WriteUnknownError | DeadlineExceededError {
  return (
    error instanceof WriteUnknownError ||
    (error instanceof DeadlineExceededError && error.requestInFlight !== undefined)
  );
}

/**
 * Sends the write until it is answered, proven made, or proven not made and refused. Throws the
 * server's refusal (an ApiError, a final HTTP status) as it came, WriteUnknownError when the
 * outcome cannot be proven, and DeadlineExceededError (with `requestInFlight` set when the write
 * may have happened) when time runs out.
 */
export async function writeOnce<T, R>(
  transport: Transport,
  write: Write<T, R>,
): Promise<Written<T, R>> {
  for (let attempt = 0; ; attempt++) {
    let answer: ApiRequestError;
    try {
      return { sent: await write.send() };
    } catch (error) {
      if (!(error instanceof ApiRequestError)) throw error;
      answer = error;
    }
    if (answer.outcome === 'not-processed') {
      if (!answer.transient) throw answer;
      await transport.pauseBeforeRetry(answer, attempt);
      continue;
    }
    const accepted = acceptedWithoutIds(answer);
    // A refusal: the server understood and did nothing; the caller reads it.
    if (answer.outcome === 'processed' && !accepted) throw answer;

    let proof: Proof<R>;
    try {
      proof = await write.prove(answer);
    } catch (error) {
      if (error instanceof DeadlineExceededError) {
        throw new DeadlineExceededError(
          `${error.message}; ${write.what} may have happened all the same (${answer.message})`,
          write.what,
        );
      }
      throw new WriteUnknownError(
        `${write.what} may have happened (${answer.message}), and finding out failed too: ${errorMessage(error)}`,
      );
    }
    if (proof.found === 'it') return { proven: proof.item, answer };
    if (proof.found === 'unclear') {
      throw new WriteUnknownError(
        accepted
          ? `Zilliz Cloud accepted ${write.what}, but its reply cannot be used (${answer.message}): ${proof.why}`
          : `${write.what} may have happened (${answer.message}): ${proof.why}`,
      );
    }
    if (accepted) {
      throw new WriteUnknownError(
        `Zilliz Cloud accepted ${write.what} without a usable reply (${answer.message}), and what it made has not appeared: it may still appear`,
      );
    }
    if (!answer.transient) throw answer;
    transport.log.info(
      `${answer.message}; nothing ${write.what} would make has appeared, so it is sent again.`,
    );
    await transport.pauseBeforeRetry(answer, attempt);
  }
}
