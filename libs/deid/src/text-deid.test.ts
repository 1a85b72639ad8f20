import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileTextDeidentifier, deidentifyText } from './text-deid';

const REPORT = [
  'SURGICAL PATHOLOGY REPORT',
  'Patient: DOE, JANE          MRN: 4417823          Accession No.: S24-01873',
  'DOB: 04/12/1961   Collected: 2024-03-14   Received: March 15, 2024   Signed: 18-Mar-2024',
  'Ordering physician: Dr. Gregory House; phone (617) 555-0142, fax 617.555.0143, pager x',
  'Referred by Mrs. Ortega from 221 Baker Street, Springfield, MA 01109 (portal https://mychart.example-hospital.org/p/88).',
  'Contact: jane.doe@example.net, SSN 078-05-1120, workstation 10.20.30.40.',
  'Ms. Doe is a 93 yo woman with invasive ductal carcinoma, ER positive (LOINC 16112-5, see http://loinc.org/16112-5).',
  'Jane tolerated the procedure. Tumor size 2.3 cm; margins negative; 0/3 lymph nodes.',
].join('\n');

const IDENTIFIERS = ['DOE', 'Doe', 'JANE', 'Jane', '4417823', 'S24-01873', '04/12/1961', '2024-03-14', 'March 15, 2024', '18-Mar-2024', 'Gregory', 'House',
  '555-0142', '555.0143', 'Ortega', '221 Baker Street', 'Springfield', '01109', 'mychart', 'jane.doe@example.net', '078-05-1120', '10.20.30.40', '93 yo'];

describe('deidentifyText', () => {
  it('masks names, dates, identifiers, contacts and addresses in a synthetic pathology report', () => {
    const result = deidentifyText(REPORT, { knownNames: ['Jane Doe'], dateOffsetDays: 30 });
    for (const s of IDENTIFIERS) expect(result.text, s).not.toContain(s);
    // clinical content and public terminology links survive
    for (const s of ['invasive ductal carcinoma', 'ER positive', '16112-5', 'http://loinc.org/16112-5', '2.3 cm', '0/3 lymph nodes', 'SURGICAL PATHOLOGY REPORT']) expect(result.text).toContain(s);
    expect(result.text).toContain('Patient: [NAME]');
    expect(result.text).toContain('MRN: [MRN]');
    expect(result.text).toContain('Accession No.: [ACCESSION]');
    expect(result.text).toContain('Dr. [NAME]');
    expect(result.text).toContain('90+ yo');
    // dates moved by 30 days in their own format
    expect(result.text).toContain('DOB: 05/12/1961');
    expect(result.text).toContain('Collected: 2024-04-13');
    expect(result.text).toContain('Received: April 14, 2024');
    expect(result.text).toContain('Signed: 17-Apr-2024');
    expect(result.counts).toMatchObject({ MRN: 1, ACCESSION: 1, SSN: 1, EMAIL: 1, URL: 1, IP: 1, ADDRESS: 1, ZIP: 1, LOCATION: 1, AGE: 1 });
    expect(result.counts.PHONE).toBe(2);
    expect(result.counts.DATE).toBe(4);
  });

  it('reports each mask with its span in the output and in the input', () => {
    const text = 'Seen by Dr. Smith on 03/14/2023, MRN: 1234567, tel 555-867-5309.';
    const result = deidentifyText(text);
    expect(result.text).toBe('Seen by Dr. [NAME] on [DATE], MRN: [MRN], tel [PHONE].');
    expect(result.masks.map((m) => [m.kind, result.text.slice(m.start, m.end), text.slice(m.sourceStart, m.sourceEnd)])).toEqual([
      ['NAME', '[NAME]', 'Smith'],
      ['DATE', '[DATE]', '03/14/2023'],
      ['MRN', '[MRN]', '1234567'],
      ['PHONE', '[PHONE]', '555-867-5309'],
    ]);
  });

  it('handles the name patterns of clinical documents', () => {
    expect(deidentifyText('Mr. John Doe was admitted.').text).toBe('Mr. [NAME] was admitted.');
    expect(deidentifyText('Patient: DOE, JANE').text).toBe('Patient: [NAME]');
    expect(deidentifyText('Electronically signed by: Anna Karenina, MD').text).toBe('Electronically signed by: [NAME], MD');
    // a known name is masked in any case, and as "Family, Given"
    expect(deidentifyText('JENNY M and m, jenny; Jennyfer stays', { knownNames: ['Jenny M', 'M, Jenny'] }).text).toBe('[NAME] and [NAME]; Jennyfer stays');
  });

  it('masks overlapping findings as one mask, never leaving part of one', () => {
    // A known identifier that contains a date-like run: the whole string goes.
    const result = deidentifyText('ref ACC-20230314-77 done', { knownTerms: [{ text: 'ACC-20230314-77', kind: 'ACCESSION' }], dateOffsetDays: 3 });
    expect(result.text).toBe('ref [ACCESSION] done');
  });

  it('masks a date it cannot shift (no year) and an invalid one', () => {
    expect(deidentifyText('on March 3 and 02/30/2023', { dateOffsetDays: 5 }).text).toBe('on [DATE] and [DATE]');
  });

  it('never throws on arbitrary strings and never grows them without bound', () => {
    const deid = compileTextDeidentifier({ knownNames: ['Jane Doe', 'Zoë Ångström'], knownTerms: [{ text: 'MRN1234', kind: 'MRN' }] });
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: fc.constantFrom('1', '/', '-', ' ', 'Dr. ', 'A', 'March ', '2023', '@', '.', ':', 'MRN', 'Jane', 'İ'), maxLength: 80 })), fc.integer({ min: -365, max: 365 }), (text, offset) => {
        const result = deid.deidentify(text, offset);
        if (result.text.length > 6 * text.length + 32) return false;
        let previousEnd = 0;
        for (const m of result.masks) {
          if (m.start < previousEnd || m.end <= m.start || m.end > result.text.length) return false;
          previousEnd = m.end;
        }
        return true;
      }),
      { numRuns: 200 },
    );
  });

  it('stays fast on long text (linear rules)', () => {
    const long = `${'a'.repeat(20_000)}@${'b.'.repeat(10_000)} ${'1-'.repeat(10_000)}`;
    const started = performance.now();
    deidentifyText(long, { knownNames: ['Jane Doe'] });
    expect(performance.now() - started).toBeLessThan(10_000); // quadratic rules would take minutes
  });
});
