import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client';
import { useApi } from '../../api/context';
import { useResource } from '../../api/useResource';
import { LoadError } from '../../components/forms';
import { downloadText } from '../../components/download';
import { formatNumber, formatTime, formatUsd } from '../../components/format';
import { Pager } from '../../components/Pager';
import { TimeSeriesChart } from '../../components/TimeSeriesChart';
import { getUsage, listUsageRequests, sumSeries, usageToCsv, type GroupBy, type Granularity, type UsageCounts } from './api';

const LIMIT = 50;

interface Filters {
  key: string;
  team: string;
  model: string;
  provider: string;
  from: string;
  to: string;
  group_by: GroupBy;
  granularity: Granularity;
}

function localInput(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function toUtc(local: string): string | undefined {
  if (!local) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function defaults(): Filters {
  const now = new Date();
  return {
    key: '',
    team: '',
    model: '',
    provider: '',
    from: localInput(new Date(now.getTime() - 24 * 3600_000)),
    to: '',
    group_by: 'model',
    granularity: 'hour',
  };
}

const METRIC_LABELS: Record<keyof UsageCounts, string> = {
  requests: 'Requests',
  errors: 'Errors',
  input_tokens: 'Input tokens',
  output_tokens: 'Output tokens',
  total_tokens: 'Total tokens',
  cost_usd: 'Cost (USD)',
};

/** True when the gateway has no usage endpoint yet (the usage feature is not in). */
export function isUsageUnavailable(e: unknown) {
  return e instanceof ApiError && e.status === 404;
}

/** Usage by key, team, model or provider over a time range: charts, a table, CSV, and requests. */
export function UsagePage() {
  const api = useApi();
  const [draft, setDraft] = useState<Filters>(defaults);
  const [applied, setApplied] = useState<Filters>(draft);
  const [metric, setMetric] = useState<keyof UsageCounts>('total_tokens');
  const [offset, setOffset] = useState(0);
  const query = {
    key: applied.key,
    team: applied.team,
    model: applied.model,
    provider: applied.provider,
    from: toUtc(applied.from),
    to: toUtc(applied.to),
  };
  const report = useResource(() => getUsage(api, { ...query, group_by: applied.group_by, granularity: applied.granularity }), [applied]);
  const requests = useResource(() => listUsageRequests(api, { ...query, limit: LIMIT, offset }), [applied, offset]);

  function onApply(e: FormEvent) {
    e.preventDefault();
    setOffset(0);
    setApplied({ ...draft });
  }

  const set = (k: keyof Filters) => (e: { target: { value: string } }) => setDraft({ ...draft, [k]: e.target.value });
  const unavailable = isUsageUnavailable(report.error);
  const fmt = metric === 'cost_usd' ? formatUsd : formatNumber;

  return (
    <section aria-labelledby="usage-title">
      <h1 id="usage-title">Usage</h1>
      <form className="filters" onSubmit={onApply} aria-label="Usage filters">
        <label>
          Key
          <input value={draft.key} onChange={set('key')} placeholder="name or id" />
        </label>
        <label>
          Team
          <input value={draft.team} onChange={set('team')} placeholder="name or id" />
        </label>
        <label>
          Model
          <input value={draft.model} onChange={set('model')} />
        </label>
        <label>
          Provider
          <input value={draft.provider} onChange={set('provider')} />
        </label>
        <label>
          From
          <input type="datetime-local" value={draft.from} onChange={set('from')} />
        </label>
        <label>
          To
          <input type="datetime-local" value={draft.to} onChange={set('to')} />
        </label>
        <label>
          Group by
          <select value={draft.group_by} onChange={set('group_by')}>
            <option value="model">model</option>
            <option value="key">key</option>
            <option value="team">team</option>
            <option value="provider">provider</option>
          </select>
        </label>
        <label>
          Granularity
          <select value={draft.granularity} onChange={set('granularity')}>
            <option value="hour">hour</option>
            <option value="day">day</option>
          </select>
        </label>
        <button type="submit">Apply filters</button>
      </form>

      {unavailable ? (
        <p role="status">Usage data is not available on this gateway yet.</p>
      ) : (
        <>
          <LoadError error={report.error} what="usage" />
          {report.data && (
            <>
              <div className="page-head">
                <label>
                  Chart metric
                  <select value={metric} onChange={(e) => setMetric(e.target.value as keyof UsageCounts)}>
                    {Object.entries(METRIC_LABELS).map(([k, l]) => (
                      <option key={k} value={k}>
                        {l}
                      </option>
                    ))}
                  </select>
                </label>
                <button type="button" onClick={() => downloadText(`usage-by-${report.data!.group_by}.csv`, usageToCsv(report.data!), 'text/csv')}>
                  Export CSV
                </button>
              </div>
              <TimeSeriesChart
                title={`${METRIC_LABELS[metric]} by ${report.data.group_by}`}
                series={report.data.series.map((s) => ({ name: s.group, points: s.points.map((p) => ({ start: p.start, value: p[metric] })) }))}
                range={{ from: report.data.from, to: report.data.to, granularity: report.data.granularity }}
                format={fmt}
              />
              <div className="table-wrap">
                <table>
                  <caption>Totals by {report.data.group_by}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{report.data.group_by}</th>
                      <th scope="col">Requests</th>
                      <th scope="col">Errors</th>
                      <th scope="col">Input tokens</th>
                      <th scope="col">Output tokens</th>
                      <th scope="col">Total tokens</th>
                      <th scope="col">Cost</th>
                    </tr>
                  </thead>
                  <tbody>
                    {report.data.series.map((s) => {
                      const t = sumSeries(s);
                      return (
                        <tr key={s.group_id ?? s.group}>
                          <th scope="row">{s.group}</th>
                          <td>{formatNumber(t.requests)}</td>
                          <td>{formatNumber(t.errors)}</td>
                          <td>{formatNumber(t.input_tokens)}</td>
                          <td>{formatNumber(t.output_tokens)}</td>
                          <td>{formatNumber(t.total_tokens)}</td>
                          <td>{formatUsd(t.cost_usd)}</td>
                        </tr>
                      );
                    })}
                  </tbody>
                  <tfoot>
                    <tr>
                      <th scope="row">All</th>
                      <td>{formatNumber(report.data.totals.requests)}</td>
                      <td>{formatNumber(report.data.totals.errors)}</td>
                      <td>{formatNumber(report.data.totals.input_tokens)}</td>
                      <td>{formatNumber(report.data.totals.output_tokens)}</td>
                      <td>{formatNumber(report.data.totals.total_tokens)}</td>
                      <td>{formatUsd(report.data.totals.cost_usd)}</td>
                    </tr>
                  </tfoot>
                </table>
              </div>
            </>
          )}
          <h2>Requests</h2>
          {!isUsageUnavailable(requests.error) && <LoadError error={requests.error} what="requests" />}
          {requests.data && requests.data.items.length === 0 && <p>No requests in this range.</p>}
          {requests.data && requests.data.items.length > 0 && (
            <div className="table-wrap">
              <table>
                <caption className="sr-only">Requests</caption>
                <thead>
                  <tr>
                    <th scope="col">Time</th>
                    <th scope="col">Key</th>
                    <th scope="col">Team</th>
                    <th scope="col">Model</th>
                    <th scope="col">Provider / upstream</th>
                    <th scope="col">Tokens in / out</th>
                    <th scope="col">Cost</th>
                    <th scope="col">Status</th>
                    <th scope="col">Latency</th>
                  </tr>
                </thead>
                <tbody>
                  {requests.data.items.map((r) => (
                    <tr key={r.request_id}>
                      <td>{formatTime(r.time)}</td>
                      <td>{r.key_name}</td>
                      <td>{r.team}</td>
                      <td>{r.model}</td>
                      <td>
                        {r.provider} / {r.upstream_model}
                      </td>
                      <td>
                        {formatNumber(r.input_tokens)} / {formatNumber(r.output_tokens)}
                      </td>
                      <td>{formatUsd(r.cost_usd)}</td>
                      <td>{r.status}</td>
                      <td>
                        {r.latency_ms} ms{r.streamed ? ' (stream)' : ''}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {requests.data && <Pager total={requests.data.total} limit={LIMIT} offset={offset} onChange={setOffset} label="Request pages" />}
        </>
      )}
    </section>
  );
}
