package org.dari.transport;

import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import okhttp3.Request;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tells a send that failed before its request left this machine (certainly not sent: safe to
 * retry) from one that failed after (perhaps sent: a person must not get it twice). OkHttp says
 * so through its event listener: request headers start only once a connection is open.
 */
final class RequestWritten {
    private final AtomicBoolean started = new AtomicBoolean();

    /** A client that records, for each request tagged with a {@code RequestWritten}, when writing began. */
    static OkHttpClient tracking(OkHttpClient.Builder builder) {
        return builder.eventListenerFactory(call -> new Listener(call.request().tag(RequestWritten.class))).build();
    }

    /** Tags the request so the client records whether it began to be written. */
    Request.Builder tag(Request.Builder request) {
        return request.tag(RequestWritten.class, this);
    }

    /** The kind of failure an I/O error on this request stands for. */
    SendException.Kind failureKind() {
        return started.get() ? SendException.Kind.UNCERTAIN : SendException.Kind.RETRY_LATER;
    }

    boolean started() {
        return started.get();
    }

    private static final class Listener extends EventListener {
        private final RequestWritten written;

        Listener(RequestWritten written) {
            this.written = written;
        }

        @Override
        public void requestHeadersStart(Call call) {
            if (written != null) written.started.set(true);
        }

        @Override
        public void callFailed(Call call, IOException ioe) {
        }
    }
}
