package org.dari.conversation;

import org.dari.knowledge.Lang;
import org.dari.log.SafeLog;
import org.dari.referral.ReferralException;
import org.dari.referral.Organisation;
import org.dari.referral.ReferralCode;
import org.dari.referral.ReferralContent;
import org.dari.referral.Service;
import org.dari.safety.Redactor;
import org.dari.safety.UrgentKind;
import org.dari.store.ReferralLinks;
import org.dari.transport.InboundMessage;
import org.dari.transport.OutboundMessage;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The person's side of a request for help: consent, the few questions, sealing and sending it to
 * an organisation's caseworkers; later, her messages to the organisation under her code, and the
 * end of her cases when she erases everything.
 */
final class ReferralFlow {
    private static final SafeLog LOG = SafeLog.of(ReferralFlow.class);
    private static final Pattern NUMBER = Pattern.compile("\\s*(\\d{1,2})\\s*[.)]?\\s*");
    private static final Set<String> YES = Set.of("네", "예", "응", "yes", "y", "ok", "좋아요", "보내", "보내기", "send");
    private static final Set<String> NOTHING = Set.of("없음", "없어요", "없다", "none", "no", "skip", "0", "-", "건너뛰기");
    private static final String MEDIA_TYPE = "application/pgp-encrypted";

    private final Referrals referrals;
    private final Messages messages;
    private final Redactor redactor;
    private final int noteMaxChars;
    /** Renders a knowledge-base entry as an answer, for when no organisation fits. */
    private final BiFunction<String, Session, String> entryAnswer;

    ReferralFlow(Referrals referrals, Messages messages, Redactor redactor, int noteMaxChars,
                 BiFunction<String, Session, String> entryAnswer) {
        this.referrals = referrals;
        this.messages = messages;
        this.redactor = redactor;
        this.noteMaxChars = noteMaxChars;
        this.entryAnswer = entryAnswer;
    }

    /** The help command: urgent if the last thing she told us was danger now. */
    void start(Session session, Reply.Builder out) {
        UrgentKind urgent = session.lastUrgent();
        Intake intake = new Intake(urgent, urgent == null ? null : serviceFor(urgent));
        session.startIntake(intake);
        out.say(messages.get(session.lang(), urgent == null ? "intake_consent" : "intake_consent_urgent"));
    }

    void cancel(Session session, Reply.Builder out) {
        session.endIntake();
        out.say(messages.get(session.lang(), "intake_cancelled"));
    }

    /** The next answer in a request being put together. */
    void step(InboundMessage message, String text, Session session, Reply.Builder out) {
        Intake intake = session.intake();
        Lang lang = session.lang();
        switch (intake.step()) {
            case CONSENT -> {
                String word = text.strip().toLowerCase(Locale.ROOT);
                int n = number(text);
                if (n == 2) {
                    cancel(session, out);
                } else if (n == 1 || YES.contains(word)) {
                    if (intake.urgent()) {
                        intake.moveTo(Intake.Step.NOTE);
                        out.say(messages.get(lang, "intake_note"));
                    } else {
                        intake.moveTo(Intake.Step.SERVICE);
                        out.say(serviceQuestion(lang));
                    }
                } else {
                    out.say(messages.get(lang, "intake_bad_choice"));
                }
            }
            case SERVICE -> {
                int n = number(text);
                if (n < 1 || n > Service.values().length) {
                    out.say(messages.get(lang, "intake_bad_choice"));
                    return;
                }
                intake.service(Service.values()[n - 1]);
                intake.moveTo(Intake.Step.PROVINCE);
                out.say(provinceQuestion(lang));
            }
            case PROVINCE -> {
                int n = number(text);
                List<String> ids = referrals.titles().provinceIds();
                if (n < 0 || n > ids.size()) {
                    out.say(messages.get(lang, "intake_bad_choice"));
                    return;
                }
                intake.province(n == 0 ? null : ids.get(n - 1));
                intake.moveTo(Intake.Step.NOTE);
                out.say(messages.get(lang, "intake_note"));
            }
            case NOTE -> {
                takeNote(text, intake, lang, out);
                Optional<Organisation> org = referrals.choose(intake.service(), lang, provinceFilter(intake.province()));
                if (org.isEmpty()) {
                    noOrganisation(intake, session, out);
                    return;
                }
                intake.organisationId(org.get().id());
                if (intake.urgent()) {
                    send(message, session, org.get(), out);
                } else {
                    intake.moveTo(Intake.Step.CONFIRM);
                    out.say(summary(intake, org.get(), lang));
                }
            }
            case CONFIRM -> {
                String word = text.strip().toLowerCase(Locale.ROOT);
                int n = number(text);
                if (n == 2) {
                    cancel(session, out);
                } else if (n == 1 || YES.contains(word)) {
                    Optional<Organisation> org = referrals.registry().byId(intake.organisationId()).filter(Organisation::active);
                    if (org.isEmpty()) {
                        noOrganisation(intake, session, out);
                    } else {
                        send(message, session, org.get(), out);
                    }
                } else {
                    out.say(messages.get(lang, "intake_bad_choice"));
                }
            }
        }
    }

