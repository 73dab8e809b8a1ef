// @ts-check
// Comet Bridge browser client: one session over WebSocket or HTTP long-polling, exactly once and in
// order both ways (docs/PROTOCOL.md). An ES module with no dependencies; the bridge serves its
// bundle at {prefix}/client.js.

export { BridgeSocket, BridgeSocket as default } from './socket.js';
export { DEFAULTS } from './options.js';
export { BridgeMessageEvent, BridgeCloseEvent, TransportChangeEvent, FallbackEvent, SessionLostEvent, IdleCutEvent, SharedEvent } from './events.js';
export { CloseCode, ErrorCode, SocketCode, ClientAction, BridgeError } from './codes.js';
export { toBase64, fromBase64, utf8Length } from './message.js';

// Every type the exports mention (options, events, stats, codes) is exported by the declarations too.
