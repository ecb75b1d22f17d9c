// The web app manifest, served at /manifest.webmanifest (Next links it from every page).
import type { MetadataRoute } from 'next';

export default function manifest(): MetadataRoute.Manifest {
  return {
    id: '/',
    name: 'Parley',
    short_name: 'Parley',
    description: 'Self-hosted real-time chat',
    start_url: '/',
    scope: '/',
    display: 'standalone',
    background_color: '#f0f2f5',
    theme_color: '#0f8f6f',
    categories: ['social', 'communication'],
    icons: [
      { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
      { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
      { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
    ],
  };
}
