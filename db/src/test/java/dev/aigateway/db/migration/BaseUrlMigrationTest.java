package dev.aigateway.db.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.db.Migrations;
import dev.aigateway.db.testing.SharedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

class BaseUrlMigrationTest {

  @Test
  void storedOpenAiProvidersKeepCallingTheSameUpstreamPathInTheSdkForm() throws SQLException {
    SharedPostgres postgres = SharedPostgres.get();
    String name = "base_url_migration_" + ProcessHandle.current().pid();
    execute(postgres.dataSource("postgres"), "drop database if exists " + name);
    execute(postgres.dataSource("postgres"), "create database " + name);
    try {
      DataSource db = postgres.dataSource(name);
      Flyway.configure()
          .dataSource(db)
          .locations("classpath:db/migration")
          .target("20")
          .load()
          .migrate();
      execute(
          db,
          """
          insert into providers (id, name, schema, base_url, settings) values
            (gen_random_uuid(), 'openai', 'openai', 'https://api.openai.com', '{"organization":"o"}'),
            (gen_random_uuid(), 'proxied', 'openai', 'https://proxy.example/openai/', '{}'),
            (gen_random_uuid(), 'vllm', 'openai_compatible', 'http://vllm:8000', '{}'),
            (gen_random_uuid(), 'custom', 'openai_compatible', 'http://h:1', '{"base_path":"/api/v1"}'),
            (gen_random_uuid(), 'claude', 'anthropic', 'https://api.anthropic.com', '{}')
          """);

      Migrations.migrate(db);

      assertThat(providers(db))
          .containsExactlyInAnyOrderEntriesOf(
              Map.of(
                  "openai", "https://api.openai.com/v1 {\"organization\": \"o\"} 2",
                  "proxied", "https://proxy.example/openai/v1 {} 2",
                  "vllm", "http://vllm:8000/v1 {} 2",
                  "custom", "http://h:1/api/v1 {} 2",
                  "claude", "https://api.anthropic.com {} 1"));
    } finally {
      execute(postgres.dataSource("postgres"), "drop database if exists " + name + " with (force)");
    }
  }

  private static Map<String, String> providers(DataSource db) throws SQLException {
    Map<String, String> rows = new LinkedHashMap<>();
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("select name, base_url, settings, version from providers")) {
      while (r.next()) {
        rows.put(r.getString(1), r.getString(2) + " " + r.getString(3) + " " + r.getLong(4));
      }
    }
    return rows;
  }

  private static void execute(DataSource db, String sql) throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
