import { type DataFingerprint, dataChange, fingerprintData, savedFingerprint } from '../io/dataFile.js';
import type { Checkpoint } from '../io/checkpoint.js';
import { type CliIO, UsageError, warnOn } from './args.js';

/**
 * The fingerprint of the data file a run trains on (null for the embedded data), for its config.json. On --resume
 * it is compared with the checkpoint's: a file changed since is a warning naming it and what changed, or under
 * --strict an error, since the resumed run would no longer be the run it continues.
 */
export function checkedDataFile(command: string, out: string, path: string | undefined, resume: Checkpoint | undefined, strict: boolean,
  io: CliIO): DataFingerprint | null {
  const now = fingerprintData(path);
  // A file that cannot be read is left to the loader, whose error names it.
  if (!now) return null;
  const saved = resume && savedFingerprint(resume.config);
  const change = saved && dataChange(saved, now);
  if (change) {
    const message = `${command}: ${saved.path} changed since the checkpoint in ${out} was written (${change})`;
    if (strict) throw new UsageError(`${message}; --strict refuses to resume on other data`);
    warnOn(io)(`${message}; the run goes on with the file as it is now (--strict refuses)`);
  }
  return now;
}

/**
 * A checkpoint written before its run's dropout generator was saved cannot resume exactly: the masks start over.
 * Said once, so a run that drifts from an uninterrupted one is not a mystery.
 */
export function warnUnsavedDropout(command: string, out: string, resume: Checkpoint | undefined, dropout: number, io: CliIO): void {
  if (resume && dropout > 0 && !resume.trainer.streams?.dropout) {
    warnOn(io)(`${command}: the checkpoint in ${out} has no saved dropout generator (an older zerograd wrote it); the resumed run draws other dropout masks than an uninterrupted one`);
  }
}

