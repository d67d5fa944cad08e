package org.dari.knowledge;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A validated, immutable set of entries. */
public final class KnowledgeBase {
    private final Map<String, Entry> byId;

    public KnowledgeBase(List<Entry> entries) {
        Map<String, Entry> map = new LinkedHashMap<>();
        entries.stream().sorted(java.util.Comparator.comparing(Entry::id)).forEach(e -> map.put(e.id(), e));
        this.byId = java.util.Collections.unmodifiableMap(map);
    }

    public Optional<Entry> entry(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public List<Entry> entries() {
        return List.copyOf(byId.values());
    }

    public List<Entry> inCategory(String category) {
        return byId.values().stream().filter(e -> e.category().equals(category)).toList();
    }

    public int size() {
        return byId.size();
    }
}