    private void takeNote(String text, Intake intake, Lang lang, Reply.Builder out) {
        String note = text.strip();
        if (NOTHING.contains(note.toLowerCase(Locale.ROOT))) {
            intake.note("");
            return;
        }
        if (note.codePointCount(0, note.length()) > noteMaxChars) {
            note = note.substring(0, note.offsetByCodePoints(0, noteMaxChars));
            out.say(messages.get(lang, "intake_note_cut", "max", noteMaxChars));
        }
        Redactor.Result redacted = redactor.redact(note);
        if (redacted.changed()) out.say(messages.get(lang, "intake_note_masked"));
        intake.note(redacted.text());
    }

    private static String provinceFilter(String province) {
        return province == null || province.equals("elsewhere") ? null : province;
    }

    private void noOrganisation(Intake intake, Session session, Reply.Builder out) {
        Lang lang = session.lang();
        session.endIntake();
        LOG.warn("referral.no_organisation", "service", intake.service(), "lang", lang);
        out.say(messages.get(lang, "intake_no_organisation", "lang", messages.get(lang, "intake_lang_name")));
        out.say(entryAnswer.apply(fallbackEntry(intake), session));
    }

    private static String fallbackEntry(Intake intake) {
        if (intake.urgent()) return intake.urgentKind() == UrgentKind.SUICIDE ? "emotional-support" : "urgent-danger";
        return switch (intake.service()) {
            case LEGAL_INFORMATION -> "right-to-seek-asylum";
            case SHELTER, TRAFFICKING_VIOLENCE -> "trafficking-get-help";
            case SAFE_TRAVEL -> "safe-third-countries";
            case MEDICAL -> "health-care-access";
            case CHILDREN_REGISTRATION -> "child-registration";
            case EMOTIONAL_SUPPORT -> "emotional-support";
        };
    }

    private void send(InboundMessage message, Session session, Organisation org, Reply.Builder out) {
        Intake intake = session.intake();
        Lang lang = session.lang();
        ReferralCode code = newCode();
        ReferralContent content = new ReferralContent(code.display(), intake.service(), lang.code(),
                Optional.ofNullable(intake.province()), intake.note(), intake.urgent(),
                LocalDate.now(referrals.clock().withZone(ZoneOffset.UTC)));
        byte[] sealed;
        try {
            sealed = referrals.sealer().seal(content, org.certificates());
        } catch (ReferralException e) {
            // e.g. the organisation's key expired since start: keep the request so she can send it again
            LOG.error("referral.seal_failed", "error", SafeLog.kind(e));
            intake.moveTo(Intake.Step.CONFIRM);
            out.say(messages.get(lang, "try_again"));
            return;
        }
        Lang cwLang = Referrals.caseworkerLang(org);
        String notice = messages.get(cwLang, "cw_new_referral", "code", code.display(),
                "service", referrals.titles().service(intake.service(), cwLang), "lang", lang.code(),
                "province", intake.province() == null ? "-" : referrals.titles().province(intake.province(), cwLang).orElse("-"),
                "urgent", intake.urgent() ? " " + messages.get(cwLang, "cw_urgent_mark") : "");
        Referrals.toCaseworkers(org, notice,
                new OutboundMessage.Attachment("referral-" + code.display() + ".asc", MEDIA_TYPE, sealed), out);
        out.change(new ReferralLinks.Open(code.id(), code.secret(), org.id(), intake.urgent(), message.sender(), lang.code()));
        out.say(messages.get(lang, intake.urgent() ? "intake_sent_urgent" : "intake_sent",
                "organisation", org.name(lang.code()), "code", code.display()));
        session.holdsReferral(code.display());
        session.endIntake();
        LOG.info("referral.sent", "urgent", intake.urgent(), "service", intake.service(),
                "caseworkers", org.caseworkers().size());
    }

    private ReferralCode newCode() {
        for (int attempt = 0; ; attempt++) {
            ReferralCode code = ReferralCode.generate(referrals.random());
            if (attempt >= 8 || referrals.links().meta(code.id()).isEmpty()) return code;
        }
    }

    /** "CODE text": a message to the organisation of her case, if the code is hers. */
    boolean writeWithCode(InboundMessage message, String text, Session session, Reply.Builder out) {
        Optional<ReferralCode.Leading> leading = ReferralCode.leading(text);
        if (leading.isEmpty()) return false;
        ReferralCode code = leading.get().code();
        Optional<Organisation> org = ownCase(code, message.sender());
        if (org.isEmpty()) {
            out.say(messages.get(session.lang(), "not_recognised"));
            return true;
        }
        session.holdsReferral(code.display());
        relay(message.sender(), code, org.get(), leading.get().rest(), session, out);
        return true;
    }

