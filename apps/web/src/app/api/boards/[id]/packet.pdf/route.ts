// The board packet as PDF: headless Chromium (Debian's; ONCOBOARD_CHROMIUM_PATH or /usr/bin/chromium) opens the
// packet page of this same server and prints it. Nothing leaves the machine; the browser runs with networking
// limited to this server. The browser carries the caller's session cookies, so it sees exactly what the caller may
// see (the API checks them on each call); without a session there is nothing to print.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { CSRF_COOKIE, readCookie, SESSION_COOKIE } from '../../../../../lib/auth-client';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

function chromiumPath(): string | undefined {
  return [process.env.ONCOBOARD_CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p): p is string => !!p && existsSync(p));
}

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  if (!/^board-[0-9a-f-]{36}$/.test(id)) return new Response('expected a board id like "board-<uuid>"', { status: 400 });
  const executablePath = chromiumPath();
  if (!executablePath) {
    return new Response('PDF export needs Chromium: install Debian\'s chromium or set ONCOBOARD_CHROMIUM_PATH', { status: 503 });
  }
  const cookieHeader = request.headers.get('cookie') ?? '';
  const session = readCookie(cookieHeader, SESSION_COOKIE);
  if (!session) return new Response('not signed in', { status: 401 });
  const origin = new URL(request.url).origin;
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
  try {
    const context = await browser.newContext();
    const csrf = readCookie(cookieHeader, CSRF_COOKIE);
    await context.addCookies([
      { name: SESSION_COOKIE, value: session, url: origin, httpOnly: true, sameSite: 'Strict' },
      ...(csrf ? [{ name: CSRF_COOKIE, value: csrf, url: origin, sameSite: 'Strict' as const }] : []),
    ]);
    const page = await context.newPage();
    await page.goto(`${origin}/boards/${encodeURIComponent(id)}/packet`, { waitUntil: 'networkidle' });
    const state = await page.waitForSelector('[data-packet-ready="true"], [data-testid="error-notice"]', { timeout: 30_000 });
    if ((await state.getAttribute('data-testid')) === 'error-notice') return new Response(`tumor board ${id} could not be loaded`, { status: 404 });
    const pdf = await page.pdf({ format: 'A4', printBackground: true, margin: { top: '15mm', bottom: '15mm', left: '12mm', right: '12mm' } });
    return new Response(new Uint8Array(pdf), {
      headers: { 'Content-Type': 'application/pdf', 'Content-Disposition': `attachment; filename="${id}-packet.pdf"`, 'Cache-Control': 'no-store' },
    });
  } finally {
    await browser.close();
  }
}
