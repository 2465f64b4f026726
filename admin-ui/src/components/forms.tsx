import { useCallback, useId, useState, type ReactNode } from 'react';
import { ApiError, errorMessage } from '../api/client';

/** Runs a write, remembering its error so fields and the form can show it. */
export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async <T,>(fn: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await fn();
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  const fieldErrors = error instanceof ApiError ? error.fieldErrors : {};
  return { busy, error, fieldErrors, run, clear: () => setError(null) };
}

interface FieldProps {
  label: string;
  error?: string;
  help?: ReactNode;
  children: (props: { id: string; 'aria-invalid'?: boolean; 'aria-describedby'?: string }) => ReactNode;
}

/** A labelled control with its help text and the API's error for it. */
export function Field({ label, error, help, children }: FieldProps) {
  const id = useId();
  const describedBy = [help ? `${id}-help` : null, error ? `${id}-error` : null].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy || undefined })}
      {help && (
        <p id={`${id}-help`} className="help">
          {help}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="error">
          {error}
        </p>
      )}
    </div>
  );
}

interface TextFieldProps {
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string;
  help?: ReactNode;
  type?: string;
  required?: boolean;
  placeholder?: string;
  autoComplete?: string;
}

export function TextField({ label, value, onChange, error, help, type = 'text', required, placeholder, autoComplete }: TextFieldProps) {
  return (
    <Field label={label} error={error} help={help}>
      {(a) => (
        <input
          {...a}
          type={type}
          value={value}
          required={required}
          placeholder={placeholder}
          autoComplete={autoComplete ?? 'off'}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

interface SelectFieldProps {
  label: string;
  value: string;
  onChange: (v: string) => void;
  options: readonly (string | { value: string; label: string })[];
  error?: string;
  help?: ReactNode;
}

export function SelectField({ label, value, onChange, options, error, help }: SelectFieldProps) {
  return (
    <Field label={label} error={error} help={help}>
      {(a) => (
        <select {...a} value={value} onChange={(e) => onChange(e.target.value)}>
          {options.map((o) => {
            const opt = typeof o === 'string' ? { value: o, label: o } : o;
            return (
              <option key={opt.value} value={opt.value}>
                {opt.label}
              </option>
            );
          })}
        </select>
      )}
    </Field>
  );
}

/**
 * The error of a failed write: its detail, plus any field errors that no visible field shows
 * (so an error about a field the form does not have is never lost).
 */
export function FormError({ error, shownFields = [] }: { error: unknown; shownFields?: string[] }) {
  if (!error) return null;
  const rest =
    error instanceof ApiError ? (error.problem.errors ?? []).filter((e) => !shownFields.includes(e.field)) : [];
  return (
    <div className="alert" role="alert">
      <p>{errorMessage(error)}</p>
      {rest.length > 0 && (
        <ul>
          {rest.map((e) => (
            <li key={e.field + e.message}>
              <code>{e.field}</code>: {e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Shows a load error, or nothing. */
export function LoadError({ error, what }: { error: unknown; what: string }) {
  if (!error) return null;
  return (
    <div className="alert" role="alert">
      Could not load {what}: {errorMessage(error)}
    </div>
  );
}
