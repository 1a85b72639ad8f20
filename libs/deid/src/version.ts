/** Name and version written into every de-identification manifest (kept equal to package.json by a test). */
export const DEID_SOFTWARE = { name: '@oncoboard/deid', version: '0.1.0' } as const;
