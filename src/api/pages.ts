// Every page of a v2 list endpoint. `count` is documented only as "the total number returned"
// (the overall total or this page's?), so it decides nothing here: pages are read while they come
// back full, and the first short or empty page is the last. Like every request, pages are spaced
// under the documented rate limit by the transport.
import { MalformedReplyError } from './errors.ts';
import type { Transport } from './transport.ts';

// Enough for any real cluster (5,000 items); stops a misbehaving server from paging us forever.
const MAX_PAGES = 50;
export const PAGE_SIZE = 100;

export async function readAllPages<T>(
  transport: Transport,
  path: string,
  query: Record<string, string>,
  /** The list's field in `data`: "backups", "clusters" … */
  field: string,
  toItem: (item: unknown, requestId: string | undefined, label: string) => T,
): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const search = new URLSearchParams({
      ...query,
      pageSize: String(PAGE_SIZE),
      currentPage: String(page),
    });
    const label = `GET ${path}?${search}`;
    const list = await transport.read(`${path}?${search}`, label, (reply) => {
      const entries = reply.data[field];
      if (!Array.isArray(entries)) {
        throw new MalformedReplyError(
          label,
          `reply has no "${field}" list`,
          reply.requestId,
          false,
        );
      }
      return entries.map((item: unknown) => toItem(item, reply.requestId, label));
    });
    items.push(...list);
    if (list.length < PAGE_SIZE) return items;
  }
  throw new MalformedReplyError(
    `GET ${path}`,
    `still full after ${MAX_PAGES} pages of ${PAGE_SIZE}: refusing to read more`,
    undefined,
    false,
  );
}
