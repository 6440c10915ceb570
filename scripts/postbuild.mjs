// After tsc: the command's entry point must be executable, since npm links `npx zerograd` straight to it
// and tsc writes files without the execute bit.
import { chmodSync } from 'node:fs';

chmodSync(new URL('../dist/src/cli/bin.js', import.meta.url), 0o755);
