// The demo chat over Bayeux, written as a CometD application is: the official client, unmodified.
// It subscribes to /chat (the bridge's room "chat", shared with pages on the bridge's own client),
// publishes the demo's ops on the service channel /service/chat (only the server application sees
// them) and hears the application's direct answers (errors) on /service/bridge.
// ?prefix=/other overrides the bridge prefix; ?name=… sets the name; ?transport=long-polling forces it.
import {CometD} from "/vendor/cometd/cometd.js";
import {AckExtension} from "/vendor/cometd/AckExtension.js";

const params = new URLSearchParams(location.search);
const prefix = params.get("prefix") || "/bridge";
const $ = id => document.getElementById(id);
const state = {handshakes: 0, connected: false, transport: null, messages: [], errors: []};

const cometd = new CometD();
cometd.registerExtension("ack", new AckExtension());
cometd.configure({url: location.origin + prefix + "/cometd", logLevel: "info"});
if (params.get("transport")) {
    for (const t of cometd.getTransportTypes()) if (t !== params.get("transport")) cometd.unregisterTransport(t);
}
if (params.get("name")) $("name").value = params.get("name");

function show(line, cls) {
    const li = document.createElement("li");
    li.textContent = line;
    if (cls) li.className = cls;
    $("messages").appendChild(li);
}

cometd.addListener("/meta/handshake", m => {
    if (!m.successful) return;
    state.handshakes++;
    // Subscriptions belong to a Bayeux session: make them again after every handshake.
    cometd.batch(() => {
        cometd.subscribe("/chat", msg => {
            state.messages.push(msg.data);
            const d = msg.data;
            if (d.type === "chat") show(d.name + ": " + d.text);
            else if (d.type === "system") show(d.text, "system");
        });
        cometd.publish("/service/chat", {op: "join", room: "chat", name: $("name").value || "cometd"});
    });
});
cometd.addListener("/meta/connect", m => {
    state.connected = m.successful === true;
    state.transport = cometd.getTransport() ? cometd.getTransport().type : null;
    $("transport").textContent = state.transport || "none";
    $("transport").className = "badge " + (state.connected ? "on" : "off");
    $("state").textContent = state.connected ? "CONNECTED" : "RECONNECTING";
});
cometd.addListener("/service/bridge", msg => { // the application's answers to this client only
    state.errors.push(msg.data);
    show("error: " + (msg.data && msg.data.text), "error");
});

function send(text) {
    cometd.publish("/service/chat", {op: "chat", name: $("name").value || "cometd", text});
}

$("send-form").addEventListener("submit", e => {
    e.preventDefault();
    if ($("text").value) send($("text").value);
    $("text").value = "";
});

cometd.handshake();
window.cometdDemo = {state: () => state, send, cometd};
