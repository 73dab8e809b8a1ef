// @ts-check
// The code table of docs/PROTOCOL.md sections 5 and 6, mirrored from bridge/spec/codes.json (the
// Java side is io.cometbridge.protocol.ErrorCode and CloseCode; test/codes.test.mjs checks that all
// three agree). Every close code and error name the client uses comes from here.

/**
 * @typedef {'malformed' | 'bad_sequence' | 'missing_session' | 'unauthorized' | 'auth_refused' | 'principal_changed'
 *   | 'origin_not_allowed'
 *   | 'unknown_session' | 'not_found' | 'method_not_allowed' | 'poll_conflict' | 'transport_replaced'
 *   | 'too_large' | 'host_not_allowed' | 'upgrade_required' | 'unsupported_media_type' | 'rate_limited'
 *   | 'server_full' | 'attach_timeout' | 'heartbeat_timeout' | 'polling_cohort'} ErrorName
 */

/**
 * What a client does when the server answers with an error (PROTOCOL.md section 5): retry (with
 * backoff; the session lives on), start a new session (the server forgot it; the application is
 * told), or give up (retrying cannot help: stop and say why).
 * @typedef {'retry' | 'new_session' | 'give_up'} ClientAction
 */
/**
 * A documented error: its wire name, HTTP status and WebSocket close code (0 where one does not
 * apply), and what a client does about it.
 * @typedef {{ readonly name: ErrorName, readonly http: number, readonly ws: number, readonly client: ClientAction }} ErrorCodeEntry
 */

/**
 * @param {ErrorName} name
 * @param {number} http
 * @param {number} ws
 * @param {ClientAction} client
 * @returns {ErrorCodeEntry}
 */
const error = (name, http, ws, client) => Object.freeze({ name, http, ws, client });

/** What a client does about an error: the values of the code table's `client` column. */
export const ClientAction = Object.freeze({
  RETRY: /** @type {ClientAction} */ ('retry'),
  NEW_SESSION: /** @type {ClientAction} */ ('new_session'),
  GIVE_UP: /** @type {ClientAction} */ ('give_up'),
});
const { RETRY, NEW_SESSION, GIVE_UP } = ClientAction;

/** Every documented error, in the order of the table. */
export const ErrorCode = Object.freeze({
  MALFORMED: error('malformed', 400, 4400, RETRY),
  BAD_SEQUENCE: error('bad_sequence', 400, 4400, RETRY),
  MISSING_SESSION: error('missing_session', 400, 0, GIVE_UP),
  UNAUTHORIZED: error('unauthorized', 401, 0, GIVE_UP),
  /** The server's authentication hook refused the attach (credentials missing, wrong or expired). */
  AUTH_REFUSED: error('auth_refused', 401, 4401, GIVE_UP),
  /** The credentials name another principal than the session's: start a new session as the new one. */
  PRINCIPAL_CHANGED: error('principal_changed', 403, 4406, NEW_SESSION),
  /** The handshake is refused with 403; 4403 is what a client reports when it gives up for this reason. */
  ORIGIN_NOT_ALLOWED: error('origin_not_allowed', 403, 4403, GIVE_UP),
  UNKNOWN_SESSION: error('unknown_session', 404, 4404, NEW_SESSION),
  NOT_FOUND: error('not_found', 404, 0, GIVE_UP),
  METHOD_NOT_ALLOWED: error('method_not_allowed', 405, 0, GIVE_UP),
  POLL_CONFLICT: error('poll_conflict', 409, 0, RETRY),
  TRANSPORT_REPLACED: error('transport_replaced', 409, 4409, RETRY),
  TOO_LARGE: error('too_large', 413, 1009, GIVE_UP),
  HOST_NOT_ALLOWED: error('host_not_allowed', 421, 0, GIVE_UP),
  UPGRADE_REQUIRED: error('upgrade_required', 426, 0, RETRY),
  UNSUPPORTED_MEDIA_TYPE: error('unsupported_media_type', 415, 0, GIVE_UP),
  RATE_LIMITED: error('rate_limited', 429, 4429, RETRY),
  SERVER_FULL: error('server_full', 503, 4503, RETRY),
  ATTACH_TIMEOUT: error('attach_timeout', 0, 4408, RETRY),
  HEARTBEAT_TIMEOUT: error('heartbeat_timeout', 0, 4008, RETRY),
  /** The session is in the polling A/B cohort: a WebSocket may not carry it; go on over long-polling. */
  POLLING_COHORT: error('polling_cohort', 0, 4412, RETRY),
});

/**
 * The documented error of this wire name (null for a name this version does not know).
 * @param {string} name
 * @returns {ErrorCodeEntry | null}
 */
export function errorNamed(name) {
  return Object.values(ErrorCode).find((e) => e.name === name) ?? null;
}

/**
 * The documented error a WebSocket close code stands for (the first in the table), or null.
 * @param {number} code
 * @returns {ErrorCodeEntry | null}
 */
export function errorOfCloseCode(code) {
  return code === 0 ? null : Object.values(ErrorCode).find((e) => e.ws === code) ?? null;
}

/**
 * Why a session ended: the code and reason both sides' applications see.
 * @typedef {{ readonly code: number, readonly reason: string }} CloseCodeEntry
 */

/**
 * @param {number} code
 * @param {string} reason
 * @returns {CloseCodeEntry}
 */
const close = (code, reason) => Object.freeze({ code, reason });

/** Every session close code, in the order of the table. */
export const CloseCode = Object.freeze({
  CLIENT_CLOSED: close(1000, 'closed by the client'),
  SERVER_CLOSED: close(4000, 'closed by the server'),
  GRACE_EXPIRED: close(4001, 'grace period expired'),
  QUEUE_FULL: close(4002, 'outbound queue full'),
  SHUTDOWN: close(4003, 'server shutdown'),
  PROTOCOL_ERROR: close(4004, 'protocol error'),
});

/** WebSocket close codes and limits of the socket that carries a session. */
export const SocketCode = Object.freeze({
  /** A socket whose session ended, or that the client simply drops (RFC 6455 normal closure). */
  NORMAL: 1000,
  /** A socket whose session ended because the server is stopping. */
  GOING_AWAY: 1001,
  /** Codes an application may close a session with. */
  APPLICATION_MIN: 4000,
  APPLICATION_MAX: 4999,
  /** A close reason travels in a WebSocket close frame: at most 123 bytes of UTF-8. */
  MAX_REASON_BYTES: 123,
});

/**
 * An error with a documented wire name, thrown by the channel and the codec: `error` is the name an
 * error frame would carry (`bad_sequence`, `too_large`, `malformed`).
 */
export class BridgeError extends Error {
  /**
   * @param {ErrorCodeEntry} code
   * @param {string} message
   */
  constructor(code, message) {
    super(code.name + ': ' + message);
    this.name = 'BridgeError';
    /** @readonly */
    this.error = code.name;
    /** @readonly */
    this.code = code;
  }
}
