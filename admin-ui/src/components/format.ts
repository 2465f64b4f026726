export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace(/:\d\dZ$/, ' UTC');
}

export function formatNumber(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  return new Intl.NumberFormat('en-US').format(n);
}

/**
 * Money with the precision it needs: cents from $1 up, and below that three significant digits
 * (at least two decimals), so a cheap model's $0.000123 per request does not print as $0.0000.
 */
export function formatUsd(n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  const sign = n < 0 ? '-' : '';
  const a = Math.abs(n);
  if (a === 0) return '$0';
  if (a >= 1) return `${sign}$${a.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  const decimals = Math.min(12, Math.max(2, 2 - Math.floor(Math.log10(a))));
  let text = a.toFixed(decimals);
  // Trailing zeros past the cents say nothing ("$0.500" reads as "$0.50").
  while (text.endsWith('0') && text.length - text.indexOf('.') - 1 > 2) text = text.slice(0, -1);
  return `${sign}$${text}`;
}

export function formatPercent(n: number): string {
  return `${(n * 100).toFixed(1)}%`;
}

/** A rate on a chart: whole percents on the axis (0% ... 100%), one decimal otherwise. */
export function formatRate(n: number): string {
  const p = Math.round(n * 1000) / 10;
  return Number.isInteger(p) ? `${p}%` : `${p.toFixed(1)}%`;
}
