package org.dari.safety;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document read as plain maps, lists and scalars that remember the line
 * they were written on, so a problem can be reported as "file line N".
 */
final class LocatedYaml {
    sealed interface Node permits Scalar, Mapping, Sequence {
        int line();
    }

    record Scalar(String text, int line) implements Node {
    }

    record Mapping(Map<String, Node> fields, Map<String, Integer> keyLines, int line) implements Node {
    }

    record Sequence(List<Node> items, int line) implements Node {
    }

    private static final YAMLFactory FACTORY = new YAMLFactory();

    private LocatedYaml() {
    }

    static Node read(Path file) throws IOException {
        try (JsonParser p = FACTORY.createParser(file.toFile())) {
            JsonToken t = p.nextToken();
            if (t == null) return new Mapping(Map.of(), Map.of(), 1);
            return value(p);
        }
    }

    private static Node value(JsonParser p) throws IOException {
        int line = p.currentTokenLocation().getLineNr();
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT) {
            Map<String, Node> fields = new LinkedHashMap<>();
            Map<String, Integer> keyLines = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                keyLines.put(name, p.currentTokenLocation().getLineNr());
                p.nextToken();
                fields.put(name, value(p));
            }
            return new Mapping(fields, keyLines, line);
        }
        if (t == JsonToken.START_ARRAY) {
            List<Node> items = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) items.add(value(p));
            return new Sequence(items, line);
        }
        return new Scalar(t == JsonToken.VALUE_NULL ? "" : p.getText(), line);
    }
}
