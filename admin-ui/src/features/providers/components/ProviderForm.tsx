import { useState, type FormEvent } from 'react';
import { useApi } from '../../../api/context';
import { Field, FormError, SelectField, TextField, useSubmit } from '../../../components/forms';
import {
  CREDENTIAL_FIELDS,
  KIND_LABELS,
  SCHEMAS,
  createProvider,
  updateProvider,
  type CredentialKind,
  type Provider,
  type Schema,
} from '../api';

interface Props {
  provider?: Provider;
  onSaved: (p: Provider) => void;
  onCancel: () => void;
}

/** Create or edit a provider; the settings and credential fields follow the chosen schema. */
export function ProviderForm({ provider, onSaved, onCancel }: Props) {
  const api = useApi();
  const editing = provider !== undefined;
  const [name, setName] = useState(provider?.name ?? '');
  const [schema, setSchema] = useState<Schema>(provider?.schema ?? 'openai');
  const [baseUrl, setBaseUrl] = useState(provider?.base_url ?? SCHEMAS.openai.defaultBaseUrl);
  const [settings, setSettings] = useState<Record<string, string>>(provider?.settings ?? {});
  const [kind, setKind] = useState<CredentialKind>(provider?.credentials[0]?.kind ?? SCHEMAS[schema].credentialKinds[0]);
  const [secret, setSecret] = useState<Record<string, string>>({});
  const { busy, error, fieldErrors, run } = useSubmit();
  const spec = SCHEMAS[schema];

  function changeSchema(s: Schema) {
    // Keep a base URL the operator typed; replace one that was only the previous default.
    if (!baseUrl || baseUrl === SCHEMAS[schema].defaultBaseUrl) setBaseUrl(SCHEMAS[s].defaultBaseUrl);
    setSchema(s);
    setSettings({});
    setKind(SCHEMAS[s].credentialKinds[0]);
    setSecret({});
  }

  const credentialEntered = Object.values(secret).some((v) => v.trim() !== '');

  function credentialBody() {
    const c: Record<string, string> = { kind };
    for (const f of CREDENTIAL_FIELDS[kind]) {
      const v = secret[f.key]?.trim() ?? '';
      if (v || !f.optional) c[f.key] = v;
    }
    return c as { kind: CredentialKind } & Record<string, string>;
  }

  function cleanSettings() {
    const s: Record<string, string> = {};
    for (const spec of SCHEMAS[schema].settings) {
      const v = settings[spec.key]?.trim();
      if (v) s[spec.key] = v;
    }
    return s;
  }

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const saved = await run(() =>
      editing
        ? updateProvider(api, provider.id, {
            name,
            base_url: baseUrl,
            settings: cleanSettings(),
            version: provider.version,
            ...(credentialEntered ? { credentials: [credentialBody()] } : {}),
          })
        : createProvider(api, {
            name,
            schema,
            base_url: baseUrl,
            settings: cleanSettings(),
            credentials: credentialEntered ? [credentialBody()] : [],
          }),
    );
    if (saved) onSaved(saved);
  }

  const shown = ['name', 'schema', 'base_url', ...spec.settings.map((s) => `settings.${s.key}`), 'credentials', 'credentials[0].kind', ...CREDENTIAL_FIELDS[kind].map((f) => `credentials[0].${f.key}`)];

  return (
    <form onSubmit={onSubmit} noValidate>
      <TextField label="Name" value={name} onChange={setName} error={fieldErrors.name} required help="Lowercase letters, digits, dot, dash, underscore." />
      <SelectField
        label="Schema"
        value={schema}
        onChange={(v) => changeSchema(v as Schema)}
        options={Object.entries(SCHEMAS).map(([value, s]) => ({ value, label: s.label }))}
        error={fieldErrors.schema}
        help={editing ? 'The schema of an existing provider cannot change.' : undefined}
      />
      <TextField label="Base URL" value={baseUrl} onChange={setBaseUrl} error={fieldErrors.base_url} help={spec.baseUrlHelp} type="url" required />
      {spec.settings.map((s) => (
        <TextField
          key={`${schema}-${s.key}`}
          label={s.required ? s.label : `${s.label} (optional)`}
          value={settings[s.key] ?? ''}
          onChange={(v) => setSettings({ ...settings, [s.key]: v })}
          error={fieldErrors[`settings.${s.key}`]}
          help={s.help}
          required={s.required}
        />
      ))}
      <fieldset>
        <legend>{editing ? 'Replace credentials' : 'Credentials'}</legend>
        {editing && (
          <p className="help">
            Current:{' '}
            {provider.credentials.length === 0
              ? 'none'
              : provider.credentials.map((c) => `${KIND_LABELS[c.kind]} ${c.hint}`).join(', ')}
            . Secrets are write-only; leave blank to keep them.
          </p>
        )}
        {spec.credentialKinds.length > 1 && (
          <SelectField
            label="Credential kind"
            value={kind}
            onChange={(v) => {
              setKind(v as CredentialKind);
              setSecret({});
            }}
            options={spec.credentialKinds.map((k) => ({ value: k, label: KIND_LABELS[k] }))}
            error={fieldErrors['credentials[0].kind']}
          />
        )}
        {CREDENTIAL_FIELDS[kind].map((f) =>
          f.multiline ? (
            <Field key={f.key} label={f.label} error={fieldErrors[`credentials[0].${f.key}`]}>
              {(a) => (
                <textarea {...a} rows={4} value={secret[f.key] ?? ''} onChange={(e) => setSecret({ ...secret, [f.key]: e.target.value })} />
              )}
            </Field>
          ) : (
            <TextField
              key={f.key}
              label={f.optional ? `${f.label} (optional)` : f.label}
              type="password"
              value={secret[f.key] ?? ''}
              onChange={(v) => setSecret({ ...secret, [f.key]: v })}
              error={fieldErrors[`credentials[0].${f.key}`]}
            />
          ),
        )}
        {fieldErrors.credentials && <p className="error">{fieldErrors.credentials}</p>}
      </fieldset>
      <FormError error={error} shownFields={shown} />
      <div className="actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" disabled={busy}>
          {editing ? 'Save provider' : 'Create provider'}
        </button>
      </div>
    </form>
  );
}
