package org.dari.conversation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.dari.knowledge.Lang;
import org.dari.referral.Service;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The names of the kinds of help and of the provinces a person can choose, from {@code i18n/services.yaml}. */
public final class ServiceTitles {
    private final Map<Service, Map<Lang, String>> services;
    private final LinkedHashMap<String, Map<Lang, String>> provinces;

    ServiceTitles(Map<Service, Map<Lang, String>> services, LinkedHashMap<String, Map<Lang, String>> provinces) {
        this.services = services;
        this.provinces = provinces;
    }

    public static ServiceTitles load(Path file) throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        if (root == null) throw new IOException(file.getFileName() + ": empty");
        Map<Service, Map<Lang, String>> services = new EnumMap<>(Service.class);
        JsonNode s = root.path("services");
        for (Service service : Service.values()) {
            services.put(service, titles(file, s.get(service.id()), service.id()));
        }
        LinkedHashMap<String, Map<Lang, String>> provinces = new LinkedHashMap<>();
        var fields = root.path("provinces").fields();
        while (fields.hasNext()) {
            var e = fields.next();
            provinces.put(e.getKey(), titles(file, e.getValue(), e.getKey()));
        }
        if (provinces.isEmpty()) throw new IOException(file.getFileName() + ": no provinces");
        return new ServiceTitles(services, provinces);
    }

    private static Map<Lang, String> titles(Path file, JsonNode node, String id) throws IOException {
        Map<Lang, String> byLang = new EnumMap<>(Lang.class);
        for (Lang lang : Lang.values()) {
            JsonNode t = node == null ? null : node.get(lang.code());
            if (t == null || t.asText().isBlank()) throw new IOException(file.getFileName() + ": " + id + " lacks " + lang.code());
            byLang.put(lang, t.asText());
        }
        return byLang;
    }

    public String service(Service service, Lang lang) {
        return services.get(service).get(lang);
    }

    public List<String> provinceIds() {
        return new ArrayList<>(provinces.keySet());
    }

    public Optional<String> province(String id, Lang lang) {
        return Optional.ofNullable(provinces.get(id)).map(t -> t.get(lang));
    }
}
