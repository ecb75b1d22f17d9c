// Next.js configuration. The app runs inside Parley's own server (server/main.ts).
import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  typescript: { ignoreBuildErrors: true }, // `npm run typecheck` is the one type check; the build need not repeat it
  async headers() {
    return [
      // The service worker is checked for updates on every visit; its scope is the whole app.
      { source: '/sw.js', headers: [{ key: 'Cache-Control', value: 'no-cache' }, { key: 'Service-Worker-Allowed', value: '/' }] },
    ];
  },
};

export default nextConfig;
