/**
 * Requests for help to vetted organisations: the {@link org.dari.referral.OrganisationRegistry}
 * (from {@code config/organisations.yaml}, every key checked by {@link org.dari.referral.KeyCheck}),
 * the bot's own {@link org.dari.referral.BotSigningKey}, and the {@link org.dari.referral.ReferralSealer}
 * that encrypts a referral to an organisation's keys. Depends on {@code org.dari.store} and
 * {@code org.dari.log} only.
 */
package org.dari.referral;
