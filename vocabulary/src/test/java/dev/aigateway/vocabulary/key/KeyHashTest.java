package dev.aigateway.vocabulary.key;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeyHashTest {

  @Test
  void hashIsSha256OfTheUtf8KeySoStoredHashesKeepMatching() {
    // A known SHA-256 vector: keys stored by earlier versions must still be found.
    assertThat(KeyHash.hex("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(KeyHash.hex(KeyHash.of("sk-gw-é"))).isEqualTo(KeyHash.hex("sk-gw-é"));
    assertThat(KeyHash.of("sk-gw-a")).isNotEqualTo(KeyHash.of("sk-gw-b"));
  }
}
