package org.dari.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/** Small, durable file operations for keys and salts. */
final class SecureFiles {
    static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    static final Set<PosixFilePermission> OWNER_ONLY_DIR = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

    private SecureFiles() {
    }

    /** The file that stands next to {@code file} with {@code suffix} appended to its name. */
    static Path sibling(Path file, String suffix) {
        return file.resolveSibling(file.getFileName() + suffix);
    }

    /** Creates the directory (and parents) owner-only if it is missing. */
    static void ensureDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) return;
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
    }

    /**
     * Writes {@code content} to {@code target} so that the file is either absent or complete: it is
     * created mode 0600 from the start (never briefly readable), fsynced, renamed into place, and
     * the directory is fsynced so the rename survives a power cut.
     */
    static void writeAtomically(Path target, byte[] content) throws IOException {
        Path absolute = target.toAbsolutePath();
        ensureDirectory(absolute.getParent());
        Path temp = sibling(absolute, ".tmp");
        destroy(temp);
        FileAttribute<Set<PosixFilePermission>> ownerOnly = PosixFilePermissions.asFileAttribute(OWNER_ONLY);
        try (FileChannel channel = FileChannel.open(temp,
                EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), ownerOnly)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) channel.write(buffer);
            channel.force(true);
        }
        Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE);
        fsyncDirectory(absolute.getParent());
    }

    /**
     * Publishes {@code content} as {@code target} without ever replacing a file: it is written to a
     * temp file in the same folder (mode 0600 from the first byte, fsynced), then hard-linked to
     * {@code target}, which fails if {@code target} exists (no check-then-create race), and the temp
     * name is removed. Throws {@link FileAlreadyExistsException} if the target exists.
     */
    static void publishNew(Path target, byte[] content) throws IOException {
        Path absolute = target.toAbsolutePath();
        ensureDirectory(absolute.getParent());
        Path temp = Files.createTempFile(absolute.getParent(), ".dari-", ".tmp",
                PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) channel.write(buffer);
                channel.force(true);
            }
            Files.createLink(absolute, temp);
        } catch (IOException | RuntimeException e) {
            destroy(temp); // not linked: its bytes are ours alone to wipe
            throw e;
        }
        // linked: temp and target are one file now, so only the name goes (zeroing it would wipe the key)
        Files.delete(temp);
        fsyncDirectory(absolute.getParent());
    }

    /** What a path must be before the bot trusts it with keys or data. */
    enum Kind { KEY_FILE, DATA_FOLDER, DATABASE }

    /**
     * Refuses (with {@link IOException}) a path that exists and is a symbolic link, is owned by
     * another user than the bot's, or is writable by group or others; a key file must also be
     * unreadable by them. A missing path passes: the bot creates it itself, private.
     */
    static void requireSafe(Path path, Kind kind) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) return;
        if (Files.isSymbolicLink(path)) throw new IOException(kind + " is a symbolic link: " + path);
        PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String user = System.getProperty("user.name");
        if (!attributes.owner().getName().equals(user)) {
            throw new IOException(kind + " is not owned by the bot's user: " + path);
        }
        Set<PosixFilePermission> mode = attributes.permissions();
        if (mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IOException(kind + " is writable by group or others: " + path);
        }
        if (kind == Kind.KEY_FILE && !OWNER_ONLY.containsAll(mode)) {
            throw new IOException(kind + " is accessible to group or others (it must be mode 0600): " + path);
        }
        if (kind == Kind.DATA_FOLDER ? !attributes.isDirectory() : !attributes.isRegularFile()) {
            throw new IOException(kind + " is not a " + (kind == Kind.DATA_FOLDER ? "folder" : "regular file") + ": " + path);
        }
    }

    /** Renames {@code from} onto {@code to} atomically and makes the rename durable. */
    static void moveAtomically(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        fsyncDirectory(to.toAbsolutePath().getParent());
    }

    /**
     * Overwrites the file with zeros, fsyncs, and deletes it. Best effort: on copy-on-write file
     * systems and flash the old blocks may survive, which is why the disk should be encrypted too.
     */
    static void destroy(Path file) throws IOException {
        if (!Files.exists(file)) return;
        long size = Files.size(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer zeros = ByteBuffer.allocate(4096);
            long written = 0;
            while (written < size) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), size - written));
                written += channel.write(zeros, written);
            }
            channel.force(true);
        }
        Files.delete(file);
        fsyncDirectory(file.toAbsolutePath().getParent());
    }

    static void fsyncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // some platforms cannot open or sync a directory; the rename is still atomic there
        }
    }
}
