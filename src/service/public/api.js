// Talking to the API that serves the dashboard: JSON calls, downloads and Server-Sent Events,
// all with the API key from the header field when there is one.

const keyInput = () => document.querySelector('#api-key');

export function apiKey() { return keyInput()?.value.trim() ?? ''; }
export const authHeaders = () => (apiKey() ? { authorization: `Bearer ${apiKey()}` } : {});

/** fetch + JSON; a non-2xx answer throws an Error carrying the problem+json body as `problem`. */
export async function api(path, init = {}) {
  const res = await fetch(path, { ...init, headers: { accept: 'application/json', ...authHeaders(), ...(init.headers ?? {}) } });
  const type = res.headers.get('content-type') ?? '';
  const body = type.includes('json') ? await res.json() : await res.text();
  if (!res.ok) {
    const err = new Error(body?.detail ?? `${res.status} ${res.statusText}`);
    err.problem = body; err.status = res.status;
    throw err;
  }
  return body;
}

export const postExperiment = (body) => api('/experiments', {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
});

/** An object URL of a download (so the API key travels along); revoke them with revokeBlobs. */
const objectUrls = [];
export async function fetchBlob(path) {
  const res = await fetch(path, { headers: authHeaders() });
  if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
  const url = URL.createObjectURL(await res.blob());
  objectUrls.push(url);
  return url;
}
export function revokeBlobs() { for (const u of objectUrls.splice(0)) URL.revokeObjectURL(u); }

/**
 * Reads an SSE stream with fetch, not EventSource, because EventSource cannot send the API key
 * header. Reconnects with Last-Event-ID; `onEnd(status)` returning 'stop' ends it for good (the
 * per-experiment stream answers 204 once its experiment has finished). Returns the stop function.
 */
export function sse(path, onEvent, { onOpen, onEnd } = {}) {
  const controller = new AbortController();
  let lastId;
  (async function connect(attempt) {
    try {
      const res = await fetch(path, { headers: { accept: 'text/event-stream', ...authHeaders(), ...(lastId ? { 'last-event-id': lastId } : {}) }, signal: controller.signal });
      if (res.status === 204 || !res.ok) { if (onEnd?.(res.status) === 'stop' || res.status === 204) return; }
      else {
        onOpen?.();
        attempt = 0;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let cut;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, cut); buffer = buffer.slice(cut + 2);
            const ev = { event: 'message', data: '' };
            for (const line of block.split('\n')) {
              if (line.startsWith(':')) continue;
              const i = line.indexOf(':'); const field = line.slice(0, i); const val = line.slice(i + 1).replace(/^ /, '');
              if (field === 'id') { ev.id = val; lastId = val; } else if (field === 'event') ev.event = val; else if (field === 'data') ev.data += val;
            }
            if (ev.data) onEvent({ ...ev, data: JSON.parse(ev.data) });
          }
        }
        if (onEnd?.(200) === 'stop') return;
      }
    } catch { if (controller.signal.aborted) return; }
    if (controller.signal.aborted) return;
    setTimeout(() => connect(attempt + 1), Math.min(1000 * (attempt + 1), 10000));
  })(0);
  return () => controller.abort();
}

/** The per-experiment stream until the experiment finishes; resumes without loss after a drop. */
export function watchExperiment(id, onEvent) {
  let stopped = false;
  const stop = sse(`/experiments/${encodeURIComponent(id)}/events`, (ev) => {
    if (stopped) return;
    onEvent(ev);
    if (['completed', 'failed', 'cancelled', 'deleted'].includes(ev.event)) { stopped = true; stop(); }
  }, { onEnd: (status) => (status === 204 || status === 404 ? 'stop' : undefined) });
  return () => { stopped = true; stop(); };
}
