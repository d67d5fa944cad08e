package org.dari.transport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SignalEndpointsTest {
    private final SignalEndpoints endpoints = new SignalEndpoints(SignalConfig.of("http://10.0.0.5:8080/", "+4915187654321"));

    @Test
    void buildsTheContractPaths() {
        assertEquals("http://10.0.0.5:8080/v1/about", endpoints.about().toString());
        assertEquals("http://10.0.0.5:8080/v1/receive/%2B4915187654321?timeout=7&ignore_attachments=true&ignore_stories=true",
                endpoints.receive(7).toString());
        assertEquals("http://10.0.0.5:8080/v1/receive/%2B4915187654321", endpoints.receiveSocket().toString());
        assertEquals("http://10.0.0.5:8080/v2/send", endpoints.send().toString());
        assertEquals("http://10.0.0.5:8080/v1/contacts/%2B4915187654321", endpoints.contacts().toString());
        assertEquals("http://10.0.0.5:8080/v1/identities/%2B4915187654321", endpoints.identities().toString());
        assertEquals("http://10.0.0.5:8080/v1/identities/%2B4915187654321/trust/3b5e6c2a-8f0d-4c1e-9a47-2d6f0b1c9e11",
                endpoints.trust("3b5e6c2a-8f0d-4c1e-9a47-2d6f0b1c9e11").toString());
        assertEquals("http://10.0.0.5:8080/v1/attachments/k7Qx1.jpg", endpoints.attachment("k7Qx1.jpg").toString());
    }

    @Test
    void keepsAPathPrefixOfTheBaseUrl() {
        SignalEndpoints prefixed = new SignalEndpoints(SignalConfig.of("https://proxy.internal/signal", "+4915187654321"));
        assertEquals("https://proxy.internal/signal/v2/send", prefixed.send().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", ".", "a/b", "a?b", "a#b", "%2e%2e", "a b", "한국", ""})
    void refusesSegmentsThatCouldChangeThePath(String raw) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> endpoints.attachment(raw));
        if (!raw.isEmpty()) assertFalse(e.getMessage().contains(raw));
    }

    @Test
    void encodesPlusAndColon() {
        assertEquals("%2B49%3Aa.b_c-d", SignalEndpoints.encodeSegment("+49:a.b_c-d"));
    }
}
