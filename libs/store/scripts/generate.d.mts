// Types of generate.mjs (plain JavaScript so the root postinstall can run it without tsx).
export declare const repoRoot: string;
export declare const sourceSchemaPath: string;
export declare const generatedDir: string;
export declare const postgresSchemaPath: string;
export declare function derivePostgresSchema(source: string, output?: string): string;
export declare function schemaFor(provider: 'sqlite' | 'postgresql', source?: string): string;
export declare function generateClients(options?: { force?: boolean; quiet?: boolean }): Promise<{ generated: boolean }>;
