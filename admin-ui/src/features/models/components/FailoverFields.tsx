import { TextField } from '../../../components/forms';
import type { Failover } from '../api';

/** The retry conditions the admin API accepts, with what each means to an operator. */
export const RETRY_CONDITIONS: { value: string; label: string }[] = [
  { value: 'connect-failure', label: 'connect failure' },
  { value: 'reset', label: 'connection reset' },
  { value: '5xx', label: 'any 5xx (and a per-attempt timeout)' },
  { value: 'gateway-error', label: '502/503/504 only (and a per-attempt timeout)' },
  { value: '429', label: '429 rate limited' },
  { value: '529', label: '529 overloaded (Anthropic)' },
];

export const DEFAULT_FAILOVER: Failover = {
  retry_on: ['connect-failure', 'reset', '5xx', '429', '529'],
  attempts: 3,
  per_attempt_timeout_ms: 0,
  backoff_base_ms: 25,
  backoff_max_ms: 250,
};

/** Failover settings as the form edits them: numbers as typed. */
export interface FailoverRow {
  retry_on: string[];
  attempts: string;
  per_attempt_timeout_ms: string;
  backoff_base_ms: string;
  backoff_max_ms: string;
}

export const FAILOVER_NUMBERS: { key: Exclude<keyof FailoverRow, 'retry_on'>; label: string; help?: string }[] = [
  { key: 'attempts', label: 'Attempts in all', help: 'The first attempt included; 1 means never retry.' },
  { key: 'per_attempt_timeout_ms', label: 'Per-attempt timeout (ms)', help: 'Until the response starts; 0 means none.' },
  { key: 'backoff_base_ms', label: 'Back-off base (ms)' },
  { key: 'backoff_max_ms', label: 'Back-off max (ms)' },
];

export function failoverRow(f: Failover | undefined): FailoverRow {
  const v = f ?? DEFAULT_FAILOVER;
  return {
    retry_on: [...v.retry_on],
    attempts: String(v.attempts),
    per_attempt_timeout_ms: String(v.per_attempt_timeout_ms),
    backoff_base_ms: String(v.backoff_base_ms),
    backoff_max_ms: String(v.backoff_max_ms),
  };
}

interface Props {
  value: FailoverRow;
  onChange: (v: FailoverRow) => void;
  fieldErrors: Record<string, string>;
}

/** When a request moves on to the next target (the route's retry policy in Envoy). */
export function FailoverFields({ value, onChange, fieldErrors }: Props) {
  const retryError = Object.entries(fieldErrors).find(([k]) => k.startsWith('failover.retry_on'))?.[1];
  return (
    <fieldset>
      <legend>Failover</legend>
      <p className="help">
        A request moves on to the next target (by priority, then weight) only before anything has reached the client.
      </p>
      <div className="checks" role="group" aria-label="Retry on">
        {RETRY_CONDITIONS.map((c) => (
          <label key={c.value} className="check">
            <input
              type="checkbox"
              checked={value.retry_on.includes(c.value)}
              onChange={(e) =>
                onChange({
                  ...value,
                  retry_on: e.target.checked ? [...value.retry_on, c.value] : value.retry_on.filter((x) => x !== c.value),
                })
              }
            />
            Retry on {c.label}
          </label>
        ))}
      </div>
      {retryError && <p className="error">{retryError}</p>}
      {FAILOVER_NUMBERS.map((f) => (
        <TextField
          key={f.key}
          label={f.label}
          type="number"
          value={value[f.key]}
          onChange={(v) => onChange({ ...value, [f.key]: v })}
          error={fieldErrors[`failover.${f.key}`]}
          help={f.help}
        />
      ))}
    </fieldset>
  );
}
