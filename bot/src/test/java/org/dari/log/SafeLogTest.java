package org.dari.log;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class SafeLogTest {
    private static final String UUID_CANARY = "c4a2a7e1-0000-4bad-8c0d-ca4a21e5a1e7";
    private static final String NUMBER_CANARY = "+8613800138000";
    private static final String TEXT_CANARY = "카나리아 canary-text-7731";
    private static final List<String> CANARIES = List.of(UUID_CANARY, NUMBER_CANARY, TEXT_CANARY, "canary-text-7731",
            "8613800138000", "카나리아");

    private record Person(String uuid) {
    }

    @Test
    void valuesThatCanCarryUserContentAreRedacted() {
        Object[] unsafe = {
                UUID_CANARY, NUMBER_CANARY, TEXT_CANARY, new StringBuilder(TEXT_CANARY), UUID.fromString(UUID_CANARY),
                Path.of("/data", UUID_CANARY), Optional.of(TEXT_CANARY), List.of(NUMBER_CANARY), new Person(UUID_CANARY),
                TEXT_CANARY.toCharArray(), new IOException("no route to " + NUMBER_CANARY),
        };
        for (Object value : unsafe) {
            String line = SafeLog.render("delivery.failed", "value", value);
            assertEquals("delivery.failed value=<redacted>", line, "a " + value.getClass().getSimpleName());
        }
    }

    @Test
    void eventNamesAndKeysThatCarryContentAreReplaced() {
        String line = SafeLog.render("sent to " + NUMBER_CANARY, UUID_CANARY, 3, TEXT_CANARY, true);
        assertEquals("event.invalid key=3 key=true", line);
        assertNoCanary(line);
    }

    @Test
    void safeValuesPassUnchanged() {
        String line = SafeLog.render("delivery.retry", "attempts", 3, "final", false, "after", Duration.ofSeconds(5),
                "error", SafeLog.kind(new IOException("to " + NUMBER_CANARY)));
        assertEquals("delivery.retry attempts=3 final=false after=PT5S error=IOException", line);
        assertNoCanary(line);
    }

    private static void assertNoCanary(String line) {
        for (String canary : CANARIES) assertFalse(line.contains(canary), "a canary reached the log line");
    }
}
