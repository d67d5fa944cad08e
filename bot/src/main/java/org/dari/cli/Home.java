package org.dari.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the bundled files (seeds/, i18n/, config/) are: the checkout the launcher runs from. */
public record Home(Path dir) {
    public static Home locate() {
        String prop = System.getProperty("dari.home");
        if (prop != null && !prop.isBlank()) return new Home(Path.of(prop).toAbsolutePath().normalize());
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("i18n")) && Files.isDirectory(p.resolve("seeds"))) return new Home(p);
        }
        return new Home(here);
    }

    /**
     * Where what is derived from the bundled public content is kept between starts (the trained
     * classifier): beside the built jar, never in the data folder, since it holds nothing of anyone's.
     */
    public Path cacheDir() {
        return dir.resolve("bot").resolve("target").resolve("cache");
    }

    public Path resolve(String path) {
        Path p = Path.of(path);
        return p.isAbsolute() ? p : dir.resolve(p).normalize();
    }
}
