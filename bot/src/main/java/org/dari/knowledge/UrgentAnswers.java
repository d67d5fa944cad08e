package org.dari.knowledge;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
public final class UrgentAnswers { public record Answer(String title, String text, List<String> sourceLabels) {}
  public static UrgentAnswers load(Path dir) throws IOException { return new UrgentAnswers(); }
  public Optional<Answer> answer(String kindId, Lang lang) { return Optional.of(new Answer("T " + kindId, "stub answer " + kindId, List.of("src"))); } }
