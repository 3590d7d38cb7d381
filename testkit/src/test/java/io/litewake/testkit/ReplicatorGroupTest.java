package io.litewake.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.litewake.GroupStatus;
import io.litewake.Replicator;
import io.litewake.ReplicatorGroup;
import io.litewake.RestoreResult;
import io.litewake.testsupport.Await;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hundred tenant databases in one process under a group on the in-process S3: few threads, no
 * request while idle, a directory watch that follows files coming and going, and restoreAll
 * bringing every database back onto an empty directory.
 */
class ReplicatorGroupTest {
  @RegisterExtension static final S3Extension s3 = S3Extension.create();

  @TempDir Path dir;

  @Test
  void aHundredDatabasesShareThreadsIdleQuietlyAndAllComeBack() throws Exception {
    int n = 100;
    Path tenants = Files.createDirectories(dir.resolve("tenants"));
    List<Db> dbs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      dbs.add(new Db(tenants.resolve(String.format("t%03d.db", i))).insert(5 + i % 7));
    }
    URI base = s3.uri("tenants");
    int threadsBefore = Thread.activeCount();
    try (ReplicatorGroup group = ReplicatorGroup.to(base).syncInterval(Duration.ofMillis(200)).start()) {
      group.watch(tenants, "*.db");
      Await.until("every database joined", Duration.ofSeconds(60), () -> group.members().size() == n);
      for (Replicator r : group.members().values()) {
        r.sync();
      }
      assertThat(Thread.activeCount() - threadsBefore).as("threads started for %d databases", n).isLessThanOrEqualTo(40);

      // idle: no request at all
      Thread.sleep(1500); // first retention passes of the new members settle
      int requests = s3.requests().size();
      Thread.sleep(10_000);
      assertThat(s3.requests().size()).as("requests while idle").isEqualTo(requests);

      // writes to some members reach the store
      for (int i = 0; i < 10; i++) {
        dbs.get(i).insert(3);
      }
      Map<String, Replicator> members = group.members();
      for (int i = 0; i < 10; i++) {
        members.get(String.format("t%03d.db", i)).sync();
      }
      GroupStatus st = group.status();
      assertThat(st.databases()).isEqualTo(n);
      assertThat(st.fenced()).isZero();

      // the watch follows files coming and going
      Db late = new Db(tenants.resolve("late.db")).insert(4);
      dbs.add(late);
      Await.until("a new database joins", Duration.ofSeconds(20), () -> group.members().containsKey("late.db"));
      group.members().get("late.db").sync();
      Db gone = dbs.remove(n - 1);
      Replicator goneMember = group.members().get(String.format("t%03d.db", n - 1));
      goneMember.sync();
      gone.close();
      Files.delete(tenants.resolve(String.format("t%03d.db", n - 1)));
      Await.until("a deleted database leaves", Duration.ofSeconds(20),
          () -> !group.members().containsKey(String.format("t%03d.db", n - 1)));
      assertThat(group.members()).hasSize(n);
    }

    Path restored = Files.createDirectories(dir.resolve("restored"));
    List<RestoreResult> results = ReplicatorGroup.restoreAll(base, restored);
    assertThat(results).hasSize(n + 1).allMatch(RestoreResult::restored);
    for (Db db : dbs) {
      Path copy = restored.resolve(db.file.getFileName());
      assertThat(Db.count(copy)).as("%s", copy).isEqualTo(Db.count(db.file));
      db.close();
    }
  }
}
