// The local sandbox's part of the page (only when the local run configures it): the Tenant picker, which gets a
// dev token from the local stack, and "Simulate the stack here", which launches a simulated stack.

import { Problem, Tokens } from './api.js';

const TENANT_KEY = 'onboarding.sandbox.tenant';

/** Fills the picker; returns the Tokens of the picked tenant and a way to follow changes of the pick. */
export function sandbox(settings, select) {
  for (const tenant of settings.tenants) {
    const option = document.createElement('option');
    option.value = tenant;
    option.textContent = tenant;
    select.append(option);
  }
  const saved = sessionStorage.getItem(TENANT_KEY);
  if (saved && settings.tenants.includes(saved)) select.value = saved;
  const tokens = new Tokens(async () => {
    const response = await fetch(settings.tokenPath, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ tenant: select.value }),
      cache: 'no-store',
    });
    const body = await response.json();
    if (!response.ok) throw new Problem(response.status, body);
    return { token: body.accessToken, expiresAt: Date.parse(body.expiresAt) };
  });
  return {
    tokens,
    tenant: () => select.value,
    onChange(listener) {
      select.addEventListener('change', () => {
        sessionStorage.setItem(TENANT_KEY, select.value);
        tokens.forget();
        listener(select.value);
      });
    },
  };
}

/** Launches the simulated stack of integration `id` in `account` and `region`; resolves with {requestId}. */
export async function simulateStack(settings, tokens, id, account, region) {
  const token = await tokens.get();
  const response = await fetch(settings.simulatePath.replace('{id}', encodeURIComponent(id)), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ accountId: account, region }),
    cache: 'no-store',
  });
  const body = await response.json();
  if (!response.ok) throw new Problem(response.status, body);
  return body;
}
