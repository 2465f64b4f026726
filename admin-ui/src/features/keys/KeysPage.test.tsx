import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { fakeServer, page, problem, reply } from '../../test/fakeServer';
import { renderSignedIn } from '../../test/render';
import { KeysPage } from './KeysPage';
import type { ApiKey, Team } from './api';

const team: Team = { id: 't1', name: 'search', key_count: 1, version: 1, created_at: '2026-11-25T14:00:00Z', updated_at: '2026-11-25T14:00:00Z' };
const key: ApiKey = {
  id: 'k1',
  name: 'ci-bot',
  team: 'search',
  team_id: 't1',
  prefix: 'sk-gw-AbCdEf',
  allowed_models: [],
  expires_at: null,
  revoked_at: null,
  status: 'active',
  version: 1,
  created_at: '2026-11-25T14:00:00Z',
  updated_at: '2026-11-25T14:00:00Z',
};

function server(extra = {}) {
  return fakeServer({
    'GET /teams': () => page([team]),
    'GET /keys': () => page([key]),
    'GET /models': () => page([{ id: 'm1', name: 'gpt-4o-mini' }, { id: 'm2', name: 'claude' }]),
    ...extra,
  });
}

describe('KeysPage', () => {
  it('creates a key and shows its secret once with a copy button and a warning', async () => {
    const s = server({
      'POST /keys': (req: { body: unknown }) => reply(201, { ...key, id: 'k2', name: 'new-bot', ...(req.body as object), key: 'sk-gw-SECRETSECRET' }),
    });
    const { user } = renderSignedIn(<KeysPage />, s.fetchImpl);
    const writeText = vi.spyOn(navigator.clipboard, 'writeText');
    await user.click(await screen.findByRole('button', { name: 'New key' }));
    const dialog = screen.getByRole('dialog', { name: 'New key' });
    await user.type(within(dialog).getByLabelText('Key name'), 'new-bot');
    await within(dialog).findByRole('option', { name: 'search' });
    await user.selectOptions(within(dialog).getByLabelText('Team'), 'search');
    await user.click(await within(dialog).findByRole('checkbox', { name: 'gpt-4o-mini' }));
    await user.click(within(dialog).getByRole('button', { name: 'Create key' }));

    const secretDialog = await screen.findByRole('dialog', { name: 'Key new-bot created' });
    expect(within(secretDialog).getByRole('alert')).toHaveTextContent(/shown only once/);
    expect(within(secretDialog).getByLabelText('Secret of key new-bot')).toHaveValue('sk-gw-SECRETSECRET');
    await user.click(within(secretDialog).getByRole('button', { name: 'Copy key' }));
    expect(writeText).toHaveBeenCalledWith('sk-gw-SECRETSECRET');
    expect(await within(secretDialog).findByRole('status')).toHaveTextContent('Copied');
    expect(s.calls.find((c) => c.method === 'POST')?.body).toEqual({ name: 'new-bot', team: 'search', allowed_models: ['gpt-4o-mini'], expires_at: null });

    await user.click(within(secretDialog).getByRole('button', { name: 'I have copied the key' }));
    expect(screen.queryByText('sk-gw-SECRETSECRET')).not.toBeInTheDocument();
    expect(screen.queryByDisplayValue('sk-gw-SECRETSECRET')).not.toBeInTheDocument();
  });

  it('revokes a key only after confirmation', async () => {
    const s = server({ 'POST /keys/:id/revoke': () => ({ ...key, status: 'revoked', revoked_at: '2026-11-25T15:00:00Z' }) });
    const { user } = renderSignedIn(<KeysPage />, s.fetchImpl);
    await user.click(await screen.findByRole('button', { name: 'Revoke key ci-bot' }));
    const confirm = screen.getByRole('dialog', { name: 'Revoke key ci-bot?' });
    await user.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    expect(s.calls.some((c) => c.path.endsWith('/revoke'))).toBe(false);
    await user.click(screen.getByRole('button', { name: 'Revoke key ci-bot' }));
    await user.click(screen.getByRole('button', { name: 'Revoke key' }));
    await waitFor(() => expect(s.calls.some((c) => c.method === 'POST' && c.path === '/keys/k1/revoke')).toBe(true));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it('filters keys by team and status', async () => {
    const s = server();
    const { user } = renderSignedIn(<KeysPage />, s.fetchImpl);
    await user.click(await screen.findByRole('button', { name: 'Show keys of search' }));
    await user.selectOptions(screen.getByLabelText('Status'), 'revoked');
    await waitFor(() => {
      const last = s.calls.filter((c) => c.path === '/keys').at(-1)!;
      expect(last.query.get('team')).toBe('search');
      expect(last.query.get('status')).toBe('revoked');
    });
    expect(screen.getByRole('heading', { name: 'Keys of team search' })).toBeInTheDocument();
  });

  it('shows a team name error next to the team field', async () => {
    const s = server({ 'POST /teams': () => problem(409, 'A team with this name exists', [{ field: 'name', message: 'already exists' }]) });
    const { user } = renderSignedIn(<KeysPage />, s.fetchImpl);
    await user.type(await screen.findByLabelText('New team name'), 'search');
    await user.click(screen.getByRole('button', { name: 'Create team' }));
    await waitFor(() => expect(screen.getByLabelText('New team name')).toHaveAccessibleDescription('already exists'));
    expect(screen.getByRole('alert')).toHaveTextContent('A team with this name exists');
  });

  it('shows a viewer no write controls', async () => {
    renderSignedIn(<KeysPage />, server().fetchImpl, 'viewer');
    await screen.findByRole('row', { name: /ci-bot/ });
    expect(screen.queryByRole('button', { name: /New key|Revoke|Edit|Create team|Delete/ })).not.toBeInTheDocument();
    expect(screen.queryByLabelText('New team name')).not.toBeInTheDocument();
  });
});
