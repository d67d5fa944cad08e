package org.dari.conversation;

import org.dari.knowledge.KnowledgeService;
import org.dari.knowledge.Lang;
import org.dari.knowledge.Retriever;
import org.dari.knowledge.Thresholds;
import org.dari.knowledge.UrgentAnswers;
import org.dari.referral.BotSigningKey;
import org.dari.referral.OrganisationRegistry;
import org.dari.referral.ReferralSealer;
import org.dari.safety.Redactor;
import org.dari.safety.UrgentDetector;
import org.dari.store.KeyRing;
import org.dari.store.MasterKey;
import org.dari.store.Retention;
import org.dari.store.Vault;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.UnaryOperator;

/** A conversation with every part real: knowledge base, urgent detection, the bundled registry, a vault in a temp folder. */
final class TestConversations {
    static final Path HOME = Path.of(System.getProperty("dari.home", "..")).toAbsolutePath().normalize();

    record Fixture(Conversation conversation, Vault vault, KeyRing keys, Messages messages, UnaryOperator<String> personKey,
                   Exchanges exchanges, Referrals referrals) implements AutoCloseable {
        @Override
        public void close() {
            vault.close();
            keys.close();
        }
    }

    private TestConversations() {
    }

    /** Built once for all tests: the bundled knowledge base does not change while they run. */
    private static final class SharedKnowledge {
        static final KnowledgeService KB = new KnowledgeService(new KnowledgeService.Paths(HOME.resolve("seeds"),
                HOME.resolve("i18n")), Clock.systemUTC(), Thresholds.defaults(), Retriever.Weights.defaults(), n -> { });
    }

    static Fixture create(Path dir, PrivacyFacts facts, Map<String, Map<Lang, String>> categoryTitles,
                          Referrals.IdentityCheck identity) throws Exception {
        return create(dir, facts, categoryTitles, identity, HOME.resolve("config/organisations.yaml"));
    }

    static Fixture create(Path dir, PrivacyFacts facts, Map<String, Map<Lang, String>> categoryTitles,
                          Referrals.IdentityCheck identity, Path registry) throws Exception {
        Path i18n = HOME.resolve("i18n");
        Messages messages = Messages.load(i18n);
        KnowledgeService kb = SharedKnowledge.KB;
        KeyRing keys = new KeyRing(MasterKey.generate());
        Vault vault = Vault.open(dir, keys, Clock.systemUTC(), Retention.DEFAULTS);
        UnaryOperator<String> personKey = s -> HexFormat.of().formatHex(keys.pseudonyms().of(s));
        Exchanges exchanges = new Exchanges(Duration.ofHours(24), 1000);
        Referrals referrals = new Referrals(OrganisationRegistry.load(registry, Clock.systemUTC()),
                vault.referrals(), new ReferralSealer(BotSigningKey.loadOrCreate(dir, keys)), exchanges, identity,
                ServiceTitles.load(i18n.resolve("services.yaml")), personKey, Clock.systemUTC(), Duration.ofDays(30));
        Conversation conversation = new Conversation(kb, messages, CommandWords.load(i18n.resolve("commands.yaml")),
                categoryTitles, facts,
                new Conversation.Urgency(UrgentDetector.load(i18n), UrgentAnswers.load(HOME.resolve("seeds/urgent"))),
                referrals, new Redactor(), 2000, 300);
        return new Fixture(conversation, vault, keys, messages, personKey, exchanges, referrals);
    }
}
