package io.cometbridge.server;

import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** The server's fallback: anything no module took is a documented JSON 404. */
public final class JsonErrorHandler extends Handler.Abstract.NonBlocking {

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        write(response, callback, new BridgeException(ErrorCode.NOT_FOUND, "no such endpoint"));
        return true;
    }

    /** Writes a documented error as status + JSON body, uncacheable. */
    public static void write(Response response, Callback callback, BridgeException e) {
        response.setStatus(e.code().httpStatus());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(e.toJson().getBytes(StandardCharsets.UTF_8)), callback);
    }
}
