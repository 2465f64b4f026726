/** One client for the admin REST API: attaches the token, parses problem+json errors. */

export interface FieldProblem {
  field: string;
  message: string;
}

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: FieldProblem[];
  referenced_by?: { type: string; id: string; name: string }[];
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

/** An API failure with the server's problem details, if it sent any. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(status: number, problem: Problem) {
    super(problem.detail || problem.title || `Request failed with status ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }

  /** Field errors keyed by the API's field path (for example `targets[0].weight`). */
  get fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) {
      out[e.field] = out[e.field] ? `${out[e.field]}; ${e.message}` : e.message;
    }
    return out;
  }
}

/** A readable message for any error thrown by the client or by fetch itself. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 403) return err.problem.detail || 'Your token may not make this change (viewer).';
    const base = err.problem.detail || err.problem.title || err.message;
    const refs = err.problem.referenced_by;
    if (refs && refs.length > 0) {
      return `${base} (referenced by ${refs.map((r) => `${r.type} ${r.name}`).join(', ')})`;
    }
    return base;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}

export function toQueryString(query?: Query): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

export interface ApiClientOptions {
  baseUrl?: string;
  getToken: () => string | null;
  /** Called when the server answers 401 (token missing, wrong or revoked). */
  onUnauthorized?: () => void;
  fetchImpl?: typeof fetch;
}

export interface ApiClient {
  get<T>(path: string, query?: Query): Promise<T>;
  getText(path: string): Promise<string>;
  post<T>(path: string, body?: unknown): Promise<T>;
  patch<T>(path: string, body: unknown): Promise<T>;
  del(path: string): Promise<void>;
}

async function readProblem(res: Response): Promise<Problem> {
  const text = await res.text().catch(() => '');
  if (text) {
    try {
      const parsed = JSON.parse(text) as unknown;
      if (parsed && typeof parsed === 'object') return parsed as Problem;
    } catch {
      // Not JSON (for example a proxy's HTML error page): keep the status line only.
    }
  }
  return { status: res.status, title: res.statusText || `HTTP ${res.status}` };
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const base = options.baseUrl ?? '/api/v1';
  const doFetch = (...args: Parameters<typeof fetch>) => (options.fetchImpl ?? fetch)(...args);

  async function send(method: string, path: string, body?: unknown, accept = 'application/json') {
    const headers: Record<string, string> = { Accept: `${accept}, application/problem+json` };
    const token = options.getToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await doFetch(base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) {
      const problem = await readProblem(res);
      if (res.status === 401) options.onUnauthorized?.();
      throw new ApiError(res.status, problem);
    }
    return res;
  }

  async function json<T>(res: Response): Promise<T> {
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  return {
    get: async (path, query) => json(await send('GET', path + toQueryString(query))),
    getText: async (path) => (await send('GET', path, undefined, 'text/yaml')).text(),
    post: async (path, body) => json(await send('POST', path, body ?? {})),
    patch: async (path, body) => json(await send('PATCH', path, body)),
    del: async (path) => {
      await send('DELETE', path);
    },
  };
}
