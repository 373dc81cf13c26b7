// Pages and the Link header, as GitHub writes them; list orders.
import { LINK_RELATIONS, PER_PAGE } from './quirks.ts';
import type { ListOrder } from './scenario.ts';

export interface Page<T> {
  items: T[];
  link?: string;
}

function positiveInt(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return n >= 1 ? n : undefined;
}

/** One page of `all` for the query's per_page and page; `linkBase` is the list's URL. */
export function paginate<T>(all: T[], query: URLSearchParams, linkBase: string): Page<T> {
  const perPage = Math.min(
    PER_PAGE.max,
    positiveInt(query.get('per_page') ?? undefined) ?? PER_PAGE.default,
  );
  const page = positiveInt(query.get('page') ?? undefined) ?? 1;
  const items = all.slice((page - 1) * perPage, page * perPage);
  const last = Math.max(1, Math.ceil(all.length / perPage));
  const target: Record<(typeof LINK_RELATIONS)[number], number | undefined> = {
    prev: page > 1 ? Math.min(page - 1, last) : undefined,
    next: page < last ? page + 1 : undefined,
    last: page < last ? last : undefined,
    first: page > 1 ? 1 : undefined,
  };
  const links = LINK_RELATIONS.flatMap((rel) => {
    const n = target[rel];
    if (n === undefined) return [];
    const q = new URLSearchParams(query);
    q.set('page', String(n));
    return [`<${linkBase}?${q.toString()}>; rel="${rel}"`];
  });
  return links.length ? { items, link: links.join(', ') } : { items };
}

/** A stable pseudo-random rank of an id (the same on every page of a listing). */
function rank(id: number, seed: number): number {
  let h = (Math.imul(id ^ seed, 2654435761) ^ (id / 4294967296)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 2246822507) >>> 0;
  return Math.imul(h ^ (h >>> 13), 3266489909) >>> 0;
}

export function ordered<T extends { id: number }>(items: T[], order: ListOrder, seed: number): T[] {
  const sorted = [...items].sort((a, b) => a.id - b.id);
  if (order === 'oldest') return sorted;
  if (order === 'newest') return sorted.reverse();
  return sorted.sort((a, b) => rank(a.id, seed) - rank(b.id, seed) || a.id - b.id);
}
