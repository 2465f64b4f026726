package dev.aigateway.codegen;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.jooq.codegen.GenerationTool;
import org.jooq.meta.jaxb.Configuration;
import org.jooq.meta.jaxb.Database;
import org.jooq.meta.jaxb.Generate;
import org.jooq.meta.jaxb.Generator;
import org.jooq.meta.jaxb.Jdbc;
import org.jooq.meta.jaxb.Logging;
import org.jooq.meta.jaxb.Target;

/**
 * Generates jOOQ classes from the Flyway migrations by applying them to a throw-away embedded
 * PostgreSQL, so the generated code matches exactly what real PostgreSQL makes of them.
 *
 * <p>Arguments: migrations directory, output directory, package name. Skips the work when the
 * output is newer than every migration.
 */
public final class GenerateJooq {
  private static final String STAMP = ".generated-from-migrations";

  private GenerateJooq() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      throw new IllegalArgumentException("usage: GenerateJooq MIGRATIONS_DIR OUTPUT_DIR PACKAGE");
    }
    Path migrations = Path.of(args[0]).toAbsolutePath();
    Path output = Path.of(args[1]).toAbsolutePath();
    String packageName = args[2];
    Path stamp = output.resolve(STAMP);
    if (upToDate(migrations, stamp)) {
      return;
    }
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
      String url = postgres.getJdbcUrl("postgres", "postgres");
      Flyway.configure()
          .dataSource(postgres.getPostgresDatabase())
          .locations("filesystem:" + migrations)
          .load()
          .migrate();
      GenerationTool.generate(
          new Configuration()
              .withLogging(Logging.WARN)
              .withJdbc(
                  new Jdbc().withDriver("org.postgresql.Driver").withUrl(url).withUser("postgres"))
              .withGenerator(
                  new Generator()
                      .withDatabase(
                          new Database()
                              .withName("org.jooq.meta.postgres.PostgresDatabase")
                              .withInputSchema("public")
                              .withOutputSchemaToDefault(true)
                              .withIncludes(".*")
                              .withExcludes("flyway_schema_history"))
                      .withGenerate(
                          new Generate()
                              .withJavaTimeTypes(true)
                              .withRecords(true)
                              .withPojos(false)
                              .withDaos(false)
                              .withComments(false))
                      .withTarget(
                          new Target()
                              .withPackageName(packageName)
                              .withDirectory(output.toString()))));
    }
    Files.createDirectories(output);
    Files.writeString(stamp, "");
  }

  private static boolean upToDate(Path migrations, Path stamp) throws IOException {
    if (!Files.exists(stamp)) {
      return false;
    }
    FileTime generated = Files.getLastModifiedTime(stamp);
    try (Stream<Path> files = Files.list(migrations)) {
      return files.allMatch(
          f -> {
            try {
              return Files.getLastModifiedTime(f).compareTo(generated) < 0;
            } catch (IOException e) {
              return false;
            }
          });
    }
  }
}
