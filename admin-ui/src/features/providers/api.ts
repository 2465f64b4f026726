import type { ApiClient, Page, Query } from '../../api/client';

export type Schema = 'openai' | 'openai_compatible' | 'azure_openai' | 'anthropic' | 'aws_bedrock' | 'gemini' | 'gcp_vertex';
export type CredentialKind = 'api_key' | 'aws' | 'gcp_service_account' | 'azure_client_secret';

export interface CredentialView {
  id: string;
  kind: CredentialKind;
  hint: string;
  created_at: string;
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

interface SettingSpec {
  key: string;
  label: string;
  required: boolean;
  help?: string;
}

interface SchemaSpec {
  label: string;
  defaultBaseUrl: string;
  /** Shown under the base URL field: what form the URL takes for this schema. */
  baseUrlHelp?: string;
  settings: SettingSpec[];
  credentialKinds: CredentialKind[];
}

/** What each provider schema needs (docs/contracts.md, "Provider settings per schema"). */
export const SCHEMAS: Record<Schema, SchemaSpec> = {
  openai: {
    label: 'OpenAI',
    defaultBaseUrl: 'https://api.openai.com/v1',
    baseUrlHelp: "As in the OpenAI SDK: the API root with its version; /chat/completions is appended.",
    settings: [{ key: 'organization', label: 'Organization', required: false }],
    credentialKinds: ['api_key'],
  },
  openai_compatible: {
    label: 'OpenAI-compatible',
    defaultBaseUrl: '',
    baseUrlHelp:
      'As in the OpenAI SDK: the API root, e.g. http://localhost:11434/v1 (Ollama), https://api.groq.com/openai/v1, https://api.perplexity.ai.',
    settings: [
      {
        key: 'responses_api',
        label: 'Serves /v1/responses',
        required: false,
        help: 'true: Responses requests pass through; otherwise they are translated to chat completions.',
      },
    ],
    credentialKinds: ['api_key'],
  },
  azure_openai: {
    label: 'Azure OpenAI',
    defaultBaseUrl: 'https://RESOURCE.openai.azure.com',
    settings: [{ key: 'api_version', label: 'API version', required: true, help: 'For example 2024-10-21.' }],
    credentialKinds: ['api_key', 'azure_client_secret'],
  },
  anthropic: {
    label: 'Anthropic',
    defaultBaseUrl: 'https://api.anthropic.com',
    settings: [{ key: 'anthropic_version', label: 'Anthropic version', required: false, help: 'Defaults to 2023-06-01.' }],
    credentialKinds: ['api_key'],
  },
  aws_bedrock: {
    label: 'AWS Bedrock',
    defaultBaseUrl: 'https://bedrock-runtime.us-east-1.amazonaws.com',
    settings: [{ key: 'region', label: 'Region', required: true, help: 'For example us-east-1.' }],
    credentialKinds: ['aws'],
  },
  gemini: {
    label: 'Google Gemini',
    defaultBaseUrl: 'https://generativelanguage.googleapis.com',
    settings: [],
    credentialKinds: ['api_key'],
  },
  gcp_vertex: {
    label: 'Google Vertex AI',
    defaultBaseUrl: 'https://us-central1-aiplatform.googleapis.com',
    settings: [
      { key: 'project', label: 'Project', required: true },
      { key: 'location', label: 'Location', required: true, help: 'For example us-central1.' },
    ],
    credentialKinds: ['gcp_service_account'],
  },
};

export const CREDENTIAL_FIELDS: Record<CredentialKind, { key: string; label: string; optional?: boolean; multiline?: boolean }[]> = {
  api_key: [{ key: 'api_key', label: 'API key' }],
  aws: [
    { key: 'access_key_id', label: 'Access key ID' },
    { key: 'secret_access_key', label: 'Secret access key' },
    { key: 'session_token', label: 'Session token', optional: true },
  ],
  gcp_service_account: [{ key: 'service_account_json', label: 'Service account JSON key', multiline: true }],
  azure_client_secret: [
    { key: 'tenant_id', label: 'Tenant ID' },
    { key: 'client_id', label: 'Client ID' },
    { key: 'client_secret', label: 'Client secret' },
  ],
};

export const KIND_LABELS: Record<CredentialKind, string> = {
  api_key: 'API key',
  aws: 'AWS access key',
  gcp_service_account: 'GCP service account',
  azure_client_secret: 'Azure client secret',
};

export const listProviders = (api: ApiClient, q: Query) => api.get<Page<Provider>>('/providers', q);
export const createProvider = (api: ApiClient, p: ProviderInput) => api.post<Provider>('/providers', p);
export const updateProvider = (api: ApiClient, id: string, patch: Partial<ProviderInput> & { version: number }) =>
  api.patch<Provider>(`/providers/${encodeURIComponent(id)}`, patch);
export const deleteProvider = (api: ApiClient, id: string) => api.del(`/providers/${encodeURIComponent(id)}`);
export const testProvider = (api: ApiClient, id: string) => api.post<TestResult>(`/providers/${encodeURIComponent(id)}/test`);
