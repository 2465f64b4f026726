import { useState } from 'react';
import { errorMessage } from '../../api/client';
import { useApi } from '../../api/context';
import { useResource } from '../../api/useResource';
import { useCanWrite } from '../../auth/session';
import { LoadError, useSubmit } from '../../components/forms';
import { formatTime } from '../../components/format';
import { ConfirmDialog, Modal } from '../../components/Modal';
import { Pager } from '../../components/Pager';
import { listKeys, revokeKey, type ApiKey, type CreatedKey } from './api';
import { KeyForm } from './components/KeyForm';
import { NewKeySecret } from './components/NewKeySecret';
import { TeamsPanel } from './components/TeamsPanel';

const LIMIT = 50;

/** Teams and their client keys: create (secret shown once), edit, revoke. */
export function KeysPage() {
  const api = useApi();
  const canWrite = useCanWrite();
  const [team, setTeam] = useState('');
  const [status, setStatus] = useState('');
  const [q, setQ] = useState('');
  const [offset, setOffset] = useState(0);
  const [editing, setEditing] = useState<ApiKey | 'new' | null>(null);
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [teamsVersion, setTeamsVersion] = useState(0);
  const keys = useResource(() => listKeys(api, { team, status, q, limit: LIMIT, offset }), [team, status, q, offset]);
  const revoke = useSubmit();

  return (
    <div className="two-col">
      <TeamsPanel selected={team} onSelect={(t) => { setTeam(t); setOffset(0); }} version={teamsVersion} />
      <section aria-labelledby="keys-title" className="panel">
        <div className="page-head">
          <h1 id="keys-title">Keys{team ? ` of team ${team}` : ''}</h1>
          {canWrite && (
            <button type="button" onClick={() => setEditing('new')}>
              New key
            </button>
          )}
        </div>
        <div className="filters">
          <label>
            Search keys
            <input type="search" value={q} onChange={(e) => { setQ(e.target.value); setOffset(0); }} />
          </label>
          <label>
            Status
            <select value={status} onChange={(e) => { setStatus(e.target.value); setOffset(0); }}>
              <option value="">any</option>
              <option value="active">active</option>
              <option value="revoked">revoked</option>
              <option value="expired">expired</option>
            </select>
          </label>
        </div>
        <LoadError error={keys.error} what="keys" />
        {keys.data && keys.data.items.length === 0 && <p>No keys.</p>}
        {keys.data && keys.data.items.length > 0 && (
          <div className="table-wrap">
            <table>
              <caption className="sr-only">Keys</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Team</th>
                  <th scope="col">Prefix</th>
                  <th scope="col">Allowed models</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Status</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {keys.data.items.map((k) => (
                  <tr key={k.id}>
                    <th scope="row">{k.name}</th>
                    <td>{k.team}</td>
                    <td className="mono">{k.prefix}…</td>
                    <td>{k.allowed_models.length === 0 ? 'all' : k.allowed_models.join(', ')}</td>
                    <td>{formatTime(k.expires_at)}</td>
                    <td>
                      <span className={`badge ${k.status}`}>{k.status}</span>
                    </td>
                    <td>
                      {canWrite && k.status === 'active' && (
                        <div className="row-actions">
                          <button type="button" onClick={() => setEditing(k)} aria-label={`Edit key ${k.name}`}>
                            Edit
                          </button>
                          <button type="button" className="danger" onClick={() => { revoke.clear(); setRevoking(k); }} aria-label={`Revoke key ${k.name}`}>
                            Revoke
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
        {keys.data && <Pager total={keys.data.total} limit={LIMIT} offset={offset} onChange={setOffset} label="Key pages" />}
      </section>
      {editing && (
        <Modal title={editing === 'new' ? 'New key' : `Edit key ${editing.name}`} onClose={() => setEditing(null)}>
          <KeyForm
            apiKey={editing === 'new' ? undefined : editing}
            defaultTeam={team}
            onCancel={() => setEditing(null)}
            onCreated={(k) => {
              setEditing(null);
              setCreated(k);
              keys.reload();
              setTeamsVersion((v) => v + 1);
            }}
            onUpdated={() => {
              setEditing(null);
              keys.reload();
            }}
          />
        </Modal>
      )}
      {created && (
        <Modal title={`Key ${created.name} created`} onClose={() => setCreated(null)}>
          <NewKeySecret created={created} onDone={() => setCreated(null)} />
        </Modal>
      )}
      {revoking && (
        <ConfirmDialog
          title={`Revoke key ${revoking.name}?`}
          message={`Requests with ${revoking.prefix}… will be refused within a second. This cannot be undone.`}
          confirmLabel="Revoke key"
          busy={revoke.busy}
          error={revoke.error ? <p className="error" role="alert">{errorMessage(revoke.error)}</p> : null}
          onCancel={() => setRevoking(null)}
          onConfirm={async () => {
            const done = await revoke.run(() => revokeKey(api, revoking.id));
            if (done) {
              setRevoking(null);
              keys.reload();
            }
          }}
        />
      )}
    </div>
  );
}
