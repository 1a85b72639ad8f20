import type { Metadata } from 'next';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
import { SiteHeader } from '../components/SiteHeader';
import './globals.css';
import { Providers } from './providers';

export const metadata: Metadata = {
  title: { default: 'OncoBoard', template: '%s · OncoBoard' },
  description: 'Tumor-board preparation: patient overview with cited sources, timeline, import',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Rendered per request: Next puts the proxy's per-request CSP nonce on its inline scripts only at render time
  // (a prerendered page would carry no nonce, and the CSP would block it).
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <Providers>
          <SiteHeader />
          <main id="main" className="mx-auto w-full max-w-7xl px-4 py-6 sm:px-6">
            {children}
          </main>
        </Providers>
      </body>
    </html>
  );
}
