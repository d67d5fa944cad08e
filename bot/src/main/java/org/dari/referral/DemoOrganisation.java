package org.dari.referral;

/**
 * The demo organisation's key: its secret half ships in {@code config/demo/} for the console demo,
 * so it is public. Only an organisation marked {@code demo: true} may use it.
 */
public final class DemoOrganisation {
    public static final String FINGERPRINT = "AA0B9CE7723435219770B06A5BDC657ACEF3FCAA";

    private DemoOrganisation() {
    }
}
