package dev.storyline.instagram;

import dev.storyline.config.Secret;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenCipherTest {
    static String key() {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        return Base64.getEncoder().encodeToString(raw);
    }

    @Test
    @DisplayName("a token round-trips; the stored bytes do not contain it and differ each time (random nonce)")
    void roundTrip() {
        TokenCipher cipher = TokenCipher.of(Secret.of(key())).orElseThrow();
        String token = "EAAGm0PX4ZCpsBAKZCZCexample-token";
        byte[] first = cipher.encrypt(token, -1, "17841400000000001");
        byte[] second = cipher.encrypt(token, -1, "17841400000000001");
        assertThat(new String(first, StandardCharsets.ISO_8859_1)).doesNotContain(token).doesNotContain("EAAG");
        assertThat(first).isNotEqualTo(second);
        assertThat(cipher.decrypt(first, -1, "17841400000000001").token().reveal()).isEqualTo(token);
        assertThat(cipher.decrypt(second, -1, "17841400000000001").legacy()).isFalse();
        assertThat(cipher.decrypt(second, -1, "17841400000000001").token().toString()).doesNotContain(token);
    }

    @Test
    @DisplayName("another key, a damaged value or no key at all give a sentence, not a stack trace")
    void wrongKey() {
        TokenCipher first = TokenCipher.of(Secret.of(key())).orElseThrow();
        byte[] stored = first.encrypt("secret-token", -1, "a");
        TokenCipher other = TokenCipher.of(Secret.of(key())).orElseThrow();
        assertThatThrownBy(() -> other.decrypt(stored, -1, "a")).isInstanceOf(TokenCipher.KeyMismatch.class)
                .hasMessageContaining("ENCRYPTION_KEY is not the key this token was stored with")
                .hasMessageContaining("stored under key id " + first.keyId() + ", this key's id is " + other.keyId())
                .satisfies(e -> assertThat(e.getStackTrace()).isEmpty());
        assertThatThrownBy(() -> TokenCipher.of(Secret.of(key())).orElseThrow().decrypt(new byte[] {1, 2}, -1, "a"))
                .isInstanceOf(TokenCipher.KeyMismatch.class).hasMessageContaining("damaged");
        assertThat(TokenCipher.of(Secret.of(""))).isEmpty();
        assertThat(TokenCipher.missingKey()).contains("openssl rand -base64 32");
    }

    @Test
    @DisplayName("a ciphertext is bound to its tenant and account: copied to another tenant's row or account it does not open")
    void boundToTenantAndAccount() {
        TokenCipher cipher = TokenCipher.of(Secret.of(key())).orElseThrow();
        byte[] stored = cipher.encrypt("secret-token", -100, "178414");
        assertThatThrownBy(() -> cipher.decrypt(stored, -200, "178414")).isInstanceOf(TokenCipher.KeyMismatch.class)
                .hasMessageContaining("sealed for another tenant or account");
        assertThatThrownBy(() -> cipher.decrypt(stored, -100, "999999")).isInstanceOf(TokenCipher.KeyMismatch.class);
        assertThat(cipher.decrypt(stored, -100, "178414").token().reveal()).isEqualTo("secret-token");
    }

    @Test
    @DisplayName("a token stored by an older Storyline (no key id, no associated data) still opens, marked legacy")
    void legacy() {
        TokenCipher cipher = TokenCipher.of(Secret.of(key())).orElseThrow();
        for (int i = 0; i < 50; i++) { // some old nonces start with the new form's version byte
            TokenCipher.Opened opened = cipher.decrypt(cipher.encryptLegacy("old-token-" + i), -1, "a");
            assertThat(opened.legacy()).isTrue();
            assertThat(opened.token().reveal()).isEqualTo("old-token-" + i);
        }
        assertThat(cipher.keyId()).hasSize(16).isNotEqualTo(TokenCipher.of(Secret.of(key())).orElseThrow().keyId());
    }
}
