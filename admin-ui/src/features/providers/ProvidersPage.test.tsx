import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeServer, page, problem, reply } from '../../test/fakeServer';
import { renderSignedIn } from '../../test/render';
import { ProvidersPage } from './ProvidersPage';
import type { Provider, Vocabulary } from './api';
import vocabularyFixture from './vocabulary.fixture.json';

/** What GET /provider-schemas answers (kept equal to the server's by VocabularyFixtureTest). */
const vocabulary = vocabularyFixture as Vocabulary;
const schemas = { 'GET /provider-schemas': () => vocabulary };

const openai: Provider = {
  id: 'p1',
  name: 'openai-main',
  schema: 'openai',
  base_url: 'https://api.openai.com/v1',
  settings: {},
  credentials: [{ id: 'c1', kind: 'api_key', hint: '…x7Qa', created_at: '2026-11-25T14:00:00Z' }],
  version: 3,
  created_at: '2026-11-25T14:00:00Z',
  updated_at: '2026-11-25T14:00:00Z',
};

describe('ProvidersPage', () => {
  it('lists providers with only the credential kind and hint', async () => {
    const server = fakeServer({ ...schemas, 'GET /providers': () => page([openai]) });
    renderSignedIn(<ProvidersPage />, server.fetchImpl);
    const row = await screen.findByRole('row', { name: /openai-main/ });
    expect(within(row).getByText('…x7Qa')).toBeInTheDocument();
    expect(within(row).getByText(/API key/)).toBeInTheDocument();
    expect(server.calls.every((c) => c.headers.Authorization === 'Bearer test-token')).toBe(true);
  });

  it('shows the settings of the chosen schema and sends a create with the credential', async () => {
    const server = fakeServer({
      ...schemas,
      'GET /providers': () => page([]),
      'POST /providers': (req) => reply(201, { ...openai, ...(req.body as object), id: 'p2', credentials: [] }),
    });
    const { user } = renderSignedIn(<ProvidersPage />, server.fetchImpl);
    await user.click(await screen.findByRole('button', { name: 'New provider' }));
    const dialog = screen.getByRole('dialog', { name: 'New provider' });
    expect(within(dialog).queryByLabelText('Region')).not.toBeInTheDocument();
    await user.selectOptions(within(dialog).getByLabelText('Schema'), 'aws_bedrock');
    expect(within(dialog).getByLabelText('Region')).toBeInTheDocument();
    expect(within(dialog).getByLabelText('Access key ID')).toBeInTheDocument();
    await user.type(within(dialog).getByLabelText('Name'), 'bedrock');
    await user.type(within(dialog).getByLabelText('Region'), 'eu-west-1');
    await user.type(within(dialog).getByLabelText('Access key ID'), 'AKIA1');
    await user.type(within(dialog).getByLabelText('Secret access key'), 's3cret');
    await user.click(within(dialog).getByRole('button', { name: 'Create provider' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    const post = server.calls.find((c) => c.method === 'POST');
    expect(post?.body).toEqual({
      name: 'bedrock',
      schema: 'aws_bedrock',
      base_url: 'https://bedrock-runtime.us-east-1.amazonaws.com',
      settings: { region: 'eu-west-1' },
      credentials: [{ kind: 'aws', access_key_id: 'AKIA1', secret_access_key: 's3cret' }],
    });
  });

  it('shows each API field error next to its field', async () => {
    const server = fakeServer({
      ...schemas,
      'GET /providers': () => page([]),
      'POST /providers': () =>
        problem(422, 'Invalid provider', [
          { field: 'base_url', message: 'must be an absolute http(s) URL' },
          { field: 'settings.api_version', message: 'is required' },
        ]),
    });
    const { user } = renderSignedIn(<ProvidersPage />, server.fetchImpl);
    await user.click(await screen.findByRole('button', { name: 'New provider' }));
    await user.selectOptions(screen.getByLabelText('Schema'), 'azure_openai');
    await user.type(screen.getByLabelText('Name'), 'azure');
    await user.click(screen.getByRole('button', { name: 'Create provider' }));
    expect(await screen.findByLabelText('Base URL')).toHaveAccessibleDescription(/must be an absolute http\(s\) URL/);
    expect(screen.getByLabelText('API version')).toHaveAccessibleDescription(/is required/);
    expect(screen.getByRole('alert')).toHaveTextContent('Invalid provider');
  });

  it('edits with the version read and keeps credentials unless new ones are typed', async () => {
    const server = fakeServer({
      ...schemas,
      'GET /providers': () => page([openai]),
      'PATCH /providers/:id': (req) => ({ ...openai, ...(req.body as object), version: 4 }),
    });
    const { user } = renderSignedIn(<ProvidersPage />, server.fetchImpl);
    await user.click(await screen.findByRole('button', { name: 'Edit openai-main' }));
    expect(screen.getByText(/Current: API key …x7Qa/)).toBeInTheDocument();
    const url = screen.getByLabelText('Base URL');
    await user.clear(url);
    await user.type(url, 'https://proxy.example.com');
    await user.click(screen.getByRole('button', { name: 'Save provider' }));
    await waitFor(() => expect(server.calls.some((c) => c.method === 'PATCH')).toBe(true));
    const patch = server.calls.find((c) => c.method === 'PATCH')!;
    expect(patch.path).toBe('/providers/p1');
    expect(patch.body).toEqual({ name: 'openai-main', base_url: 'https://proxy.example.com', settings: {}, version: 3 });
  });

  it('tests the connection and shows the result', async () => {
    const server = fakeServer({
      ...schemas,
      'GET /providers': () => page([openai]),
      'POST /providers/:id/test': () => ({ ok: false, status: 401, latency_ms: 87, detail: 'invalid api key' }),
    });
    const { user } = renderSignedIn(<ProvidersPage />, server.fetchImpl);
    await user.click(await screen.findByRole('button', { name: 'Test connection to openai-main' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Failed (HTTP 401, 87 ms): invalid api key');
  });

  it('explains a refused delete with the models that reference the provider', async () => {
    const server = fakeServer({
      ...schemas,
      'GET /providers': () => page([openai]),
      'DELETE /providers/:id': () =>
        reply(409, { status: 409, title: 'Conflict', detail: 'provider is in use', referenced_by: [{ type: 'model', id: 'm1', name: 'gpt-4o-mini' }] }),
    });
    const { user } = renderSignedIn(<ProvidersPage />, server.fetchImpl);
    await user.click(await screen.findByRole('button', { name: 'Delete openai-main' }));
    await user.click(screen.getByRole('button', { name: 'Delete provider' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('provider is in use (referenced by model gpt-4o-mini)');
    expect(screen.getByRole('dialog')).toBeInTheDocument();
  });

  it('shows a viewer no write controls', async () => {
    const server = fakeServer({ ...schemas, 'GET /providers': () => page([openai]) });
    renderSignedIn(<ProvidersPage />, server.fetchImpl, 'viewer');
    await screen.findByRole('row', { name: /openai-main/ });
    expect(screen.queryByRole('button', { name: 'New provider' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Edit/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Delete/ })).not.toBeInTheDocument();
  });
  it('offers exactly the credential kinds each schema accepts, with their fields', async () => {
    const server = fakeServer({ ...schemas, 'GET /providers': () => page([]) });
    const { user } = renderSignedIn(<ProvidersPage />, server.fetchImpl);
    await user.click(await screen.findByRole('button', { name: 'New provider' }));
    const dialog = screen.getByRole('dialog', { name: 'New provider' });
    for (const schema of vocabulary.schemas) {
      await user.selectOptions(within(dialog).getByLabelText('Schema'), schema.name);
      if (schema.credential_kinds.length > 1) {
        const offered = within(within(dialog).getByLabelText('Credential kind'))
          .getAllByRole('option')
          .map((o) => (o as HTMLOptionElement).value);
        expect(offered).toEqual(schema.credential_kinds);
      } else {
        expect(within(dialog).queryByLabelText('Credential kind')).not.toBeInTheDocument();
      }
    }
    await user.selectOptions(within(dialog).getByLabelText('Schema'), 'azure_openai');
    await user.selectOptions(within(dialog).getByLabelText('Credential kind'), 'azure_client_secret');
    expect(within(dialog).getByLabelText('Tenant ID')).toHaveAttribute('type', 'text');
    expect(within(dialog).getByLabelText('Client secret')).toHaveAttribute('type', 'password');
    expect(within(dialog).getByLabelText('Entra ID authority host (optional)')).toBeInTheDocument();
  });

  it('creates a provider with a cloud identity kind that stores no secret', async () => {
    const server = fakeServer({
      ...schemas,
      'GET /providers': () => page([]),
      'POST /providers': (req) => reply(201, { ...openai, ...(req.body as object), id: 'p3', credentials: [] }),
    });
    const { user } = renderSignedIn(<ProvidersPage />, server.fetchImpl);
    await user.click(await screen.findByRole('button', { name: 'New provider' }));
    const dialog = screen.getByRole('dialog', { name: 'New provider' });
    await user.selectOptions(within(dialog).getByLabelText('Schema'), 'aws_bedrock');
    await user.selectOptions(within(dialog).getByLabelText('Credential kind'), 'aws_default');
    expect(within(dialog).getByText(/No secret is stored/)).toBeInTheDocument();
    await user.type(within(dialog).getByLabelText('Name'), 'bedrock-irsa');
    await user.type(within(dialog).getByLabelText('Region'), 'us-east-1');
    await user.type(within(dialog).getByLabelText('Role ARN to assume (optional)'), 'arn:aws:iam::1:role/r');
    await user.click(within(dialog).getByRole('button', { name: 'Create provider' }));
    await waitFor(() => expect(server.calls.some((c) => c.method === 'POST')).toBe(true));
    expect(server.calls.find((c) => c.method === 'POST')?.body).toMatchObject({
      credentials: [{ kind: 'aws_default', role_arn: 'arn:aws:iam::1:role/r' }],
    });
  });

  it('shows why the data plane cannot use a credential', async () => {
    const failing: Provider = {
      ...openai,
      credentials: [
        {
          ...openai.credentials[0],
          kind: 'azure_client_secret',
          hint: 'client c',
          error: "Getting a token for credential c1 (azure_client_secret) of provider 'azure' failed.",
          failing_since: '2026-11-25T14:00:00Z',
        },
      ],
    };
    const server = fakeServer({ ...schemas, 'GET /providers': () => page([failing]) });
    renderSignedIn(<ProvidersPage />, server.fetchImpl);
    const row = await screen.findByRole('row', { name: /openai-main/ });
    expect(within(row).getByText(/Failing since .*Getting a token for credential c1/)).toBeInTheDocument();
  });
});
