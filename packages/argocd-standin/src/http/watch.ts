import type { IncomingMessage, ServerResponse } from 'node:http';
import { Knobs } from '../knobs';
import {
  ApplicationStore,
  StoredApplication,
  WatchEvent,
} from '../model/ApplicationStore';
import { FieldTree, pickFields } from './fields';

export interface WatchRequest {
  matches: (stored: StoredApplication) => boolean;
  fields?: FieldTree;
  resourceVersion?: number;
  sse: boolean;
  keepaliveMs: number;
}

const BATCH = 200;

/**
 * `GET /api/v1/stream/applications`: the current Applications as ADDED (or, resuming from a
 * resourceVersion, the changes after it), then every change as it happens. Newline-delimited
 * `{"result": {...}}`, or server-sent events with a keepalive comment when the client accepts
 * `text/event-stream`. Large initial states are written in batches that respect backpressure.
 */
export function serveWatch(
  req: IncomingMessage,
  res: ServerResponse,
  store: ApplicationStore,
  knobs: Knobs,
  request: WatchRequest,
): void {
  // The client may have given up while the latency knob held the request: nothing to serve then,
  // and a 'close' that already happened would never stop the keepalive.
  if (req.destroyed || res.destroyed) return;
  res.writeHead(200, {
    'Content-Type': request.sse ? 'text/event-stream' : 'application/json',
    'Cache-Control': 'no-cache',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();

  let sent = 0;
  let closed = false;
  let unsubscribe = () => {};
  let keepalive: NodeJS.Timeout | undefined;
  const close = () => {
    if (closed) return;
    closed = true;
    unsubscribe();
    clearInterval(keepalive);
  };
  let initialDone = false;
  const queued: WatchEvent[] = [];

  const frame = (type: string, stored: StoredApplication): string => {
    let line: string;
    if (request.fields) {
      line = JSON.stringify(
        pickFields(
          { result: { type, application: stored.application } },
          request.fields,
        ),
      );
    } else {
      line = `{"result":{"type":"${type}","application":${stored.json()}}}`;
    }
    return request.sse ? `data: ${line}\n\n` : `${line}\n`;
  };

  /** Writes frames; honours the stream-drop knob by cutting a message in half. */
  const writeFrames = (frames: string[]): boolean => {
    const dropAfter = knobs.streamDropAfterEvents;
    if (dropAfter > 0 && sent + frames.length >= dropAfter) {
      const keep = frames.slice(0, Math.max(0, dropAfter - sent));
      const cut = frames[keep.length] ?? '';
      sent = dropAfter;
      close();
      // Destroy only once the bytes are out, so the client really gets half a message.
      res.write(keep.join('') + cut.slice(0, Math.ceil(cut.length / 2)), () =>
        res.destroy(),
      );
      return true;
    }
    sent += frames.length;
    return res.write(frames.join(''));
  };

  const onEvent = (event: WatchEvent) => {
    if (closed || !request.matches(event.stored)) return;
    if (!initialDone) {
      queued.push(event);
      return;
    }
    writeFrames([frame(event.type, event.stored)]);
  };
  unsubscribe = store.subscribe(onEvent);

  if (request.sse && request.keepaliveMs > 0) {
    keepalive = setInterval(
      () => res.write(': keepalive\n\n'),
      request.keepaliveMs,
    );
  }

  req.on('close', close);
  res.on('close', close);

  let initial: Array<[string, StoredApplication]>;
  const changes =
    request.resourceVersion !== undefined
      ? store.changesSince(request.resourceVersion)
      : undefined;
  if (changes) {
    initial = changes
      .filter(e => request.matches(e.stored))
      .map(e => [e.type, e.stored]);
  } else {
    initial = store
      .list()
      .filter(request.matches)
      .map(stored => ['ADDED', stored]);
  }

  let index = 0;
  const pump = () => {
    while (!closed && index < initial.length) {
      const batch = initial
        .slice(index, index + BATCH)
        .map(([type, stored]) => frame(type, stored));
      index += BATCH;
      if (!writeFrames(batch)) {
        res.once('drain', pump);
        return;
      }
    }
    if (closed) return;
    initialDone = true;
    if (queued.length)
      writeFrames(queued.splice(0).map(e => frame(e.type, e.stored)));
  };
  pump();
}
