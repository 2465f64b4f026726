import { useState, type FormEvent } from 'react';
import { useApi } from '../../../api/context';
import { Field, FormError, SelectField, TextField, useSubmit } from '../../../components/forms';
import {
  BASE_URL_HELP,
  createProvider,
  kindInfo,
  schemaInfo,
  updateProvider,
  type CredentialKind,
  type Provider,
  type Schema,
  type Vocabulary,
} from '../api';

interface Props {
  vocabulary: Vocabulary;
  provider?: Provider;
  onSaved: (p: Provider) => void;
  onCancel: () => void;
}

/**
 * Create or edit a provider; the settings, the credential kinds offered and each kind's fields
 * follow the chosen schema, as the server's vocabulary describes them.
 */
export function ProviderForm({ vocabulary, provider, onSaved, onCancel }: Props) {
  const api = useApi();
  const editing = provider !== undefined;
  const first = vocabulary.schemas[0];
  const [name, setName] = useState(provider?.name ?? '');
  const [schema, setSchema] = useState<Schema>(provider?.schema ?? first.name);
  const spec = schemaInfo(vocabulary, schema) ?? first;
  const [baseUrl, setBaseUrl] = useState(provider?.base_url ?? spec.default_base_url);
  const [settings, setSettings] = useState<Record<string, string>>(provider?.settings ?? {});
  const [kind, setKind] = useState<CredentialKind>(provider?.credentials[0]?.kind ?? spec.credential_kinds[0]);
  const [secret, setSecret] = useState<Record<string, string>>({});
  const { busy, error, fieldErrors, run } = useSubmit();
  const kindSpec = kindInfo(vocabulary, kind);
  const fields = kindSpec?.fields ?? [];

  function changeSchema(s: Schema) {
    const next = schemaInfo(vocabulary, s) ?? first;
    // Keep a base URL the operator typed; replace one that was only the previous default.
    if (!baseUrl || baseUrl === spec.default_base_url) setBaseUrl(next.default_base_url);
    setSchema(s);
    setSettings({});
    setKind(next.credential_kinds[0]);
    setSecret({});
  }

  // A kind that stores no secret (the gateway's own cloud identity) counts as entered once chosen.
  const credentialEntered =
    Object.values(secret).some((v) => v.trim() !== '') ||
    (kindSpec !== undefined && !kindSpec.stores_secret && (!editing || provider.credentials[0]?.kind !== kind));

  function credentialBody() {
    const c: Record<string, string> = { kind };
    for (const f of fields) {
      const v = secret[f.name]?.trim() ?? '';
      if (v || f.required) c[f.name] = v;
    }
    return c as { kind: CredentialKind } & Record<string, string>;
  }

  function cleanSettings() {
    const s: Record<string, string> = {};
    for (const setting of spec.settings) {
      const v = settings[setting.name]?.trim();
      if (v) s[setting.name] = v;
    }
    return s;
  }

  const kindLabel = (k: CredentialKind) => kindInfo(vocabulary, k)?.label ?? k;

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

  const shown = ['name', 'schema', 'base_url', ...spec.settings.map((s) => `settings.${s.name}`), 'credentials', 'credentials[0].kind', ...fields.map((f) => `credentials[0].${f.name}`)];

  return (
    <form onSubmit={onSubmit} noValidate>
      <TextField label="Name" value={name} onChange={setName} error={fieldErrors.name} required help="Lowercase letters, digits, dot, dash, underscore." />
      <SelectField
        label="Schema"
        value={schema}
        onChange={(v) => changeSchema(v as Schema)}
        options={vocabulary.schemas.map((s) => ({ value: s.name, label: s.label }))}
        error={fieldErrors.schema}
        help={editing ? 'The schema of an existing provider cannot change.' : undefined}
      />
      <TextField label="Base URL" value={baseUrl} onChange={setBaseUrl} error={fieldErrors.base_url} help={BASE_URL_HELP[spec.name]} type="url" required />
      {spec.settings.map((s) => (
        <TextField
          key={`${schema}-${s.name}`}
          label={s.required ? s.label : `${s.label} (optional)`}
          value={settings[s.name] ?? ''}
          onChange={(v) => setSettings({ ...settings, [s.name]: v })}
          error={fieldErrors[`settings.${s.name}`]}
          help={s.help || undefined}
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
              : provider.credentials.map((c) => `${kindLabel(c.kind)} ${c.hint}`).join(', ')}
            . Secrets are write-only; leave blank to keep them.
          </p>
        )}
        {spec.credential_kinds.length > 1 && (
          <SelectField
            label="Credential kind"
            value={kind}
            onChange={(v) => {
              setKind(v as CredentialKind);
              setSecret({});
            }}
            options={spec.credential_kinds.map((k) => ({ value: k, label: kindLabel(k) }))}
            error={fieldErrors['credentials[0].kind']}
          />
        )}
        {kindSpec && !kindSpec.stores_secret && (
          <p className="help">No secret is stored: the gateway uses its own cloud identity.</p>
        )}
        {fields.map((f) =>
          f.multiline ? (
            <Field key={f.name} label={f.label} error={fieldErrors[`credentials[0].${f.name}`]}>
              {(a) => (
                <textarea {...a} rows={4} value={secret[f.name] ?? ''} onChange={(e) => setSecret({ ...secret, [f.name]: e.target.value })} />
              )}
            </Field>
          ) : (
            <TextField
              key={`${kind}-${f.name}`}
              label={f.required ? f.label : `${f.label} (optional)`}
              type={f.secret ? 'password' : 'text'}
              value={secret[f.name] ?? ''}
              onChange={(v) => setSecret({ ...secret, [f.name]: v })}
              error={fieldErrors[`credentials[0].${f.name}`]}
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
