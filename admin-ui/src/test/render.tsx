import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactElement } from 'react';
import { MemoryRouter } from 'react-router';
import { SessionProvider, type Role } from '../auth/session';

/** Renders a page signed in with the given role against a fake API. */
export function renderSignedIn(ui: ReactElement, fetchImpl: typeof fetch, role: Role = 'admin', path = '/') {
  sessionStorage.setItem('ai-gateway.admin-token', 'test-token');
  sessionStorage.setItem('ai-gateway.me', JSON.stringify({ name: `${role}-user`, role }));
  const user = userEvent.setup({ delay: null });
  const result = render(
    <SessionProvider fetchImpl={fetchImpl}>
      <MemoryRouter initialEntries={[path]}>{ui}</MemoryRouter>
    </SessionProvider>,
  );
  return { user, ...result };
}
