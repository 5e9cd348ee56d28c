/** A small seeded PRNG (mulberry32) so every bench run seeds the same data. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  uuid(): string {
    const hex = Array.from({ length: 32 }, () => Math.floor(this.next() * 16).toString(16)).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[Math.floor(this.next() * 4)]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }
}

const WORDS = (
  'the council said budget reform would change how schools are funded next year while critics argued ' +
  'that rural areas lose out and readers asked whether the plan was fair to families who rely on buses ' +
  'transport housing climate energy prices rose sharply after the storm and the minister promised review'
).split(' ');

export function sentence(random: SeededRandom, minChars: number, maxChars: number): string {
  const target = random.int(minChars, maxChars);
  let text = '';
  while (text.length < target) text += (text ? ' ' : '') + random.pick(WORDS);
  return text.slice(0, target);
}
