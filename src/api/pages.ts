// Every page of a v2 list endpoint. `count` is documented only as "the total number returned"
// (the overall total or this page's?), so neither it nor a short page alone decides when to stop:
// pages are read while they come back full, or while a numeric `count` (a number or a string of
// digits) says more entries remain than have been read; an empty page always ends the list, and
// MAX_PAGES bounds a server that pages forever. A server that returns fewer entries per page
// than asked is read whole that way.
//
// Offset paging over a list that changes while it is read (a backup created meanwhile pushes
// every entry one place down) repeats an entry on the next page: entries are deduplicated by id,
// the first seen wins. Like every request, pages are spaced under the rate limit by the
// transport.
import { MalformedReplyError } from './errors.ts';
import { optionalCount } from './reply.ts';
import type { Transport } from './transport.ts';

// Enough for any real cluster (5,000 items); stops a misbehaving server from paging us forever.
const MAX_PAGES = 50;
export const PAGE_SIZE = 100;

export interface Page<T> {
  /** Distinct by id, in the order first seen. */
  items: T[];
  /** Entries seen again (same id) and dropped. */
  duplicates: number;
}

export async function readAllPages<T>(
  transport: Transport,
  path: string,
  query: Record<string, string>,
  /** The list's field in `data`: "backups", "clusters" … */
  field: string,
  toItem: (item: unknown, requestId: string | undefined, label: string) => T,
  idOf: (item: T) => string,
): Promise<Page<T>> {
  const seen = new Map<string, T>();
  let read = 0;
  for (let page = 1; page <= MAX_PAGES; page++) {
    const search = new URLSearchParams({
      ...query,
      pageSize: String(PAGE_SIZE),
      currentPage: String(page),
    });
    const label = `GET ${path}?${search}`;
    const { list, count } = await transport.read(`${path}?${search}`, label, (reply) => {
      const entries = reply.data[field];
      if (!Array.isArray(entries)) {
        throw new MalformedReplyError(
          label,
          `reply has no "${field}" list`,
          reply.requestId,
          false,
        );
      }
      return {
        list: entries.map((item: unknown) => toItem(item, reply.requestId, label)),
        count: optionalCount(reply.data.count),
      };
    });
    read += list.length;
    // First seen wins: an entry repeated by a shifted page is not read again.
    for (const item of list) {
      const id = idOf(item);
      if (!seen.has(id)) seen.set(id, item);
    }
    const full = list.length >= PAGE_SIZE;
    const moreCounted = count !== undefined && count > read;
    if (list.length === 0 || !(full || moreCounted))
      return { items: [...seen.values()], duplicates: read - seen.size };
  }
  throw new MalformedReplyError(
    `GET ${path}`,
    `still not at its end after ${MAX_PAGES} pages of ${PAGE_SIZE}: refusing to read more`,
    undefined,
    false,
  );
}
