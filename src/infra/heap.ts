// V8 heap settings for a process that streams articles through the stages.
import v8 from 'node:v8';

/**
 * Turns off V8's allocation-site pretenuring. An article's working objects (words, term hits) live through a
 * young-generation collection often enough that V8 starts allocating them in the old generation, which then
 * fills with garbage that only full collections clear. On the classify benchmark that made garbage collection
 * 4-5 times as long and Chinese articles 1.4-1.5 times as slow; young collections alone suit a stream of
 * short-lived work. Call it first, before the stages load (`bin/newsflow.js` does); programs that call
 * `classify()` in a loop gain the same by running node with `--no-allocation-site-pretenuring`.
 */
export function tuneHeapForStreams(): void {
  v8.setFlagsFromString('--no-allocation-site-pretenuring');
}
