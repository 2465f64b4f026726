import { useState, type FormEvent } from 'react';
import { useApi } from '../../api/context';
import { useResource } from '../../api/useResource';
import { LoadError } from '../../components/forms';
import { formatTime } from '../../components/format';
import { Pager } from '../../components/Pager';
import { listAudit } from './api';

const LIMIT = 50;

const EMPTY = { resource_type: '', actor: '', action: '' };

/** The audit log: who changed what, with the resource before and after. */
export function AuditPage() {
  const api = useApi();
  const [draft, setDraft] = useState(EMPTY);
  const [filters, setFilters] = useState(EMPTY);
  const [offset, setOffset] = useState(0);
  const list = useResource(() => listAudit(api, { ...filters, limit: LIMIT, offset }), [filters, offset]);

  function onApply(e: FormEvent) {
    e.preventDefault();
    setOffset(0);
    setFilters(draft);
  }

  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <form className="filters" onSubmit={onApply} aria-label="Audit filters">
        <label>
          Resource type
          <select value={draft.resource_type} onChange={(e) => setDraft({ ...draft, resource_type: e.target.value })}>
            <option value="">any</option>
            {['provider', 'model', 'team', 'key', 'quota', 'fleet', 'admin_token'].map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label>
          Actor
          <input value={draft.actor} onChange={(e) => setDraft({ ...draft, actor: e.target.value })} />
        </label>
        <label>
          Action
          <input value={draft.action} onChange={(e) => setDraft({ ...draft, action: e.target.value })} />
        </label>
        <button type="submit">Apply filters</button>
      </form>
      <LoadError error={list.error} what="the audit log" />
      {list.data && list.data.items.length === 0 && <p>No entries.</p>}
      {list.data && list.data.items.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Audit entries</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Resource</th>
                <th scope="col">Change</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((e) => (
                <tr key={e.id}>
                  <td>{formatTime(e.at)}</td>
                  <td>{e.actor}</td>
                  <td>{e.action}</td>
                  <td>
                    {e.resource_type} <span className="mono">{e.resource_id}</span>
                  </td>
                  <td>
                    <details>
                      <summary>Before and after</summary>
                      <div className="diff">
                        <div>
                          <h3>Before</h3>
                          <pre>{e.before ? JSON.stringify(e.before, null, 2) : '—'}</pre>
                        </div>
                        <div>
                          <h3>After</h3>
                          <pre>{e.after ? JSON.stringify(e.after, null, 2) : '—'}</pre>
                        </div>
                      </div>
                    </details>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.data && <Pager total={list.data.total} limit={LIMIT} offset={offset} onChange={setOffset} label="Audit pages" />}
    </section>
  );
}
