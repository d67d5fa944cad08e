package org.dari.transport;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JsonArraySplitterTest {

    @Test
    void splitsAValidArray() {
        JsonArraySplitter.Split split = JsonArraySplitter.split("[{\"a\":1},{\"b\":{\"c\":[1,2]}}]");
        assertEquals(List.of("{\"a\":1}", "{\"b\":{\"c\":[1,2]}}"), split.objects());
        assertEquals(0, split.garbage());
    }

    @Test
    void emptyAnswers() {
        assertEquals(new JsonArraySplitter.Split(List.of(), 0), JsonArraySplitter.split("[]"));
        assertEquals(new JsonArraySplitter.Split(List.of(), 0), JsonArraySplitter.split("  [ ]\n"));
        assertEquals(new JsonArraySplitter.Split(List.of(), 0), JsonArraySplitter.split(""));
        assertEquals(new JsonArraySplitter.Split(List.of(), 0), JsonArraySplitter.split(null));
    }

    @Test
    void bracesAndQuotesInsideStringsDoNotConfuseIt() {
        String tricky = "{\"message\":\"}{ \\\" ] [ \\\\\",\"x\":\"{\"}";
        JsonArraySplitter.Split split = JsonArraySplitter.split("[" + tricky + ",{\"b\":2}]");
        assertEquals(List.of(tricky, "{\"b\":2}"), split.objects());
    }

    @Test
    void strayLinesBetweenObjectsAreCountedAndSkipped() {
        JsonArraySplitter.Split split = JsonArraySplitter.split("[{\"a\":1},WARN Something odd happened,42,\"s\",{\"b\":2}]");
        assertEquals(List.of("{\"a\":1}", "{\"b\":2}"), split.objects());
        assertEquals(3, split.garbage());
    }

    @Test
    void aTruncatedLastObjectIsCounted() {
        JsonArraySplitter.Split split = JsonArraySplitter.split("[{\"a\":1},{\"b\":{\"c\":");
        assertEquals(List.of("{\"a\":1}"), split.objects());
        assertEquals(1, split.garbage());
    }

    @Test
    void aBareObjectOrJsonLinesAlsoWork() {
        assertEquals(List.of("{\"a\":1}"), JsonArraySplitter.split("{\"a\":1}").objects());
        assertEquals(List.of("{\"a\":1}", "{\"b\":2}"), JsonArraySplitter.split("{\"a\":1}\n{\"b\":2}\n").objects());
    }
}
