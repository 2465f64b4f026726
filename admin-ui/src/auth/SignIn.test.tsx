import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { App } from '../App';
import { fakeServer, page, problem } from '../test/fakeServer';
import { SessionProvider } from './session';

function renderApp(fetchImpl: typeof fetch, path = '/providers') {
  const user = userEvent.setup({ delay: null });
  render(
    <SessionProvider fetchImpl={fetchImpl}>
      <MemoryRouter initialEntries={[path]}>
        <App />
      </MemoryRouter>
    </SessionProvider>,
  );
  return user;
}

describe('sign-in', () => {
  it('signs in with a token, keeps it in sessionStorage and shows who is signed in', async () => {
    const s = fakeServer({
      'GET /me': (req) => (req.headers.Authorization === 'Bearer good' ? { name: 'bootstrap', role: 'admin' } : problem(401, 'bad token')),
      'GET /providers': () => page([]),
    });
    const user = renderApp(s.fetchImpl);
    await user.type(screen.getByLabelText('Admin or viewer token'), 'good');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('heading', { name: 'Providers' })).toBeInTheDocument();
    expect(screen.getByRole('navigation', { name: 'Main' })).toBeInTheDocument();
    expect(screen.getByText('bootstrap')).toBeInTheDocument();
    expect(sessionStorage.getItem('ai-gateway.admin-token')).toBe('good');
    await waitFor(() => expect(s.calls.at(-1)!.headers.Authorization).toBe('Bearer good'));
  });

  it('refuses a wrong token with a message next to the field and stores nothing', async () => {
    const s = fakeServer({ 'GET /me': () => problem(401, 'invalid token') });
    const user = renderApp(s.fetchImpl);
    await user.type(screen.getByLabelText('Admin or viewer token'), 'wrong');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('This token was not accepted');
    expect(screen.getByLabelText('Admin or viewer token')).toHaveAccessibleDescription(/not accepted/);
    expect(sessionStorage.getItem('ai-gateway.admin-token')).toBeNull();
  });

  it('asks for a token before calling the API', async () => {
    const s = fakeServer({});
    const user = renderApp(s.fetchImpl);
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Enter an admin or viewer token.');
    expect(s.calls).toHaveLength(0);
  });

  it('returns to sign-in when the server stops accepting the stored token', async () => {
    sessionStorage.setItem('ai-gateway.admin-token', 'revoked');
    sessionStorage.setItem('ai-gateway.me', JSON.stringify({ name: 'old', role: 'admin' }));
    const s = fakeServer({ 'GET /providers': () => problem(401, 'token revoked') });
    renderApp(s.fetchImpl);
    expect(await screen.findByText('Your session ended. Sign in again.')).toBeInTheDocument();
    expect(sessionStorage.getItem('ai-gateway.admin-token')).toBeNull();
  });

  it('marks a viewer as read-only and signs out', async () => {
    sessionStorage.setItem('ai-gateway.admin-token', 'v');
    sessionStorage.setItem('ai-gateway.me', JSON.stringify({ name: 'auditor', role: 'viewer' }));
    const s = fakeServer({ 'GET /providers': () => page([]) });
    const user = renderApp(s.fetchImpl);
    expect(screen.getByText('viewer (read-only)')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(screen.getByLabelText('Admin or viewer token')).toBeInTheDocument();
    expect(sessionStorage.getItem('ai-gateway.admin-token')).toBeNull();
  });
});
