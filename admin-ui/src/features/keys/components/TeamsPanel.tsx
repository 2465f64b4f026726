import { useState, type FormEvent } from 'react';
import { errorMessage } from '../../../api/client';
import { useApi } from '../../../api/context';
import { useResource } from '../../../api/useResource';
import { useCanWrite } from '../../../auth/session';
import { FormError, LoadError, TextField, useSubmit } from '../../../components/forms';
import { ConfirmDialog } from '../../../components/Modal';
import { Pager } from '../../../components/Pager';
import { createTeam, deleteTeam, listTeams, type Team } from '../api';

const LIMIT = 50;

/** Teams: list, create, delete; choosing one filters the keys. */
export function TeamsPanel({ selected, onSelect, version }: { selected: string; onSelect: (team: string) => void; version: number }) {
  const api = useApi();
  const canWrite = useCanWrite();
  const [offset, setOffset] = useState(0);
  const [name, setName] = useState('');
  const [deleting, setDeleting] = useState<Team | null>(null);
  const list = useResource(() => listTeams(api, { limit: LIMIT, offset }), [offset, version]);
  const create = useSubmit();
  const del = useSubmit();

  async function onCreate(e: FormEvent) {
    e.preventDefault();
    const t = await create.run(() => createTeam(api, name));
    if (t) {
      setName('');
      list.reload();
    }
  }

  return (
    <section aria-labelledby="teams-title" className="panel">
      <h2 id="teams-title">Teams</h2>
      {canWrite && (
        <form onSubmit={onCreate} className="inline-form" noValidate>
          <TextField label="New team name" value={name} onChange={setName} error={create.fieldErrors.name} />
          <button type="submit" disabled={create.busy}>
            Create team
          </button>
          <FormError error={create.error} shownFields={['name']} />
        </form>
      )}
      <LoadError error={list.error} what="teams" />
      {list.data && list.data.items.length === 0 && <p>No teams yet.</p>}
      {list.data && list.data.items.length > 0 && (
        <table>
          <caption className="sr-only">Teams</caption>
          <thead>
            <tr>
              <th scope="col">Team</th>
              <th scope="col">Keys</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((t) => (
              <tr key={t.id} aria-current={selected === t.name ? 'true' : undefined}>
                <th scope="row">{t.name}</th>
                <td>{t.key_count}</td>
                <td>
                  <div className="row-actions">
                    <button type="button" onClick={() => onSelect(selected === t.name ? '' : t.name)} aria-pressed={selected === t.name} aria-label={`Show keys of ${t.name}`}>
                      Show keys
                    </button>
                    {canWrite && (
                      <button type="button" className="danger" onClick={() => { del.clear(); setDeleting(t); }} aria-label={`Delete team ${t.name}`}>
                        Delete
                      </button>
                    )}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.data && <Pager total={list.data.total} limit={LIMIT} offset={offset} onChange={setOffset} label="Team pages" />}
      {deleting && (
        <ConfirmDialog
          title={`Delete team ${deleting.name}?`}
          message="A team that still has keys cannot be deleted."
          confirmLabel="Delete team"
          busy={del.busy}
          error={del.error ? <p className="error" role="alert">{errorMessage(del.error)}</p> : null}
          onCancel={() => setDeleting(null)}
          onConfirm={async () => {
            const ok = await del.run(async () => {
              await deleteTeam(api, deleting.id);
              return true;
            });
            if (ok) {
              setDeleting(null);
              if (selected === deleting.name) onSelect('');
              list.reload();
            }
          }}
        />
      )}
    </section>
  );
}
