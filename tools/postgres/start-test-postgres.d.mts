// Types of start-test-postgres.mjs.
export interface TestPostgres {
  /** postgresql://postgres@127.0.0.1:<port>/<database> */
  url: string;
  /** The same server's "postgres" database, for CREATE DATABASE / DROP DATABASE. */
  adminUrl: string;
  port: number;
  dir: string;
  /** Stops the server and deletes its folder. */
  stop(): Promise<void>;
}
export declare function findPostgresBin(): string | undefined;
export declare function startTestPostgres(options?: { database?: string; log?: (line: string) => void }): Promise<TestPostgres>;
