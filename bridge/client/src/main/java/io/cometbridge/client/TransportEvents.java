package io.cometbridge.client;

import io.cometbridge.protocol.Frame;
import io.cometbridge.util.SerialExecutor;

import java.util.List;
import java.util.function.LongConsumer;

/**
 * What the client's transports report, moved onto the client's serial executor: transports call
 * from the JDK's HTTP and WebSocket threads, the session's state is touched on its executor only.
 * The work always goes to the executor's pool, never runs on the JDK's thread: the session writes
 * to its WebSocket as it works, and doing that from inside the JDK's own callbacks could leave a
 * send waiting on the very thread that should finish it.
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
        executor.executeLater(() -> {
            session.frames(from, frames);
            if (thenRun != null) thenRun.run();
        });
    }

    @Override
    public void onTransportFailed(ClientTransport from, Throwable cause) {
        executor.executeLater(() -> session.transportFailed(from, cause));
    }

    @Override
    public void onIdleCut(ClientTransport from, long heldMillis) {
        executor.executeLater(() -> session.idleCut(from, heldMillis));
    }

    @Override
    public void onRefused(ClientTransport from, ServerRefusal refusal) {
        executor.executeLater(() -> session.refused(from, refusal));
    }

    @Override
    public void onSendComplete(ClientTransport from) {
        executor.executeLater(session::flush);
    }

    @Override
    public void onSendFailed(ClientTransport from) {
        executor.executeLater(() -> session.sendFailed(from));
    }

    @Override
    public void withAck(LongConsumer request) {
        executor.executeLater(() -> request.accept(session.takeAck()));
    }
}
