package io.cometbridge.client;

import io.cometbridge.protocol.Frame;
import io.cometbridge.util.SerialExecutor;

import java.util.List;
import java.util.function.LongConsumer;

/**
 * What the client's transports report, moved onto the client's serial executor: transports call
 * from HTTP and WebSocket threads, the session's state is touched on its executor only.
 */
final class TransportEvents implements ClientTransport.Owner {
    private final ClientSession session;
    private final SerialExecutor executor;

    TransportEvents(ClientSession session, SerialExecutor executor) {
        this.session = session;
        this.executor = executor;
    }

    @Override
    public void onFrames(ClientTransport from, List<Frame> frames, Runnable thenRun) {
        executor.execute(() -> {
            session.frames(from, frames);
            if (thenRun != null) thenRun.run();
        });
    }

    @Override
    public void onTransportFailed(ClientTransport from, Throwable cause) {
        executor.execute(() -> session.transportFailed(from, cause));
    }

    @Override
    public void onRefused(ClientTransport from, ServerRefusal refusal) {
        executor.execute(() -> session.refused(from, refusal));
    }

    @Override
    public void onSendComplete(ClientTransport from) {
        executor.execute(session::flush);
    }

    @Override
    public void onSendFailed(ClientTransport from) {
        executor.execute(() -> session.sendFailed(from));
    }

    @Override
    public void withAck(LongConsumer request) {
        executor.execute(() -> request.accept(session.takeAck()));
    }
}
