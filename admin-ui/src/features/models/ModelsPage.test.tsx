import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeServer, page, problem, reply } from '../../test/fakeServer';
import { renderSignedIn } from '../../test/render';
import { ModelsPage } from './ModelsPage';
import type { Model } from './api';

const mini: Model = {
  id: 'm1',
  name: 'gpt-4o-mini',
  targets: [{ provider: 'openai-main', model: 'gpt-4o-mini', weight: 1, priority: 0 }],
  pricing: { input_per_million: 0.15, output_per_million: 0.6, cached_input_per_million: null },
  version: 2,
  created_at: '2026-11-25T14:00:00Z',
  updated_at: '2026-11-25T14:00:00Z',
};

const providers = page([{ id: 'p1', name: 'openai-main' }, { id: 'p2', name: 'azure-eu' }]);

describe('ModelsPage', () => {
  it('lists models with their targets and prices', async () => {
    const server = fakeServer({ 'GET /models': () => page([mini]) });
    renderSignedIn(<ModelsPage />, server.fetchImpl);
    const row = await screen.findByRole('row', { name: /gpt-4o-mini/ });
    expect(row).toHaveTextContent('openai-main / gpt-4o-mini weight 1, priority 0');
    expect(row).toHaveTextContent('$0.15 / $0.60');
  });

  it('creates a model with two targets and prices', async () => {
    const server = fakeServer({
      'GET /models': () => page([]),
      'GET /providers': () => providers,
      'POST /models': (req) => reply(201, { ...mini, ...(req.body as object) }),
    });
    const { user } = renderSignedIn(<ModelsPage />, server.fetchImpl);
    await user.click(await screen.findByRole('button', { name: 'New model' }));
    const dialog = screen.getByRole('dialog');
    await user.type(within(dialog).getByLabelText('Model name'), 'chat');
    await within(dialog).findByRole('option', { name: 'openai-main' });
    await user.selectOptions(within(dialog).getByLabelText('Target 1 provider'), 'openai-main');
    await user.type(within(dialog).getByLabelText('Target 1 upstream model'), 'gpt-4o-mini');
    await user.click(within(dialog).getByRole('button', { name: 'Add target' }));
    await user.selectOptions(within(dialog).getByLabelText('Target 2 provider'), 'azure-eu');
    await user.type(within(dialog).getByLabelText('Target 2 upstream model'), 'gpt-4o-mini-eu');
    await user.clear(within(dialog).getByLabelText('Target 2 priority'));
    await user.type(within(dialog).getByLabelText('Target 2 priority'), '1');
    await user.click(within(dialog).getByLabelText('Retry on 529 overloaded (Anthropic)'));
    await user.clear(within(dialog).getByLabelText('Attempts in all'));
    await user.type(within(dialog).getByLabelText('Attempts in all'), '2');
    await user.type(within(dialog).getByLabelText('Input price (USD per million tokens)'), '0.15');
    await user.click(within(dialog).getByRole('button', { name: 'Create model' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(server.calls.find((c) => c.method === 'POST')?.body).toEqual({
      name: 'chat',
      targets: [
        { provider: 'openai-main', model: 'gpt-4o-mini', weight: 1, priority: 0 },
        { provider: 'azure-eu', model: 'gpt-4o-mini-eu', weight: 1, priority: 1 },
      ],
      pricing: { input_per_million: 0.15, output_per_million: null, cached_input_per_million: null },
      failover: { retry_on: ['connect-failure', 'reset', '5xx', '429'], attempts: 2, per_attempt_timeout_ms: 0, backoff_base_ms: 25, backoff_max_ms: 250 },
    });
  });

  it('puts a target error next to that target field', async () => {
    const server = fakeServer({
      'GET /models': () => page([mini]),
      'GET /providers': () => providers,
      'PATCH /models/:id': () => problem(422, 'Invalid model', [{ field: 'targets[0].weight', message: 'must be >= 0' }]),
    });
    const { user } = renderSignedIn(<ModelsPage />, server.fetchImpl);
    await user.click(await screen.findByRole('button', { name: 'Edit gpt-4o-mini' }));
    const weight = screen.getByLabelText('Target 1 weight');
    await user.clear(weight);
    await user.type(weight, '-1');
    await user.click(screen.getByRole('button', { name: 'Save model' }));
    await waitFor(() => expect(screen.getByLabelText('Target 1 weight')).toHaveAccessibleDescription('must be >= 0'));
    expect(server.calls.find((c) => c.method === 'PATCH')?.body).toMatchObject({ version: 2 });
  });

  it('shows a viewer no write controls', async () => {
    const server = fakeServer({ 'GET /models': () => page([mini]) });
    renderSignedIn(<ModelsPage />, server.fetchImpl, 'viewer');
    await screen.findByRole('row', { name: /gpt-4o-mini/ });
    expect(screen.queryByRole('button', { name: /New model|Edit|Delete/ })).not.toBeInTheDocument();
  });

  it('shows a failover field error next to that field', async () => {
    const server = fakeServer({
      'GET /models': () => page([mini]),
      'GET /providers': () => providers,
      'PATCH /models/:id': () => problem(422, 'Invalid model', [{ field: 'failover.attempts', message: 'must be <= 10' }]),
    });
    const { user } = renderSignedIn(<ModelsPage />, server.fetchImpl);
    await user.click(await screen.findByRole('button', { name: 'Edit gpt-4o-mini' }));
    const attempts = screen.getByLabelText('Attempts in all');
    await user.clear(attempts);
    await user.type(attempts, '11');
    await user.click(screen.getByRole('button', { name: 'Save model' }));
    expect(await screen.findByText('must be <= 10')).toBeInTheDocument();
    expect(screen.getByLabelText('Attempts in all')).toHaveAccessibleDescription(/must be <= 10/);
  });
});
