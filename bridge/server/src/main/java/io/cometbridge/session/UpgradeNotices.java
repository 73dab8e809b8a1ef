package io.cometbridge.session;

import io.cometbridge.protocol.Frame;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Why did a client's WebSocket fail? (docs/PROTOCOL.md section 3.1.) Browsers only ever see close
 * code 1006; the server sometimes sees more: a handshake that arrives without its
 * {@code Upgrade} header, for example, because a proxy dropped it. The HTTP layer reports such
 * damaged attempts here under the nonce the client put in its WebSocket URL; the client names the
 * same nonce in the {@code ws} field of its polling attach. Whichever comes second, the session gets
 * a {@link Frame.Notice} with the reason.
 *
 * <p>Bounded (oldest entries go first) and short-lived: an entry is forgotten {@code ttl} after it was
 * last touched. Holds session ids, never sessions, so it keeps nothing alive.
 */
public final class UpgradeNotices {
    /** The notice kind the client reads as "why WebSocket failed". */
    public static final String KIND = "ws_fallback";
    private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{8,64}");

    private final int maxEntries;
    private final long ttlNanos;
    private final Function<String, Session> sessions;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(); // guarded by this; oldest first

    private static final class Entry {
        String reason;
        String sid;
        long expires;
    }

    public UpgradeNotices(int maxEntries, java.time.Duration ttl, Function<String, Session> sessions) {
        this.maxEntries = maxEntries;
        this.ttlNanos = ttl.toNanos();
        this.sessions = sessions;
    }

    public static boolean isWellFormed(String nonce) {
        return nonce != null && NONCE.matcher(nonce).matches();
    }

    /** The HTTP layer saw a damaged WebSocket attempt carrying {@code nonce}. */
    public void damaged(String nonce, String reason) {
        if (!isWellFormed(nonce)) return;
        String sid;
        synchronized (this) {
            Entry e = touch(nonce);
            e.reason = reason;
            sid = e.sid;
        }
        push(sid, reason);
    }

    /** A transport attached to {@code session} naming {@code nonce} in its attach frame. */
    public void attached(String nonce, Session session) {
        if (!isWellFormed(nonce)) return;
        String reason;
        synchronized (this) {
            Entry e = touch(nonce);
            e.sid = session.id();
            reason = e.reason;
        }
        if (reason != null) session.sendControl(new Frame.Notice(KIND, reason));
    }

    /** The last reason recorded for a nonce (tests, diagnostics), or null. */
    public synchronized String reason(String nonce) {
        Entry e = entries.get(nonce);
        return e == null || System.nanoTime() - e.expires > 0 ? null : e.reason;
    }

    public synchronized int size() {
        return entries.size();
    }

    private void push(String sid, String reason) {
        if (sid == null) return;
        Session s = sessions.apply(sid);
        if (s != null) s.sendControl(new Frame.Notice(KIND, reason));
    }

    /** The entry for a nonce, moved to the young end with a fresh expiry; prunes old ones. */
    private Entry touch(String nonce) {
        long now = System.nanoTime();
        Entry e = entries.remove(nonce);
        if (e == null || now - e.expires > 0) e = new Entry();
        e.expires = now + ttlNanos;
        entries.put(nonce, e);
        Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Entry> oldest = it.next();
            if (entries.size() <= maxEntries && now - oldest.getValue().expires <= 0) break;
            it.remove();
        }
        return e;
    }
}
