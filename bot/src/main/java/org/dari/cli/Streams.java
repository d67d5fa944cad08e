package org.dari.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Standard streams in UTF-8 whatever the platform default, so Korean prints right. */
final class Streams {
    private Streams() {
    }

    static PrintStream stdout() {
        return System.out instanceof Utf8 ? System.out : new Utf8(new FileOutputStream(FileDescriptor.out));
    }

    static PrintStream stderr() {
        return new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    }

    static final class Utf8 extends PrintStream {
        Utf8(java.io.OutputStream out) {
            super(out, true, StandardCharsets.UTF_8);
        }
    }
}
