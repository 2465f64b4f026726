import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// The control plane serves the built files at "/" (see ConsoleRoutes in control-plane).
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1000 },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    restoreMocks: true,
    // Generous: the build machine is shared, and a slow run must not fail a correct test.
    testTimeout: 30_000,
    pool: 'threads',
    // One jsdom per worker instead of per file: most of the run was environment setup.
    isolate: false,
  },
});
