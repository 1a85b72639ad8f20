import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { cameOverTls, clientAddress, downstreamResponseHeaders, forwardToApi, upstreamRequestHeaders } from './api-forward';

describe('clientAddress', () => {
  it('takes the rightmost address (the one a trusted hop appended), not one the browser prepended', () => {
    expect(clientAddress(new Headers({ 'x-forwarded-for': '10.0.0.9, 203.0.113.7' }))).toBe('203.0.113.7');
    expect(clientAddress(new Headers({ 'x-forwarded-for': '::1' }))).toBe('::1');
  });
  it('drops anything that is not an address', () => {
    expect(clientAddress(new Headers({ 'x-forwarded-for': 'proxy.internal, not an address' }))).toBeUndefined();
    expect(clientAddress(new Headers())).toBeUndefined();
  });
});

describe('upstreamRequestHeaders', () => {
  it('passes the cookie, CSRF header and user agent, and nothing the contract does not name', () => {
    const request = new Request('http://127.0.0.1:3000/api/trpc/patients.search', {
      headers: { cookie: 'oncoboard_session=s; oncoboard_csrf=c', 'x-csrf-token': 'c', 'user-agent': 'UA', authorization: 'Bearer x', host: 'a', 'x-forwarded-for': '1.2.3.4' },
    });
    const headers = upstreamRequestHeaders(request);
    expect(headers.get('cookie')).toBe('oncoboard_session=s; oncoboard_csrf=c');
    expect(headers.get('x-csrf-token')).toBe('c');
    expect(headers.get('user-agent')).toBe('UA');
    expect(headers.get('authorization')).toBeNull();
    expect(headers.get('x-forwarded-for')).toBe('1.2.3.4');
    expect(headers.get('x-forwarded-proto')).toBe('http');
  });
  it('says https when the request came over TLS or a proxy says so', () => {
    expect(cameOverTls(new Request('https://board.example/x'))).toBe(true);
    expect(cameOverTls(new Request('http://127.0.0.1/x', { headers: { 'x-forwarded-proto': 'https' } }))).toBe(true);
    expect(cameOverTls(new Request('http://127.0.0.1/x'))).toBe(false);
  });
});

describe('downstreamResponseHeaders', () => {
  it('copies every Set-Cookie line separately and forces no-store', () => {
    const upstream = new Response(null, { status: 204 });
    upstream.headers.append('set-cookie', 'oncoboard_session=; Max-Age=0; Path=/; HttpOnly');
    upstream.headers.append('set-cookie', 'oncoboard_csrf=; Max-Age=0; Path=/');
    upstream.headers.set('x-powered-by', 'node');
    const headers = downstreamResponseHeaders(upstream);
    expect(headers.getSetCookie()).toEqual(['oncoboard_session=; Max-Age=0; Path=/; HttpOnly', 'oncoboard_csrf=; Max-Age=0; Path=/']);
    expect(headers.get('cache-control')).toBe('no-store');
    expect(headers.get('x-powered-by')).toBeNull();
  });
});

describe('forwardToApi', () => {
  it('passes a redirect from the API to the browser as a redirect, with its Location and every Set-Cookie line', async () => {
    const api = http.createServer((req, res) => {
      res.writeHead(302, { Location: `https://idp.example/authorize${req.url!.slice(req.url!.indexOf('?'))}`, 'Set-Cookie': ['oncoboard_oidc=h; HttpOnly; SameSite=Lax; Path=/; Max-Age=600', 'other=1'] }).end();
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    const saved = process.env.FUSION_API_URL;
    process.env.FUSION_API_URL = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    try {
      const res = await forwardToApi(new Request('http://127.0.0.1:3000/api/auth/oidc/start?next=%2Fx'), '/auth/oidc/start?next=%2Fx', () => new Response(null, { status: 502 }));
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe('https://idp.example/authorize?next=%2Fx');
      expect(res.headers.getSetCookie()).toEqual(['oncoboard_oidc=h; HttpOnly; SameSite=Lax; Path=/; Max-Age=600', 'other=1']);
    } finally {
      if (saved === undefined) delete process.env.FUSION_API_URL;
      else process.env.FUSION_API_URL = saved;
      api.close();
    }
  });
});
