package dev.aigateway.db.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.db.Migrations;
import dev.aigateway.db.testing.SharedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

class PriorityInversionMigrationTest {

  @Test
  void storedModelsKeepTheirFirstChoiceWhenZeroBecomesTheFirstPriority() throws SQLException {
    SharedPostgres postgres = SharedPostgres.get();
    String name = "priority_migration_" + ProcessHandle.current().pid();
    execute(postgres.dataSource("postgres"), "drop database if exists " + name);
    execute(postgres.dataSource("postgres"), "create database " + name);
    try {
      DataSource db = postgres.dataSource(name);
      Flyway.configure()
          .dataSource(db)
          .locations("classpath:db/migration")
          .target("32")
          .load()
          .migrate();
      execute(
          db,
          """
          insert into providers (id, name, schema, base_url) values
            ('00000000-0000-0000-0000-000000000001', 'a', 'openai', 'https://a.example/v1'),
            ('00000000-0000-0000-0000-000000000002', 'b', 'openai', 'https://b.example/v1'),
            ('00000000-0000-0000-0000-000000000003', 'c', 'openai', 'https://c.example/v1');
          insert into models (id, name) values
            ('00000000-0000-0000-0000-00000000000a', 'three-levels'),
            ('00000000-0000-0000-0000-00000000000b', 'one-level');
          insert into model_targets
            (id, model_id, provider_id, upstream_model, weight, priority, position) values
            (gen_random_uuid(), '00000000-0000-0000-0000-00000000000a',
             '00000000-0000-0000-0000-000000000001', 'low', 1, -3, 0),
            (gen_random_uuid(), '00000000-0000-0000-0000-00000000000a',
             '00000000-0000-0000-0000-000000000002', 'top', 1, 10, 1),
            (gen_random_uuid(), '00000000-0000-0000-0000-00000000000a',
             '00000000-0000-0000-0000-000000000003', 'mid', 1, 2, 2),
            (gen_random_uuid(), '00000000-0000-0000-0000-00000000000a',
             '00000000-0000-0000-0000-000000000001', 'top-too', 2, 10, 3),
            (gen_random_uuid(), '00000000-0000-0000-0000-00000000000b',
             '00000000-0000-0000-0000-000000000001', 'only', 1, 0, 0);
          """);

      Migrations.migrate(db);

      assertThat(rows(db, "select upstream_model || '=' || priority from model_targets"))
          .containsExactlyInAnyOrder("top=0", "top-too=0", "mid=1", "low=2", "only=0");
      assertThat(
              rows(
                  db,
                  "select name || ' ' || array_to_string(failover_retry_on, ',') || ' '"
                      + " || failover_attempts || ' ' || failover_per_attempt_timeout_ms"
                      + " from models"))
          .containsExactlyInAnyOrder(
              "three-levels connect-failure,reset,5xx,429,529 3 0",
              "one-level connect-failure,reset,5xx,429,529 3 0");
    } finally {
      execute(postgres.dataSource("postgres"), "drop database if exists " + name + " with (force)");
    }
  }

  private static List<String> rows(DataSource db, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      while (r.next()) {
        out.add(r.getString(1));
      }
    }
    return out;
  }

  private static void execute(DataSource db, String sql) throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
