// The API's client: bearer tokens in the Authorization header only (never in a URL), problems as errors.

/** An answer the API gave as a problem (RFC 9457). */
export class Problem extends Error {
  constructor(status, body) {
    super((body && (body.detail || body.title)) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

/**
 * Where tokens come from. `fetchToken(force)` resolves to {token, expiresAt} or null (an auth proxy in front of
 * the API adds the header itself).
 */
export class Tokens {
  constructor(fetchToken) {
    this.fetchToken = fetchToken;
    this.current = null;
  }

  /** A token valid for at least 30 more seconds (or null without a token source). */
  async get(force = false) {
    const soon = Date.now() + 30_000;
    if (force || !this.current || (this.current.expiresAt && this.current.expiresAt < soon)) {
      this.current = await this.fetchToken(force);
    }
    return this.current ? this.current.token : null;
  }

  forget() {
    this.current = null;
  }
}

/** Tokens from a token endpoint of the hosting product (called with the browser's own session cookies). */
export function endpointTokens(url) {
  return new Tokens(async () => {
    const response = await fetch(url, { credentials: 'include', cache: 'no-store', headers: { Accept: 'application/json' } });
    if (!response.ok) throw new Problem(response.status, { detail: 'the token endpoint answered ' + response.status });
    const body = await response.json();
    const token = body.access_token || body.accessToken;
    const expiresAt = body.expiresAt ? Date.parse(body.expiresAt)
      : body.expires_in ? Date.now() + body.expires_in * 1000 : null;
    return { token, expiresAt };
  });
}

/** The calls the page makes. */
export class Api {
  constructor(tokens) {
    this.tokens = tokens;
  }

  async headers(extra = {}) {
    const headers = { Accept: 'application/json', ...extra };
    const token = await this.tokens.get();
    if (token) headers.Authorization = `Bearer ${token}`;
    return headers;
  }

  async call(method, path, body, extraHeaders = {}) {
    const headers = await this.headers(body ? { 'Content-Type': 'application/json', ...extraHeaders } : extraHeaders);
    const response = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined, cache: 'no-store' });
    const type = response.headers.get('Content-Type') || '';
    const json = type.includes('json') ? await response.json() : null;
    if (!response.ok) throw new Problem(response.status, json);
    return json;
  }

  create(fields, idempotencyKey) {
    return this.call('POST', '/v1/integrations', fields, { 'Idempotency-Key': idempotencyKey });
  }

  list() {
    return this.call('GET', '/v1/integrations?limit=20');
  }

  cancel(id) {
    return this.call('DELETE', `/v1/integrations/${encodeURIComponent(id)}`);
  }
}
