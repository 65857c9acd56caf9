// The onboarding page: create a connection, launch its stack, and watch it complete.

import { Api, Problem, Tokens, endpointTokens } from './api.js';
import { follow } from './events.js';
import { describe, markText } from './progress.js';
import { byId, el, setText, show, time } from './view.js';
import { sandbox, simulateStack } from './local.js';

const page = {
  config: null,
  tokens: null,
  api: null,
  local: null,
  watching: null,
  stream: null,
  lastAnnouncement: '',
  listTimer: null,
};

async function start() {
  const response = await fetch('/page/config.json', { cache: 'no-store' });
  page.config = await response.json();
  if (page.config.local) {
    show(byId('sandbox'), true);
    page.local = sandbox(page.config.local, byId('tenant'));
    page.tokens = page.local.tokens;
    page.local.onChange((tenant) => {
      setText(byId('tenant-note'), `You are now tenant ${tenant}.`);
      stopWatching();
      showForm();
      refreshList();
    });
    setupSimulate();
  } else if (page.config.tokenEndpoint) {
    page.tokens = endpointTokens(page.config.tokenEndpoint);
  } else {
    // An auth proxy in front of the API adds the Authorization header.
    page.tokens = new Tokens(async () => null);
  }
  page.api = new Api(page.tokens);
  byId('create-form').addEventListener('submit', onCreate);
  byId('another').addEventListener('click', () => {
    stopWatching();
    history.pushState({}, '', location.pathname);
    showForm();
    byId('name').focus();
  });
  byId('cancel').addEventListener('click', () => cancel(page.watching));
  byId('copy').addEventListener('click', copyLink);
  window.addEventListener('popstate', fromUrl);
  fromUrl();
  refreshList();
}

/** The integration in the URL (?integration=ID) survives a reload: follow it again. */
function fromUrl() {
  const id = new URLSearchParams(location.search).get('integration');
  if (id) {
    watch(id, null);
  } else {
    stopWatching();
    showForm();
  }
}

function showForm() {
  show(byId('create'), true);
  show(byId('watch'), false);
}

// ---- creating ----

async function onCreate(event) {
  event.preventDefault();
  const form = byId('create-form');
  const name = byId('name').value.trim();
  clearError();
  if (!name) {
    return fail('Enter a name for this connection.', byId('name'));
  }
  let tags;
  try {
    tags = parseTags(byId('tags').value);
  } catch (problem) {
    return fail(problem.message, byId('tags'));
  }
  const fields = { name };
  const description = byId('description').value.trim();
  if (description) fields.description = description;
  if (Object.keys(tags).length > 0) fields.tags = tags;
  const button = byId('launch');
  button.disabled = true;
  announce('Creating the connection…');
  try {
    const created = await page.api.create(fields, crypto.randomUUID());
    form.reset();
    history.pushState({}, '', `${location.pathname}?integration=${encodeURIComponent(created.integrationId)}`);
    watch(created.integrationId, created);
    if (page.config.openQuickCreate && safeLink(created.quickCreateUrl)) {
      window.open(created.quickCreateUrl, '_blank', 'noopener,noreferrer');
    }
    refreshList();
  } catch (problem) {
    const field = problem instanceof Problem && problem.body.field ? byId(problem.body.field) : null;
    fail(`The connection could not be created: ${problem.message}`, field);
  } finally {
    button.disabled = false;
  }
}

/** "env=prod, team=data" as an object; throws naming the pair at fault. */
export function parseTags(text) {
  const tags = {};
  for (const pair of text.split(',').map((p) => p.trim()).filter((p) => p)) {
    const equals = pair.indexOf('=');
    if (equals <= 0) throw new Error(`Tags are key=value pairs: "${pair}" has no key=value.`);
    tags[pair.slice(0, equals).trim()] = pair.slice(equals + 1).trim();
  }
  return tags;
}

// ---- watching ----

function watch(id, created) {
  stopWatching();
  page.watching = id;
  show(byId('create'), false);
  show(byId('watch'), true);
  setText(byId('watch-name'), created ? created.name : '');
  if (created) {
    render(created);
  } else {
    setText(byId('headline'), 'Loading…');
    byId('steps').replaceChildren();
  }
  page.stream = follow(id, page.tokens, {
    onState: (state) => {
      if (page.watching === id) {
        render(state);
        scheduleListRefresh();
      }
    },
    onConnection: (up) => {
      if (!up && page.watching === id) setText(byId('status'), 'Connection to the server lost; reconnecting…');
    },
    onGone: (why) => {
      if (page.watching === id) fail(why, null);
    },
  });
  byId('headline').focus({ preventScroll: true });
}

function stopWatching() {
  if (page.stream) page.stream.stop();
  page.stream = null;
  page.watching = null;
}

