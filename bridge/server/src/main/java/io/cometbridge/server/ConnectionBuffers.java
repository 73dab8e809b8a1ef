package io.cometbridge.server;

import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;

/**
 * The buffers of the bridge's HTTP connections. A held poll keeps its connection's request buffer
 * for as long as it is held (Jetty lets go of it only when it parses the next request), so an
 * idle long-polling session costs one request buffer: Jetty's 8 KB by default, most of an idle
 * polling session's memory. The bridge's requests are a few hundred bytes; larger ones (big
 * cookies, long bodies) still parse, over several reads. The pool hands out buffers in steps of
 * 1 KB rather than 4 KB, so that a 2 KB request buffer costs 2 KB.
 */
final class ConnectionBuffers {
    /** Bytes of a connection's request buffer. */
    static final int REQUEST_BUFFER = 2048;
    private static final int POOL_STEP = 1024;
    private static final int POOL_LARGEST = 64 * 1024; // larger buffers are not pooled (Jetty's default)

    private ConnectionBuffers() {
    }

    static ByteBufferPool pool() {
        return new ArrayByteBufferPool(0, POOL_STEP, POOL_LARGEST);
    }

    static HttpConnectionFactory http(HttpConfiguration configuration) {
        HttpConnectionFactory http = new HttpConnectionFactory(configuration);
        http.setInputBufferSize(REQUEST_BUFFER);
        return http;
    }
}
