// What a person sees in a terminal, from what the action writes for a runner: workflow commands
// shown the way a runner's log shows them, and the job summary's HTML as plain aligned text.

const ANNOTATIONS: Record<string, string> = {
  error: 'Error',
  warning: 'Warning',
  notice: 'Notice',
  group: '▸',
};

/** The data of a workflow command, unescaped (%25, %0D, %0A). */
function commandData(data: string): string {
  return data.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

/**
 * Workflow command lines as a runner's log shows them: annotations as "Error: …", groups as
 * their title; ::debug::, ::add-mask::, ::endgroup:: and the other commands hidden.
 */
export function asRunnerShows(text: string): string {
  return text.replace(
    /^::([a-z-]+)(?: [^:\n]*)?::(.*)\n?/gm,
    (_, command: string, data: string) => {
      const label = ANNOTATIONS[command];
      if (!label) return '';
      return `${label}${label === '▸' ? '' : ':'} ${commandData(data)}\n`;
    },
  );
}

function decodeEntities(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
    if (name.startsWith('#'))
      return String.fromCodePoint(Number(name.slice(1).replace(/^x/i, '0x')));
    return named[name.toLowerCase()] ?? entity;
  });
}

/** Text inside a block: line breaks kept, tags dropped, entities decoded. */
function inline(html: string): string {
  return decodeEntities(html.replace(/<br\s*\/?>/gi, '\n').replace(/<[^>]*>/g, '')).trim();
}

/** An HTML table as columns padded to their widest cell, a rule under the header row. */
function table(html: string): string {
  const rows = [...html.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/gi)].map(([, row = '']) => ({
    header: /<th[\s>]/i.test(row),
    cells: [...row.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/gi)].map(([, cell = '']) =>
      inline(cell).replace(/\s*\n\s*/g, ' '),
    ),
  }));
  const columns = Math.max(0, ...rows.map((row) => row.cells.length));
  const widths = Array.from({ length: columns }, (_, i) =>
    Math.max(0, ...rows.map((row) => (row.cells[i] ?? '').length)),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return rows
    .flatMap((row) =>
      row.header ? [line(row.cells), line(widths.map((w) => '─'.repeat(w)))] : [line(row.cells)],
    )
    .join('\n');
}

/** Anything else: list items and block ends as line breaks, other tags dropped. */
function flow(html: string): string {
  return decodeEntities(
    html
      .replace(/<li[^>]*>/gi, '\n- ')
      .replace(/<\/(p|div|ul|ol|pre|details|summary|blockquote)>|<br\s*\/?>/gi, '\n')
      .replace(/<[^>]*>/g, ''),
  );
}

/** The job summary (HTML and Markdown, as @actions/core writes it) as terminal text. */
export function summaryText(html: string): string {
  const blocks = html.split(/(<table[^>]*>[\s\S]*?<\/table>|<h[1-6][^>]*>[\s\S]*?<\/h[1-6]>)/i);
  const text = blocks
    .map((block) => {
      if (/^<table/i.test(block)) return `\n${table(block)}\n`;
      const heading = /^<h([1-6])/i.exec(block);
      if (heading) return Number(heading[1]) <= 3 ? `\n${inline(block)}\n` : `\n${inline(block)}:`;
      return flow(block);
    })
    .join('');
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
