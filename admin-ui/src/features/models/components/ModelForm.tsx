import { useState, type FormEvent } from 'react';
import { useApi } from '../../../api/context';
import { useResource } from '../../../api/useResource';
import { FormError, SelectField, TextField, useSubmit } from '../../../components/forms';
import { listProviders } from '../../providers/api';
import { createModel, updateModel, type Model, type Pricing } from '../api';
import { FAILOVER_NUMBERS, FailoverFields, failoverRow } from './FailoverFields';

interface Props {
  model?: Model;
  onSaved: (m: Model) => void;
  onCancel: () => void;
}

interface TargetRow {
  provider: string;
  model: string;
  weight: string;
  priority: string;
}

const PRICE_FIELDS: { key: keyof Pricing; label: string }[] = [
  { key: 'input_per_million', label: 'Input price (USD per million tokens)' },
  { key: 'output_per_million', label: 'Output price (USD per million tokens)' },
  { key: 'cached_input_per_million', label: 'Cached input price (USD per million tokens)' },
];

/** Blank or non-numeric input is sent as null so the API answers with a field error for it. */
function toNumber(s: string): number | null {
  const n = Number(s);
  return s.trim() === '' || Number.isNaN(n) ? null : n;
}

/** Create or edit a model: its targets (provider, upstream model, weight, priority) and prices. */
export function ModelForm({ model, onSaved, onCancel }: Props) {
  const api = useApi();
  const providers = useResource(() => listProviders(api, { limit: 500 }), []);
  const [name, setName] = useState(model?.name ?? '');
  const [targets, setTargets] = useState<TargetRow[]>(
    model?.targets.map((t) => ({ provider: t.provider, model: t.model, weight: String(t.weight), priority: String(t.priority) })) ?? [
      { provider: '', model: '', weight: '1', priority: '0' },
    ],
  );
  const [prices, setPrices] = useState<Record<keyof Pricing, string>>({
    input_per_million: model?.pricing?.input_per_million?.toString() ?? '',
    output_per_million: model?.pricing?.output_per_million?.toString() ?? '',
    cached_input_per_million: model?.pricing?.cached_input_per_million?.toString() ?? '',
  });
  const [failover, setFailover] = useState(failoverRow(model?.failover));
  const { busy, error, fieldErrors, run } = useSubmit();
  const providerNames = providers.data?.items.map((p) => p.name) ?? [];

  function setTarget(i: number, patch: Partial<TargetRow>) {
    setTargets(targets.map((t, j) => (j === i ? { ...t, ...patch } : t)));
  }

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const anyPrice = Object.values(prices).some((v) => v.trim() !== '');
    const pricing: Pricing | null = anyPrice
      ? {
          input_per_million: prices.input_per_million.trim() === '' ? null : Number(prices.input_per_million),
          output_per_million: prices.output_per_million.trim() === '' ? null : Number(prices.output_per_million),
          cached_input_per_million: prices.cached_input_per_million.trim() === '' ? null : Number(prices.cached_input_per_million),
        }
      : null;
    const body = {
      name,
      targets: targets.map((t) => ({
        provider: t.provider,
        model: t.model,
        weight: toNumber(t.weight),
        priority: toNumber(t.priority),
      })),
      pricing,
      failover: {
        retry_on: failover.retry_on,
        attempts: toNumber(failover.attempts),
        per_attempt_timeout_ms: toNumber(failover.per_attempt_timeout_ms),
        backoff_base_ms: toNumber(failover.backoff_base_ms),
        backoff_max_ms: toNumber(failover.backoff_max_ms),
      },
    };
    const saved = await run(() => (model ? updateModel(api, model.id, { ...body, version: model.version }) : createModel(api, body)));
    if (saved) onSaved(saved);
  }

  const shown = ['name', 'targets', ...PRICE_FIELDS.map((f) => `pricing.${f.key}`), ...FAILOVER_NUMBERS.map((f) => `failover.${f.key}`)];
  failover.retry_on.forEach((_, i) => shown.push(`failover.retry_on[${i}]`));
  targets.forEach((_, i) => ['provider', 'model', 'weight', 'priority'].forEach((k) => shown.push(`targets[${i}].${k}`)));

  return (
    <form onSubmit={onSubmit} noValidate>
      <TextField label="Model name" value={name} onChange={setName} error={fieldErrors.name} required help="The name clients send as model." />
      <fieldset>
        <legend>Targets</legend>
        <p className="help">Priority 0 is the first choice, 1 the first fallback, and so on; among the same priority, traffic splits by weight.</p>
        {targets.map((t, i) => (
          <div className="target-row" key={i} role="group" aria-label={`Target ${i + 1}`}>
            <SelectField
              label={`Target ${i + 1} provider`}
              value={t.provider}
              onChange={(v) => setTarget(i, { provider: v })}
              options={[{ value: '', label: 'Choose a provider' }, ...providerNames.map((n) => ({ value: n, label: n }))]}
              error={fieldErrors[`targets[${i}].provider`]}
            />
            <TextField label={`Target ${i + 1} upstream model`} value={t.model} onChange={(v) => setTarget(i, { model: v })} error={fieldErrors[`targets[${i}].model`]} />
            <TextField label={`Target ${i + 1} weight`} type="number" value={t.weight} onChange={(v) => setTarget(i, { weight: v })} error={fieldErrors[`targets[${i}].weight`]} />
            <TextField label={`Target ${i + 1} priority`} type="number" value={t.priority} onChange={(v) => setTarget(i, { priority: v })} error={fieldErrors[`targets[${i}].priority`]} />
            {targets.length > 1 && (
              <button type="button" onClick={() => setTargets(targets.filter((_, j) => j !== i))}>
                Remove target {i + 1}
              </button>
            )}
          </div>
        ))}
        {fieldErrors.targets && <p className="error">{fieldErrors.targets}</p>}
        <button type="button" onClick={() => setTargets([...targets, { provider: '', model: '', weight: '1', priority: '0' }])}>
          Add target
        </button>
      </fieldset>
      <fieldset>
        <legend>Prices</legend>
        <p className="help">Leave blank when unknown (cost counts as 0).</p>
        {PRICE_FIELDS.map((f) => (
          <TextField
            key={f.key}
            label={f.label}
            type="number"
            value={prices[f.key]}
            onChange={(v) => setPrices({ ...prices, [f.key]: v })}
            error={fieldErrors[`pricing.${f.key}`]}
          />
        ))}
      </fieldset>
      <FailoverFields value={failover} onChange={setFailover} fieldErrors={fieldErrors} />
      <FormError error={error} shownFields={shown} />
      <div className="actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" disabled={busy}>
          {model ? 'Save model' : 'Create model'}
        </button>
      </div>
    </form>
  );
}
