import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeServer, page } from '../../test/fakeServer';
import { renderSignedIn } from '../../test/render';
import { OverviewPage } from './OverviewPage';

function point(start: string, requests: number, errors: number, tokens: number) {
  return { start, requests, errors, input_tokens: tokens, output_tokens: 0, total_tokens: tokens, cost_usd: tokens / 1000 };
}

const byModel = {
  group_by: 'model',
  granularity: 'hour',
  from: '',
  to: '',
  series: [
    { group: 'small', group_id: 'm1', points: [point('2026-11-25T12:00:00Z', 3, 1, 30)] },
    { group: 'big', group_id: 'm2', points: [point('2026-11-25T12:00:00Z', 1, 0, 500)] },
  ],
  totals: { requests: 4, errors: 1, input_tokens: 530, output_tokens: 0, total_tokens: 530, cost_usd: 0.53 },
};
const byKey = { ...byModel, group_by: 'key', series: [{ group: 'ci-bot', group_id: 'k1', points: [point('2026-11-25T12:00:00Z', 4, 1, 530)] }] };
const fleets = {
  ...page([
    {
      id: 'f1',
      name: 'default',
      listener_port: 10000,
      nodes: [
        { node_id: 'a', replica_id: 'r', connected: true, acked_versions: {}, last_nack: null },
        { node_id: 'b', replica_id: 'r', connected: false, acked_versions: {}, last_nack: { type: 't', version: '2', error: 'bad', at: '' } },
      ],
    },
  ]),
  unassigned_nodes: [],
};

describe('OverviewPage', () => {
  it('shows totals, error rate, top models by tokens, top keys and fleet health', async () => {
    const s = fakeServer({
      'GET /usage': (req) => (req.query.get('group_by') === 'key' ? byKey : byModel),
      'GET /fleets': () => fleets,
    });
    renderSignedIn(<OverviewPage />, s.fetchImpl);
    const models = await screen.findByRole('table', { name: 'Top models' });
    const rows = within(models).getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getByRole('rowheader').textContent)).toEqual(['big', 'small']);
    expect(screen.getByRole('table', { name: 'Top keys' })).toHaveTextContent('ci-bot');
    expect(screen.getByText('Error rate', { selector: 'dt' }).nextSibling).toHaveTextContent('25.0%');
    expect(screen.getByText('Envoys connected').nextSibling).toHaveTextContent('1 of 2');
    expect(screen.getByText('Envoys with a rejected config').nextSibling).toHaveTextContent('1');
    expect(screen.getByRole('figure', { name: 'Requests' })).toBeInTheDocument();
    expect(s.calls.find((c) => c.path === '/usage')!.query.get('granularity')).toBe('hour');
  });

  it('still shows fleet health when usage is not available yet', async () => {
    const s = fakeServer({ 'GET /fleets': () => fleets });
    renderSignedIn(<OverviewPage />, s.fetchImpl);
    expect(await screen.findByRole('status')).toHaveTextContent('Usage data is not available on this gateway yet.');
    expect(await screen.findByText('1 of 2')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });
});
