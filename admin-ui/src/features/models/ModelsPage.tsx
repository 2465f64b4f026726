import { useState } from 'react';
import { errorMessage } from '../../api/client';
import { useApi } from '../../api/context';
import { useResource } from '../../api/useResource';
import { useCanWrite } from '../../auth/session';
import { LoadError, useSubmit } from '../../components/forms';
import { formatUsd } from '../../components/format';
import { ConfirmDialog, Modal } from '../../components/Modal';
import { Pager } from '../../components/Pager';
import { deleteModel, listModels, type Model } from './api';
import { ModelForm } from './components/ModelForm';

const LIMIT = 50;

/** Models: their targets with weights and priorities, and prices. */
export function ModelsPage() {
  const api = useApi();
  const canWrite = useCanWrite();
  const [q, setQ] = useState('');
  const [offset, setOffset] = useState(0);
  const [editing, setEditing] = useState<Model | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Model | null>(null);
  const list = useResource(() => listModels(api, { q, limit: LIMIT, offset }), [q, offset]);
  const del = useSubmit();

  return (
    <section aria-labelledby="models-title">
      <div className="page-head">
        <h1 id="models-title">Models</h1>
        {canWrite && (
          <button type="button" onClick={() => setEditing('new')}>
            New model
          </button>
        )}
      </div>
      <div className="filters">
        <label>
          Search models
          <input type="search" value={q} onChange={(e) => { setQ(e.target.value); setOffset(0); }} />
        </label>
      </div>
      <LoadError error={list.error} what="models" />
      {list.data && list.data.items.length === 0 && <p>No models yet.</p>}
      {list.data && list.data.items.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Models</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Targets (provider / model, weight, priority)</th>
                <th scope="col">Input / output per 1M tokens</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((m) => (
                <tr key={m.id}>
                  <th scope="row">{m.name}</th>
                  <td>
                    <ul className="plain">
                      {m.targets.map((t, i) => (
                        <li key={i}>
                          <span className="mono">
                            {t.provider} / {t.model}
                          </span>{' '}
                          weight {t.weight}, priority {t.priority}
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td>{m.pricing ? `${formatUsd(m.pricing.input_per_million)} / ${formatUsd(m.pricing.output_per_million)}` : 'unknown'}</td>
                  <td>
                    {canWrite && (
                      <div className="row-actions">
                        <button type="button" onClick={() => setEditing(m)} aria-label={`Edit ${m.name}`}>
                          Edit
                        </button>
                        <button type="button" className="danger" onClick={() => { del.clear(); setDeleting(m); }} aria-label={`Delete ${m.name}`}>
                          Delete
                        </button>
                      </div>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.data && <Pager total={list.data.total} limit={LIMIT} offset={offset} onChange={setOffset} label="Model pages" />}
      {editing && (
        <Modal title={editing === 'new' ? 'New model' : `Edit model ${editing.name}`} onClose={() => setEditing(null)}>
          <ModelForm
            model={editing === 'new' ? undefined : editing}
            onCancel={() => setEditing(null)}
            onSaved={() => {
              setEditing(null);
              list.reload();
            }}
          />
        </Modal>
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete model ${deleting.name}?`}
          message="Clients sending this model name will be refused."
          confirmLabel="Delete model"
          busy={del.busy}
          error={del.error ? <p className="error" role="alert">{errorMessage(del.error)}</p> : null}
          onCancel={() => setDeleting(null)}
          onConfirm={async () => {
            const ok = await del.run(async () => {
              await deleteModel(api, deleting.id);
              return true;
            });
            if (ok) {
              setDeleting(null);
              list.reload();
            }
          }}
        />
      )}
    </section>
  );
}
