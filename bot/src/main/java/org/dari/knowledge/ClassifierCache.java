package org.dari.knowledge;

import org.dari.log.SafeLog;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The trained classifier kept on disk, so a start with unchanged content skips training. The file
 * holds only what is derived from the bundled public content (feature names cut from the seeds and
 * word lists, class ids, weights), never anything a person wrote. It is used only when its key (a
 * SHA-256 of the code build, the training parameters, every training text and every synonym group)
 * matches and its CRC-32C checksum holds; any other file is ignored and replaced after the next training.
 */
public final class ClassifierCache {
    private static final SafeLog LOG = SafeLog.of(ClassifierCache.class);
    static final String FILE = "classifier.bin";
    private static final byte[] MAGIC = "DARI-CLS".getBytes(StandardCharsets.US_ASCII);
    private static final int FORMAT = 1;
    private static final int CHECKSUM_BYTES = 4;
    private static final long MAX_BYTES = 512L << 20;

    private final Path dir;
    private final String buildId;

    private ClassifierCache(Path dir, String buildId) {
        this.dir = dir;
        this.buildId = buildId;
    }

    /** A cache in {@code dir} (created when first written), keyed by this build of the code. */
    public static ClassifierCache in(Path dir) {
        return new ClassifierCache(dir, buildId());
    }

    /** For tests: a cache keyed by a given build id. */
    static ClassifierCache in(Path dir, String buildId) {
        return new ClassifierCache(dir, buildId);
    }

    /** No cache: every start trains. */
    public static ClassifierCache none() {
        return new ClassifierCache(null, null);
    }

    Path file() {
        return dir == null ? null : dir.resolve(FILE);
    }

    /** What the classifier trained from {@code examples} depends on, as 64 hex digits; null when nothing may be cached. */
    String key(Classifier.Examples examples, Map<Lang, Synonyms> synonyms) {
        if (dir == null || buildId == null) return null;
        MessageDigest sha = sha256();
        update(sha, "dari classifier cache " + FORMAT);
        update(sha, buildId);
        update(sha, Classifier.parameters());
        examples.byLang().forEach((lang, byClass) -> {
            update(sha, "lang " + lang.code());
            byClass.forEach((classId, texts) -> {
                update(sha, "class " + classId);
                texts.forEach(t -> update(sha, t));
            });
        });
        for (Lang lang : Lang.values()) {
            update(sha, "synonyms " + lang.code());
            for (List<String> group : synonyms.getOrDefault(lang, Synonyms.empty()).groups()) update(sha, String.join("\u0000", group));
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** The cached classifier for {@code key}, or empty when there is none that holds (never throws). */
    Optional<Classifier> load(String key, Map<Lang, Synonyms> synonyms) {
        if (key == null) return Optional.empty();
        try {
            if (Files.size(file()) > MAX_BYTES) return ignored("too_large");
            byte[] bytes = Files.readAllBytes(file());
            if (bytes.length < MAGIC.length + CHECKSUM_BYTES) return ignored("short");
            int body = bytes.length - CHECKSUM_BYTES;
            if (!Arrays.equals(checksum(bytes, body), Arrays.copyOfRange(bytes, body, bytes.length))) return ignored("checksum");
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, body));
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC) || in.readInt() != FORMAT) return ignored("format");
            if (!key.equals(in.readUTF())) return ignored("stale");
            Classifier classifier = Classifier.readFrom(in, synonyms);
            if (in.available() != 0) return ignored("trailing");
            LOG.info("knowledge.classifier_cache_used");
            return Optional.of(classifier);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return ignored(e.getClass().getSimpleName());
        }
    }

    /** Keeps {@code classifier} under {@code key}: written beside the file, then moved over it in one step. */
    void store(String key, Classifier classifier) {
        if (key == null) return;
        Path tmp = null;
        try {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream(1 << 20);
            DataOutputStream out = new DataOutputStream(buffer);
            out.write(MAGIC);
            out.writeInt(FORMAT);
            out.writeUTF(key);
            classifier.writeTo(out);
            out.flush();
            byte[] checksum = checksum(buffer.toByteArray(), buffer.size());
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, ".classifier-", ".tmp");
            try (var channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE);
                 OutputStream file = java.nio.channels.Channels.newOutputStream(channel)) {
                buffer.writeTo(file);
                file.write(checksum);
                file.flush();
                channel.force(true);
            }
            Files.move(tmp, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
            LOG.info("knowledge.classifier_cache_written", "bytes", buffer.size() + CHECKSUM_BYTES);
        } catch (IOException | RuntimeException e) {
            // a read-only install trains at every start; nothing else depends on the cache
            LOG.warn("knowledge.classifier_cache_not_written", "error", SafeLog.kind(e));
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

    private static Optional<Classifier> ignored(String reason) {
        LOG.warn("knowledge.classifier_cache_ignored", "reason", reason);
        return Optional.empty();
    }

    /** The id Maven wrote into this build; null (no caching) when the code was not built by Maven. */
    static String buildId() {
        try (InputStream in = ClassifierCache.class.getResourceAsStream("/org/dari/build.properties")) {
            if (in == null) return null;
            Properties p = new Properties();
            p.load(in);
            String id = p.getProperty("build.id");
            return id == null || id.isBlank() || id.contains("${") ? null : id;
        } catch (IOException e) {
            return null;
        }
    }

    private static void update(MessageDigest sha, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        sha.update(new byte[] {(byte) (b.length >>> 24), (byte) (b.length >>> 16), (byte) (b.length >>> 8), (byte) b.length});
        sha.update(b);
    }

    /**
     * CRC-32C of the first {@code length} bytes: catches a torn or damaged file (the key already names
     * the content); computed by the JVM's intrinsic even before the JIT warms, unlike SHA-256 over 40 MB.
     */
    private static byte[] checksum(byte[] bytes, int length) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes, 0, length);
        int v = (int) crc.getValue();
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