function render(state) {
  const meaning = describe(state);
  setText(byId('watch-name'), state.name);
  setText(byId('headline'), meaning.headline);
  byId('steps').replaceChildren(...meaning.steps.map((step) => el('li', { class: step.mark },
    el('span', { class: 'mark' }, markText(step.mark)), ' ', step.label)));
  show(byId('connected'), meaning.outcome === 'connected');
  if (meaning.outcome === 'connected') {
    setText(byId('connected-account'), state.accountId);
    setText(byId('connected-region'), state.region);
    setText(byId('connected-role'), state.roleArn);
    setText(byId('connected-health'), meaning.health.reason
      ? `${meaning.health.label}. ${meaning.health.reason}` : meaning.health.label);
  }
  show(byId('failed'), meaning.outcome === 'failed' || (meaning.outcome === 'ended' && !!meaning.advice));
  setText(byId('failed-reason'), meaning.reason || meaning.headline);
  setText(byId('failed-advice'), meaning.advice || '');
  const pending = state.status === 'PENDING';
  const link = pending && safeLink(state.quickCreateUrl) ? state.quickCreateUrl : null;
  show(byId('launch-panel'), !!link);
  if (link) {
    byId('quick-create').href = link;
    byId('quick-create-url').value = link;
  }
  show(byId('cancel'), pending);
  renderOrganization(state, pending);
  announce(meaning.announcement);
}

/** An organization: its members one a line, and while it accepts members the StackSet commands. */
function renderOrganization(state, pending) {
  const organization = state.kind === 'ORGANIZATION';
  show(byId('organization'), organization);
  if (!organization) return;
  const summary = state.memberSummary || { connected: 0, failed: 0, pending: 0 };
  const members = state.members || [];
  setText(byId('organization-id'), state.expectedOrganizationId);
  setText(byId('member-summary'), members.length === 0 ? 'No member account has called back yet.'
    : `${summary.connected} connected, ${summary.failed} failed, ${summary.pending} in progress.`);
  byId('members').replaceChildren(...members.map((m) => el('li', {},
    `${m.accountId}: ${m.status}${m.reason ? ` (${m.reason})` : ''}`)));
  const stackSet = pending ? state.stackSet : null;
  show(byId('stackset-panel'), !!stackSet);
  if (stackSet) {
    byId('create-stack-set').value = stackSet.createStackSet;
    byId('create-stack-instances').value = stackSet.createStackInstances;
  }
}

function safeLink(url) {
  return typeof url === 'string' && url.startsWith('https://');
}

async function cancel(id) {
  if (!id) return;
  clearError();
  try {
    await page.api.cancel(id);
    announce('Cancel requested.');
    refreshList();
  } catch (problem) {
    fail(`The connection could not be cancelled: ${problem.message}`, null);
  }
}

async function copyLink() {
  const field = byId('quick-create-url');
  field.select();
  try {
    await navigator.clipboard.writeText(field.value);
    announce('Link copied.');
  } catch (error) {
    announce('Select the link and copy it.');
  }
}

// ---- the sandbox's simulated stack ----

function setupSimulate() {
  const settings = page.config.local;
  show(byId('simulate-panel'), true);
  byId('simulate-account').value = settings.account;
  for (const region of settings.regions) {
    byId('simulate-region').append(el('option', { value: region }, region));
  }
  byId('simulate').addEventListener('click', async () => {
    clearError();
    const account = byId('simulate-account').value.trim();
    if (!/^\d{12}$/.test(account)) {
      return fail('An AWS account id is 12 digits.', byId('simulate-account'));
    }
    const button = byId('simulate');
    button.disabled = true;
    try {
      await simulateStack(settings, page.tokens, page.watching, account, byId('simulate-region').value);
      announce(`Stack launched in account ${account}; waiting for its callback.`);
    } catch (problem) {
      fail(`The stack could not be simulated: ${problem.message}`, null);
    } finally {
      button.disabled = false;
    }
  });
}

// ---- the list ----

function scheduleListRefresh() {
  clearTimeout(page.listTimer);
  page.listTimer = setTimeout(refreshList, 300);
}

async function refreshList() {
  try {
    const answer = await page.api.list();
    const rows = answer.integrations.map((i) => el('tr', {},
      el('td', {}, el('button', { type: 'button', class: 'link', onclick: () => {
        history.pushState({}, '', `${location.pathname}?integration=${encodeURIComponent(i.integrationId)}`);
        watch(i.integrationId, null);
      } }, i.name)),
      el('td', {}, i.status === 'CONNECTED' && i.health && i.health.status !== 'HEALTHY'
        ? `${i.status} (${i.health.status})` : i.status),
      el('td', {}, i.kind === 'ORGANIZATION'
        ? `Organization ${i.expectedOrganizationId}: ${(i.memberSummary || {}).connected || 0} connected`
        : i.accountId || ''),
      el('td', {}, time(i.requestedAt)),
      el('td', {}, i.status === 'PENDING'
        ? el('button', { type: 'button', 'aria-label': `Cancel ${i.name}`, onclick: () => cancel(i.integrationId) }, 'Cancel')
        : '')));
    byId('list-rows').replaceChildren(...rows);
    show(byId('list-table'), rows.length > 0);
    show(byId('list-empty'), rows.length === 0);
  } catch (problem) {
    fail(`Your connections could not be listed: ${problem.message}`, null);
  }
}

// ---- messages ----

function announce(text) {
  if (text && text !== page.lastAnnouncement) {
    page.lastAnnouncement = text;
    setText(byId('status'), text);
  }
}

function fail(text, field) {
  const error = byId('error');
  setText(error, text);
  show(error, true);
  if (field) {
    field.setAttribute('aria-invalid', 'true');
    field.focus();
  }
}

function clearError() {
  show(byId('error'), false);
  for (const field of document.querySelectorAll('[aria-invalid]')) field.removeAttribute('aria-invalid');
}

start().catch((problem) => fail(`The page could not start: ${problem.message}`, null));
