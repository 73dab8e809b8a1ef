// @ts-check
// Exactly once across a page reload (opt-in: the `resumeOnReload` option). On `pagehide` the
// session's state goes to sessionStorage (this tab only): its id and resume key, the last server
// message delivered, the last message of ours the server acknowledged and those it has not; the
// links stop without a close frame, so the server keeps the session for its grace period. The next
// page in the tab takes the state back (once) and re-attaches within the grace period: the server
// resends what came after the last message delivered, this page resends what the server lacks.
// A page restored from the back/forward cache instead simply reconnects.

import { Message, fromBase64, toBase64 } from './message.js';

/** @import { Session } from './session.js' */

/**
 * @typedef {{ sid: string, key: string | null, at: number, grace: number, received: number, acked: number,
 *   pending: ({ t: string } | { b: string })[] }} Saved
 */

/** @param {string} url */
function keyOf(url) {
  return 'cometbridge:reload:' + url;
}

/** @returns {Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null} */
function tabStorage() {
  try {
    return globalThis.sessionStorage || null;
  } catch (e) {
    return null; // storage disabled
  }
}

/**
 * Saves the session for the next page of this tab and stops its links (pagehide).
 * @param {Session} s
 */
export function saveForReload(s) {
  const storage = tabStorage();
  if (!storage || s.sid === null || s.isClosed()) return;
  const snap = s.channel.snapshot();
  /** @type {Saved} */
  const saved = {
    sid: s.sid, key: s.key, at: Date.now(), grace: s.settings.grace, received: snap.received, acked: snap.acked,
    pending: snap.pending.map((m) => (m.bytes !== null ? { b: toBase64(m.bytes) } : { t: /** @type {string} */ (m.text) })),
  };
  try {
    storage.setItem(keyOf(s.urls.url), JSON.stringify(saved));
  } catch (e) {
    return; // full: the page goes as it would without the option
  }
  s.suspend('page hidden: session saved for the next page of this tab');
}

/**
 * Drops what was saved (the page came back from the back/forward cache, its session in memory).
 * @param {Session} s
 */
export function forgetSaved(s) {
  try {
    tabStorage()?.removeItem(keyOf(s.urls.url));
  } catch (e) { /* storage disabled */ }
}

/**
 * Takes back (once) what the previous page of this tab saved, if within the server's grace period.
 * @param {Session} s
 * @returns {boolean} whether the session resumes one from before the reload
 */
export function restoreAfterReload(s) {
  const storage = tabStorage();
  if (!storage) return false;
  const key = keyOf(s.urls.url);
  let saved;
  try {
    saved = /** @type {Saved | null} */ (JSON.parse(storage.getItem(key) || 'null'));
    storage.removeItem(key);
  } catch (e) {
    return false;
  }
  if (!saved || typeof saved.sid !== 'string' || !(Date.now() - saved.at < saved.grace)) return false;
  s.sid = saved.sid;
  s.key = saved.key;
  s.everOpened = true;
  s.channel.restore({
    received: saved.received, acked: saved.acked,
    pending: saved.pending.map((p) => ('b' in p ? Message.binary(new Uint8Array(fromBase64(p.b))) : Message.text(p.t))),
  });
  s.say('resuming the session of the previous page (' + saved.pending.length + ' messages unacknowledged, '
    + saved.received + ' received)');
  return true;
}
