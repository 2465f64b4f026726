import { useState } from 'react';
import type { CreatedKey } from '../api';

/** Shows a new key's secret, once, with a copy button. */
export function NewKeySecret({ created, onDone }: { created: CreatedKey; onDone: () => void }) {
  const [copied, setCopied] = useState<string | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied('Copied to the clipboard.');
    } catch {
      setCopied('Copy failed: select the key and copy it by hand.');
    }
  }
  return (
    <div>
      <p className="warning" role="alert">
        Copy this key now. It is shown only once and cannot be shown again; if it is lost, revoke it and create another.
      </p>
      <label htmlFor="new-key-secret">Secret of key {created.name}</label>
      <div className="secret-row">
        <input id="new-key-secret" className="mono" readOnly value={created.key} onFocus={(e) => e.target.select()} />
        <button type="button" onClick={copy}>
          Copy key
        </button>
      </div>
      {copied && <p role="status">{copied}</p>}
      <div className="actions">
        <button type="button" onClick={onDone}>
          I have copied the key
        </button>
      </div>
    </div>
  );
}
