// Compiled (never run) by `npm run check` against dist/client.d.ts: what an application writes
// type-checks, and what it must not write does not.
import BridgeSocket, {
  BridgeSocket as Named, ClientAction, CloseCode, DEFAULTS, ErrorCode, toBase64, fromBase64, utf8Length,
  type BridgeSocketOptions, type BridgeStats, type TransportName,
} from '../../dist/client.js';

const options: BridgeSocketOptions = { transports: ['polling', 'websocket'], probeDelay: 500, storage: null };
const s: Named = new BridgeSocket('/bridge', options);
new BridgeSocket();
new BridgeSocket(new URL('https://example.com/bridge'), { debug: true });

s.addEventListener('message', (ev) => {
  const data: string | ArrayBuffer | Blob = ev.data;
  const origin: string = ev.origin;
  void data; void origin;
});
s.addEventListener('close', (ev) => { const code: number = ev.code; const clean: boolean = ev.wasClean; void code; void clean; });
s.addEventListener('transportchange', (ev) => { const t: TransportName | null = ev.transport; void t; });
s.addEventListener('fallback', (ev) => { const source: 'server' | 'client' | 'memory' | null = ev.source; void source; });
s.addEventListener('sessionlost', (ev) => { const lost: number = ev.lost; void lost; });
s.addEventListener('custom', () => {});
s.addEventListener('shared', (ev) => { const shared: boolean = ev.shared; const why: string | null = ev.reason; void shared; void why; });
const tabs = new BridgeSocket('/bridge', { shared: { name: 'chat', leaveGrace: 2000 }, transports: ['polling'] });
new BridgeSocket('/bridge', { shared: true });
const isShared: boolean = tabs.shared;
const maxMessage: number = tabs.maxMessage;
void isShared; void maxMessage;
s.onmessage = function (ev) { const self: BridgeSocket = this; void self; return ev.data; };
s.onopen = null;

const state: 0 | 1 | 2 | 3 = s.readyState;
const open: boolean = s.readyState === BridgeSocket.OPEN && s.OPEN === 1;
const stats: BridgeStats = s.stats;
const polled: number = s.stats.byTransport.polling.requests;
const reason: string | null = s.fallbackReason;
const buffered: number = s.bufferedAmount;
const log: readonly string[] = s.log;
const defaultDelay: number = DEFAULTS.parallelDelay;
const closeCode: number = CloseCode.CLIENT_CLOSED.code;
const notFound: string = ErrorCode.NOT_FOUND.name;
const action: 'retry' | 'new_session' | 'give_up' = ErrorCode.HOST_NOT_ALLOWED.client;
const giveUp: boolean = action === ClientAction.GIVE_UP;
void action; void giveUp;
void state; void open; void stats; void polled; void reason; void buffered; void log; void defaultDelay; void closeCode; void notFound;

s.binaryType = 'blob';
s.send('text');
s.send(new Uint8Array([1, 2]));
s.send(new ArrayBuffer(4));
s.close();
s.close(4000, 'done');
const b64: string = toBase64(new Uint8Array(fromBase64('AAE=')));
const n: number = utf8Length(b64);
void n;

// @ts-expect-error readyState is read-only
s.readyState = 3;
// @ts-expect-error transport is read-only
s.transport = 'websocket';
// @ts-expect-error no such transport
new BridgeSocket('/bridge', { transports: ['carrier-pigeon'] });
// @ts-expect-error shared is a boolean or its details
new BridgeSocket('/bridge', { shared: 'yes' });
// @ts-expect-error send takes no objects
s.send({ not: 'a message' });
// @ts-expect-error message events carry data, not codes
s.addEventListener('message', (ev) => ev.code);
