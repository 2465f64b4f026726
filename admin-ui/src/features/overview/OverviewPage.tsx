import { Link } from 'react-router';
import { useApi } from '../../api/context';
import { useResource } from '../../api/useResource';
import { LoadError } from '../../components/forms';
import { formatNumber, formatPercent, formatRate, formatUsd } from '../../components/format';
import { TimeSeriesChart } from '../../components/TimeSeriesChart';
import { listFleets } from '../fleets/api';
import { bucketTotals, getUsage, sumSeries, type UsageReport } from '../usage/api';
import { isUsageUnavailable } from '../usage/UsagePage';

function lastDay() {
  const to = new Date();
  const from = new Date(to.getTime() - 24 * 3600_000);
  const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return { from: iso(from), to: iso(to), granularity: 'hour' };
}

function TopList({ title, report }: { title: string; report: UsageReport }) {
  const top = report.series
    .map((s) => ({ group: s.group, totals: sumSeries(s) }))
    .sort((a, b) => b.totals.total_tokens - a.totals.total_tokens || b.totals.requests - a.totals.requests)
    .slice(0, 5);
  return (
    <div className="panel">
      <h2>{title}</h2>
      {top.length === 0 ? (
        <p>No traffic in the last 24 hours.</p>
      ) : (
        <table>
          <caption className="sr-only">{title}</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Requests</th>
              <th scope="col">Tokens</th>
              <th scope="col">Cost</th>
            </tr>
          </thead>
          <tbody>
            {top.map((t) => (
              <tr key={t.group}>
                <th scope="row">{t.group}</th>
                <td>{formatNumber(t.totals.requests)}</td>
                <td>{formatNumber(t.totals.total_tokens)}</td>
                <td>{formatUsd(t.totals.cost_usd)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function FleetHealth() {
  const api = useApi();
  const fleets = useResource(() => listFleets(api), []);
  const nodes = [...(fleets.data?.items.flatMap((f) => f.nodes) ?? []), ...(fleets.data?.unassigned_nodes ?? [])];
  const connected = nodes.filter((n) => n.connected).length;
  const nacks = nodes.filter((n) => n.last_nack !== null).length;
  return (
    <div className="panel">
      <h2>Fleet health</h2>
      <LoadError error={fleets.error} what="fleets" />
      {fleets.data && (
        <dl className="stats">
          <div>
            <dt>Fleets</dt>
            <dd>{fleets.data.items.length}</dd>
          </div>
          <div>
            <dt>Envoys connected</dt>
            <dd>
              {connected} of {nodes.length}
            </dd>
          </div>
          <div>
            <dt>Envoys with a rejected config</dt>
            <dd className={nacks > 0 ? 'error' : undefined}>{nacks}</dd>
          </div>
        </dl>
      )}
      <Link to="/fleets">See fleets</Link>
    </div>
  );
}

/** The last 24 hours at a glance: traffic charts, top keys and models, fleet health. */
export function OverviewPage() {
  const api = useApi();
  const byModel = useResource(() => getUsage(api, { ...lastDay(), group_by: 'model' }), []);
  const byKey = useResource(() => getUsage(api, { ...lastDay(), group_by: 'key' }), []);
  const unavailable = isUsageUnavailable(byModel.error);
  const buckets = byModel.data ? bucketTotals(byModel.data) : [];
  const t = byModel.data?.totals;
  const range = byModel.data ? { from: byModel.data.from, to: byModel.data.to, granularity: byModel.data.granularity } : undefined;

  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">Overview</h1>
      <p className="help">Last 24 hours, hourly.</p>
      {unavailable && <p role="status">Usage data is not available on this gateway yet.</p>}
      {!unavailable && <LoadError error={byModel.error} what="usage" />}
      {t && (
        <dl className="stats">
          <div>
            <dt>Requests</dt>
            <dd>{formatNumber(t.requests)}</dd>
          </div>
          <div>
            <dt>Tokens</dt>
            <dd>{formatNumber(t.total_tokens)}</dd>
          </div>
          <div>
            <dt>Cost</dt>
            <dd>{formatUsd(t.cost_usd)}</dd>
          </div>
          <div>
            <dt>Error rate</dt>
            <dd>{t.requests > 0 ? formatPercent(t.errors / t.requests) : '—'}</dd>
          </div>
        </dl>
      )}
      {(byModel.data || (byModel.loading && !unavailable)) && (
        <div className="charts">
          <TimeSeriesChart title="Requests" loading={byModel.loading} range={range} series={[{ name: 'requests', points: buckets.map((b) => ({ start: b.start, value: b.requests })) }]} format={formatNumber} />
          <TimeSeriesChart title="Tokens" loading={byModel.loading} range={range} series={[{ name: 'tokens', points: buckets.map((b) => ({ start: b.start, value: b.total_tokens })) }]} format={formatNumber} />
          <TimeSeriesChart title="Cost" loading={byModel.loading} range={range} series={[{ name: 'cost', points: buckets.map((b) => ({ start: b.start, value: b.cost_usd })) }]} format={formatUsd} />
          <TimeSeriesChart
            title="Error rate"
            loading={byModel.loading}
            range={range}
            missing="gap"
            domain={[0, 1]}
            series={[{ name: 'error rate', points: buckets.map((b) => ({ start: b.start, value: b.requests > 0 ? b.errors / b.requests : null })) }]}
            format={formatRate}
          />
        </div>
      )}
      <div className="grid3">
        {byKey.data && <TopList title="Top keys" report={byKey.data} />}
        {byModel.data && <TopList title="Top models" report={byModel.data} />}
        <FleetHealth />
      </div>
    </section>
  );
}
