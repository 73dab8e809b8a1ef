// Drives the official CometD JavaScript client (npm cometd 8, in Node through cometd-nodejs-client),
// unmodified, against the bridge's Bayeux endpoint. Run by BayeuxNodeClientTest:
//   node bayeux-loss.mjs URL CONNECTION_TYPE ACK(true|false) COUNT
// It subscribes to /loss/down and counts what arrives there ({"n":i}), and publishes COUNT messages
// {"n":i} to /loss/up, ten per batch, re-publishing any whose reply says it failed (Bayeux clients
// do not resend by themselves). The Java side cuts its connections meanwhile. It prints progress
// lines and ends with one line: RESULT {json}.
import {adapt} from "cometd-nodejs-client";
import {CometD} from "cometd";
import {AckExtension} from "cometd/AckExtension.js";
import {TimeSyncExtension} from "cometd/TimeSyncExtension.js";

adapt();

const [url, connectionType, ackArg, countArg] = process.argv.slice(2);
const useAck = ackArg === "true";
const count = Number(countArg);
const QUIET_MS = 3000;

const cometd = new CometD();
if (useAck) cometd.registerExtension("ack", new AckExtension());
const timesync = new TimeSyncExtension();
cometd.registerExtension("timesync", timesync);
// Only configuration, no change to the client: quick reconnects, one connection type.
cometd.configure({url, backoffIncrement: 50, maxBackoff: 500, logLevel: "warn"});
cometd.unregisterTransports();
if (connectionType === "websocket") {
    const {WebSocketTransport} = await import("cometd/WebSocketTransport.js");
    cometd.registerTransport("websocket", new WebSocketTransport());
} else {
    const {LongPollingTransport} = await import("cometd/LongPollingTransport.js");
    cometd.registerTransport("long-polling", new LongPollingTransport());
}

const seen = new Set();
let downMessages = 0, duplicates = 0, outOfOrder = 0, last = -1, lastArrival = Date.now();
let handshakes = 0, connects = 0, failedConnects = 0, serverAck = false, offsetSamples = 0;

cometd.addListener("/meta/handshake", m => {
    if (m.successful) {
        handshakes++;
        serverAck = !!(m.ext && m.ext.ack);
        // Subscriptions belong to a session: subscribe again after every handshake.
        cometd.subscribe("/loss/down", msg => {
            downMessages++;
            lastArrival = Date.now();
            const n = msg.data.n;
            if (seen.has(n)) duplicates++; else seen.add(n);
            if (n < last) outOfOrder++;
            last = n;
        });
    }
});
cometd.addListener("/meta/connect", m => {
    if (m.successful) connects++; else failedConnects++;
    if (m.ext && m.ext.timesync) offsetSamples++;
});

await new Promise((resolve, reject) => cometd.handshake(reply => reply.successful ? resolve() : reject(new Error(JSON.stringify(reply)))));
console.log("READY " + cometd.getClientId().length);

// Publish every message until its reply says successful; ten per batch.
let retries = 0;
function publishOnce(n) {
    return new Promise(resolve => cometd.publish("/loss/up", {n}, reply => resolve(reply.successful)));
}
for (let i = 0; i < count; i += 10) {
    let pending = [];
    for (let n = i; n < Math.min(count, i + 10); n++) pending.push(n);
    while (pending.length > 0) {
        const results = await new Promise(resolve => {
            cometd.batch(() => Promise.all(pending.map(publishOnce)).then(resolve));
        });
        const failed = pending.filter((n, k) => !results[k]);
        retries += failed.length;
        if (failed.length > 0) await new Promise(r => setTimeout(r, 20));
        pending = failed;
    }
    if (i % 1000 === 0) console.log("PROGRESS published " + i + " received " + seen.size);
}
console.log("PUBLISHED " + count + " retries " + retries);

// Then wait for the rest of the down direction: all of it, or quiet for a while.
while (seen.size < count && Date.now() - lastArrival < QUIET_MS) await new Promise(r => setTimeout(r, 100));
const result = {
    connectionType: cometd.getTransport() ? cometd.getTransport().type : null,
    ack: serverAck, published: count, publishRetries: retries,
    downReceived: downMessages, downDistinct: seen.size, downDuplicates: duplicates, downOutOfOrder: outOfOrder,
    handshakes, connects, failedConnects, timesyncReplies: offsetSamples,
};
console.log("RESULT " + JSON.stringify(result));
cometd.disconnect(() => process.exit(0));
setTimeout(() => process.exit(0), 2000);
