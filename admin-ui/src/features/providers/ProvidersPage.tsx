import { useState } from 'react';
import { errorMessage } from '../../api/client';
import { useApi } from '../../api/context';
import { useResource } from '../../api/useResource';
import { useCanWrite } from '../../auth/session';
import { LoadError, useSubmit } from '../../components/forms';
import { ConfirmDialog, Modal } from '../../components/Modal';
import { Pager } from '../../components/Pager';
import { deleteProvider, getVocabulary, kindInfo, listProviders, schemaInfo, testProvider, type Provider, type TestResult } from './api';
import { ProviderForm } from './components/ProviderForm';

const LIMIT = 50;

/** Providers: list, create, edit, test connection, delete. */
export function ProvidersPage() {
  const api = useApi();
  const canWrite = useCanWrite();
  const [q, setQ] = useState('');
  const [offset, setOffset] = useState(0);
  const [editing, setEditing] = useState<Provider | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Provider | null>(null);
  const [tests, setTests] = useState<Record<string, TestResult | string>>({});
  const list = useResource(() => listProviders(api, { q, limit: LIMIT, offset }), [q, offset]);
  const vocabulary = useResource(() => getVocabulary(api), []);
  const v = vocabulary.data;
  const del = useSubmit();

  async function runTest(p: Provider) {
    setTests((t) => ({ ...t, [p.id]: 'Testing…' }));
    try {
      const r = await testProvider(api, p.id);
      setTests((t) => ({ ...t, [p.id]: r }));
    } catch (e) {
      setTests((t) => ({ ...t, [p.id]: `Test failed: ${errorMessage(e)}` }));
    }
  }

  return (
    <section aria-labelledby="providers-title">
      <div className="page-head">
        <h1 id="providers-title">Providers</h1>
        {canWrite && v && (
          <button type="button" onClick={() => setEditing('new')}>
            New provider
          </button>
        )}
      </div>
      <div className="filters">
        <label>
          Search providers
          <input type="search" value={q} onChange={(e) => { setQ(e.target.value); setOffset(0); }} />
        </label>
      </div>
      <LoadError error={list.error} what="providers" />
      <LoadError error={vocabulary.error} what="provider schemas" />
      {list.data && list.data.items.length === 0 && <p>No providers yet.</p>}
      {list.data && list.data.items.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Providers</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Schema</th>
                <th scope="col">Base URL</th>
                <th scope="col">Credentials</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((p) => {
                const t = tests[p.id];
                return (
                  <tr key={p.id}>
                    <th scope="row">{p.name}</th>
                    <td>{(v && schemaInfo(v, p.schema)?.label) ?? p.schema}</td>
                    <td className="mono">{p.base_url}</td>
                    <td>
                      {p.credentials.length === 0
                        ? 'none'
                        : p.credentials.map((c) => (
                            <span key={c.id} className="chip">
                              {(v && kindInfo(v, c.kind)?.label) ?? c.kind} <span className="mono">{c.hint}</span>
                              {c.error && (
                                <span className="error">
                                  {' '}
                                  Failing since {c.failing_since ? new Date(c.failing_since).toLocaleString() : 'recently'}: {c.error}
                                </span>
                              )}
                            </span>
                          ))}
                    </td>
                    <td>
                      <div className="row-actions">
                        <button type="button" onClick={() => runTest(p)} aria-label={`Test connection to ${p.name}`}>
                          Test connection
                        </button>
                        {canWrite && v && (
                          <>
                            <button type="button" onClick={() => setEditing(p)} aria-label={`Edit ${p.name}`}>
                              Edit
                            </button>
                            <button type="button" className="danger" onClick={() => { del.clear(); setDeleting(p); }} aria-label={`Delete ${p.name}`}>
                              Delete
                            </button>
                          </>
                        )}
                      </div>
                      {t && (
                        <p role="status" className={typeof t === 'string' ? 'error' : t.ok ? 'ok' : 'error'}>
                          {typeof t === 'string'
                            ? t
                            : `${t.ok ? 'Connected' : 'Failed'}${t.status ? ` (HTTP ${t.status}` : ''}${t.latency_ms !== undefined ? `, ${t.latency_ms} ms` : ''}${t.status ? ')' : ''}${t.detail ? `: ${t.detail}` : ''}`}
                        </p>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {list.data && <Pager total={list.data.total} limit={LIMIT} offset={offset} onChange={setOffset} label="Provider pages" />}
      {editing && v && (
        <Modal title={editing === 'new' ? 'New provider' : `Edit provider ${editing.name}`} onClose={() => setEditing(null)}>
          <ProviderForm
            vocabulary={v}
            provider={editing === 'new' ? undefined : editing}
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
          title={`Delete provider ${deleting.name}?`}
          message="Models that target it must be changed first."
          confirmLabel="Delete provider"
          busy={del.busy}
          error={del.error ? <p className="error" role="alert">{errorMessage(del.error)}</p> : null}
          onCancel={() => setDeleting(null)}
          onConfirm={async () => {
            const ok = await del.run(async () => {
              await deleteProvider(api, deleting.id);
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
