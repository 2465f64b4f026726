import { useState, type FormEvent } from 'react';
import { useApi } from '../../../api/context';
import { useResource } from '../../../api/useResource';
import { FormError, SelectField, TextField, useSubmit } from '../../../components/forms';
import { listModels } from '../../models/api';
import { createKey, listTeams, updateKey, type ApiKey, type CreatedKey } from '../api';

interface Props {
  apiKey?: ApiKey;
  defaultTeam?: string;
  onCreated: (k: CreatedKey) => void;
  onUpdated: (k: ApiKey) => void;
  onCancel: () => void;
}

/** `datetime-local` value (browser local time) → RFC 3339 UTC, or null when blank. */
function toUtc(local: string): string | null {
  if (!local) return null;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? local : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Create a key (team, allowed models, expiry) or change an existing one. */
export function KeyForm({ apiKey, defaultTeam, onCreated, onUpdated, onCancel }: Props) {
  const api = useApi();
  const teams = useResource(() => listTeams(api, { limit: 500 }), []);
  const models = useResource(() => listModels(api, { limit: 500 }), []);
  const [name, setName] = useState(apiKey?.name ?? '');
  const [team, setTeam] = useState(apiKey?.team ?? defaultTeam ?? '');
  const [allowed, setAllowed] = useState<string[]>(apiKey?.allowed_models ?? []);
  const [expires, setExpires] = useState(toLocalInput(apiKey?.expires_at ?? null));
  const { busy, error, fieldErrors, run } = useSubmit();

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (apiKey) {
      const saved = await run(() =>
        updateKey(api, apiKey.id, { name, allowed_models: allowed, expires_at: toUtc(expires), version: apiKey.version }),
      );
      if (saved) onUpdated(saved);
    } else {
      const created = await run(() => createKey(api, { name, team, allowed_models: allowed, expires_at: toUtc(expires) }));
      if (created) onCreated(created);
    }
  }

  const modelNames = models.data?.items.map((m) => m.name) ?? [];
  return (
    <form onSubmit={onSubmit} noValidate>
      <TextField label="Key name" value={name} onChange={setName} error={fieldErrors.name} required />
      {!apiKey && (
        <SelectField
          label="Team"
          value={team}
          onChange={setTeam}
          options={[{ value: '', label: 'Choose a team' }, ...(teams.data?.items.map((t) => ({ value: t.name, label: t.name })) ?? [])]}
          error={fieldErrors.team}
        />
      )}
      <fieldset aria-describedby="allowed-help">
        <legend>Allowed models</legend>
        <p id="allowed-help" className="help">
          None checked means every model.
        </p>
        {modelNames.length === 0 && <p className="help">No models defined yet.</p>}
        <div className="checks">
          {modelNames.map((m) => (
            <label key={m} className="check">
              <input
                type="checkbox"
                checked={allowed.includes(m)}
                onChange={(e) => setAllowed(e.target.checked ? [...allowed, m] : allowed.filter((x) => x !== m))}
              />
              {m}
            </label>
          ))}
        </div>
        {fieldErrors.allowed_models && <p className="error">{fieldErrors.allowed_models}</p>}
      </fieldset>
      <TextField label="Expires at (optional, your local time)" type="datetime-local" value={expires} onChange={setExpires} error={fieldErrors.expires_at} />
      <FormError error={error} shownFields={['name', 'team', 'allowed_models', 'expires_at']} />
      <div className="actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" disabled={busy}>
          {apiKey ? 'Save key' : 'Create key'}
        </button>
      </div>
    </form>
  );
}
