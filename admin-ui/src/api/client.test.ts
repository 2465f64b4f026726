import { describe, expect, it, vi } from 'vitest';
import { ApiError, createApiClient, errorMessage } from './client';

function respond(status: number, body: string, type = 'application/problem+json') {
  return vi.fn(async () => new Response(body, { status, headers: { 'Content-Type': type } })) as unknown as typeof fetch;
}

describe('api client', () => {
  it('maps problem+json field errors by field path', async () => {
    const api = createApiClient({
      getToken: () => 't',
      fetchImpl: respond(422, JSON.stringify({ status: 422, detail: 'invalid', errors: [{ field: 'targets[0].weight', message: 'must be >= 0' }, { field: 'targets[0].weight', message: 'must be a number' }] })),
    });
    const err = await api.post('/models', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).fieldErrors).toEqual({ 'targets[0].weight': 'must be >= 0; must be a number' });
    expect(errorMessage(err)).toBe('invalid');
  });

  it('survives a non-JSON error body', async () => {
    const api = createApiClient({ getToken: () => null, fetchImpl: respond(502, '<html>bad gateway</html>', 'text/html') });
    const err = (await api.get('/x').catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(502);
    expect(errorMessage(err)).toMatch(/502|Bad Gateway/);
  });

  it('explains 403 as a read-only token when the server gives no detail', async () => {
    const api = createApiClient({ getToken: () => 'v', fetchImpl: respond(403, '') });
    expect(errorMessage(await api.del('/keys/1').catch((e: unknown) => e))).toMatch(/viewer/);
  });

  it('sends the bearer token, JSON body and query without empty values', async () => {
    const f = vi.fn(async () => new Response('{"ok":true}', { status: 200 }));
    const api = createApiClient({ getToken: () => 'tok', fetchImpl: f as unknown as typeof fetch });
    await api.get('/keys', { team: 'a b', status: '', limit: 50 });
    const calls = f.mock.calls as unknown as [string, RequestInit][];
    expect(calls[0][0]).toBe('/api/v1/keys?team=a+b&limit=50');
    expect((calls[0][1].headers as Record<string, string>).Authorization).toBe('Bearer tok');
  });
});
