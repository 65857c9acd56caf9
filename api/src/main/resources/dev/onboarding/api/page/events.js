// Follows an integration's event stream with fetch (EventSource cannot send an Authorization header), and resumes
// after a dropped connection, an expired token or a reload from the last version seen (Last-Event-ID).

const MAX_BACKOFF_MS = 10_000;

/**
 * Follows `/v1/integrations/{id}/events`. Calls `onState(state)` for every state event and `onConnection(up)` as
 * the stream comes and goes. Returns {stop()}.
 */
export function follow(id, tokens, { lastEventId = null, onState, onConnection = () => {}, onGone = () => {} }) {
  const controller = new AbortController();
  let last = lastEventId;
  let stopped = false;

  async function run() {
    let backoff = 1000;
    let freshToken = false;
    while (!stopped) {
      let reason = 'closed';
      try {
        const token = await tokens.get(freshToken);
        freshToken = false;
        const headers = { Accept: 'text/event-stream' };
        if (token) headers.Authorization = `Bearer ${token}`;
        if (last !== null) headers['Last-Event-ID'] = String(last);
        const response = await fetch(`/v1/integrations/${encodeURIComponent(id)}/events`,
          { headers, signal: controller.signal, cache: 'no-store' });
        if (response.status === 404) {
          onGone('This connection does not exist, or belongs to another tenant.');
          return;
        }
        if (response.status === 401) {
          freshToken = true;
        } else if (response.status === 200 && response.body) {
          onConnection(true);
          reason = await read(response.body, (event) => {
            if (event.type === 'state') {
              backoff = 1000;
              if (event.id !== null) last = event.id;
              onState(JSON.parse(event.data));
            }
          });
          if (reason === 'expired') freshToken = true;
          if (reason === 'deleted') {
            onGone('This connection was deleted.');
            return;
          }
        } else {
          const retryAfter = Number(response.headers.get('Retry-After'));
          if (retryAfter > 0) backoff = Math.min(MAX_BACKOFF_MS, retryAfter * 1000);
        }
      } catch (error) {
        if (stopped) return;
      }
      onConnection(false);
      if (stopped) return;
      if (reason !== 'expired') {
        await sleep(backoff);
        backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
      }
    }
  }

  run();
  return {
    stop() {
      stopped = true;
      controller.abort();
    },
  };
}

/** Reads server-sent events from a byte stream; resolves with the name of a closing event, or 'closed'. */
async function read(body, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let event = { type: 'message', data: [], id: null };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return 'closed';
    buffer += value;
    let newline;
    while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
      if (line === '') {
        if (event.data.length > 0 || event.type !== 'message') {
          const complete = { type: event.type, data: event.data.join('\n'), id: event.id };
          if (complete.type === 'expired' || complete.type === 'deleted') {
            reader.cancel().catch(() => {});
            return complete.type;
          }
          onEvent(complete);
        }
        event = { type: 'message', data: [], id: null };
      } else if (!line.startsWith(':')) {
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event.type = value;
        else if (field === 'data') event.data.push(value);
        else if (field === 'id') event.id = value;
      }
    }
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
