package org.dari.conversation;

import org.dari.store.ReferralLinks;
import org.dari.transport.OutboundMessage;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything one message causes: replies to its sender, messages to other accounts (a referral
 * to caseworkers, a relayed answer), changes to referral links, and whether everything about the
 * sender is to be erased first. The store applies all of it in one transaction.
 */
public record Reply(List<String> texts, List<OutboundMessage> relayed, List<ReferralLinks.Op> linkOps,
                    boolean eraseSender) {
    public Reply {
        texts = List.copyOf(texts);
        relayed = List.copyOf(relayed);
        linkOps = List.copyOf(linkOps);
    }

    /** Counts only: the texts (a relayed caseworker's words among them) never reach a log. */
    @Override
    public String toString() {
        return "Reply[texts=" + texts.size() + ", relayed=" + relayed.size() + ", linkOps=" + linkOps.size()
                + ", eraseSender=" + eraseSender + "]";
    }

    public static Reply of(List<String> texts) {
        return new Reply(texts, List.of(), List.of(), false);
    }

    /** Collects a reply while a flow works. */
    static final class Builder {
        private final List<String> texts = new ArrayList<>();
        private final List<String> preface = new ArrayList<>();
        private final List<OutboundMessage> relayed = new ArrayList<>();
        private final List<ReferralLinks.Op> ops = new ArrayList<>();
        private boolean erase;

        Builder say(String text) {
            texts.add(text);
            return this;
        }

        /** Lines that go at the top of the first reply (a notice), in the same message. */
        Builder preface(List<String> lines) {
            preface.addAll(lines);
            return this;
        }

        Builder sayAll(List<String> more) {
            texts.addAll(more);
            return this;
        }

        Builder send(OutboundMessage message) {
            relayed.add(message);
            return this;
        }

        Builder change(ReferralLinks.Op op) {
            ops.add(op);
            return this;
        }

        Builder erase() {
            erase = true;
            return this;
        }

        List<String> texts() {
            return texts;
        }

        Reply build() {
            List<String> all = new ArrayList<>(texts);
            if (!preface.isEmpty()) {
                String top = String.join("\n\n", preface);
                if (all.isEmpty()) all.add(top);
                else all.set(0, top + "\n\n" + all.get(0));
            }
            return new Reply(all, relayed, ops, erase);
        }
    }
}
