import { screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { fakeServer, page, problem, reply } from '../../test/fakeServer';
import { renderSignedIn } from '../../test/render';
import { FleetsPage } from './FleetsPage';

const nackError = 'Proto constraint validation failed (ClusterValidationError.Name: value length must be at least 1 characters): name: ""\nfull detail line 2';

const fleets = {
  ...page([
    {
      id: 'f1',
      name: 'default',
      listener_port: 10000,
      version: 1,
      created_at: '2026-11-25T14:00:00Z',
      updated_at: '2026-11-25T14:00:00Z',
      nodes: [
        {
          node_id: 'envoy-1',
          replica_id: 'cp-1',
          connected: true,
          connected_at: '2026-11-25T14:00:00Z',
          last_seen_at: '2026-11-25T14:05:00Z',
          acked_versions: { 'type.googleapis.com/envoy.config.cluster.v3.Cluster': '42' },
          last_nack: { type: 'type.googleapis.com/envoy.config.cluster.v3.Cluster', version: '43', error: nackError, at: '2026-11-25T14:04:00Z' },
        },
      ],
    },
  ]),
  unassigned_nodes: [
    { node_id: 'stray', replica_id: 'cp-1', connected: true, connected_at: null, last_seen_at: null, acked_versions: {}, last_nack: null },
  ],
};

describe('FleetsPage', () => {
  it('shows each Envoy with the versions it acknowledged and its NACK error in full', async () => {
    renderSignedIn(<FleetsPage />, fakeServer({ 'GET /fleets': () => fleets }).fetchImpl);
    const row = await screen.findByRole('row', { name: /envoy-1/ });
    expect(row).toHaveTextContent('connected');
    expect(row).toHaveTextContent('Cluster: 42');
    expect(row.querySelector('pre')?.textContent).toBe(nackError);
    expect(screen.getByRole('heading', { name: 'Unassigned Envoys' })).toBeInTheDocument();
    expect(screen.getByRole('row', { name: /stray/ })).toBeInTheDocument();
  });

  it('downloads the bootstrap of a fleet', async () => {
    const s = fakeServer({
      'GET /fleets': () => fleets,
      'GET /fleets/:name/bootstrap': () => reply(200, undefined, { text: 'node:\n  cluster: default\n', contentType: 'text/yaml' }),
    });
    const { user } = renderSignedIn(<FleetsPage />, s.fetchImpl);
    let blob: Blob | undefined;
    URL.createObjectURL = vi.fn((b: Blob) => {
      blob = b;
      return 'blob:yaml';
    });
    URL.revokeObjectURL = vi.fn();
    await user.click(await screen.findByRole('button', { name: 'Download Envoy bootstrap for default' }));
    await vi.waitFor(() => expect(blob).toBeDefined());
    expect(await blob!.text()).toBe('node:\n  cluster: default\n');
  });

  it('shows a bootstrap failure next to the button', async () => {
    const s = fakeServer({ 'GET /fleets': () => fleets, 'GET /fleets/:name/bootstrap': () => problem(500, 'boom') });
    const { user } = renderSignedIn(<FleetsPage />, s.fetchImpl);
    await user.click(await screen.findByRole('button', { name: 'Download Envoy bootstrap for default' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not download the bootstrap: boom');
  });
});
