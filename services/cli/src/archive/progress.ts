// Progress on stderr: a cli-progress line when stderr is a TTY, plain periodic lines otherwise.
import cliProgress from 'cli-progress';

/** Plain-line interval when stderr is not a terminal (logs, CI). */
const PLAIN_EVERY_MS = 2000;

export interface Progress {
  tick(counts: Record<string, number>, file: string): void;
  stop(): void;
}

export function createProgress(stderr: NodeJS.WritableStream, label: string): Progress {
  const t0 = Date.now();
  const rate = (n: number): string => (n / Math.max(0.001, (Date.now() - t0) / 1000)).toFixed(0);
  /** Entries handled per second, whatever their outcome (published, skipped, malformed...). */
  const handled = (c: Record<string, number>): number => Object.values(c).reduce((a, b) => a + b, 0);
  const isTty = (stderr as NodeJS.WriteStream).isTTY === true;
  if (isTty) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} {done} done | {rate} entries/s | {detail} | {file}`, stream: stderr, hideCursor: true, noTTYOutput: false },
      cliProgress.Presets.shades_classic,
    );
    bar.start(0, 0, { done: 0, rate: '0', detail: '', file: '' });
    return {
      tick(counts, file) {
        const done = counts['done'] ?? 0;
        const detail = Object.entries(counts).filter(([k]) => k !== 'done').map(([k, v]) => `${k} ${v}`).join(', ');
        bar.update(0, { done, rate: rate(handled(counts)), detail, file: file.length > 60 ? '…' + file.slice(-59) : file });
      },
      stop: () => bar.stop(),
    };
  }
  let last = 0;
  let lastCounts: Record<string, number> = {};
  const line = (): void => {
    stderr.write(`${label}: ${Object.entries(lastCounts).map(([k, v]) => `${k} ${v}`).join(', ')} (${rate(handled(lastCounts))} entries/s)\n`);
  };
  return {
    tick(counts) {
      lastCounts = { ...counts };
      if (Date.now() - last >= PLAIN_EVERY_MS) {
        last = Date.now();
        line();
      }
    },
    stop: line,
  };
}
