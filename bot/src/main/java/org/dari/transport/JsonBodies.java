package org.dari.transport;

import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;

import java.io.IOException;

/** JSON request bodies for both Signal transports. */
final class JsonBodies {
    static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

    private JsonBodies() {
    }

    static RequestBody of(byte[] bytes) {
        return RequestBody.create(bytes, JSON);
    }

    /**
     * A body OkHttp may send only once: it must not silently repeat a send
     * after a connection broke mid-request, or the person could get it twice.
     */
    static RequestBody oneShot(byte[] bytes) {
        return new RequestBody() {
            @Override
            public MediaType contentType() {
                return JSON;
            }

            @Override
            public long contentLength() {
                return bytes.length;
            }

            @Override
            public void writeTo(BufferedSink sink) throws IOException {
                sink.write(bytes);
            }

            @Override
            public boolean isOneShot() {
                return true;
            }
        };
    }
}
