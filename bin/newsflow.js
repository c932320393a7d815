#!/usr/bin/env node
// Runs the TypeScript sources directly (through tsx), so the command works right after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
const { tuneHeapForStreams } = await import('../src/infra/heap.ts');
tuneHeapForStreams();
const { main } = await import('../src/cli.ts');
await main(process.argv);
