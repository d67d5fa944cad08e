package org.dari.conversation;

import org.dari.knowledge.Lang;
import org.dari.log.SafeLog;
import org.dari.referral.Organisation;
import org.dari.referral.ReferralCode;
import org.dari.store.ReferralLinks;
import org.dari.transport.InboundMessage;
import org.dari.transport.OutboundMessage;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Caseworkers' commands: reply to, acknowledge, close and list their organisation's cases. Only a
 * registered caseworker account whose Signal identity is still the verified one may act, and only
 * on its own organisation's codes; every other attempt, from anyone, gets one and the same
 * "not recognised" answer, so an impostor learns nothing, not even whether a code exists.
 */
final class CaseworkerDesk {
    private static final SafeLog LOG = SafeLog.of(CaseworkerDesk.class);
    private static final Pattern COMMAND = Pattern.compile(
            "^\\s*(/)?\\s*(reply|답장|ack|접수|close|종결|open|열린)(?![\\p{L}\\p{N}])\\s*(.*)$",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL);

    enum Verb { REPLY, ACK, CLOSE, OPEN }

    private final Referrals referrals;
    private final Messages messages;

    CaseworkerDesk(Referrals referrals, Messages messages) {
        this.referrals = referrals;
        this.messages = messages;
    }

    /** A caseworker command from someone who may not use it: slash form, or a verb followed by a code. */
    static boolean looksLikeCommand(String text) {
        Matcher m = COMMAND.matcher(text);
        if (!m.matches()) return false;
        return m.group(1) != null || ReferralCode.leading(m.group(3)).isPresent();
    }

    /** Handles a message from a registered caseworker account. */
    void handle(InboundMessage message, String text, Session session, Reply.Builder out) {
        Lang lang = session.lang();
        Optional<Organisation> org = referrals.verifiedCaseworker(message.sender());
        if (org.isEmpty()) {
            LOG.warn("caseworker.not_verified");
            out.say(messages.get(lang, "not_recognised"));
            return;
        }
        Matcher m = COMMAND.matcher(text);
        if (!m.matches()) {
            out.say(messages.get(lang, "cw_help"));
            return;
        }
        Verb verb = verb(m.group(2));
        // the command word says the caseworker's language better than a line that is mostly a code
        lang = m.group(2).chars().anyMatch(c -> c >= 0xAC00 && c <= 0xD7A3) ? Lang.KO : Lang.EN;
        if (verb == Verb.OPEN) {
            listOpen(org.get(), lang, out);
            return;
        }
        Optional<ReferralCode.Leading> leading = ReferralCode.leading(m.group(3));
        Optional<Case> found = leading.flatMap(l -> ownCase(l.code(), org.get()));
        if (found.isEmpty() || (verb == Verb.REPLY && leading.get().rest().isBlank())) {
            out.say(messages.get(lang, "not_recognised"));
            return;
        }
        ReferralCode code = leading.get().code();
        Case c = found.get();
        Lang personLang = Lang.fromCode(c.link().lang()).orElse(Lang.KO);
        String orgName = org.get().name(personLang.code());
        switch (verb) {
            case REPLY -> {
                String reply = messages.get(personLang, "case_reply", "organisation", orgName, "code", code.display(),
                        "text", leading.get().rest());
                boolean started = referrals.exchanges().start(referrals.personKey(c.link().person()),
                        new Exchanges.Exchange(code));
                if (started) reply = reply + "\n\n" + messages.get(personLang, "exchange_started", "organisation", orgName);
                out.send(new OutboundMessage(c.link().person(), reply));
                out.change(new ReferralLinks.Touch(code.id()));
                out.say(messages.get(lang, "cw_sent", "code", code.display()));
                LOG.info("caseworker.replied");
            }
            case ACK -> {
                out.send(new OutboundMessage(c.link().person(), messages.get(personLang, "case_acknowledged",
                        "organisation", orgName, "code", code.display())));
                out.change(new ReferralLinks.Acknowledge(code.id()));
                out.say(messages.get(lang, "cw_acknowledged", "code", code.display()));
                LOG.info("caseworker.acknowledged");
            }
            case CLOSE -> {
                out.send(new OutboundMessage(c.link().person(), messages.get(personLang, "case_closed",
                        "organisation", orgName, "code", code.display())));
                out.change(new ReferralLinks.Close(code.id()));
                referrals.exchanges().end(referrals.personKey(c.link().person()));
                out.say(messages.get(lang, "cw_closed", "code", code.display()));
                LOG.info("caseworker.closed");
            }
            case OPEN -> throw new IllegalStateException("handled above");
        }
    }

    private record Case(ReferralLinks.Meta meta, ReferralLinks.Link link) {
    }

    /** A case of this organisation whose code, secret part included, is right. */
    private Optional<Case> ownCase(ReferralCode code, Organisation org) {
        Optional<ReferralLinks.Meta> meta = referrals.links().meta(code.id()).filter(m -> m.orgId().equals(org.id()));
        if (meta.isEmpty()) return Optional.empty();
        return referrals.links().link(code.id(), code.secret()).map(l -> new Case(meta.get(), l));
    }

    private void listOpen(Organisation org, Lang lang, Reply.Builder out) {
        List<ReferralLinks.Meta> open = referrals.links().openCases(org.id());
        if (open.isEmpty()) {
            out.say(messages.get(lang, "cw_open_none"));
            return;
        }
        LocalDate today = LocalDate.now(referrals.clock().withZone(ZoneOffset.UTC));
        StringBuilder s = new StringBuilder(messages.get(lang, "cw_open_header", "count", open.size()));
        for (ReferralLinks.Meta m : open) {
            s.append('\n').append(messages.get(lang, "cw_open_item", "code", ReferralCode.shortForm(m.codeId()),
                    "days", ChronoUnit.DAYS.between(m.opened(), today),
                    "state", messages.get(lang, m.acknowledged() ? "cw_state_acknowledged" : "cw_state_new"),
                    "urgent", m.urgent() ? " " + messages.get(lang, "cw_urgent_mark") : ""));
        }
        out.say(s.toString());
    }

    private static Verb verb(String word) {
        return switch (word.toLowerCase(Locale.ROOT)) {
            case "reply", "답장" -> Verb.REPLY;
            case "ack", "접수" -> Verb.ACK;
            case "close", "종결" -> Verb.CLOSE;
            default -> Verb.OPEN;
        };
    }
}