    /** Her message while an exchange is open; false if there is none (or its case has ended). */
    boolean writeInExchange(InboundMessage message, String text, Session session, Reply.Builder out) {
        String key = referrals.personKey(message.sender());
        Optional<Exchanges.Exchange> exchange = referrals.exchanges().of(key);
        if (exchange.isEmpty()) return false;
        ReferralCode code = exchange.get().code();
        Optional<Organisation> org = ownCase(code, message.sender());
        if (org.isEmpty()) {
            referrals.exchanges().end(key);
            return false;
        }
        relay(message.sender(), code, org.get(), text, session, out);
        return true;
    }

    private void relay(String sender, ReferralCode code, Organisation org, String text, Session session, Reply.Builder out) {
        Lang lang = session.lang();
        boolean started = referrals.exchanges().start(referrals.personKey(sender),
                new Exchanges.Exchange(code));
        if (!text.isBlank()) {
            Lang cwLang = Referrals.caseworkerLang(org);
            Referrals.toCaseworkers(org, messages.get(cwLang, "cw_from_person", "code", code.display(), "text", text), null, out);
            out.change(new ReferralLinks.Touch(code.id()));
            out.say(messages.get(lang, "relayed_to_org", "organisation", org.name(lang.code())));
        }
        if (started) out.say(messages.get(lang, "exchange_started", "organisation", org.name(lang.code())));
    }

    /** The organisation of a case, if the code is right and the case belongs to this sender. */
    private Optional<Organisation> ownCase(ReferralCode code, String sender) {
        Optional<ReferralLinks.Link> link = referrals.links().link(code.id(), code.secret());
        if (link.isEmpty() || !link.get().person().equals(sender)) return Optional.empty();
        return referrals.links().meta(code.id()).flatMap(m -> referrals.registry().byId(m.orgId()));
    }

    /**
     * Ends every case of hers that can be reached (codes this session knows, the open exchange, a
     * code she named) and tells their organisations. Returns how many were ended.
     */
    int forgetCases(InboundMessage message, Optional<ReferralCode> named, Session session, Reply.Builder out) {
        String key = referrals.personKey(message.sender());
        Set<String> codes = new LinkedHashSet<>(session.referralCodes());
        referrals.exchanges().of(key).ifPresent(e -> codes.add(e.code().display()));
        named.ifPresent(c -> codes.add(c.display()));
        referrals.exchanges().end(key);
        List<String> ended = new ArrayList<>();
        for (String display : codes) {
            Optional<ReferralCode> code = ReferralCode.parse(display);
            if (code.isEmpty()) continue;
            Optional<Organisation> org = ownCase(code.get(), message.sender());
            if (org.isEmpty()) continue;
            Lang cwLang = Referrals.caseworkerLang(org.get());
            Referrals.toCaseworkers(org.get(), messages.get(cwLang, "cw_person_erased", "code", display), null, out);
            out.change(new ReferralLinks.Close(code.get().id()));
            ended.add(display);
        }
        if (!ended.isEmpty()) LOG.info("referral.erased_by_person", "cases", ended.size());
        return ended.size();
    }

    private String serviceQuestion(Lang lang) {
        StringBuilder list = new StringBuilder();
        Service[] all = Service.values();
        for (int i = 0; i < all.length; i++) {
            if (i > 0) list.append('\n');
            list.append(i + 1).append(". ").append(referrals.titles().service(all[i], lang));
        }
        return messages.get(lang, "intake_service", "services", list);
    }

    private String provinceQuestion(Lang lang) {
        StringBuilder list = new StringBuilder();
        List<String> ids = referrals.titles().provinceIds();
        for (int i = 0; i < ids.size(); i++) {
            if (i > 0) list.append('\n');
            list.append(i + 1).append(". ").append(referrals.titles().province(ids.get(i), lang).orElse(ids.get(i)));
        }
        return messages.get(lang, "intake_province", "provinces", list);
    }

    private String summary(Intake intake, Organisation org, Lang lang) {
        return messages.get(lang, "intake_confirm",
                "service", referrals.titles().service(intake.service(), lang),
                "province", intake.province() == null ? messages.get(lang, "intake_no_province")
                        : referrals.titles().province(intake.province(), lang).orElse("-"),
                "note", intake.note().isEmpty() ? messages.get(lang, "intake_none") : intake.note(),
                "organisation", org.name(lang.code()));
    }

    static Service serviceFor(UrgentKind kind) {
        return switch (kind) {
            case POLICE -> Service.LEGAL_INFORMATION;
            case VIOLENCE, CONFINED, TRAFFICKED -> Service.TRAFFICKING_VIOLENCE;
            case CHILD_TAKEN -> Service.CHILDREN_REGISTRATION;
            case SUICIDE -> Service.EMOTIONAL_SUPPORT;
            case FOLLOWED, GENERAL -> Service.SHELTER;
        };
    }

    private static int number(String text) {
        Matcher m = NUMBER.matcher(text);
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }
}
