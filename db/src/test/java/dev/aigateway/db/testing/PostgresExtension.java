package dev.aigateway.db.testing;

import dev.aigateway.db.Database;
import java.util.Properties;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test class a real, migrated PostgreSQL database of its own: declare a {@link Database}
 * parameter on a constructor, a lifecycle method or a test method.
 *
 * <pre>{@code
 * @ExtendWith(PostgresExtension.class)
 * class KeyRepositoryTest {
 *   KeyRepositoryTest(Database db) { ... }
 * }
 * }</pre>
 */
public final class PostgresExtension
    implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(PostgresExtension.class);

  private record ClassDatabase(String name, Database database) {}

  @Override
  public void beforeAll(ExtensionContext context) {
    classDatabase(context);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    ClassDatabase db = context.getStore(NAMESPACE).remove("db", ClassDatabase.class);
    if (db != null) {
      db.database().close();
      SharedPostgres.get().dropDatabase(db.name());
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Database.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return classDatabase(context).database();
  }

  private static ClassDatabase classDatabase(ExtensionContext context) {
    ExtensionContext owner = context;
    while (owner.getTestMethod().isPresent()) {
      owner = owner.getParent().orElseThrow();
    }
    return owner
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(
            "db",
            key -> {
              SharedPostgres shared = SharedPostgres.get();
              String name = shared.createDatabase();
              Properties credentials = new Properties();
              credentials.setProperty("user", "postgres");
              return new ClassDatabase(
                  name, Database.connect(shared.jdbcUrl(name), credentials, 16));
            },
            ClassDatabase.class);
  }
}
