import { createHash } from 'node:crypto';

/**
 * A response body serialized once, with its entity tag: served as it is to
 * every anonymous reader, compared against `If-None-Match` without
 * re-serializing, and parsed at most once for signed-in readers.
 */
export class SerializedPage {
  readonly bytes: number;
  /** Weak, so that a proxy that compresses the body still answers 304s for it. */
  readonly etag: string;
  private value?: unknown;
  /** Set by the cache that holds the page, so that the parsed copy counts against its budget. */
  onParsed?: (page: SerializedPage) => void;

  constructor(readonly body: string) {
    this.bytes = Buffer.byteLength(body);
    this.etag = `W/"${createHash('sha1').update(body).digest('base64url')}"`;
  }

  static of(value: unknown): SerializedPage {
    return value instanceof SerializedPage ? value : new SerializedPage(JSON.stringify(value));
  }

  parsed<T>(): T {
    if (this.value === undefined) {
      this.value = JSON.parse(this.body);
      this.onParsed?.(this);
    }
    return this.value as T;
  }
}
