import { useState } from 'react';
import { errorMessage } from '../../api/client';
import { useApi } from '../../api/context';
import { useResource } from '../../api/useResource';
import { LoadError } from '../../components/forms';
import { downloadText } from '../../components/download';
import { formatTime } from '../../components/format';
import { getBootstrap, listFleets, shortType, type FleetNode } from './api';

function NodesTable({ nodes, caption }: { nodes: FleetNode[]; caption: string }) {
  if (nodes.length === 0) return <p>No Envoys connected.</p>;
  return (
    <div className="table-wrap">
      <table>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Envoy node</th>
            <th scope="col">State</th>
            <th scope="col">Control plane replica</th>
            <th scope="col">Last seen</th>
            <th scope="col">Acknowledged versions</th>
            <th scope="col">Last rejection (NACK)</th>
          </tr>
        </thead>
        <tbody>
          {nodes.map((n) => (
            <tr key={n.node_id + n.replica_id}>
              <th scope="row" className="mono">
                {n.node_id}
              </th>
              <td>
                <span className={`badge ${n.connected ? 'active' : 'revoked'}`}>{n.connected ? 'connected' : 'disconnected'}</span>
              </td>
              <td className="mono">{n.replica_id}</td>
              <td>{formatTime(n.last_seen_at)}</td>
              <td>
                <ul className="plain">
                  {Object.entries(n.acked_versions).map(([t, v]) => (
                    <li key={t} title={t}>
                      {shortType(t)}: <span className="mono">{v}</span>
                    </li>
                  ))}
                </ul>
              </td>
              <td>
                {n.last_nack ? (
                  <div className="nack">
                    <p>
                      {shortType(n.last_nack.type)} version <span className="mono">{n.last_nack.version}</span> at {formatTime(n.last_nack.at)}
                    </p>
                    <pre>{n.last_nack.error}</pre>
                  </div>
                ) : (
                  'none'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Fleets: connected Envoys, what each acknowledged, rejections in full, bootstrap download. */
export function FleetsPage() {
  const api = useApi();
  const fleets = useResource(() => listFleets(api), []);
  const [bootstrapError, setBootstrapError] = useState<Record<string, string>>({});

  async function download(name: string) {
    try {
      const yaml = await getBootstrap(api, name);
      downloadText(`envoy-bootstrap-${name}.yaml`, yaml, 'text/yaml');
      setBootstrapError((e) => ({ ...e, [name]: '' }));
    } catch (err) {
      setBootstrapError((e) => ({ ...e, [name]: `Could not download the bootstrap: ${errorMessage(err)}` }));
    }
  }

  return (
    <section aria-labelledby="fleets-title">
      <div className="page-head">
        <h1 id="fleets-title">Fleets</h1>
        <button type="button" onClick={fleets.reload}>
          Refresh
        </button>
      </div>
      <LoadError error={fleets.error} what="fleets" />
      {fleets.data?.items.map((f) => (
        <section key={f.id} className="panel" aria-labelledby={`fleet-${f.id}`}>
          <div className="page-head">
            <h2 id={`fleet-${f.id}`}>
              {f.name} <span className="help">listener port {f.listener_port}</span>
            </h2>
            <button type="button" onClick={() => download(f.name)} aria-label={`Download Envoy bootstrap for ${f.name}`}>
              Download bootstrap
            </button>
          </div>
          {bootstrapError[f.name] && (
            <p className="error" role="alert">
              {bootstrapError[f.name]}
            </p>
          )}
          <NodesTable nodes={f.nodes} caption={`Envoys of fleet ${f.name}`} />
        </section>
      ))}
      {fleets.data && (fleets.data.unassigned_nodes?.length ?? 0) > 0 && (
        <section className="panel" aria-labelledby="unassigned-title">
          <h2 id="unassigned-title">Unassigned Envoys</h2>
          <p className="help">Their node.cluster names no fleet.</p>
          <NodesTable nodes={fleets.data.unassigned_nodes ?? []} caption="Unassigned Envoys" />
        </section>
      )}
    </section>
  );
}
