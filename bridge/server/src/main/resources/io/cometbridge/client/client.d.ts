// Type declarations for the Comet Bridge browser client ({prefix}/client.js).

export type TransportName = 'websocket' | 'polling';

export interface BridgeSocketOptions {
  /** Transports in the order to try. Default ['websocket', 'polling']. */
  transports?: TransportName[];
  /** Start long-polling beside a WebSocket that has not proven itself after this many ms. Default 1500. */
  parallelDelay?: number;
  /** A WebSocket must complete its handshake and probe round trip within this many ms. Default 6000. */
  trustTimeout?: number;
  /** First background WebSocket probe while on polling (ms); doubles with jitter up to probeMaxDelay. Default 2000. */
  probeDelay?: number;
  /** Default 60000. */
  probeMaxDelay?: number;
  /** Remember per bridge URL which transport worked, for this many ms; 0 disables. Default one day. */
  rememberFor?: number;
  /** Client replay buffer bound in messages (default 4096) and payload bytes (default 8 MiB). */
  maxQueuedMessages?: number;
  maxQueuedBytes?: number;
  /** Extra time over the server's poll hold time before a poll request is given up (ms). Default 15000. */
  pollSlack?: number;
  /** Where to remember the transport; default localStorage, null for nowhere. */
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null;
  /** Log state changes to the console. */
  debug?: boolean;
}

export declare const DEFAULTS: Readonly<Required<Omit<BridgeSocketOptions, 'storage'>>> & { storage: undefined };

export interface TransportChangeEvent extends Event {
  /** The transport carrying the session now; null while it re-attaches. */
  readonly transport: TransportName | null;
  readonly previous: TransportName | null;
}

export interface FallbackEvent extends Event {
  /** Why the session is not on WebSocket; null once it is (again). */
  readonly reason: string | null;
  /** 'server' (the server saw the damaged upgrade), 'client' (the browser's own view) or 'memory'. */
  readonly source: 'server' | 'client' | 'memory' | null;
}

export interface SessionLostEvent extends Event {
  readonly reason: string;
  /** Messages sent but never acknowledged by the lost session: they were not delivered. */
  readonly lost: number;
}

export interface BridgeCloseEvent extends Event {
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
}

export interface BridgeMessageEvent extends Event {
  /** A string for a text message; an ArrayBuffer (or Blob, per binaryType) for a binary one. */
  readonly data: string | ArrayBuffer | Blob;
  readonly origin: string;
}

export interface TransportStats {
  messagesIn: number;
  messagesOut: number;
  /** Payload bytes (UTF-16 units for text, as the server counts them). */
  bytesIn: number;
  bytesOut: number;
  /** Bytes of frames or HTTP bodies as the page sees them (without HTTP headers). */
  wireIn: number;
  wireOut: number;
  /** HTTP requests (polling). */
  requests: number;
  /** WebSocket messages both ways. */
  frames: number;
}

export interface BridgeStats extends TransportStats {
  duplicates: number;
  transportChanges: number;
  byTransport: { websocket: TransportStats; polling: TransportStats };
}

export interface BridgeSocketEventMap {
  open: Event;
  message: BridgeMessageEvent;
  close: BridgeCloseEvent;
  error: Event;
  transportchange: TransportChangeEvent;
  fallback: FallbackEvent;
  sessionlost: SessionLostEvent;
}

/**
 * One Comet Bridge session, WebSocket-like. The session survives transport changes: messages are
 * delivered exactly once and in order both ways for as long as it lives.
 */
export declare class BridgeSocket extends EventTarget {
  /** @param url the bridge base URL with its prefix (default: where client.js was loaded from). */
  constructor(url?: string | URL | null, options?: BridgeSocketOptions);

  static readonly CONNECTING: 0;
  static readonly OPEN: 1;
  static readonly CLOSING: 2;
  static readonly CLOSED: 3;
  readonly CONNECTING: 0;
  readonly OPEN: 1;
  readonly CLOSING: 2;
  readonly CLOSED: 3;

  /** The bridge base URL, without a trailing slash. */
  readonly url: string;
  /** CONNECTING until the session opens, OPEN while it lives (whatever transport carries it), then CLOSED. */
  readonly readyState: 0 | 1 | 2 | 3;
  /** The transport carrying the session now; null while connecting or re-attaching. */
  readonly transport: TransportName | null;
  /** Why the session is not on WebSocket (null when it is, or was never meant to be). */
  readonly fallbackReason: string | null;
  readonly fallbackSource: 'server' | 'client' | 'memory' | null;
  /** Payload bytes sent but not yet acknowledged by the server. */
  readonly bufferedAmount: number;
  binaryType: 'arraybuffer' | 'blob';
  readonly protocol: '';
  readonly extensions: '';
  readonly stats: BridgeStats;
  /** The last state changes, for diagnostics. */
  readonly log: readonly string[];
  readonly options: Readonly<BridgeSocketOptions>;

  onopen: ((this: BridgeSocket, ev: Event) => unknown) | null;
  onmessage: ((this: BridgeSocket, ev: BridgeMessageEvent) => unknown) | null;
  onclose: ((this: BridgeSocket, ev: BridgeCloseEvent) => unknown) | null;
  onerror: ((this: BridgeSocket, ev: Event) => unknown) | null;
  ontransportchange: ((this: BridgeSocket, ev: TransportChangeEvent) => unknown) | null;
  onfallback: ((this: BridgeSocket, ev: FallbackEvent) => unknown) | null;
  onsessionlost: ((this: BridgeSocket, ev: SessionLostEvent) => unknown) | null;

  /**
   * Queues a message. Allowed while CONNECTING. Throws InvalidStateError once closing or closed, and
   * QuotaExceededError when the replay buffer bound is reached.
   */
  send(data: string | ArrayBuffer | ArrayBufferView): void;

  /** Ends the session; the server's application hears the code (default 1000). */
  close(code?: number, reason?: string): void;

  addEventListener<K extends keyof BridgeSocketEventMap>(type: K,
    listener: (this: BridgeSocket, ev: BridgeSocketEventMap[K]) => unknown, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof BridgeSocketEventMap>(type: K,
    listener: (this: BridgeSocket, ev: BridgeSocketEventMap[K]) => unknown, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
}

export default BridgeSocket;

export declare function toBase64(bytes: Uint8Array): string;
export declare function fromBase64(b64: string): ArrayBuffer;
export declare function utf8Length(s: string): number;
