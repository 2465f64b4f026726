import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { fakeServer, page, problem } from '../../test/fakeServer';
import { renderSignedIn } from '../../test/render';
import { UsagePage } from './UsagePage';
import { usageToCsv, type UsageReport } from './api';

const report: UsageReport = {
  group_by: 'model',
  granularity: 'hour',
  from: '2026-11-24T14:00:00Z',
  to: '2026-11-25T14:00:00Z',
  series: [
    {
      group: 'gpt-4o-mini',
      group_id: 'm1',
      points: [
        { start: '2026-11-25T12:00:00Z', requests: 2, errors: 0, input_tokens: 20, output_tokens: 8, total_tokens: 28, cost_usd: 0.0001 },
        { start: '2026-11-25T13:00:00Z', requests: 1, errors: 1, input_tokens: 10, output_tokens: 4, total_tokens: 14, cost_usd: 0.00005 },
      ],
    },
  ],
  totals: { requests: 3, errors: 1, input_tokens: 30, output_tokens: 12, total_tokens: 42, cost_usd: 0.00015 },
};

const request = {
  time: '2026-11-25T13:10:00Z',
  request_id: 'r1',
  key_id: 'k1',
  key_name: 'ci-bot',
  team: 'search',
  model: 'gpt-4o-mini',
  provider: 'openai-main',
  upstream_model: 'gpt-4o-mini-2024',
  input_tokens: 10,
  output_tokens: 4,
  cached_tokens: 0,
  cost_usd: 0.00005,
  status: 200,
  latency_ms: 321,
  streamed: true,
};

describe('UsagePage', () => {
  it('shows totals per group and the requests', async () => {
    const s = fakeServer({ 'GET /usage': () => report, 'GET /usage/requests': () => page([request]) });
    renderSignedIn(<UsagePage />, s.fetchImpl);
    const row = await screen.findByRole('row', { name: /gpt-4o-mini 3 1 30 12 42/ });
    expect(row).toBeInTheDocument();
    expect(await screen.findByRole('row', { name: /ci-bot/ })).toHaveTextContent('321 ms (stream)');
    expect(screen.getByRole('figure', { name: 'Total tokens by model' })).toBeInTheDocument();
  });

  it('sends the filters only when applied', async () => {
    const s = fakeServer({ 'GET /usage': () => report, 'GET /usage/requests': () => page([]) });
    const { user } = renderSignedIn(<UsagePage />, s.fetchImpl);
    await screen.findByRole('row', { name: /gpt-4o-mini/ });
    const before = s.calls.length;
    await user.type(screen.getByLabelText('Team'), 'search');
    await user.selectOptions(screen.getByLabelText('Group by'), 'key');
    await user.selectOptions(screen.getByLabelText('Granularity'), 'day');
    expect(s.calls.length).toBe(before);
    await user.click(screen.getByRole('button', { name: 'Apply filters' }));
    await waitFor(() => expect(s.calls.filter((c) => c.path === '/usage').length).toBe(2));
    const q = s.calls.filter((c) => c.path === '/usage').at(-1)!.query;
    expect(q.get('team')).toBe('search');
    expect(q.get('group_by')).toBe('key');
    expect(q.get('granularity')).toBe('day');
    expect(q.get('from')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(s.calls.filter((c) => c.path === '/usage/requests').at(-1)!.query.get('team')).toBe('search');
  });

  it('exports the report as CSV', async () => {
    const s = fakeServer({ 'GET /usage': () => report, 'GET /usage/requests': () => page([]) });
    const { user } = renderSignedIn(<UsagePage />, s.fetchImpl);
    let blob: Blob | undefined;
    URL.createObjectURL = vi.fn((b: Blob) => {
      blob = b;
      return 'blob:csv';
    });
    URL.revokeObjectURL = vi.fn();
    await user.click(await screen.findByRole('button', { name: 'Export CSV' }));
    expect(await blob!.text()).toBe(usageToCsv(report));
    expect(usageToCsv(report).split('\r\n')[0]).toBe('model,start,requests,errors,input_tokens,output_tokens,total_tokens,cost_usd');
    expect(usageToCsv(report).split('\r\n')[1]).toBe('gpt-4o-mini,2026-11-25T12:00:00Z,2,0,20,8,28,0.0001');
  });

  it('quotes CSV cells and defuses formulas', () => {
    const csv = usageToCsv({ ...report, series: [{ ...report.series[0], group: '=cmd,"x"' }] });
    expect(csv.split('\r\n')[1].startsWith(`"'=cmd,""x"""`)).toBe(true);
  });

  it('says usage is not available when the endpoint does not exist yet', async () => {
    const s = fakeServer({});
    renderSignedIn(<UsagePage />, s.fetchImpl);
    expect(await screen.findByRole('status')).toHaveTextContent('Usage data is not available on this gateway yet.');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows other errors', async () => {
    const s = fakeServer({ 'GET /usage': () => problem(422, 'from must be before to'), 'GET /usage/requests': () => page([]) });
    renderSignedIn(<UsagePage />, s.fetchImpl);
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not load usage: from must be before to');
  });
});
