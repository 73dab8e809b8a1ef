package io.cometbridge.samples.demo;

import io.cometbridge.api.BridgeSession;
import io.cometbridge.api.Rooms;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Room "ticker": a made-up price for a few symbols, moving by a random walk; {@link #tick()}
 * broadcasts the new prices to the room. A new member gets the current prices at once. Confined
 * to the demo's one thread ({@link DemoApp}), which also runs the timer.
 */
final class Ticker {
    static final String ROOM = "ticker";

    private final Rooms rooms;
    private final Map<String, Long> cents = new LinkedHashMap<>();
    private final Random random = new Random();

    Ticker(Rooms rooms) {
        this.rooms = rooms;
        cents.put("ACME", 12345L);
        cents.put("GLOBEX", 8710L);
        cents.put("INITECH", 4200L);
        cents.put("UMBRELLA", 25000L);
    }

    /** Every symbol moves by up to ±0.5 %, never below one cent; the room hears each new price. */
    void tick() {
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

    void join(BridgeSession session) {
        if (!session.isOpen() || session.rooms().contains(ROOM)) return;
        session.join(ROOM);
        long ts = System.currentTimeMillis();
        cents.forEach((symbol, price) -> session.send(AppProtocol.tick(symbol, price, ts)));
    }

    void leave(BridgeSession session) {
        session.leave(ROOM);
    }
}
