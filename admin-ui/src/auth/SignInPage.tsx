import { useState, type FormEvent } from 'react';
import { ApiError, errorMessage } from '../api/client';
import { useSession } from './session';

/** Sign-in with an admin or viewer token. */
export function SignInPage() {
  const { signIn, expired } = useSession();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!token.trim()) {
      setError('Enter an admin or viewer token.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await signIn(token.trim());
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? 'This token was not accepted. Check it and try again.'
          : `Could not sign in: ${errorMessage(err)}`,
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="signin">
      <form onSubmit={onSubmit} aria-labelledby="signin-title" noValidate>
        <h1 id="signin-title">AI Gateway console</h1>
        {expired && <p role="status">Your session ended. Sign in again.</p>}
        <div className="field">
          <label htmlFor="token">Admin or viewer token</label>
          <input
            id="token"
            type="password"
            autoComplete="off"
            value={token}
            onChange={(e) => setToken(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'token-error' : 'token-help'}
          />
          <p id="token-help" className="help">
            The bootstrap token is printed by the gateway at first start.
          </p>
          {error && (
            <p id="token-error" className="error" role="alert">
              {error}
            </p>
          )}
        </div>
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
