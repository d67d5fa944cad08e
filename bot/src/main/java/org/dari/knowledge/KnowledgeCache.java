package org.dari.knowledge;

import org.dari.log.SafeLog;

import com.fasterxml.jackson.databind.util.ByteBufferBackedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * What start-up derives from the bundled public content, kept on disk so a start with unchanged
 * content skips the work: the trained classifier ({@code classifier.bin}) and the analysed search
 * index ({@code index.bin}). The files hold only what is derived from {@code seeds/} and {@code i18n/}
 * (terms, weights, class ids), never anything a person wrote. A file is used only when its key (a
 * SHA-256 of the code build and of every input it was made from) matches and its CRC-32C checksum
 * holds; any other file is ignored and replaced once the work has been done again.
 */
public final class KnowledgeCache {
    private static final SafeLog LOG = SafeLog.of(KnowledgeCache.class);
    private static final byte[] MAGIC = "DARI-KNC".getBytes(StandardCharsets.US_ASCII);
    private static final int FORMAT = 2;
    private static final int CHECKSUM_BYTES = 4;
    private static final long MAX_BYTES = 512L << 20;

    private final Path dir;
    private final String buildId;

    /** The files kept (an enum, so that log lines can name them: the log shows no strings). */
    enum CachedFile {
        CLASSIFIER("classifier.bin"), INDEX("index.bin");

        private final String fileName;

        CachedFile(String fileName) {
            this.fileName = fileName;
        }
    }

    private KnowledgeCache(Path dir, String buildId) {
        this.dir = dir;
        this.buildId = buildId;
    }

    /** A cache in {@code dir} (created when first written), keyed by this build of the code. */
    public static KnowledgeCache in(Path dir) {
        return new KnowledgeCache(dir, buildId());
    }

    /** For tests: a cache keyed by a given build id. */
    static KnowledgeCache in(Path dir, String buildId) {
        return new KnowledgeCache(dir, buildId);
    }

    /** No cache: every start trains and analyses. */
    public static KnowledgeCache none() {
        return new KnowledgeCache(null, null);
    }

    Path file(CachedFile part) {
        return dir == null ? null : dir.resolve(part.fileName);
    }

