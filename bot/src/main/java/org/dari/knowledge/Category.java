package org.dari.knowledge;

import java.util.List;

/** The browsing categories, in menu order. */
public enum Category {
    INTERNATIONAL_LAW("international-law"),
    CHINA("china"),
    ARREST_RETURN("arrest-return"),
    UNITED_NATIONS("united-nations"),
    TRAFFICKING("trafficking"),
    SAFETY_HELP("safety-help");

    private final String id;

    Category(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static List<String> ids() {
        return java.util.Arrays.stream(values()).map(Category::id).toList();
    }
}
