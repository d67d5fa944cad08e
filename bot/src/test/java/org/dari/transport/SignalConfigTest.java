package org.dari.transport;

import org.dari.transport.SignalConfig.ReceiveMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SignalConfigTest {
    private static final String ACCOUNT = "+4915187654321";
    private static final Duration S1 = Duration.ofSeconds(1);

    private static SignalConfig config(String url, String account, ReceiveMode mode, int poll, Duration min, Duration max,
                                       Duration connect, Duration read) {
        return new SignalConfig(url, account, mode, poll, min, max, connect, read);
    }

    @Test
    void defaultsAreSensible() {
        SignalConfig config = SignalConfig.of("http://127.0.0.1:8080", ACCOUNT);
        assertEquals(ReceiveMode.AUTO, config.receiveMode());
        assertTrue(config.maxBackoff().compareTo(config.minBackoff()) > 0);
        assertEquals(ReceiveMode.POLL, config.withReceiveMode(ReceiveMode.POLL).receiveMode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost:8080", "ftp://host", "http://host:8080/?x=1", "http://host/#frag"})
    void rejectsBadBaseUrls(String url) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> config(url, ACCOUNT, ReceiveMode.AUTO, 10, S1, S1, S1, S1));
        assertTrue(e.getMessage().startsWith("baseUrl"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "4915187654321", "+0123456789", "+49 151 87654321", "+49151876543210000", "+12345"})
    void rejectsAccountsThatAreNotE164WithoutEchoingThem(String account) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> config("http://127.0.0.1:8080", account, ReceiveMode.AUTO, 10, S1, S1, S1, S1));
        assertTrue(e.getMessage().startsWith("account"));
        if (!account.isEmpty()) assertFalse(e.getMessage().contains(account));
    }

    @Test
    void rejectsBadNumbersAndDurations() {
        String url = "http://127.0.0.1:8080";
        assertThrows(IllegalArgumentException.class, () -> config(url, null, ReceiveMode.AUTO, 10, S1, S1, S1, S1));
        assertThrows(IllegalArgumentException.class, () -> config(url, ACCOUNT, null, 10, S1, S1, S1, S1));
        assertThrows(IllegalArgumentException.class, () -> config(url, ACCOUNT, ReceiveMode.AUTO, 0, S1, S1, S1, S1));
        assertThrows(IllegalArgumentException.class, () -> config(url, ACCOUNT, ReceiveMode.AUTO, 601, S1, S1, S1, S1));
        assertThrows(IllegalArgumentException.class, () -> config(url, ACCOUNT, ReceiveMode.AUTO, 10, Duration.ZERO, S1, S1, S1));
        assertThrows(IllegalArgumentException.class, () -> config(url, ACCOUNT, ReceiveMode.AUTO, 10, S1, Duration.ofMillis(500), S1, S1));
        assertThrows(IllegalArgumentException.class, () -> config(url, ACCOUNT, ReceiveMode.AUTO, 10, S1, null, S1, S1));
        assertThrows(IllegalArgumentException.class, () -> config(url, ACCOUNT, ReceiveMode.AUTO, 10, S1, S1, S1.negated(), S1));
        assertThrows(IllegalArgumentException.class, () -> config(url, ACCOUNT, ReceiveMode.AUTO, 10, S1, S1, S1, Duration.ZERO));
    }

    @Test
    void toStringHidesTheAccount() {
        assertFalse(SignalConfig.of("http://127.0.0.1:8080", ACCOUNT).toString().contains("4915187654321"));
    }
}
