// @ts-check
// BridgeSocket.readyState values, as a WebSocket's.
export const CONNECTING = 0, OPEN = 1, CLOSING = 2, CLOSED = 3;
/** @typedef {0 | 1 | 2 | 3} BridgeReadyState */
