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
 * <p>Each nonce's first polling attach counts one fallback in {@code fallbacks}, under the reason's
 * code ({@code upgrade_stripped}, ...) or {@link #UNEXPLAINED} while the server has seen nothing;
 * a reason that arrives later moves the count to its code.
 *
 * <p>Bounded (oldest entries go first) and short-lived: an entry is forgotten {@code ttl} after it was
 * last touched. Holds session ids, never sessions, so it keeps nothing alive.
 */
public final class UpgradeNotices {
    /** The notice kind the client reads as "why WebSocket failed". */
    public static final String KIND = "ws_fallback";
    /** The fallback reason counted when the WebSocket failed where the server could not see it. */
    public static final String UNEXPLAINED = "unexplained";
    private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{8,64}");

    private final int maxEntries;
    private final long ttlNanos;
    private final Function<String, Session> sessions;
    private final LabelledCounts fallbacks;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(); // guarded by this; oldest first

    private static final class Entry {
        String reason;
        String sid;
        String countedAs; // the fallback reason this nonce was counted under, or null
        long expires;
    }

    public UpgradeNotices(int maxEntries, java.time.Duration ttl, Function<String, Session> sessions) {
        this(maxEntries, ttl, sessions, new LabelledCounts(32));
    }

    public UpgradeNotices(int maxEntries, java.time.Duration ttl, Function<String, Session> sessions, LabelledCounts fallbacks) {
        this.maxEntries = maxEntries;
        this.ttlNanos = ttl.toNanos();
        this.sessions = sessions;
        this.fallbacks = fallbacks;
    }

    /** "upgrade_stripped" of "upgrade_stripped: the WebSocket handshake ...". */
    static String code(String reason) {
        int colon = reason.indexOf(':');
        return colon > 0 ? reason.substring(0, colon) : reason;
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
            if (UNEXPLAINED.equals(e.countedAs)) { // counted at the attach; now the server knows why
                fallbacks.add(UNEXPLAINED, -1);
                e.countedAs = code(reason);
                fallbacks.increment(e.countedAs);
            }
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
            if (e.countedAs == null) {
                e.countedAs = reason == null ? UNEXPLAINED : code(reason);
                fallbacks.increment(e.countedAs);
            }
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
