import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiError } from '../errors.js';
import type { AppEnv } from './auth.js';

export interface RateLimit {
  /** sustained requests per minute per builder; 0 turns the limit off */
  perMinute: number;
  /** requests a builder may make at once before the sustained rate applies */
  burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per builder, in this process (behind a load balancer each instance counts
 * its own share). Over the limit: 429 `rate_limited` with `Retry-After` in whole seconds.
 */
export function rateLimitPerBuilder(limit: RateLimit, now: () => number = Date.now): MiddlewareHandler<AppEnv> {
  const buckets = new Map<string, Bucket>();
  const perMs = limit.perMinute / 60_000;
  return async (c, next) => {
    if (limit.perMinute <= 0) return next();
    const builder = c.get('builder');
    const key = `${builder.workspaceId}/${builder.builder}`;
    const t = now();
    const bucket = buckets.get(key) ?? { tokens: limit.burst, at: t };
    bucket.tokens = Math.min(limit.burst, bucket.tokens + (t - bucket.at) * perMs);
    bucket.at = t;
    if (bucket.tokens < 1) {
      const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
      throw new ApiError('rate_limited', `Too many requests; retry in ${retryAfter} s.`, { retryAfter }, { 'Retry-After': String(retryAfter) });
    }
    bucket.tokens -= 1;
    buckets.set(key, bucket);
    // Forget builders whose bucket has refilled, so the map stays as small as the active set.
    if (buckets.size > 10_000) {
      for (const [k, b] of buckets) if (b.tokens + (t - b.at) * perMs >= limit.burst) buckets.delete(k);
    }
    return next();
  };
}

/** At most `max` of something at once per key (concurrent streams per builder). */
export class ConcurrencyGate {
  private readonly active = new Map<string, number>();
  constructor(readonly max: number) {}

  /** A release function, or undefined when the key is at its limit. */
  tryEnter(key: string): (() => void) | undefined {
    const count = this.active.get(key) ?? 0;
    if (this.max > 0 && count >= this.max) return undefined;
    this.active.set(key, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.active.get(key) ?? 1) - 1;
      if (left <= 0) this.active.delete(key);
      else this.active.set(key, left);
    };
  }
}

/** Keeps `release` pending until the answer's body has been read to its end or cancelled. */
function releaseWhenDone(body: ReadableStream<Uint8Array>, release: () => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          release();
          controller.close();
        } else {
          controller.enqueue(value);
        }
      } catch (err) {
        release();
        controller.error(err);
      }
    },
    cancel(reason) {
      release();
      return reader.cancel(reason);
    },
  });
}

/**
 * At most `gate.max` streamed answers at once per builder; one more is 429 `too_many_streams`.
 * The slot is held until the stream ends, not just until the handler returns.
 */
export function limitConcurrentStreams(gate: ConcurrencyGate): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const builder = c.get('builder');
    const release = gate.tryEnter(`${builder.workspaceId}/${builder.builder}`);
    if (!release) {
      throw new ApiError('too_many_streams', `At most ${gate.max} answers can stream at once; stop one or wait.`, { retryAfter: 1 }, { 'Retry-After': '1' });
    }
    try {
      await next();
    } catch (err) {
      release();
      throw err;
    }
    if (c.res.body) c.res = new Response(releaseWhenDone(c.res.body, release), c.res);
    else release();
  };
}

/**
 * Refuses a body larger than `maxBytes` with 413 before reading it. A declared Content-Length
 * is decided from the header alone (Node's parser never reads past it); only a chunked body is
 * counted as it streams, by Hono's bodyLimit, which turns the request into a web Request and
 * costs a fifth of a small request's CPU.
 */
export function limitBodySize(maxBytes: number): MiddlewareHandler {
  const tooLarge = (): never => {
    throw new ApiError('payload_too_large', `The request body is larger than ${maxBytes} bytes.`, { field: 'body' });
  };
  const counted = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return async (c, next) => {
    const declared = c.req.header('content-length');
    if (declared !== undefined && c.req.header('transfer-encoding') === undefined) {
      if (Number(declared) > maxBytes) tooLarge();
      return next();
    }
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    return counted(c, next);
  };
}
