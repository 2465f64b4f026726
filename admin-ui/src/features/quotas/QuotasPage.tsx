import { useState } from 'react';
import { errorMessage } from '../../api/client';
import { useApi } from '../../api/context';
import { useResource } from '../../api/useResource';
import { useCanWrite } from '../../auth/session';
import { LoadError, useSubmit } from '../../components/forms';
import { ConfirmDialog, Modal } from '../../components/Modal';
import { Pager } from '../../components/Pager';
import { listKeys, listTeams } from '../keys/api';
import { listProviders } from '../providers/api';
import { deleteQuota, listQuotas, type Quota } from './api';
import { QuotaForm } from './components/QuotaForm';
import { UsageBar } from './components/UsageBar';

const LIMIT = 50;

/** Quotas with their current window's usage. */
export function QuotasPage() {
  const api = useApi();
  const canWrite = useCanWrite();
  const [offset, setOffset] = useState(0);
  const [editing, setEditing] = useState<Quota | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Quota | null>(null);
  const list = useResource(() => listQuotas(api, { limit: LIMIT, offset }), [offset]);
  // Names for the ids a quota refers to; a failure here only leaves ids shown.
  const names = useResource(async () => {
    const [keys, teams, providers] = await Promise.all([
      listKeys(api, { limit: 500 }),
      listTeams(api, { limit: 500 }),
      listProviders(api, { limit: 500 }),
    ]);
    const m = new Map<string, string>();
    providers.items.forEach((p) => m.set(p.id, `provider ${p.name}`));
    keys.items.forEach((k) => m.set(k.id, `key ${k.name}`));
    teams.items.forEach((t) => m.set(t.id, `team ${t.name}`));
    return m;
  }, []);
  const del = useSubmit();

  function subject(q: Quota) {
    if (q.scope === 'global') return 'everyone';
    return names.data?.get(q.scope_id ?? '') ?? `${q.scope} ${q.scope_id}`;
  }

  return (
    <section aria-labelledby="quotas-title">
      <div className="page-head">
        <h1 id="quotas-title">Quotas</h1>
        {canWrite && (
          <button type="button" onClick={() => setEditing('new')}>
            New quota
          </button>
        )}
      </div>
      <LoadError error={list.error} what="quotas" />
      {list.data && list.data.items.length === 0 && <p>No quotas yet.</p>}
      {list.data && list.data.items.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Quotas</caption>
            <thead>
              <tr>
                <th scope="col">Applies to</th>
                <th scope="col">Model</th>
                <th scope="col">Limit</th>
                <th scope="col">Current window</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((q) => (
                <tr key={q.id}>
                  <th scope="row">{subject(q)}</th>
                  <td>{q.model ?? 'every model'}</td>
                  <td>
                    {q.limit} {q.metric} per {q.window}
                  </td>
                  <td>
                    <UsageBar quota={q} label={`Usage of the ${q.metric} quota of ${subject(q)}`} />
                  </td>
                  <td>
                    {canWrite && (
                      <div className="row-actions">
                        <button type="button" onClick={() => setEditing(q)} aria-label={`Edit quota of ${subject(q)}`}>
                          Edit
                        </button>
                        <button type="button" className="danger" onClick={() => { del.clear(); setDeleting(q); }} aria-label={`Delete quota of ${subject(q)}`}>
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
      {list.data && <Pager total={list.data.total} limit={LIMIT} offset={offset} onChange={setOffset} label="Quota pages" />}
      {editing && (
        <Modal title={editing === 'new' ? 'New quota' : 'Edit quota'} onClose={() => setEditing(null)}>
          <QuotaForm
            quota={editing === 'new' ? undefined : editing}
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
          title={`Delete quota of ${subject(deleting)}?`}
          message="Requests will no longer be limited by it."
          confirmLabel="Delete quota"
          busy={del.busy}
          error={del.error ? <p className="error" role="alert">{errorMessage(del.error)}</p> : null}
          onCancel={() => setDeleting(null)}
          onConfirm={async () => {
            const ok = await del.run(async () => {
              await deleteQuota(api, deleting.id);
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
