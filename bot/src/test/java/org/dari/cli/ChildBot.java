package org.dari.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/** {@code dari run} in a child JVM, its log in a file; for tests that kill it hard. */
final class ChildBot implements AutoCloseable {
    private final Process process;
    private final Path log;

    private ChildBot(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static ChildBot start(Path config, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Ddari.home=" + TestBots.HOME.dir(), "org.dari.cli.Main", "run", "--allow-demo", "--config", config.toString());
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        return new ChildBot(pb.start(), log);
    }

    /** SIGKILL: no shutdown hook, no clean close. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) throw new AssertionError("the killed bot did not go away");
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Lines of its log that match. */
    long logLines(Pattern pattern) throws IOException {
        if (!Files.exists(log)) return 0;
        try (var lines = Files.lines(log)) {
            return lines.filter(l -> pattern.matcher(l).find()).count();
        }
    }

    List<String> logTail(int n) throws IOException {
        List<String> all = Files.readAllLines(log);
        return all.subList(Math.max(0, all.size() - n), all.size());
    }

    /** SIGTERM, then SIGKILL if it will not stop. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) kill();
    }
}
