package dev.aigateway.db.team;

import static dev.aigateway.db.jooq.Tables.API_KEYS;
import static dev.aigateway.db.jooq.Tables.TEAMS;

import dev.aigateway.db.Page;
import dev.aigateway.db.Ref;
import dev.aigateway.db.Times;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.jspecify.annotations.Nullable;

/** Teams. Every method runs in the caller's context. */
public final class TeamRepository {
  private static final Field<Integer> KEY_COUNT =
      DSL.field(DSL.selectCount().from(API_KEYS).where(API_KEYS.TEAM_ID.eq(TEAMS.ID)))
          .as("key_count");

  private TeamRepository() {}

  public static Optional<Team> find(DSLContext dsl, UUID id) {
    return one(dsl, TEAMS.ID.eq(id), false);
  }

  public static Optional<Team> findByName(DSLContext dsl, String name) {
    return one(dsl, TEAMS.NAME.eq(name), false);
  }

  public static Optional<Team> lock(DSLContext tx, UUID id) {
    return one(tx, TEAMS.ID.eq(id), true);
  }

  public static Page<Team> list(
      DSLContext dsl, @Nullable String nameContains, int limit, int offset) {
    Condition where =
        nameContains == null ? DSL.trueCondition() : TEAMS.NAME.containsIgnoreCase(nameContains);
    long total = dsl.fetchCount(TEAMS, where);
    List<Team> items =
        dsl.select(TEAMS.asterisk(), KEY_COUNT)
            .from(TEAMS)
            .where(where)
            .orderBy(TEAMS.CREATED_AT.desc(), TEAMS.ID)
            .limit(limit)
            .offset(offset)
            .fetch(TeamRepository::team);
    return new Page<>(items, total);
  }

  public static void insert(DSLContext tx, UUID id, String name) {
    tx.insertInto(TEAMS).set(TEAMS.ID, id).set(TEAMS.NAME, name).execute();
  }

  public static void rename(DSLContext tx, UUID id, String name) {
    tx.update(TEAMS)
        .set(TEAMS.NAME, name)
        .set(TEAMS.VERSION, TEAMS.VERSION.plus(1))
        .set(TEAMS.UPDATED_AT, Times.now())
        .where(TEAMS.ID.eq(id))
        .execute();
  }

  public static void delete(DSLContext tx, UUID id) {
    tx.deleteFrom(TEAMS).where(TEAMS.ID.eq(id)).execute();
  }

  /** The keys that belong to a team. */
  public static List<Ref> keysOf(DSLContext dsl, UUID teamId) {
    return dsl.select(API_KEYS.ID, API_KEYS.NAME)
        .from(API_KEYS)
        .where(API_KEYS.TEAM_ID.eq(teamId))
        .orderBy(API_KEYS.NAME)
        .fetch(r -> new Ref("key", r.value1(), r.value2()));
  }

  private static Optional<Team> one(DSLContext dsl, Condition where, boolean lock) {
    var query = dsl.select(TEAMS.asterisk(), KEY_COUNT).from(TEAMS).where(where);
    Record r = lock ? query.forUpdate().of(TEAMS).fetchOne() : query.fetchOne();
    return Optional.ofNullable(r).map(TeamRepository::team);
  }

  private static Team team(Record r) {
    return new Team(
        r.get(TEAMS.ID),
        r.get(TEAMS.NAME),
        r.get(KEY_COUNT),
        r.get(TEAMS.VERSION),
        Times.instant(r.get(TEAMS.CREATED_AT)),
        Times.instant(r.get(TEAMS.UPDATED_AT)));
  }
}
