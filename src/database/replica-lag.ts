/** A WAL position (`pg_lsn` text such as `16/B374D848`) as a number that compares. */
export function parseLsn(text: string): bigint {
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text.trim());
  if (!match) throw new Error(`not a WAL position: ${text}`);
  return (BigInt(`0x${match[1]}`) << 32n) + BigInt(`0x${match[2]}`);
}

interface Sample {
  lsn: bigint;
  at: number;
}

/**
 * How far behind the primary a replica is, in seconds, measured on our own clock:
 * every probe records the primary's WAL position with the time it was read, and a
 * replica that has replayed up to position R lacks whatever the primary wrote after
 * the last sample at or below R. So its lag is the age of that sample (0 when it has
 * replayed everything the latest sample saw). No clock of a database server is
 * compared with another, and an idle primary (no new WAL) never shows lag.
 */
export class PrimaryWalHistory {
  private readonly samples: Sample[] = [];

  constructor(private readonly maxSamples = 600) {}

  record(lsn: bigint, at: number): void {
    const last = this.samples.at(-1);
    // Only moves of the primary matter; an unchanged position keeps the older, more telling, time.
    if (last && last.lsn >= lsn) return;
    this.samples.push({ lsn, at });
    if (this.samples.length > this.maxSamples) this.samples.shift();
  }

  /** Seconds of writes the replica lacks; Infinity before the primary was ever sampled. */
  lagSeconds(replayed: bigint, now: number): number {
    const latest = this.samples.at(-1);
    if (!latest) return Infinity;
    if (replayed >= latest.lsn) return 0;
    let covered: Sample | undefined;
    for (const sample of this.samples) {
      if (sample.lsn > replayed) break;
      covered = sample;
    }
    // Behind even the oldest sample kept: at least that old.
    const since = covered ? this.samples[this.samples.indexOf(covered) + 1].at : this.samples[0].at;
    return Math.max(0, (now - since) / 1000);
  }
}
