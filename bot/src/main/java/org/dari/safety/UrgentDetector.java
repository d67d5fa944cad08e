package org.dari.safety;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
public final class UrgentDetector { public static UrgentDetector load(Path i18n) throws IOException { return new UrgentDetector(); }
  public Optional<UrgentKind> detect(String text) { String t = text.toLowerCase(); if (t.contains("지금 공안") || t.contains("police here now")) return Optional.of(UrgentKind.POLICE); if (t.contains("죽고 싶")) return Optional.of(UrgentKind.SUICIDE); if (t.contains("sell me tonight")) return Optional.of(UrgentKind.TRAFFICKED); return Optional.empty(); } }
