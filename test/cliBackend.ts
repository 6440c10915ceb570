// The CLI's tests call its commands in-process, where bin.ts has not yet chosen a backend: this chooses the one a
// user's run gets (WebAssembly unless ZEROGRAD_BACKEND says otherwise), so the tests check that path, at its speed.
import { selectBackend } from '../src/backend/select.js';

selectBackend();
