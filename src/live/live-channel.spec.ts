import { LiveChannel } from './live-channel';
import { LiveFrame, parseEventId, toFrame } from './live-events';

function frame(seq: number, at: number, epoch = 'r'): LiveFrame {
  return toFrame({ epoch, seq }, { event: { type: 'comment.reactions', data: { id: `c${seq}`, reactionCount: seq } }, authorId: null }, at);
}

const seqs = (resumption: ReturnType<LiveChannel<unknown>['resume']>) =>
  resumption.kind === 'replay' ? resumption.frames.map((each) => each.id.seq) : 'reset';

describe('LiveChannel (the ring buffer behind Last-Event-ID)', () => {
  const minutes = (n: number) => n * 60_000;

  it('replays every frame after the last one seen, in order', () => {
    const channel = new LiveChannel({ windowMs: minutes(5), maxFrames: 100 });
    for (let seq = 1; seq <= 5; seq += 1) channel.add(frame(seq, seq * 1000));
    expect(seqs(channel.resume({ epoch: 'r', seq: 2 }, 6000))).toEqual([3, 4, 5]);
    expect(seqs(channel.resume({ epoch: 'r', seq: 5 }, 6000))).toEqual([]);
  });

  it('resets once the gap is older than the window (five minutes)', () => {
    const channel = new LiveChannel({ windowMs: minutes(5), maxFrames: 100 });
    channel.add(frame(1, 0));
    channel.add(frame(2, minutes(4)));
    channel.add(frame(3, minutes(6)));
    // Frame 1 is gone (older than 5 minutes at minute 6): a client that saw only frame 0 missed it.
    expect(seqs(channel.resume({ epoch: 'r', seq: 0 }, minutes(6)))).toBe('reset');
    // The one after frame 1 is still held: the client missed nothing that was dropped.
    expect(seqs(channel.resume({ epoch: 'r', seq: 1 }, minutes(6)))).toEqual([2, 3]);
    expect(seqs(channel.resume({ epoch: 'r', seq: 1 }, minutes(9.5)))).toBe('reset');
  });

  it('knows the newest id after its frame aged out, so an up-to-date client is not reset', () => {
    const channel = new LiveChannel({ windowMs: minutes(5), maxFrames: 100 });
    channel.add(frame(7, 0));
    expect(seqs(channel.resume({ epoch: 'r', seq: 7 }, minutes(30)))).toEqual([]);
    expect(seqs(channel.resume({ epoch: 'r', seq: 6 }, minutes(30)))).toBe('reset');
  });

  it('learns the newest id from Redis for a channel it was not listening on', () => {
    const channel = new LiveChannel({ windowMs: minutes(5), maxFrames: 100 });
    expect(seqs(channel.resume({ epoch: 'r', seq: 41 }, 0))).toBe('reset');
    channel.knowLatest({ epoch: 'r', seq: 41 });
    expect(seqs(channel.resume({ epoch: 'r', seq: 41 }, 0))).toEqual([]);
    expect(seqs(channel.resume({ epoch: 'r', seq: 40 }, 0))).toBe('reset');
  });

  it('keeps at most maxFrames, and resets a client whose gap was cut off', () => {
    const channel = new LiveChannel({ windowMs: minutes(5), maxFrames: 3 });
    for (let seq = 1; seq <= 200; seq += 1) channel.add(frame(seq, seq));
    expect(seqs(channel.resume({ epoch: 'r', seq: 197 }, 300))).toEqual([198, 199, 200]);
    expect(seqs(channel.resume({ epoch: 'r', seq: 196 }, 300))).toBe('reset');
  });

  it('never takes an id of another epoch (another process, an earlier run) for one of its own', () => {
    const channel = new LiveChannel({ windowMs: minutes(5), maxFrames: 100 });
    channel.add(frame(1, 0, 'a1b2'));
    channel.add(frame(2, 1, 'a1b2'));
    expect(seqs(channel.resume({ epoch: 'ffff', seq: 1 }, 2))).toBe('reset');
    expect(seqs(channel.resume({ epoch: 'a1b2', seq: 1 }, 2))).toEqual([2]);
    channel.forget();
    expect(seqs(channel.resume({ epoch: 'a1b2', seq: 2 }, 2))).toBe('reset');
  });

  it('reads only well-formed ids', () => {
    expect(parseEventId('r-12')).toEqual({ epoch: 'r', seq: 12 });
    expect(parseEventId(' 9f3a-0 ')).toEqual({ epoch: '9f3a', seq: 0 });
    for (const bad of ['', 'r', 'r-', '-1', 'r-1-2', 'R-1', 'r-1e3', undefined]) expect(parseEventId(bad)).toBeNull();
  });
});
