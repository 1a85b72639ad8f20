import { describe, expect, it } from 'vitest';
import { readCookie, safeNextPath, signInUrl } from './auth-client';

describe('readCookie', () => {
  it('finds a cookie among others and decodes it', () => {
    expect(readCookie('a=1; oncoboard_csrf=abc%2Fdef; b=2', 'oncoboard_csrf')).toBe('abc/def');
    expect(readCookie('oncoboard_csrf_old=x; oncoboard_csrf=y', 'oncoboard_csrf')).toBe('y');
  });
  it('is undefined when the cookie is absent or the string is empty', () => {
    expect(readCookie('', 'oncoboard_csrf')).toBeUndefined();
    expect(readCookie('other=1; novalue', 'oncoboard_csrf')).toBeUndefined();
  });
  it('keeps a value that is not valid percent-encoding as it is', () => {
    expect(readCookie('t=%E0%A4%A', 't')).toBe('%E0%A4%A');
  });
});

describe('safeNextPath', () => {
  it('keeps a path on this site', () => {
    expect(safeNextPath('/patients/Patient%2Fx?tab=1')).toBe('/patients/Patient%2Fx?tab=1');
  });
  it.each(['https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', 'patients', '', null, undefined, '/a\nb'])(
    'sends %s to the patient list',
    (next) => expect(safeNextPath(next)).toBe('/'),
  );
  it('never sends the user back to the sign-in page', () => {
    expect(safeNextPath('/sign-in')).toBe('/');
    expect(safeNextPath('/sign-in?next=%2F')).toBe('/');
  });
});

describe('signInUrl', () => {
  it('carries the page to return to, encoded', () => {
    expect(signInUrl('/patients/Patient%2Fx')).toBe('/sign-in?next=%2Fpatients%2FPatient%252Fx');
    expect(signInUrl('/')).toBe('/sign-in');
  });
});
