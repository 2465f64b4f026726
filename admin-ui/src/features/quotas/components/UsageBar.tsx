import { formatNumber, formatTime, formatUsd } from '../../../components/format';
import type { Quota } from '../api';

/** The current window's usage of a quota as a bar, and when the window resets. */
export function UsageBar({ quota, label }: { quota: Quota; label: string }) {
  const u = quota.usage;
  if (!u) return <span className="help">No usage data yet</span>;
  const fmt = quota.metric === 'cost_usd' ? formatUsd : formatNumber;
  const pct = quota.limit > 0 ? Math.min(100, (u.used / quota.limit) * 100) : 100;
  const level = pct >= 100 ? 'full' : pct >= 80 ? 'high' : 'ok';
  return (
    <div className="usage">
      <div
        className="bar"
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={quota.limit}
        aria-valuenow={Math.min(u.used, quota.limit)}
        aria-valuetext={`${fmt(u.used)} of ${fmt(quota.limit)} used`}
      >
        <div className={`fill ${level}`} style={{ width: `${pct}%` }} />
      </div>
      <span>
        {fmt(u.used)} / {fmt(quota.limit)} · resets {formatTime(u.resets_at)}
      </span>
    </div>
  );
}
