package io.hyperai.launcher;

import java.io.PrintStream;

/** What {@code up} prints once everything is ready: where each part answers, a token to try, logs, how to stop. */
final class Summary {

    private Summary() {
    }

    static void print(UpContext ctx, long seconds, PostgresPart postgres, KafkaPart kafka, KubernetesPart kubernetes) {
        PrintStream out = ctx.out;
        int kc = ctx.port(Component.KEYCLOAK);
        out.println();
        out.println("HyperAI platform is up (" + seconds + " s). Data: " + ctx.data);
        out.println();
        for (Component s : Component.services()) {
            String url = ServiceEnv.baseUrl(ctx.port(s));
            if (ctx.opt.runs(s)) {
                out.printf("  %-18s %-24s (API /api/v1, OpenAPI /q/openapi, health /q/health)%n", s.moduleName(), url);
            } else {
                out.printf("  %-18s %-24s (skipped; its environment: set -a; . %s; set +a)%n", s.moduleName(), url,
                        ServiceEnv.envFile(ctx.state.dir(), s));
            }
        }
        if (ctx.opt.replicas() > 1) {
            out.printf("  %-18s %s%n", "--replicas " + ctx.opt.replicas(), replicasLine(ctx.opt));
        }
        out.printf("  %-18s %-24s (realm %s: alice/alice, bob/bob, admin/admin; console /admin: admin/admin)%n",
                "Keycloak", "http://localhost:" + kc, Keycloak.REALM);
        out.printf("  %-18s %-24s (databases %s, each with its own role; passwords in %s)%n", "PostgreSQL",
                postgres.address(), PostgresPart.databases(), postgres.passwordFile());
        out.printf("  %-18s %-24s (topics <service>-events and <topic>.dlq)%n", "Kafka", kafka.address());
        out.printf("  %-18s %-24s (in-memory mock; namespace %s)%n", "Kubernetes API", kubernetes.url(),
                ServiceEnv.EXECUTION_NAMESPACE);
        out.printf("  %-18s %s%n", "Executions run as", "local".equals(ServiceEnv.executionRuntime())
                ? "local processes in bubblewrap sandboxes (HYPERAI_EXECUTION_RUNTIME=kubernetes: pods on the mock)"
                : "pods on the Kubernetes API with a fake kubelet, which only plays them: no code runs");
        out.println();
        out.println("Token for alice (password grant, client hyperai-cli):");
        out.println("  " + tokenCurl(kc, "alice", "alice"));
        out.println("Use it:  curl -H \"Authorization: Bearer $TOKEN\" "
                + ServiceEnv.baseUrl(ctx.port(Component.GEAR)) + "/api/v1/...");
        out.println();
        out.println("Logs:    " + ctx.logs + "/  (<name>.log; launcher.log for the launcher itself)");
        boolean defaultData = ctx.data.equals(ctx.home.resolve(Options.DEFAULT_DATA_DIR).toAbsolutePath().normalize());
        out.println("Stop:    Ctrl-C here, or ./platform down" + (defaultData ? "" : " --data " + ctx.data));
        out.flush();
    }

    /** Where the instances listen, e.g. {@code each service's port is a round robin over ...}. */
    static String replicasLine(Options opt) {
        return "each service's port is a round robin over its instances on port + " + Replicas.PORT_STEP + " n"
                + "; ./platform status lists them";
    }

    static String tokenCurl(int keycloakPort, String user, String password) {
        return "TOKEN=$(curl -s -d grant_type=password -d client_id=hyperai-cli -d username=" + user
                + " -d password=" + password + " " + Keycloak.tokenUrl(keycloakPort)
                + " | sed -E 's/.*\"access_token\":\"([^\"]+)\".*/\\1/'); echo $TOKEN";
    }
}
