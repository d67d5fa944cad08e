package org.dari.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** Helpers for tests that look at stored bytes; also used by the end-to-end canary test. */
public final class TestSupport {
    private TestSupport() {
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
            return true;
        }
        return false;
    }

    /** A string as it could appear in a file: UTF-8, UTF-16LE, UTF-16BE. */
    public static List<byte[]> encodings(String s) {
        return List.of(s.getBytes(StandardCharsets.UTF_8), s.getBytes(StandardCharsets.UTF_16LE),
                s.getBytes(StandardCharsets.UTF_16BE));
    }

    /** Every regular file under {@code dir} (db, -wal, -shm, -journal, anything) that holds {@code needle}. */
    public static List<Path> filesContaining(Path dir, byte[] needle) {
        List<Path> hits = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                if (contains(Files.readAllBytes(file), needle)) hits.add(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return hits;
    }

    /** A plain JDBC connection to the vault's file, for tampering while the vault is closed. */
    static Connection rawConnection(Path dataDir) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve(Vault.DATABASE_FILE).toAbsolutePath());
    }
}
