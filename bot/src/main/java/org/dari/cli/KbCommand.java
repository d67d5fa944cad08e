package org.dari.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.dari.conversation.CommandWords;
import org.dari.conversation.FrontDoor;
import org.dari.knowledge.Decision;
import org.dari.knowledge.KnowledgeService;
import org.dari.knowledge.Lang;
import org.dari.knowledge.Retriever;
import org.dari.knowledge.Phrasings;
import org.dari.knowledge.SeedLoader;
import org.dari.knowledge.ValidationIssue;
import org.dari.knowledge.UrgentAnswers;
import org.dari.safety.UrgentDetector;
import org.dari.safety.UrgentKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "kb", mixinStandardHelpOptions = true, description = "Check and try the knowledge base.",
        subcommands = {KbCommand.Validate.class, KbCommand.Ask.class, KbCommand.Eval.class})
final class KbCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static KnowledgeService open(Config config, Home home) {
        return Bot.openKnowledge(config, home, Clock.systemUTC(), Streams.stderr()::println, false);
    }

    /** The conversation's reading of commands, small talk and greetings, for measuring as people meet the bot. */
    static FrontDoor frontDoor(Config config, Home home, KnowledgeService knowledge) throws java.io.IOException {
        return new FrontDoor(CommandWords.load(home.resolve(config.knowledge().i18nDir()).resolve("commands.yaml")), knowledge);
    }

    static KnowledgeService openOrExplain(Config config, Home home) throws Main.UsageException {
        try {
            return open(config, home);
        } catch (KnowledgeService.InvalidKnowledgeException e) {
            PrintStream err = Streams.stderr();
            e.issues().forEach(err::println);
            throw new Main.UsageException("the knowledge base is not valid; run: dari kb validate");
        }
    }

    static UrgentDetector openDetector(Config config, Home home) throws Main.UsageException {
        try {
            return UrgentDetector.load(home.resolve(config.knowledge().i18nDir()));
        } catch (IOException e) {
            Streams.stderr().println(e.getMessage());
            throw new Main.UsageException("the urgent word lists are not valid");
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Check every entry in seeds/ (and the urgent answers in seeds/urgent/, and the urgent word lists): exit 0 only when all are valid.")
    static final class Validate implements Callable<Integer> {
        @Mixin
        BotOptions options = new BotOptions();

        @Override
        public Integer call() throws Exception {
            Config config = options.load(System.getenv());
            Path seeds = Home.locate().resolve(config.knowledge().seedsDir());
            SeedLoader.Result result = new SeedLoader(Clock.systemUTC()).load(seeds);
            PrintStream out = Streams.stdout();
            result.issues().forEach(out::println);
            long warnings = result.issues().stream().filter(i -> i.severity() == ValidationIssue.Severity.WARNING).count();
            out.printf("%d entries, %d errors, %d warnings: %s%n", result.entries().size(), result.errors().size(),
                    warnings, result.valid() ? "valid" : "NOT valid");
            boolean valid = result.valid();
            Phrasings phrasings = Phrasings.load(seeds.resolve(Phrasings.FOLDER));
            List<ValidationIssue> phrasingIssues = phrasings.validate(result.entries().stream().map(org.dari.knowledge.Entry::id)
                    .collect(java.util.stream.Collectors.toSet()));
            phrasingIssues.forEach(out::println);
            boolean phrasingsValid = phrasingIssues.stream().noneMatch(i -> i.severity() == ValidationIssue.Severity.ERROR);
            out.printf("phrasings: %d for %d ids: %s%n", phrasings.size(), phrasings.byId().size(), phrasingsValid ? "valid" : "NOT valid");
            valid &= phrasingsValid;
            Path urgent = seeds.resolve(UrgentAnswers.FOLDER);
            if (Files.isDirectory(urgent)) {
                try {
                    UrgentAnswers answers = UrgentAnswers.load(urgent);
                    out.printf("urgent answers: %d kinds: valid%n", answers.kinds().size());
                } catch (UrgentAnswers.InvalidException e) {
                    e.problems().forEach(p -> out.println("error: " + UrgentAnswers.FOLDER + "/" + p));
                    out.println("urgent answers: NOT valid");
                    valid = false;
                }
            }
            try {
                UrgentDetector.load(Home.locate().resolve(config.knowledge().i18nDir()));
                out.println("urgent word lists: valid");
            } catch (IOException e) {
                out.println("error: " + e.getMessage());
                out.println("urgent word lists: NOT valid");
                valid = false;
            }
            return valid ? 0 : 1;
        }
    }

    @Command(name = "ask", mixinStandardHelpOptions = true,
            description = {"Show the decision and the top 3 entries for a question.",
                    "With --json and no question: read questions from stdin, one per line, print one JSON object per line."})
    static final class Ask implements Callable<Integer> {
        @Mixin
        BotOptions options = new BotOptions();

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Option(names = "--lang", description = "ko or en (default: detected from the question).")
        String lang;

        @Parameters(arity = "0..*", paramLabel = "QUESTION")
        List<String> words;

        @Override
        public Integer call() throws Exception {
            Config config = options.load(System.getenv());
            UrgentDetector detector = openDetector(config, Home.locate());
            try (KnowledgeService kb = openOrExplain(config, Home.locate())) {
                PrintStream out = Streams.stdout();
                ObjectMapper mapper = new ObjectMapper();
                if (words == null || words.isEmpty()) {
                    if (!json) throw new Main.UsageException("give a question, or use --json to read questions from stdin");
                    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                    String line;
                    while ((line = in.readLine()) != null) {
                        if (line.isBlank()) continue;
                        out.println(mapper.writeValueAsString(toJson(mapper, line, decide(kb, line), detector.detect(line))));
                    }
                    return 0;
                }
                String question = String.join(" ", words);
                Decision d = decide(kb, question);
                if (json) {
                    out.println(mapper.writeValueAsString(toJson(mapper, question, d, detector.detect(question))));
                } else {
                    out.println("urgent: " + detector.detect(question).map(UrgentKind::id).orElse("no"));
                    out.println("decision: " + d.kindCode() + " (" + d.reason().name().toLowerCase() + "), lang: " + d.lang().code());
                    for (Retriever.Match m : d.matches()) {
                        out.printf("  %-28s score %.3f%n", m.id(), m.score());
                    }
                }
                return 0;
            }
        }

        private Decision decide(KnowledgeService kb, String question) throws Main.UsageException {
            Lang l = lang == null ? Lang.detect(question).orElse(Lang.KO)
                    : Lang.fromCode(lang).orElseThrow(() -> new Main.UsageException("--lang must be ko or en"));
            return kb.decide(question, l);
        }
    }

    static ObjectNode toJson(ObjectMapper mapper, String question, Decision d, Optional<UrgentKind> urgent) {
        ObjectNode o = mapper.createObjectNode();
        o.put("question", question);
        o.put("lang", d.lang().code());
        o.put("urgent", urgent.isPresent());
        if (urgent.isPresent()) o.put("urgent_kind", urgent.get().id());
        else o.putNull("urgent_kind");
        o.put("decision", d.kindCode());
        ArrayNode matches = o.putArray("matches");
        for (Retriever.Match m : d.matches()) {
            matches.addObject().put("id", m.id()).put("score", Math.round(m.score() * 1000) / 1000.0);
        }
        return o;
    }

    @Command(name = "eval", mixinStandardHelpOptions = true,
            description = {"Measure answers against a TSV of questions (lang, expected id(s) or NONE or MENU, question),",
                    "with the urgent detector's false alarms on them;",
                    "or the urgent detector against a TSV of urgent cases (message, label = a kind id or calm)."})
    static final class Eval implements Callable<Integer> {
        @Mixin
        BotOptions options = new BotOptions();

        @Parameters(arity = "1..*", paramLabel = "FILE", description = "One or more question files (their questions are pooled).")
        List<Path> files;

        @Option(names = "--holdout", paramLabel = "FILE",
                description = "With --tune: tune on FILE(s), then score this file (never seen by the tuning) with what was found.")
        Path holdout;

        @Option(names = "--misses", description = "List the questions that were not answered right (and urgent misses and false alarms).")
        boolean misses;

        @Option(names = "--urgent", description = "FILE holds urgent cases (found out from the format when not given).")
        boolean urgent;

        @Option(names = "--dump", hidden = true, description = "Print the ranking features of every question (TSV).")
        boolean dump;

        @Option(names = "--knowledge-only", description = "Measure the knowledge base alone, without the conversation's"
                + " reading of commands, small talk and greetings that comes first in a conversation.")
        boolean knowledgeOnly;

        @Option(names = "--tune", description = "Search for the classifier weight and decision thresholds that do best on FILE(s) and print them.")
        boolean tune;

        @Override
        public Integer call() throws Exception {
            for (Path file : files) {
                if (!Files.isRegularFile(file)) throw new Main.UsageException("no such file: " + file);
            }
            if (holdout != null && !tune) throw new Main.UsageException("--holdout needs --tune");
            if (holdout != null && !Files.isRegularFile(holdout)) throw new Main.UsageException("no such file: " + holdout);
            Config config = options.load(System.getenv());
            UrgentDetector detector = openDetector(config, Home.locate());
            try (KnowledgeService kb = openOrExplain(config, Home.locate())) {
                PrintStream out = Streams.stdout();
                UrgentEvaluation urgentEvaluation = new UrgentEvaluation(kb, detector);
                if (urgent || (files.size() == 1 && UrgentEvaluation.isUrgentFormat(files.get(0)))) {
                    for (Path file : files) out.print(urgentEvaluation.run(UrgentEvaluation.read(file)).render(misses));
                    return 0;
                }
                FrontDoor frontDoor = knowledgeOnly ? null : frontDoor(config, Home.locate(), kb);
                KbEvaluation evaluation = new KbEvaluation(kb, frontDoor);
                List<KbEvaluation.Question> questions = new java.util.ArrayList<>();
                for (Path file : files) questions.addAll(KbEvaluation.read(file));
                if (dump) {
                    out.print(evaluation.dump(questions));
                    return 0;
                }
                if (tune) {
                    KbEvaluation.Tuned tuned = evaluation.tune(questions);
                    out.print(tuned.summary());
                    if (holdout != null) {
                        Home home = Home.locate();
                        try (KnowledgeService held = new KnowledgeService(new KnowledgeService.Paths(
                                home.resolve(config.knowledge().seedsDir()), home.resolve(config.knowledge().i18nDir())),
                                Clock.systemUTC(), tuned.thresholds(), Retriever.Weights.defaults().withClassifier(tuned.classifierWeight()),
                                Streams.stderr()::println)) {
                            out.println("held out " + holdout.getFileName() + ", scored with the settings tuned above:");
                            out.print(new KbEvaluation(held, knowledgeOnly ? null : frontDoor(config, Home.locate(), held)).run(KbEvaluation.read(holdout)).render(misses));
                        }
                    }
                    return 0;
                }
                out.print(evaluation.run(questions).render(misses));
                out.print(urgentEvaluation.falseAlarms(questions).render(misses));
                return 0;
            }
        }
    }
}
