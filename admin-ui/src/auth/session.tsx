import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { ApiContext } from '../api/context';
import { createApiClient, type ApiClient } from '../api/client';

export type Role = 'admin' | 'viewer';

export interface Me {
  name: string;
  role: Role;
}

interface Session {
  me: Me | null;
  signIn: (token: string) => Promise<void>;
  signOut: () => void;
  /** Set when the server rejected the stored token (shown on the sign-in page). */
  expired: boolean;
}

const TOKEN_KEY = 'ai-gateway.admin-token';
const ME_KEY = 'ai-gateway.me';

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** True when the signed-in token may write (admin role). Viewers see no write controls. */
export function useCanWrite(): boolean {
  return useSession().me?.role === 'admin';
}

function storedMe(): Me | null {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const raw = sessionStorage.getItem(ME_KEY);
  if (!token || !raw) return null;
  try {
    return JSON.parse(raw) as Me;
  } catch {
    return null;
  }
}

/** Keeps the admin token in sessionStorage and provides the API client that uses it. */
export function SessionProvider({ children, fetchImpl }: { children: ReactNode; fetchImpl?: typeof fetch }) {
  const [me, setMe] = useState<Me | null>(storedMe);
  const [expired, setExpired] = useState(false);

  const signOut = useCallback(() => {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(ME_KEY);
    setMe(null);
  }, []);

  const api: ApiClient = useMemo(
    () =>
      createApiClient({
        getToken: () => sessionStorage.getItem(TOKEN_KEY),
        onUnauthorized: () => {
          if (sessionStorage.getItem(TOKEN_KEY)) {
            setExpired(true);
            signOut();
          }
        },
        fetchImpl,
      }),
    [fetchImpl, signOut],
  );

  const signIn = useCallback(
    async (token: string) => {
      // Probe with the candidate token without storing it, so a wrong token never lingers.
      const probe = createApiClient({ getToken: () => token, fetchImpl });
      const who = await probe.get<Me>('/me');
      sessionStorage.setItem(TOKEN_KEY, token);
      sessionStorage.setItem(ME_KEY, JSON.stringify(who));
      setExpired(false);
      setMe(who);
    },
    [fetchImpl],
  );

  const session = useMemo(() => ({ me, signIn, signOut, expired }), [me, signIn, signOut, expired]);
  return (
    <SessionContext.Provider value={session}>
      <ApiContext.Provider value={api}>{children}</ApiContext.Provider>
    </SessionContext.Provider>
  );
}
