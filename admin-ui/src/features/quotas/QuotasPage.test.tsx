import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeServer, page, problem, reply } from '../../test/fakeServer';
import { renderSignedIn } from '../../test/render';
import { QuotasPage } from './QuotasPage';
import type { Quota } from './api';

const base: Quota = {
  id: 'q1',
  scope: 'key',
  scope_id: 'k1',
  model: null,
  metric: 'total_tokens',
  window: 'minute',
  limit: 1000,
  version: 1,
  created_at: '2026-11-25T14:00:00Z',
  updated_at: '2026-11-25T14:00:00Z',
  usage: { window_start: '2026-11-25T14:00:00Z', resets_at: '2026-11-25T14:01:00Z', used: 120, remaining: 880 },
};

function server(quotas: Quota[], extra = {}) {
  return fakeServer({
    'GET /quotas': () => page(quotas),
    'GET /keys': () => page([{ id: 'k1', name: 'ci-bot', team: 'search', prefix: 'sk-gw-AbCdEf' }]),
    'GET /teams': () => page([{ id: 't1', name: 'search' }]),
    'GET /providers': () => page([{ id: 'p1', name: 'openai-main' }]),
    'GET /models': () => page([{ id: 'm1', name: 'gpt-4o-mini' }]),
    ...extra,
  });
}

describe('QuotasPage', () => {
  it('shows the current window usage as a bar with its reset time', async () => {
    renderSignedIn(<QuotasPage />, server([base]).fetchImpl);
    const meter = await screen.findByRole('meter', { name: 'Usage of the total_tokens quota of key ci-bot' });
    expect(meter).toHaveAttribute('aria-valuenow', '120');
    expect(meter).toHaveAttribute('aria-valuemax', '1000');
    expect(screen.getByText(/120 \/ 1,000 · resets 2026-11-25 14:01 UTC/)).toBeInTheDocument();
  });

  it('shows an empty state when usage is not available yet', async () => {
    renderSignedIn(<QuotasPage />, server([{ ...base, usage: null }]).fetchImpl);
    expect(await screen.findByText('No usage data yet')).toBeInTheDocument();
    expect(screen.queryByRole('meter')).not.toBeInTheDocument();
  });

  it('creates a team quota choosing the team by name', async () => {
    const s = server([], { 'POST /quotas': (req: { body: unknown }) => reply(201, { ...base, ...(req.body as object) }) });
    const { user } = renderSignedIn(<QuotasPage />, s.fetchImpl);
    await user.click(await screen.findByRole('button', { name: 'New quota' }));
    const dialog = screen.getByRole('dialog', { name: 'New quota' });
    await user.selectOptions(within(dialog).getByLabelText('Applies to'), 'team');
    await within(dialog).findByRole('option', { name: 'search' });
    await user.selectOptions(within(dialog).getByLabelText('Team'), 'search');
    await user.selectOptions(within(dialog).getByLabelText('Window'), 'day');
    await user.type(within(dialog).getByLabelText('Limit (tokens)'), '50000');
    await user.click(within(dialog).getByRole('button', { name: 'Create quota' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(s.calls.find((c) => c.method === 'POST')?.body).toEqual({
      scope: 'team',
      scope_id: 't1',
      model: null,
      metric: 'total_tokens',
      window: 'day',
      limit: 50000,
    });
  });

  it('creates a provider quota choosing the provider by name, and lists it by that name', async () => {
    const s = server([{ ...base, id: 'q2', scope: 'provider', scope_id: 'p1' }], {
      'POST /quotas': (req: { body: unknown }) => reply(201, { ...base, ...(req.body as object) }),
    });
    const { user } = renderSignedIn(<QuotasPage />, s.fetchImpl);
    expect(await screen.findByRole('meter', { name: 'Usage of the total_tokens quota of provider openai-main' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'New quota' }));
    const dialog = screen.getByRole('dialog', { name: 'New quota' });
    await user.selectOptions(within(dialog).getByLabelText('Applies to'), 'provider');
    await within(dialog).findByRole('option', { name: 'openai-main' });
    await user.selectOptions(within(dialog).getByLabelText('Provider'), 'openai-main');
    await user.selectOptions(within(dialog).getByLabelText('Window'), 'day');
    await user.type(within(dialog).getByLabelText('Limit (tokens)'), '2000000');
    await user.click(within(dialog).getByRole('button', { name: 'Create quota' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(s.calls.find((c) => c.method === 'POST')?.body).toEqual({
      scope: 'provider',
      scope_id: 'p1',
      model: null,
      metric: 'total_tokens',
      window: 'day',
      limit: 2000000,
    });
  });

  it('shows a limit error next to the limit field', async () => {
    const s = server([], { 'POST /quotas': () => problem(422, 'Invalid quota', [{ field: 'limit', message: 'must be > 0' }]) });
    const { user } = renderSignedIn(<QuotasPage />, s.fetchImpl);
    await user.click(await screen.findByRole('button', { name: 'New quota' }));
    await user.selectOptions(screen.getByLabelText('Applies to'), 'global');
    await user.type(screen.getByLabelText('Limit (tokens)'), '-5');
    await user.click(screen.getByRole('button', { name: 'Create quota' }));
    await waitFor(() => expect(screen.getByLabelText('Limit (tokens)')).toHaveAccessibleDescription('must be > 0'));
  });

  it('shows a viewer no write controls', async () => {
    renderSignedIn(<QuotasPage />, server([base]).fetchImpl, 'viewer');
    await screen.findByRole('meter');
    expect(screen.queryByRole('button', { name: /New quota|Edit|Delete/ })).not.toBeInTheDocument();
  });
});
