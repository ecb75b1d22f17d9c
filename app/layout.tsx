// The document shell shared by every page.
import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { WorkerRegistration } from '@/components/pwa/worker-registration.tsx';
import './globals.css';

export const metadata: Metadata = {
  title: 'Parley',
  description: 'Self-hosted real-time chat',
  applicationName: 'Parley',
  // iOS reads these instead of the manifest for its home-screen app.
  icons: { apple: '/icons/apple-touch-icon.png' },
  appleWebApp: { capable: true, title: 'Parley', statusBarStyle: 'default' },
};

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#0f8f6f' },
    { media: '(prefers-color-scheme: dark)', color: '#111b21' },
  ],
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="h-dvh overflow-hidden bg-surface text-neutral-900 antialiased dark:bg-surface-dark dark:text-neutral-100">
        {children}
        <WorkerRegistration />
      </body>
    </html>
  );
}
