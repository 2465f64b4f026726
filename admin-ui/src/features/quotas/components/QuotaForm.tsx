import { useState, type FormEvent } from 'react';
import { useApi } from '../../../api/context';
import { useResource } from '../../../api/useResource';
import { FormError, SelectField, TextField, useSubmit } from '../../../components/forms';
import { listKeys, listTeams } from '../../keys/api';
import { listModels } from '../../models/api';
import { listProviders } from '../../providers/api';
import { METRICS, SCOPES, WINDOWS, createQuota, updateQuota, type Metric, type Quota, type Scope, type Window } from '../api';

interface Props {
  quota?: Quota;
  onSaved: (q: Quota) => void;
  onCancel: () => void;
}

/**
 * Create or edit a quota: what it applies to (a key, a team, a provider's attempts or everyone), model,
 * metric, window, limit.
 */
export function QuotaForm({ quota, onSaved, onCancel }: Props) {
  const api = useApi();
  const [scope, setScope] = useState<Scope>(quota?.scope ?? 'key');
  const [scopeId, setScopeId] = useState(quota?.scope_id ?? '');
  const [model, setModel] = useState(quota?.model ?? '');
  const [metric, setMetric] = useState<Metric>(quota?.metric ?? 'total_tokens');
  const [window, setWindow] = useState<Window>(quota?.window ?? 'minute');
  const [limit, setLimit] = useState(quota ? String(quota.limit) : '');
  const keys = useResource(() => listKeys(api, { status: 'active', limit: 500 }), []);
  const teams = useResource(() => listTeams(api, { limit: 500 }), []);
  const models = useResource(() => listModels(api, { limit: 500 }), []);
  const providers = useResource(() => listProviders(api, { limit: 500 }), []);
  const { busy, error, fieldErrors, run } = useSubmit();

  const scopeOptions =
    scope === 'key'
      ? (keys.data?.items ?? []).map((k) => ({ value: k.id, label: `${k.name} (${k.team}, ${k.prefix}…)` }))
      : scope === 'provider'
        ? (providers.data?.items ?? []).map((p) => ({ value: p.id, label: p.name }))
        : (teams.data?.items ?? []).map((t) => ({ value: t.id, label: t.name }));

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const n = Number(limit);
    const body = {
      scope,
      scope_id: scope === 'global' ? null : scopeId || null,
      model: model || null,
      metric,
      window,
      limit: limit.trim() === '' || Number.isNaN(n) ? null : n,
    };
    const saved = await run(() => (quota ? updateQuota(api, quota.id, { ...body, version: quota.version }) : createQuota(api, body)));
    if (saved) onSaved(saved);
  }

  return (
    <form onSubmit={onSubmit} noValidate>
      <SelectField label="Applies to" value={scope} onChange={(v) => { setScope(v as Scope); setScopeId(''); }} options={SCOPES.map((s) => ({ value: s, label: s === 'global' ? 'everyone (global)' : s }))} error={fieldErrors.scope} />
      {scope !== 'global' && (
        <SelectField
          label={scope === 'key' ? 'Key' : scope === 'provider' ? 'Provider' : 'Team'}
          value={scopeId}
          onChange={setScopeId}
          options={[{ value: '', label: `Choose a ${scope}` }, ...scopeOptions]}
          error={fieldErrors.scope_id}
        />
      )}
      <SelectField
        label="Model"
        value={model}
        onChange={setModel}
        options={[{ value: '', label: 'every model' }, ...(models.data?.items ?? []).map((m) => ({ value: m.name, label: m.name }))]}
        error={fieldErrors.model}
      />
      <SelectField label="Metric" value={metric} onChange={(v) => setMetric(v as Metric)} options={METRICS} error={fieldErrors.metric} />
      <SelectField label="Window" value={window} onChange={(v) => setWindow(v as Window)} options={WINDOWS} error={fieldErrors.window} help="Calendar-aligned, UTC." />
      <TextField label={metric === 'cost_usd' ? 'Limit (USD)' : 'Limit (tokens)'} type="number" value={limit} onChange={setLimit} error={fieldErrors.limit} required />
      <FormError error={error} shownFields={['scope', 'scope_id', 'model', 'metric', 'window', 'limit']} />
      <div className="actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" disabled={busy}>
          {quota ? 'Save quota' : 'Create quota'}
        </button>
      </div>
    </form>
  );
}
