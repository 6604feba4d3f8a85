// Archive readers for `spamtrap import` and `spamtrap replay`.
export * from './types.js';
export { readArchive, detectFormat } from './files.js';
export { readMbox, type MboxVariant } from './mbox.js';
export { malformedReason, headerEnd } from './validate.js';
export { ImportJournal, defaultStateDir } from './journal.js';
export { createProgress, type Progress } from './progress.js';
export { envelopeOf, headerValues, type Envelope } from './envelope.js';
