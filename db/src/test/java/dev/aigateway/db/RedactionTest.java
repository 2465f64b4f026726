package dev.aigateway.db;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactionTest {
  @Test
  void passwordsInJdbcUrlsAreMasked() {
    assertThat(Redaction.jdbcUrl("jdbc:postgresql://db:5432/gw?user=gw&password=hunter2&ssl=true"))
        .isEqualTo("jdbc:postgresql://db:5432/gw?user=gw&password=***&ssl=true");
    assertThat(Redaction.jdbcUrl("jdbc:postgresql://gw:hunter2@db/gw"))
        .isEqualTo("jdbc:postgresql://gw:***@db/gw");
    assertThat(Redaction.jdbcUrl("jdbc:postgresql://db/gw")).isEqualTo("jdbc:postgresql://db/gw");
  }
}
