// Building blocks of the job summaries. The summary is Markdown with HTML blocks: any text that
// may quote the server goes through escapeText here, once, and is placed inside an HTML block,
// where Markdown (links, images, emphasis) is not interpreted.
import * as core from '@actions/core';

/** 1536 → "1.5 KiB (1536 bytes)". */
export function formatSize(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${bytes} bytes`;
  return `${value.toFixed(1)} ${units[unit]} (${bytes} bytes)`;
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  // Markdown reads no structure from character references: no link or image can start.
  '[': '&#91;',
  ']': '&#93;',
};

/**
 * Server text as plain text in a summary cell, heading or paragraph, all of which are HTML
 * blocks: no markup gets through, and line breaks become <br>, so that the text never ends the
 * block it sits in (a blank line would, and what follows would be read as Markdown, links and
 * images included). Inside the block, Markdown is not interpreted; should the text land outside
 * one all the same, brackets are references (no link or image) and web addresses are broken up
 * (no autolink).
 */
export function escapeText(text: string): string {
  return text
    .replace(/[&<>"'[\]]/g, (c) => ENTITIES[c] ?? c)
    .replace(/:\/\//g, '&#58;//')
    .replace(/\bwww\./gi, (www) => `${www.slice(0, 3)}&#46;`)
    .replace(/\r\n|\r|\n/g, '<br>');
}

/** A paragraph of escaped text, as an HTML block. */
export function textBlock(text: string): string {
  return `<p>${escapeText(text)}</p>`;
}

/** The icon before a status, the same in every action's summary. */
export function statusIcon(status: string | undefined): string {
  switch (status) {
    case 'SUCCESSFUL':
      return '✅';
    case 'STARTED':
      return '🚀';
    case 'DRY_RUN':
      return '📝';
    case 'TIMED_OUT':
      return '⏱️';
    case 'UNKNOWN':
    case 'NOT_STARTED':
      return '❔';
    default:
      return '❌';
  }
}

/** A table of plain text (escaped when written); `heading` above it when given. */
export interface SummaryTable {
  heading?: string;
  columns: string[];
  rows: string[][];
}

/** What an action's job summary says, as plain text: the writer escapes all of it. */
export interface Summary {
  /** Chooses the icon before the title. */
  status: string | undefined;
  title: string;
  tables: SummaryTable[];
  /** Short paragraphs after the tables ("Time taken: 12s"). */
  notes?: string[];
  /** Links the action made itself (never from server text): http(s) URLs only. */
  links?: { label: string; url: string }[];
  /** On a failure: the error. */
  happened?: string;
  /** What to do next (after a failure, or after a success when there is something to do). */
  next?: string;
}

/**
 * Writes the job summary (when the runner provides one). Every piece of text may quote the
 * server: each is redacted, then escaped and placed inside an HTML block (see escapeText).
 */
export async function writeSummary(
  content: Summary,
  redact: (text: string) => string,
): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const summary = core.summary;
  const safe = (text: string): string => escapeText(redact(text));
  summary.addHeading(`${statusIcon(content.status)} ${safe(content.title)}`, 3);
  for (const table of content.tables) {
    if (table.heading !== undefined) summary.addHeading(safe(table.heading), 4);
    summary.addTable([
      table.columns.map((data) => ({ data: safe(data), header: true })),
      ...table.rows.map((row) => row.map(safe)),
    ]);
  }
  for (const note of content.notes ?? []) summary.addRaw(textBlock(redact(note)), true);
  for (const { label, url } of content.links ?? []) {
    if (!/^https?:\/\/[^\s"<>]+$/.test(url)) continue;
    summary.addRaw(`<p><a href="${escapeText(url)}">${escapeText(redact(label))}</a></p>`, true);
  }
  if (content.happened !== undefined) {
    summary.addHeading('What happened', 4).addRaw(textBlock(redact(content.happened)), true);
  }
  if (content.next !== undefined) {
    summary.addHeading('What to do next', 4).addRaw(textBlock(redact(content.next)), true);
  }
  await summary.write();
}
