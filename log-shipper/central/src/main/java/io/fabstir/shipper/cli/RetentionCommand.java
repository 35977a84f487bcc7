package io.fabstir.shipper.cli;

import io.fabstir.shipper.check.CheckReport;
import io.fabstir.shipper.check.Checkable;
import io.fabstir.shipper.retention.RetentionSweeper;
import io.fabstir.shipper.security.ElasticsearchAccess;
import io.fabstir.shipper.sink.elasticsearch.AccessCheck;
import io.fabstir.shipper.sink.elasticsearch.EsConnection;
import io.fabstir.shipper.sink.elasticsearch.IndexNames;
import io.fabstir.shipper.sink.elasticsearch.Roles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;


/** {@code fabstir-shipper retention --keep 30d [--dry-run]}: deletes daily indices older than the age. */
@Command(name = "retention", mixinStandardHelpOptions = true,
        description = "Delete daily log and DLQ indices older than --keep (for clusters without ILM)")
public final class RetentionCommand extends ElasticsearchCommand implements Callable<Integer>, ShipperCommand, Checkable {
    @Option(names = "--keep", paramLabel = "DURATION", description = "age to keep, e.g. 30d (default 30d)")
    String keep;

    @Option(names = "--dry-run", description = "list what would be deleted, delete nothing")
    boolean dryRun;

    @Override
    Set<String> extraKeys() {
        return Set.of("retention.keep");
    }

    @Override
    void flags(CentralSettings s) {
        s.flag("retention.keep", keep);
    }

    @Override
    public Integer call() throws Exception {
        CentralSettings s = settings(System.getenv());
        Duration age = s.duration("retention.keep", Duration.ofDays(30));
        String pattern = s.string("elasticsearch.index_pattern", IndexNames.DEFAULT_PATTERN);
        String dlqPattern = s.string("elasticsearch.dlq_index_pattern", IndexNames.DEFAULT_DLQ_PATTERN);
        ElasticsearchAccess access = access(s, System.getenv());
        try (EsConnection es = connect(s, access)) {
            requireAccess(s, es, access, List.of(), List.of(new AccessCheck.Need(List.of(
                    IndexNames.of(pattern).wildcard(), IndexNames.of(dlqPattern).wildcard()), Roles.RETENTION.indexPrivileges())));
            List<String> names = RetentionSweeper.builder().client(es.client())
                    .pattern(pattern)
                    .pattern(dlqPattern)
                    .keep(age).dryRun(dryRun).build().sweep();
            for (String n : names) {
                spec.commandLine().getOut().println((dryRun ? "would delete " : "deleted ") + n);
            }
            if (names.isEmpty()) {
                spec.commandLine().getOut().println("nothing older than " + age.toDays() + "d");
            }
            return 0;
        }
    }

    /** {@code check retention}: the settings, the cluster's TLS and credential, and the privileges to list and delete. */
    @Override
    public void check(CheckReport report) {
        checkWith(report, s -> {
            s.duration("retention.keep", Duration.ofDays(30));
            String pattern = s.string("elasticsearch.index_pattern", IndexNames.DEFAULT_PATTERN);
            String dlqPattern = s.string("elasticsearch.dlq_index_pattern", IndexNames.DEFAULT_DLQ_PATTERN);
            return "keep " + s.string("retention.keep", "30d") + " of " + IndexNames.of(pattern).wildcard() + " and "
                    + IndexNames.of(dlqPattern).wildcard();
        }, (s, checks, es) -> checks.privileges(report, List.of(), List.of(new AccessCheck.Need(List.of(
                IndexNames.of(s.string("elasticsearch.index_pattern", IndexNames.DEFAULT_PATTERN)).wildcard(),
                IndexNames.of(s.string("elasticsearch.dlq_index_pattern", IndexNames.DEFAULT_DLQ_PATTERN)).wildcard()),
                Roles.RETENTION.indexPrivileges()))));
    }
}
