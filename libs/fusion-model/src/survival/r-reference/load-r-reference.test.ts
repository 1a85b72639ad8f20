import { describe, expect, it } from 'vitest';
import { loadRReference, R_INSTALL_HINT } from './load-r-reference';

describe('loadRReference', () => {
  it('fails (does not skip) with the install hint when Rscript cannot be run', () => {
    expect(R_INSTALL_HINT).toBe('install r-cran-survival (apt-get install --no-install-recommends r-cran-survival)');
    expect(() => loadRReference({ rscript: '/nonexistent/bin/Rscript' })).toThrow(R_INSTALL_HINT);
  });
});
