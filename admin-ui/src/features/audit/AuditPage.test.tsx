import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeServer } from '../../test/fakeServer';
import { renderSignedIn } from '../../test/render';
import { AuditPage } from './AuditPage';

function entry(i: number) {
  return {
    id: `a${i}`,
    at: '2026-11-25T14:00:00Z',
    actor: 'bootstrap',
    action: 'update',
    resource_type: 'model',
    resource_id: `m${i}`,
    before: { name: 'old' },
    after: { name: `new-${i}` },
  };
}

describe('AuditPage', () => {
  it('pages through entries and shows before and after', async () => {
    const s = fakeServer({
      'GET /audit': (req) => {
        const offset = Number(req.query.get('offset'));
        return { items: [entry(offset)], total: 120, limit: 50, offset };
      },
    });
    const { user } = renderSignedIn(<AuditPage />, s.fetchImpl);
    expect(await screen.findByText('m0')).toBeInTheDocument();
    expect(screen.getByText('1–50 of 120')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Previous page' })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByText('m50')).toBeInTheDocument();
    expect(screen.getByText('51–100 of 120')).toBeInTheDocument();
    await user.click(screen.getByText('Before and after'));
    expect(screen.getByText(/"name": "new-50"/)).toBeVisible();
  });

  it('filters by resource type and actor', async () => {
    const s = fakeServer({ 'GET /audit': () => ({ items: [entry(0)], total: 1, limit: 50, offset: 0 }) });
    const { user } = renderSignedIn(<AuditPage />, s.fetchImpl);
    await screen.findByText('m0');
    await user.selectOptions(screen.getByLabelText('Resource type'), 'key');
    await user.type(screen.getByLabelText('Actor'), 'alice');
    await user.click(screen.getByRole('button', { name: 'Apply filters' }));
    await waitFor(() => {
      const q = s.calls.at(-1)!.query;
      expect(q.get('resource_type')).toBe('key');
      expect(q.get('actor')).toBe('alice');
    });
  });
});