    /**
     * The key of everything derived from the files under {@code roots} (the seeds and the word lists),
     * as 64 hex digits: the code build, the training parameters, and every file's path and bytes. It
     * names the files themselves rather than what is parsed from them, so a cached file can be read
     * while the content is still being parsed. Null when nothing may be cached or a file cannot be read.
     */
    String key(Path... roots) {
        if (dir == null || buildId == null) return null;
        MessageDigest sha = sha256();
        update(sha, "dari knowledge cache " + FORMAT);
        update(sha, buildId);
        update(sha, Classifier.parameters());
        try {
            for (Path root : roots) {
                update(sha, "root");
                if (!Files.isDirectory(root)) continue;
                List<Path> files;
                try (var walk = Files.walk(root)) {
                    files = walk.filter(Files::isRegularFile).sorted().toList();
                }
                for (Path f : files) {
                    update(sha, root.relativize(f).toString());
                    byte[] bytes = Files.readAllBytes(f);
                    update(sha, Integer.toString(bytes.length));
                    sha.update(bytes);
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            LOG.warn("knowledge.cache_key_unreadable", "error", SafeLog.kind(e));
            return null;
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** The cached classifier for {@code key}, or empty when there is none that holds (never throws). */
    Optional<Classifier> loadClassifier(String key, Map<Lang, Synonyms> synonyms) {
        return load(CachedFile.CLASSIFIER, key, in -> Classifier.readFrom(in, synonyms));
    }

    /** Keeps {@code classifier} under {@code key}. */
    void storeClassifier(String key, Classifier classifier) {
        store(CachedFile.CLASSIFIER, key, classifier::writeTo);
    }

    /** The cached index for {@code key}, or empty when there is none that holds (never throws). */
    Optional<LexicalIndex> loadIndex(String key) {
        return load(CachedFile.INDEX, key, LexicalIndex::readFrom);
    }

    /** Keeps {@code index} under {@code key}. */
    void storeIndex(String key, LexicalIndex index) {
        store(CachedFile.INDEX, key, index::writeTo);
    }

    /** Reads a value from the buffer's position on; the buffer must end exactly where the value does. */
    private interface Reader<T> {
        T read(ByteBuffer body) throws IOException;
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    /**
     * Read into memory outside the heap: a classifier file is tens of megabytes, and as a heap array it
     * would be copied by the collector during the start it is meant to shorten.
     */
    private <T> Optional<T> load(CachedFile part, String key, Reader<T> reader) {
        if (key == null) return Optional.empty();
        try (FileChannel channel = FileChannel.open(file(part), StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > MAX_BYTES) return ignored(part, "too_large");
            if (size < MAGIC.length + CHECKSUM_BYTES) return ignored(part, "short");
            ByteBuffer bytes = ByteBuffer.allocateDirect((int) size);
            while (bytes.hasRemaining()) {
                if (channel.read(bytes) < 0) return ignored(part, "short");
            }
            int body = (int) size - CHECKSUM_BYTES;
            if (checksum(bytes.flip().limit(body)) != bytes.limit((int) size).getInt(body)) return ignored(part, "checksum");
            ByteBuffer in = bytes.position(0).limit(body);
            byte[] magic = new byte[MAGIC.length];
            in.get(magic);
            if (!Arrays.equals(magic, MAGIC) || in.getInt() != FORMAT) return ignored(part, "format");
            if (!header(part, key).equals(new DataInputStream(new ByteBufferBackedInputStream(in)).readUTF())) return ignored(part, "stale");
            T value = reader.read(in);
            if (in.hasRemaining()) return ignored(part, "trailing");
            LOG.info("knowledge.cache_used", "file", part);
            return Optional.of(value);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return ignored(part, e.getClass().getSimpleName());
        } catch (OutOfMemoryError e) {
            // no room outside the heap for the file (a small -XX:MaxDirectMemorySize): the work is done instead
            return ignored(part, "no_memory");
        }
    }

    /** What a file names after its format: which file it is and the key it was made under. */
    private static String header(CachedFile part, String key) {
        return part.fileName + ' ' + key;
    }

    /** Written beside the file (its checksum computed as it is written), then moved over it in one step. */
    private void store(CachedFile part, String key, Writer writer) {
        if (key == null) return;
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + part.fileName + "-", ".tmp");
            CRC32C crc = new CRC32C();
            int bytes;
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE);
                 OutputStream file = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16)) {
                DataOutputStream out = new DataOutputStream(new CheckedOutputStream(file, crc));
                out.write(MAGIC);
                out.writeInt(FORMAT);
                out.writeUTF(header(part, key));
                writer.write(out);
                out.flush();
                file.write(ByteBuffer.allocate(CHECKSUM_BYTES).putInt((int) crc.getValue()).array());
                file.flush();
                channel.force(true);
                bytes = out.size() + CHECKSUM_BYTES;
            }
            Files.move(tmp, file(part), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
            LOG.info("knowledge.cache_written", "file", part, "bytes", bytes);
        } catch (IOException | RuntimeException e) {
            // a read-only install does the work at every start; nothing else depends on the cache
            LOG.warn("knowledge.cache_not_written", "file", part, "error", SafeLog.kind(e));
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a stray temporary file of public content; the next write replaces the cache anyway
                }
            }
        }
    }

    private static <T> Optional<T> ignored(CachedFile part, String reason) {
        // the reasons are fixed words of this class, never read from the file
        LOG.warn("knowledge.cache_ignored", "file", part, "reason", new SafeLog.ErrorKind(reason));
        return Optional.empty();
    }

    /** The id Maven wrote into this build; null (no caching) when the code was not built by Maven. */
    static String buildId() {
        try (InputStream in = KnowledgeCache.class.getResourceAsStream("/org/dari/build.properties")) {
            if (in == null) return null;
            Properties p = new Properties();
            p.load(in);
            String id = p.getProperty("build.id");
            return id == null || id.isBlank() || id.contains("${") ? null : id;
        } catch (IOException e) {
            return null;
        }
    }

    /** A count read from a cache file, refused when below zero or above {@code max}. */
    static int count(int n, int max) throws IOException {
        if (n < 0 || n > max) throw new IOException("bad count");
        return n;
    }

    private static void update(MessageDigest sha, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        sha.update(new byte[] {(byte) (b.length >>> 24), (byte) (b.length >>> 16), (byte) (b.length >>> 8), (byte) b.length});
        sha.update(b);
    }

    /**
     * CRC-32C of the buffer's remaining bytes (its position is left as it was): catches a torn or damaged
     * file (the key already names the content); computed by the JVM's intrinsic even before the JIT
     * warms, unlike SHA-256 over 40 MB.
     */
    private static int checksum(ByteBuffer bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes.duplicate());
        return (int) crc.getValue();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
