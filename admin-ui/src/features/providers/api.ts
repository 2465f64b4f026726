import type { ApiClient, Page, Query } from '../../api/client';

/** A provider schema's wire name (the server's vocabulary lists them: GET /provider-schemas). */
export type Schema = string;
/** A credential kind's wire name. */
export type CredentialKind = string;

export interface CredentialView {
  id: string;
  kind: CredentialKind;
  hint: string;
  created_at: string;
  /** Why the data plane cannot use this credential, when it cannot (never a secret). */
  error?: string | null;
  failing_since?: string | null;
}

export interface Provider {
  id: string;
  name: string;
  schema: Schema;
  base_url: string;
  settings: Record<string, string>;
  credentials: CredentialView[];
  version: number;
  created_at: string;
  updated_at: string;
}

/** A credential as written (secrets only ever travel this way). */
export type CredentialInput = { kind: CredentialKind } & Record<string, string>;

export interface ProviderInput {
  name: string;
  schema: Schema;
  base_url: string;
  settings: Record<string, string>;
  credentials?: CredentialInput[];
}

export interface TestResult {
  ok: boolean;
  status?: number;
  latency_ms?: number;
  detail?: string;
}

export interface SettingInfo {
  name: string;
  label: string;
  required: boolean;
  help: string;
}

export interface SchemaInfo {
  name: Schema;
  label: string;
  default_base_url: string;
  http2: boolean;
  credential_optional: boolean;
  settings: SettingInfo[];
  credential_kinds: CredentialKind[];
}

export interface FieldInfo {
  name: string;
  label: string;
  secret: boolean;
  required: boolean;
  max_length: number;
  multiline: boolean;
}

/** Shown under the base URL field: the form the URL takes for schemas that follow the OpenAI SDK. */
export const BASE_URL_HELP: Partial<Record<Schema, string>> = {
  openai: 'As in the OpenAI SDK: the API root with its version; /chat/completions is appended.',
  openai_compatible:
    'As in the OpenAI SDK: the API root, e.g. http://localhost:11434/v1 (Ollama), https://api.groq.com/openai/v1, https://api.perplexity.ai.',
};

export interface KindInfo {
  name: CredentialKind;
  label: string;
  stores_secret: boolean;
  may_block: boolean;
  fields: FieldInfo[];
}

/** The server's provider vocabulary: what each schema accepts, what each credential kind needs. */
export interface Vocabulary {
  schemas: SchemaInfo[];
  credential_kinds: KindInfo[];
}

export const getVocabulary = (api: ApiClient) => api.get<Vocabulary>('/provider-schemas');

export const schemaInfo = (v: Vocabulary, name: Schema) => v.schemas.find((s) => s.name === name);
export const kindInfo = (v: Vocabulary, name: CredentialKind) => v.credential_kinds.find((k) => k.name === name);

export const listProviders = (api: ApiClient, q: Query) => api.get<Page<Provider>>('/providers', q);
export const createProvider = (api: ApiClient, p: ProviderInput) => api.post<Provider>('/providers', p);
export const updateProvider = (api: ApiClient, id: string, patch: Partial<ProviderInput> & { version: number }) =>
  api.patch<Provider>(`/providers/${encodeURIComponent(id)}`, patch);
export const deleteProvider = (api: ApiClient, id: string) => api.del(`/providers/${encodeURIComponent(id)}`);
export const testProvider = (api: ApiClient, id: string) => api.post<TestResult>(`/providers/${encodeURIComponent(id)}/test`);
