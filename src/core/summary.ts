// Building blocks of the job summaries. The summary is Markdown with HTML blocks: any text that
// may quote the server goes through escapeText here, once, and is placed inside an HTML block,
// where Markdown (links, images, emphasis) is not interpreted.
import type * as core from '@actions/core';

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

/**
 * The closing sections of every action's summary: what happened (on a failure) and what to do
 * next, as escaped text blocks. Both are redacted first: they may quote the server.
 */
export function addClosingSections(
  summary: typeof core.summary,
  redact: (text: string) => string,
  { happened, next }: { happened?: string; next?: string },
): void {
  if (happened !== undefined) {
    summary.addHeading('What happened', 4).addRaw(textBlock(redact(happened)), true);
  }
  if (next !== undefined) {
    summary.addHeading('What to do next', 4).addRaw(textBlock(redact(next)), true);
  }
}
