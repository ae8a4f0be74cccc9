#!/usr/bin/env node
// The citytwin command. Sources are TypeScript; tsx compiles them on load (cached), so the
// command works straight from a checkout after `npm install`.
import { register } from 'tsx/esm/api';

register();
await import('../sim/cli/main.ts');
