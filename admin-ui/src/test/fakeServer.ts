import { vi } from 'vitest';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  headers: Record<string, string>;
}

export interface FakeResponse {
  status?: number;
  body?: unknown;
  text?: string;
  contentType?: string;
}

export type Handler = (req: FakeRequest) => FakeResponse | unknown;

/**
 * A stand-in for the admin API in component tests: routes are "METHOD /path" (relative to
 * /api/v1, `:x` matches one segment); a handler returns a FakeResponse or a JSON body.
 */
export function fakeServer(routes: Record<string, Handler>) {
  const calls: FakeRequest[] = [];
  const fetchImpl = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://localhost');
    const method = (init?.method ?? 'GET').toUpperCase();
    const path = url.pathname.replace(/^\/api\/v1/, '');
    const req: FakeRequest = {
      method,
      path,
      query: url.searchParams,
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
      headers: (init?.headers ?? {}) as Record<string, string>,
    };
    calls.push(req);
    const key = Object.keys(routes).find((k) => {
      const [m, p] = k.split(' ');
      if (m !== method) return false;
      const re = new RegExp('^' + p.replace(/:[^/]+/g, '[^/]+') + '$');
      return re.test(path);
    });
    if (!key) {
      return new Response(JSON.stringify({ title: 'Not Found', status: 404, detail: `no fake for ${method} ${path}` }), {
        status: 404,
        headers: { 'Content-Type': 'application/problem+json' },
      });
    }
    const out = routes[key](req);
    const res: FakeResponse =
      out && typeof out === 'object' && FAKE in out ? (out as FakeResponse) : { body: out };
    const status = res.status ?? 200;
    if (status === 204) return new Response(null, { status });
    const text = res.text ?? JSON.stringify(res.body ?? null);
    const contentType = res.contentType ?? (status >= 400 ? 'application/problem+json' : 'application/json');
    return new Response(text, { status, headers: { 'Content-Type': contentType } });
  });
  return { fetchImpl: fetchImpl as unknown as typeof fetch, calls };
}

const FAKE = Symbol('fake-response');

/** A response with a status (a plain returned value is a 200 JSON body). */
export function reply(status: number, body?: unknown, extra: Omit<FakeResponse, 'status' | 'body'> = {}): FakeResponse {
  return { [FAKE]: true, status, body, ...extra } as FakeResponse;
}

export function page<T>(items: T[], total = items.length, limit = 50, offset = 0) {
  return { items, total, limit, offset };
}

export function problem(status: number, detail: string, errors: { field: string; message: string }[] = []) {
  return reply(status, { type: 'about:blank', title: 'Error', status, detail, errors });
}
