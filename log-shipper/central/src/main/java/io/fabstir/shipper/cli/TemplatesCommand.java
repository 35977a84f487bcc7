package io.fabstir.shipper.cli;

import io.fabstir.shipper.check.CheckReport;
import io.fabstir.shipper.check.Checkable;
import io.fabstir.shipper.security.ElasticsearchAccess;
import io.fabstir.shipper.sink.elasticsearch.EsConnection;
import io.fabstir.shipper.sink.elasticsearch.Roles;
import io.fabstir.templates.InstallReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;


/** {@code fabstir-shipper templates install}: puts the component/index templates and ILM policy, idempotently. */
@Command(name = "templates", description = "Manage the Elasticsearch templates and ILM policy",
        subcommands = TemplatesCommand.Install.class, mixinStandardHelpOptions = true)
public final class TemplatesCommand implements Runnable, ShipperCommand {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "install", mixinStandardHelpOptions = true,
            description = "Install or update the templates and ILM policy; unchanged ones are left alone")
    static final class Install extends ElasticsearchCommand implements Callable<Integer>, Checkable {
        @Option(names = "--shards", description = "primary shards per daily index (default 1)")
        Integer shards;

        @Option(names = "--replicas", description = "replicas per daily index (default 1; 0 for one node)")
        Integer replicas;

        @Option(names = "--retention", paramLabel = "DURATION", description = "ILM delete age (default 30d)")
        String retention;

        @Override
        Set<String> extraKeys() {
            return Set.of();
        }

        @Override
        void flags(CentralSettings s) {
            s.flag("elasticsearch.shards", shards).flag("elasticsearch.replicas", replicas)
                    .flag("elasticsearch.retention", retention);
        }

        @Override
        public Integer call() throws Exception {
            CentralSettings s = settings(System.getenv());
            ElasticsearchAccess access = access(s, System.getenv());
            try (EsConnection es = connect(s, access)) {
                requireAccess(s, es, access, Roles.TEMPLATES.clusterPrivileges(), List.of());
                InstallReport report = installer(s, es).install();
                for (InstallReport.Outcome o : report.outcomes()) {
                    spec.commandLine().getOut().printf("%-18s %-24s %s%n", o.kind(), o.name(), o.action());
                }
                if (!report.ilmAvailable()) {
                    spec.commandLine().getOut().println(
                            "cluster has no ILM: run `fabstir-shipper retention --keep 30d` on a schedule instead");
                }
                return 0;
            }
        }

        /** {@code check templates install}: the cluster's TLS and credential, manage_index_templates, what it would write. */
        @Override
        public void check(CheckReport report) {
            checkWith(report, s -> "shards " + s.integer("elasticsearch.shards", 1, 1) + ", replicas "
                    + s.integer("elasticsearch.replicas", 1, 0) + ", retention "
                    + s.duration("elasticsearch.retention", java.time.Duration.ofDays(30)).toDays() + "d",
                    (s, checks, es) -> {
                        checks.privileges(report, List.of("manage_index_templates"), List.of());
                        checks.templates(report, installer(s, es), true, "templates install");
                    });
        }
    }
}
