// Building blocks of the job summaries. Summary cells are HTML: any text that may quote the
// server goes through escapeHtml here, once.

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

/** Summary cells are HTML: server messages must not be able to inject markup. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
