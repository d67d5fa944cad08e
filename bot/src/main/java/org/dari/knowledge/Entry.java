package org.dari.knowledge;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/** One curated answer, in both languages. */
public record Entry(String id, String category, LocalDate reviewed, List<String> related,
                    List<Source> sources, Map<Lang, Text> texts, String file) {

    public Entry {
        related = List.copyOf(related);
        sources = List.copyOf(sources);
        texts = Map.copyOf(texts);
    }

    public Text text(Lang lang) {
        return texts.get(lang);
    }

    /** The words of an entry in one language. */
    public record Text(String title, String answer, String more, List<String> examples, List<String> keywords) {
        public Text {
            more = more == null ? "" : more.strip();
            answer = answer == null ? "" : answer.strip();
            title = title == null ? "" : title.strip();
            examples = List.copyOf(examples);
            keywords = List.copyOf(keywords);
        }
    }

    public record Source(String en, String ko, LocalDate date) {
        public String label(Lang lang) {
            String name = lang == Lang.KO && ko != null && !ko.isBlank() ? ko : en;
            return date == null ? name : name + " (" + date + ")";
        }
    }
}
