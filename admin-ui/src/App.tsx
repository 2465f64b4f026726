import { NavLink, Navigate, Route, Routes } from 'react-router';
import { SignInPage } from './auth/SignInPage';
import { useSession } from './auth/session';
import { AuditPage } from './features/audit/AuditPage';
import { FleetsPage } from './features/fleets/FleetsPage';
import { KeysPage } from './features/keys/KeysPage';
import { ModelsPage } from './features/models/ModelsPage';
import { OverviewPage } from './features/overview/OverviewPage';
import { ProvidersPage } from './features/providers/ProvidersPage';
import { QuotasPage } from './features/quotas/QuotasPage';
import { UsagePage } from './features/usage/UsagePage';

const NAV: { to: string; label: string }[] = [
  { to: '/', label: 'Overview' },
  { to: '/providers', label: 'Providers' },
  { to: '/models', label: 'Models' },
  { to: '/keys', label: 'Teams and keys' },
  { to: '/quotas', label: 'Quotas' },
  { to: '/usage', label: 'Usage' },
  { to: '/fleets', label: 'Fleets' },
  { to: '/audit', label: 'Audit log' },
];

/** The console: sign-in, then the navigation and one page per resource. */
export function App() {
  const { me, signOut } = useSession();
  if (!me) return <SignInPage />;
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">AI Gateway</span>
        <nav aria-label="Main">
          <ul>
            {NAV.map((n) => (
              <li key={n.to}>
                <NavLink to={n.to} end={n.to === '/'}>
                  {n.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span>
            {me.name} <span className={`badge ${me.role}`}>{me.role === 'viewer' ? 'viewer (read-only)' : me.role}</span>
          </span>
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Routes>
          <Route path="/" element={<OverviewPage />} />
          <Route path="/providers" element={<ProvidersPage />} />
          <Route path="/models" element={<ModelsPage />} />
          <Route path="/keys" element={<KeysPage />} />
          <Route path="/quotas" element={<QuotasPage />} />
          <Route path="/usage" element={<UsagePage />} />
          <Route path="/fleets" element={<FleetsPage />} />
          <Route path="/audit" element={<AuditPage />} />
          <Route path="*" element={<Navigate to="/" replace />} />
        </Routes>
      </main>
    </div>
  );
}
