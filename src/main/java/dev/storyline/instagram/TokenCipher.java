package dev.storyline.instagram;

import dev.storyline.config.Secret;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * AES-256-GCM for the tokens Storyline stores (D19): {@code 0x02 || key id (8 bytes) || nonce (12
 * bytes) || ciphertext || tag}, sealed with the tenant and the account as associated data, so a
 * ciphertext copied to another tenant's row (or account) does not open, and the key id says which key
 * a token was stored with. Built from {@code ENCRYPTION_KEY}; without a valid key nothing is stored or
 * read, and another key gives {@link KeyMismatch}, a message, not a stack trace. Tokens stored by an
 * older Storyline ({@code nonce || ciphertext || tag}, no associated data) still open, as
 * {@link Opened#legacy}, and are sealed again in the new form by their repository.
 */
public final class TokenCipher {
    public static final String HOW_TO_GENERATE = "generate one with `openssl rand -base64 32`, put it in .env as ENCRYPTION_KEY=… and keep it: "
            + "tokens stored under one key cannot be read under another";
    private static final int NONCE_BYTES = 12;
    private static final byte VERSION = 2;
    private static final int KEY_ID_BYTES = 8;
    private static final int HEADER = 1 + KEY_ID_BYTES;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final byte[] keyId;

    /** A token opened, and whether it was stored in the old form (to be sealed again). */
    public record Opened(Secret token, boolean legacy) {
    }

    private TokenCipher(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
        this.keyId = Arrays.copyOf(derive("storyline key id"), KEY_ID_BYTES);
    }

    /** Which key this is (hex, 16 characters): safe to show, says nothing of the key. */
    public String keyId() {
        return java.util.HexFormat.of().formatHex(keyId);
    }

    private static byte[] associated(long tenantId, String accountId) {
        return ("storyline instagram token|" + tenantId + "|" + accountId).getBytes(StandardCharsets.UTF_8);
    }

    /** The cipher for a configured key; empty when none is set (the config parser has already rejected a malformed one). */
    public static Optional<TokenCipher> of(Secret encryptionKey) {
        if (!encryptionKey.isPresent()) {
            return Optional.empty();
        }
        byte[] raw = Base64.getDecoder().decode(encryptionKey.reveal());
        if (raw.length != 32) {
            throw new IllegalArgumentException("ENCRYPTION_KEY must be base64 of 32 bytes; " + HOW_TO_GENERATE);
        }
        return Optional.of(new TokenCipher(raw));
    }

    /** Why tokens cannot be stored or read here. */
    public static String missingKey() {
        return "ENCRYPTION_KEY is not set, so Instagram tokens can be neither stored nor read: " + HOW_TO_GENERATE + ".";
    }

    /** Seals a token for this tenant and account. */
    public byte[] encrypt(String plain, long tenantId, String accountId) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associated(tenantId, accountId));
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[HEADER + NONCE_BYTES + sealed.length];
            out[0] = VERSION;
            System.arraycopy(keyId, 0, out, 1, KEY_ID_BYTES);
            System.arraycopy(nonce, 0, out, HEADER, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, HEADER + NONCE_BYTES, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    /** Opens a token stored for this tenant and account, in either form. */
    public Opened decrypt(byte[] stored, long tenantId, String accountId) {
        if (stored == null || stored.length <= NONCE_BYTES) {
            throw new KeyMismatch("the stored token is damaged");
        }
        boolean current = stored.length > HEADER + NONCE_BYTES && stored[0] == VERSION;
        if (current && Arrays.equals(keyId, 0, KEY_ID_BYTES, stored, 1, HEADER)) {
            try {
                return new Opened(open(stored, HEADER, associated(tenantId, accountId)), false);
            } catch (AEADBadTagException e) {
                throw new KeyMismatch("the stored token was sealed for another tenant or account (or is damaged): "
                        + "connect the account again");
            }
        }
        try {
            return new Opened(open(stored, 0, null), true); // the form before key ids (a legacy nonce may start with 0x02 too)
        } catch (AEADBadTagException e) {
            String which = current ? " (it was stored under key id " + java.util.HexFormat.of().formatHex(stored, 1, HEADER)
                    + ", this key's id is " + keyId() + ")" : "";
            throw new KeyMismatch("ENCRYPTION_KEY is not the key this token was stored with" + which + "; set the original key, "
                    + "or connect the account again to store the token under the new one");
        }
    }

    private Secret open(byte[] stored, int offset, byte[] associated) throws AEADBadTagException {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, stored, offset, NONCE_BYTES));
            if (associated != null) {
                cipher.updateAAD(associated);
            }
            int start = offset + NONCE_BYTES;
            return Secret.of(new String(cipher.doFinal(stored, start, stored.length - start), StandardCharsets.UTF_8));
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    /** The old form (no key id, no associated data): only tests write it now, to prove old rows still open. */
    byte[] encryptLegacy(String plain) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    /** A key for signing (media URLs), derived from the encryption key so there is one secret to keep. */
    public byte[] derive(String purpose) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
            return mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
        }
    }

    /** A stored token cannot be read with the configured key. */
    public static final class KeyMismatch extends RuntimeException {
        public KeyMismatch(String message) {
            super(message, null, false, false);
        }
    }
}
