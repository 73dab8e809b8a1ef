// @ts-check
// The SharedWorker script of shared mode (the `shared` option), a module worker: one SharedHub
// (shared-hub.js) running one BridgeSocket for every tab that connects. Built to
// dist/shared-worker.js, which imports the socket from client.js beside it (one copy of the client).

import { BridgeSocket } from './index.js';
import { SharedHub } from './shared-hub.js';

const hub = new SharedHub((url, options) => new BridgeSocket(url, options));

/** @type {{ onconnect: ((ev: MessageEvent) => void) | null }} */ (/** @type {unknown} */ (globalThis)).onconnect = (ev) => {
  hub.attach(ev.ports[0]);
};
