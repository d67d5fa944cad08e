/**
 * Everything Dari keeps on disk, and the keys that make it unreadable without them.
 *
 * <p>A {@link org.dari.store.MasterKey} (from a {@link org.dari.store.KeyFile} or a
 * {@link org.dari.store.PassphraseKey}) feeds a {@link org.dari.store.KeyRing} of subkeys, one per
 * {@link org.dari.store.KeyPurpose}. The {@link org.dari.store.Vault} is an SQLite file in which a
 * person appears only as a keyed pseudonym and every payload is sealed with AES-256-GCM; every row
 * expires. Depends on nothing of ours but {@code org.dari.log}.
 */
package org.dari.store;
