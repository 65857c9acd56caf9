// What an integration's state means to the customer waiting on it: a headline, the steps of the handshake,
// and for a failure the reason and what to do. Pure: no DOM, no network.

const STEP_MARKS = {
  done: '✓ Done',
  current: '… In progress',
  failed: '✗ Failed',
  todo: '· Not yet',
};

/** The words a mark shows (the mark is never told by colour alone). */
export function markText(mark) {
  return STEP_MARKS[mark];
}

/** What to do about a failed stack, from the reason the provider gave. */
export function adviceFor(reason, verification) {
  const text = (reason || '').toLowerCase();
  if (text.includes('already connected to this workspace')) {
    return 'This AWS account is already connected for your organisation through another connection. '
      + 'Delete this stack: the account stays connected. To connect a different account, launch the stack there.';
  }
  if (text.includes('external id') && (text.includes('without') || text.includes('require'))) {
    return 'The role trusts the provider without requiring this external ID. Launch the template unchanged '
      + '(its trust policy requires the external ID), then launch the stack again.';
  }
  if (text.includes('role_name_mismatch')) {
    return 'The stack names another role than this connection expects. Launch the template this connection gives '
      + 'you, unchanged, then launch the stack again.';
  }
  if (text.includes('verification_busy')) {
    return "This connection's role is being checked for another stack right now. Wait a minute, then launch the "
      + 'stack again.';
  }
  if (text.includes('not the account this integration was created for')) {
    return 'Launch the stack in the AWS account this connection was created for.';
  }
  if (text.includes('expired')) {
    return 'Start a new connection and launch the stack it gives you.';
  }
  if ((verification && verification.state === 'FAILED') || text.includes('assume the role')
      || text.includes('not found')) {
    return 'The role was not found, or it does not trust the provider with this external ID. Launch the '
      + 'template unchanged in that account (it creates the role), then launch the stack again.';
  }
  return 'Fix the cause above, then launch the stack again.';
}

/**
 * The meaning of a state: {headline, outcome ('waiting'|'connected'|'failed'|'ended'), steps: [{label, mark}],
 * reason, advice, announcement}.
 */
export function describe(state) {
  const progress = state.progress || null;
  const verification = progress ? progress.roleVerification : null;
  const latestIsFailure = state.lastFailureReason
    && (!progress || progress.latestCallbackRequestId === state.lastRequestId);
  const arrived = progress
    ? { label: `Your stack's callback arrived (${progress.latestCallbackType.toLowerCase()}, ${clock(progress.latestCallbackAt)})`, mark: 'done' }
    : { label: 'Waiting for your CloudFormation stack to call back', mark: 'current' };
  const role = !progress ? { label: 'Verify the role your stack created', mark: 'todo' }
    : !verification ? { label: 'Role: no verification needed for this request', mark: 'done' }
    : verification.state === 'VERIFIED' ? { label: 'Role verified', mark: 'done' }
    : verification.state === 'FAILED' ? { label: 'The role could not be verified', mark: 'failed' }
    : { label: 'Verifying the role', mark: 'current' };
  switch (state.status) {
    case 'CONNECTED': {
      const health = healthOf(state.health);
      return {
        headline: health.headline,
        outcome: 'connected',
        steps: [arrived, role, { label: 'Connected', mark: 'done' }],
        health,
        announcement: `${health.headline}: AWS account ${state.accountId} in ${state.region}.`
          + (health.reason ? ` ${health.reason}` : ''),
      };
    }
    case 'PENDING':
      if (latestIsFailure) {
        const advice = adviceFor(state.lastFailureReason, verification);
        return {
          headline: 'Failed',
          outcome: 'failed',
          steps: [arrived, role, { label: 'Not connected', mark: 'failed' }],
          reason: state.lastFailureReason,
          advice,
          announcement: `Failed: ${state.lastFailureReason}`,
        };
      }
      if (!progress) {
        return {
          headline: 'Waiting for your stack',
          outcome: 'waiting',
          steps: [arrived, role, { label: 'Connect the account', mark: 'todo' }],
          announcement: 'Waiting for your CloudFormation stack.',
        };
      }
      return {
        headline: verification && verification.state === 'PENDING' ? 'Verifying the role' : 'Connecting',
        outcome: 'waiting',
        steps: [arrived, role, { label: 'Connect the account', mark: 'current' }],
        announcement: "Your stack's callback arrived.",
      };
    case 'EXPIRED':
      return ended('Expired', 'This connection expired before a stack connected it. Start a new connection.');
    case 'CANCELLED':
      return ended('Cancelled', 'This connection was cancelled. Start a new one to connect an account.');
    case 'DISCONNECTED':
      return ended('Disconnected', 'The stack was deleted, so the account is no longer connected.');
    default:
      return ended(state.status, '');
  }
}

/**
 * What a connected integration's health means: {status, headline, label, reason}. Not checked yet reads as
 * healthy (the provider checks the role periodically and from every collection).
 */
export function healthOf(health) {
  const status = health ? health.status : 'HEALTHY';
  const checked = health && health.lastCheckedAt ? ` (last checked ${clock(health.lastCheckedAt)})` : '';
  switch (status) {
    case 'UNREACHABLE':
      return {
        status,
        headline: 'Connected, but the role cannot be assumed',
        label: `Unreachable: collection is paused${checked}`,
        reason: health.reason,
      };
    case 'DEGRADED':
      return {
        status,
        headline: 'Connected, some data cannot be read',
        label: `Degraded: ${health.deniedJobTypes.map((d) => d.resourceType).join(', ')} denied${checked}`,
        reason: health.reason,
      };
    default:
      return { status: 'HEALTHY', headline: 'Connected', label: `Healthy${checked}`, reason: null };
  }
}

function ended(headline, text) {
  return { headline, outcome: 'ended', steps: [], reason: null, advice: text, announcement: `${headline}. ${text}`.trim() };
}

function clock(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? 'just now' : date.toLocaleTimeString();
}
