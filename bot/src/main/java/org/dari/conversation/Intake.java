package org.dari.conversation;

import org.dari.referral.Service;
import org.dari.safety.UrgentKind;

/**
 * A request for help being put together, step by step, in memory only. Nothing of it is kept if
 * the person stops or goes quiet.
 */
public final class Intake {
    public enum Step { CONSENT, SERVICE, PROVINCE, NOTE, CONFIRM }

    private Step step = Step.CONSENT;
    private UrgentKind urgent;
    private Service service;
    private String province;
    private String note = "";
    private String organisationId;

    public Intake(UrgentKind urgent, Service service) {
        this.urgent = urgent;
        this.service = service;
    }

    public Step step() {
        return step;
    }

    void moveTo(Step next) {
        step = next;
    }

    public boolean urgent() {
        return urgent != null;
    }

    public UrgentKind urgentKind() {
        return urgent;
    }

    /** Danger came up while she was writing her note: the request goes out as urgent. */
    void markUrgent(UrgentKind kind) {
        if (urgent == null) urgent = kind;
    }

    public Service service() {
        return service;
    }

    void service(Service chosen) {
        service = chosen;
    }

    public String province() {
        return province;
    }

    void province(String chosen) {
        province = chosen;
    }

    public String note() {
        return note;
    }

    void note(String written) {
        note = written;
    }

    public String organisationId() {
        return organisationId;
    }

    void organisationId(String id) {
        organisationId = id;
    }

    @Override
    public String toString() {
        return "Intake[" + step + "]";
    }
}
