#!/usr/bin/env node
// Runs the TypeScript CLI in this same process through tsx's loader (the workspace is consumed as TypeScript
// source). One process, so a signal sent to `oncoboard` reaches the import itself (no orphaned child).
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const here = dirname(fileURLToPath(import.meta.url));
await import(pathToFileURL(join(here, '..', 'src', 'cli.ts')).href);
