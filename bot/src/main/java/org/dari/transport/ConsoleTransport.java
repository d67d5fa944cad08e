package org.dari.transport;

import org.dari.log.SafeLog;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A chat in a terminal: each line typed (or piped in) is a message from one
 * local person; each reply is printed. A line starting with {@code @name } comes
 * from another account (a caseworker, say), and what the bot sends to another
 * account is printed as {@code → @name: …}; attached files are written to a
 * folder and their path printed. End of input completes {@link #finished()}.
 */
public final class ConsoleTransport implements Transport {
    public static final String CONSOLE_SENDER = "console-user";
    private static final SafeLog LOG = SafeLog.of(ConsoleTransport.class);
    private static final int MAX_LINE = 4096;
    private static final Pattern OTHER_ACCOUNT = Pattern.compile("@([A-Za-z0-9._+-]{1,64})\\s+(.*)", Pattern.DOTALL);

    private final InputStream in;
    private final PrintStream out;
    private final boolean interactive;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private final AtomicLong clock;
    private final Path attachmentDir;
    private volatile Thread reader;

    public ConsoleTransport(InputStream in, PrintStream out, boolean interactive, long startTimestamp, Path attachmentDir) {
        this.in = in;
        this.out = out;
        this.interactive = interactive;
        this.clock = new AtomicLong(startTimestamp);
        this.attachmentDir = attachmentDir;
    }

    @Override
    public void start(InboundSink sink) {
        reader = new Thread(() -> readLoop(sink), "dari-console");
        reader.setDaemon(true);
        reader.start();
    }

    private void readLoop(InboundSink sink) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            prompt();
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.length() > MAX_LINE) line = line.substring(0, MAX_LINE);
                if (line.isBlank()) continue;
                Matcher other = OTHER_ACCOUNT.matcher(line);
                if (other.matches()) {
                    deliver(sink, new InboundMessage(other.group(1), other.group(2), clock.incrementAndGet(), false));
                } else {
                    deliver(sink, new InboundMessage(CONSOLE_SENDER, line, clock.incrementAndGet(), false));
                }
            }
        } catch (IOException e) {
            LOG.warn("console.read_failed", "error", SafeLog.kind(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            finished.complete(null);
        }
    }

    private static void deliver(InboundSink sink, InboundMessage message) throws InterruptedException {
        for (int attempt = 0; ; attempt++) {
            try {
                sink.accept(message);
                return;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                LOG.warn("console.accept_failed", "error", SafeLog.kind(e), "attempt", attempt);
                Thread.sleep(Math.min(5_000, 100L << Math.min(attempt, 6)));
            }
        }
    }

    private void prompt() {
        if (interactive) {
            out.print("> ");
            out.flush();
        }
    }

    @Override
    public synchronized void send(OutboundMessage message) throws SendException {
        String file = message.file().isPresent() ? " [" + write(message.file().get()) + "]" : "";
        if (message.recipient().equals(CONSOLE_SENDER)) {
            out.println(message.text() + file);
        } else {
            out.println("→ @" + message.recipient() + ": " + message.text().replace("\n", "\n    ") + file);
        }
        out.println();
        prompt();
        out.flush();
    }

    private Path write(OutboundMessage.Attachment attachment) throws SendException {
        try {
            Files.createDirectories(attachmentDir);
            Path file = attachmentDir.resolve(attachment.fileName());
            Files.write(file, attachment.data());
            return file;
        } catch (IOException e) {
            LOG.warn("console.attachment_not_written", "error", SafeLog.kind(e));
            throw new SendException(SendException.Kind.RETRY_LATER, "attachment could not be written");
        }
    }

    /** The console has no Signal identities: every account counts as verified. */
    @Override
    public boolean identityMatches(String recipient, String safetyNumber) {
        return true;
    }

    /** Completes when the input has ended. */
    public CompletableFuture<Void> finished() {
        return finished;
    }

    @Override
    public void close() {
        Thread r = reader;
        if (r != null) r.interrupt();
    }
}
