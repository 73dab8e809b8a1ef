package io.cometbridge.samples.demo;

import io.cometbridge.api.BridgeSession;
import io.cometbridge.api.Rooms;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Room "ticker": a made-up price for a few symbols, moving by a random walk, broadcast to the room
 * on a timer. A new member gets the current prices at once.
 */
final class Ticker implements AutoCloseable {
    static final String ROOM = "ticker";
    private static final Logger LOG = Logger.getLogger(Ticker.class.getName());

    private final Rooms rooms;
    private final Map<String, Long> cents = new LinkedHashMap<>(); // guarded by this
    private final Random random = new Random();                    // guarded by this
    private final ScheduledExecutorService timer;

    Ticker(Rooms rooms, Duration interval) {
        this.rooms = rooms;
        cents.put("ACME", 12345L);
        cents.put("GLOBEX", 8710L);
        cents.put("INITECH", 4200L);
        cents.put("UMBRELLA", 25000L);
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "demo-ticker");
            t.setDaemon(true);
            return t;
        });
        long ms = interval.toMillis();
        timer.scheduleAtFixedRate(this::tick, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Every symbol moves by up to ±0.5 %, never below one cent; the room hears each new price. */
    synchronized void tick() {
        try {
            walk();
        } catch (RuntimeException e) { // an exception would cancel the timer for good
            LOG.log(Level.WARNING, "ticker failed", e);
        }
    }

    private void walk() {
        long ts = System.currentTimeMillis();
        boolean anyone = rooms.size(ROOM) > 0;
        for (Map.Entry<String, Long> e : cents.entrySet()) {
            long price = e.getValue();
            long step = Math.round(price * 0.005 * (2 * random.nextDouble() - 1));
            price = Math.max(1, price + step);
            e.setValue(price);
            if (anyone) rooms.broadcast(ROOM, AppProtocol.tick(e.getKey(), price, ts));
        }
    }

    synchronized void join(BridgeSession session) {
        if (session.rooms().contains(ROOM)) return;
        session.join(ROOM);
        long ts = System.currentTimeMillis();
        cents.forEach((symbol, price) -> session.send(AppProtocol.tick(symbol, price, ts)));
    }

    synchronized void leave(BridgeSession session) {
        session.leave(ROOM);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
