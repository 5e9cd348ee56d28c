import { Agent, request as httpRequest, IncomingMessage } from 'node:http';

export interface LiveFanOutOptions {
  appUrl: string;
  articleIds: string[];
  streams: number;
  postsPerSecond: number;
  seconds: number;
  bearer: () => string;
  uniqueBody: () => string;
}

export interface LiveFanOutResult {
  posts: number;
  postErrors: number;
  deliveries: number;
  expectedDeliveries: number;
  /** Streams that ended while the bench kept reading them (dropped, or refused at open). */
  lostStreams: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

const MARK = 'event: comment.created\ndata: {"id":"';

interface Watcher {
  articleId: string;
  ended: boolean;
  tail: string;
}

/**
 * `streams` live streams spread over the articles, read by this process as
 * fast as it can; posts arrive at a steady rate on random articles of the set.
 * Each delivery's latency runs from the post's 201 to the moment the stream
 * received the event (0 when the event beat the response).
 */
export async function liveFanOut(options: LiveFanOutOptions): Promise<LiveFanOutResult> {
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  const arrivals = new Map<string, number[]>();
  const watchers: Watcher[] = [];
  const requests: { destroy(): void }[] = [];
  const opened = await Promise.all(
    Array.from({ length: options.streams }, (_, index) => {
      const articleId = options.articleIds[index % options.articleIds.length];
      return openStream(options.appUrl, articleId, agent, (commentId) => {
        const list = arrivals.get(commentId) ?? [];
        list.push(Date.now());
        arrivals.set(commentId, list);
      }).then(({ watcher, destroy }) => {
        watchers.push(watcher);
        requests.push({ destroy });
        return watcher;
      });
    }),
  );
  const responseAt = new Map<string, number>();
  const articleOf = new Map<string, string>();
  let postErrors = 0;
  const inFlight: Promise<void>[] = [];
  const interval = 1000 / options.postsPerSecond;
  const started = Date.now();
  for (let index = 0; Date.now() - started < options.seconds * 1000; index += 1) {
    const due = started + index * interval;
    if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    const articleId = options.articleIds[Math.floor(Math.random() * options.articleIds.length)];
    inFlight.push(
      post(options.appUrl, articleId, options.bearer(), options.uniqueBody()).then(
        (commentId) => {
          responseAt.set(commentId, Date.now());
          articleOf.set(commentId, articleId);
        },
        () => {
          postErrors += 1;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  // Give the last posts their second to arrive everywhere.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const streamsPerArticle = new Map<string, number>();
  for (const watcher of opened) streamsPerArticle.set(watcher.articleId, (streamsPerArticle.get(watcher.articleId) ?? 0) + 1);
  const latencies: number[] = [];
  let expected = 0;
  for (const [commentId, at] of responseAt) {
    expected += streamsPerArticle.get(articleOf.get(commentId) as string) ?? 0;
    for (const arrival of arrivals.get(commentId) ?? []) latencies.push(Math.max(0, arrival - at));
  }
  const lostStreams = watchers.filter((watcher) => watcher.ended).length + (options.streams - opened.length);
  for (const each of requests) each.destroy();
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    posts: responseAt.size,
    postErrors,
    deliveries: latencies.length,
    expectedDeliveries: expected,
    lostStreams,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    maxMs: latencies.at(-1) ?? 0,
  };
}

function openStream(appUrl: string, articleId: string, agent: Agent, onCreated: (commentId: string) => void): Promise<{ watcher: Watcher; destroy: () => void }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${appUrl}/api/v1/articles/${articleId}/live`, { agent, headers: { accept: 'text/event-stream' } });
    request.on('error', reject);
    request.on('response', (response: IncomingMessage) => {
      if (response.statusCode !== 200) {
        response.resume();
        reject(new Error(`stream answered ${response.statusCode}`));
        return;
      }
      const watcher: Watcher = { articleId, ended: false, tail: '' };
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        const text = watcher.tail + chunk;
        let from = 0;
        for (let found = text.indexOf(MARK, from); found >= 0 && found + MARK.length + 36 <= text.length; found = text.indexOf(MARK, from)) {
          onCreated(text.slice(found + MARK.length, found + MARK.length + 36));
          from = found + MARK.length + 36;
        }
        // Keep only what may be the start of a mark cut by the chunk boundary.
        watcher.tail = text.slice(Math.max(from, text.length - MARK.length - 36));
      });
      const end = () => {
        watcher.ended = true;
      };
      response.on('end', end);
      response.on('error', end);
      resolve({ watcher, destroy: () => request.destroy() });
    });
    request.end();
  });
}

function post(appUrl: string, articleId: string, authorization: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify({ body });
    const request = httpRequest(`${appUrl}/api/v1/articles/${articleId}/comments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization, 'content-length': Buffer.byteLength(payload) },
    });
    request.on('error', reject);
    request.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        if (response.statusCode !== 201) return reject(new Error(`post answered ${response.statusCode}`));
        resolve((JSON.parse(text) as { id: string }).id);
      });
    });
    request.end(payload);
  });
}

/** Opens `count` streams over the articles and keeps reading them (discarding what comes) until closed. */
export async function holdStreams(
  appUrl: string,
  articleIds: string[],
  count: number,
): Promise<{ failedToOpen: number; ended: () => number; close: () => void }> {
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  const settled = await Promise.allSettled(
    Array.from({ length: count }, (_, index) => openStream(appUrl, articleIds[index % articleIds.length], agent, () => undefined)),
  );
  const held = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  return {
    failedToOpen: count - held.length,
    ended: () => held.filter(({ watcher }) => watcher.ended).length,
    close: () => {
      for (const { destroy } of held) destroy();
      agent.destroy();
    },
  };
}

/** The app's own count of the streams it dropped, by reason (from /metrics). */
export async function droppedStreams(appUrl: string, metricsToken: string): Promise<Record<string, number>> {
  const text = await fetch(`${appUrl}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } }).then((response) => response.text());
  const dropped: Record<string, number> = {};
  for (const match of text.matchAll(/^margin_live_streams_dropped_total\{reason="(\w+)"\} (\d+)/gm)) dropped[match[1]] = Number(match[2]);
  return dropped;
}
