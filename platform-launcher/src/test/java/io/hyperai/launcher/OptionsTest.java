package io.hyperai.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class OptionsTest {

    private static final Path CWD = Path.of("/work/somewhere");
    private static final Path HOME = Path.of("/work/project");

    private static Options parse(Map<String, String> env, String... args) {
        return Options.parse(args, env, CWD, HOME);
    }

    private static Options parse(String... args) {
        return parse(Map.of(), args);
    }

    @Test
    void defaults() {
        Options o = parse("up");
        assertThat(o.command()).isEqualTo(Options.Command.UP);
        assertThat(o.dataDir()).isEqualTo(Path.of("/work/project/.platform"));
        assertThat(o.port(Component.KEYCLOAK)).isEqualTo(8180);
        assertThat(o.port(Component.GEAR)).isEqualTo(8101);
        assertThat(o.port(Component.EXECUTION)).isEqualTo(8102);
        assertThat(o.port(Component.WAREHOUSE)).isEqualTo(8103);
        assertThat(o.port(Component.STORAGE)).isEqualTo(8104);
        assertThat(o.port(Component.BILLING)).isEqualTo(8105);
        assertThat(o.port(Component.KAFKA)).isEqualTo(19092);
        assertThat(o.port(Component.POSTGRES)).isEqualTo(15432);
        assertThat(o.port(Component.K8S)).isEqualTo(18443);
        assertThat(o.skipped()).isEmpty();
        assertThat(o.explicitPorts()).isEmpty();
        assertThat(o.timeout()).isEqualTo(Duration.ofSeconds(300));
    }

    @Test
    void noArgumentsMeansHelp() {
        assertThat(parse().command()).isEqualTo(Options.Command.HELP);
        assertThat(parse("--help").command()).isEqualTo(Options.Command.HELP);
        assertThat(parse("status").command()).isEqualTo(Options.Command.STATUS);
        assertThat(parse("down").command()).isEqualTo(Options.Command.DOWN);
    }

    @Test
    void portOptionsInBothForms() {
        Options o = parse("up", "--gear-port", "9101", "--keycloak-port=9180", "--k8s-port", "18444");
        assertThat(o.port(Component.GEAR)).isEqualTo(9101);
        assertThat(o.port(Component.KEYCLOAK)).isEqualTo(9180);
        assertThat(o.port(Component.K8S)).isEqualTo(18444);
        assertThat(o.explicitPorts()).containsExactlyInAnyOrder(Component.GEAR, Component.KEYCLOAK, Component.K8S);
    }

    @Test
    void environmentSetsPortsAndTheCommandLineWins() {
        Options o = parse(Map.of("HYPERAI_BILLING_PORT", "9105", "HYPERAI_KAFKA_PORT", "29092"), "up",
                "--kafka-port", "39092");
        assertThat(o.port(Component.BILLING)).isEqualTo(9105);
        assertThat(o.port(Component.KAFKA)).isEqualTo(39092);
    }

    @Test
    void optionsGoBeforeOrAfterTheCommandAndAfterWins() {
        Options o = parse("--data", "before", "--gear-port", "9101", "status", "--data", "after");
        assertThat(o.command()).isEqualTo(Options.Command.STATUS);
        assertThat(o.dataDir()).isEqualTo(Path.of("/work/somewhere/after"));
        assertThat(o.port(Component.GEAR)).isEqualTo(9101);
        // what platform-e2e's Platform passes to down and restart
        assertThat(parse("down", "--data", "d", "--timeout", "300").timeout()).isEqualTo(Duration.ofSeconds(300));
        assertThat(parse("up", "--help").command()).isEqualTo(Options.Command.HELP);
    }

    @Test
    void relativeDataIsResolvedAgainstTheWorkingDirectory() {
        assertThat(parse("up", "--data", "mine").dataDir()).isEqualTo(Path.of("/work/somewhere/mine"));
        assertThat(parse("up", "--data=/tmp/x/../y").dataDir()).isEqualTo(Path.of("/tmp/y"));
    }

    @Test
    void skipAndInfraOnly() {
        assertThat(parse("up", "--skip", "gear,billing-service").skipped())
                .containsExactlyInAnyOrder(Component.GEAR, Component.BILLING);
        Options infra = parse("up", "--infra-only");
        assertThat(infra.skipped()).containsExactlyInAnyOrderElementsOf(Component.services());
        assertThat(infra.runs(Component.KEYCLOAK)).isTrue();
        assertThat(infra.runs(Component.GEAR)).isFalse();
    }

    @Test
    void timeout() {
        assertThat(parse("up", "--timeout", "42").timeout()).isEqualTo(Duration.ofSeconds(42));
        assertThatThrownBy(() -> parse("up", "--timeout", "0")).isInstanceOf(Options.UsageException.class);
    }

    @Test
    void badInputIsAUsageErrorThatSaysWhy() {
        assertThatThrownBy(() -> parse("up", "--gear-port", "abc"))
                .isInstanceOf(Options.UsageException.class).hasMessageContaining("--gear-port").hasMessageContaining("abc");
        assertThatThrownBy(() -> parse("up", "--gear-port", "70000"))
                .isInstanceOf(Options.UsageException.class).hasMessageContaining("out of range");
        assertThatThrownBy(() -> parse(Map.of("HYPERAI_GEAR_PORT", "x"), "up"))
                .isInstanceOf(Options.UsageException.class).hasMessageContaining("HYPERAI_GEAR_PORT");
        assertThatThrownBy(() -> parse("up", "--gear-port"))
                .isInstanceOf(Options.UsageException.class).hasMessageContaining("Missing required parameter")
                .hasMessageContaining("--gear-port");
        assertThatThrownBy(() -> parse("up", "--nope", "1"))
                .isInstanceOf(Options.UsageException.class).hasMessageContaining("Unknown option --nope");
        assertThatThrownBy(() -> parse("start"))
                .isInstanceOf(Options.UsageException.class).hasMessageContaining("Unknown command 'start'");
        assertThatThrownBy(() -> parse("up", "down")).isInstanceOf(Options.UsageException.class)
                .hasMessageContaining("Unknown command 'down'");
        assertThatThrownBy(() -> parse("up", "--skip", "keycloak"))
                .isInstanceOf(Options.UsageException.class).hasMessageContaining("not a service");
        assertThatThrownBy(() -> parse("up", "--infra-only=yes")).isInstanceOf(Options.UsageException.class)
                .hasMessageContaining("--infra-only");
        assertThatThrownBy(() -> parse("up", "--timeout", "soon")).isInstanceOf(Options.UsageException.class)
                .hasMessageContaining("--timeout").hasMessageContaining("soon");
    }

    @Test
    void replicasDefaultToOneAndGoBeforeOrAfterTheCommand() {
        assertThat(parse("up").replicas()).isEqualTo(1);
        assertThat(parse("up", "--replicas", "2").replicas()).isEqualTo(2);
        assertThat(parse("--replicas=3", "up").replicas()).isEqualTo(3);
        assertThat(parse("--replicas", "9", "up").replicas()).isEqualTo(9);
    }

    @Test
    void replicasThatAreNotANumberFromOneToNineAreAUsageError() {
        for (String bad : List.of("0", "-1", "two", "10", "1.5", "")) {
            assertThatThrownBy(() -> parse("up", "--replicas", bad)).as("--replicas '%s'", bad)
                    .isInstanceOf(Options.UsageException.class).hasMessageContaining("--replicas")
                    .hasMessageContaining("from 1 to 9").hasMessageContaining("'" + bad + "'");
        }
        assertThatThrownBy(() -> parse("up", "--replicas")).isInstanceOf(Options.UsageException.class)
                .hasMessageContaining("--replicas");
    }

    @Test
    void aBadReplicasCountExitsAsEveryCommandLineTheLauncherCannotRun() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int code = Launcher.run(new String[] { "up", "--replicas", "0" }, new PrintStream(buffer, true,
                StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(64);
        assertThat(buffer.toString(StandardCharsets.UTF_8)).contains("--replicas").contains("./platform help");
    }

    @Test
    void withOneReplicaEachServiceIsOneProcessOnItsOwnPort() {
        Options o = parse("up", "--gear-port", "9101");
        for (Component s : Component.services()) {
            assertThat(o.instances(s)).containsExactly(Instance.only(s, o.port(s)));
        }
        assertThat(o.instances(Component.GEAR).get(0).port()).isEqualTo(9101);
        assertThat(o.instances(Component.GEAR).get(0).key()).isEqualTo("gear");
    }

    @Test
    void instanceNListensOnTheServicesPortPlusTenN() {
        Options o = parse(Map.of("HYPERAI_EXECUTION_RUNTIME", "kubernetes"), "up", "--replicas", "2");
        assertThat(o.instances(Component.GEAR)).extracting(Instance::port).containsExactly(8111, 8121);
        assertThat(o.instances(Component.EXECUTION)).extracting(Instance::port).containsExactly(8112, 8122);
        assertThat(o.instances(Component.BILLING)).extracting(Instance::key).containsExactly("billing-1", "billing-2");
        assertThat(o.instances(Component.BILLING)).extracting(Instance::port).containsExactly(8115, 8125)
                .doesNotContainAnyElementsOf(o.ports().values());
        assertThat(parse("up", "--replicas", "9").instances(Component.STORAGE)).extracting(Instance::port)
                .containsExactly(8114, 8124, 8134, 8144, 8154, 8164, 8174, 8184, 8194);
    }

    @Test
    void onTheLocalRuntimeExecutionServiceRunsAsManyInstancesAsTheOthers() {
        Options local = parse("up", "--replicas", "3");
        assertThat(local.executionRuntime()).isEqualTo("local");
        assertThat(local.instances(Component.EXECUTION)).extracting(Instance::port).containsExactly(8112, 8122, 8132);
        assertThat(local.instances(Component.GEAR)).hasSize(3);
        Options kubernetes = parse(Map.of("HYPERAI_EXECUTION_RUNTIME", "kubernetes"), "up", "--replicas", "3");
        assertThat(kubernetes.instances(Component.EXECUTION)).hasSize(3);
    }

    @Test
    void anInstancePortThatIsAnotherComponentsOrOutOfRangeIsRejected() {
        assertThatThrownBy(() -> parse("up", "--replicas", "2", "--storage-port", "8111"))
                .isInstanceOf(Options.UsageException.class).hasMessageContaining("Port 8111")
                .hasMessageContaining("storage").hasMessageContaining("gear-1").hasMessageContaining("port + 10 n");
        assertThatThrownBy(() -> parse("up", "--replicas", "2", "--keycloak-port", "8125"))
                .isInstanceOf(Options.UsageException.class).hasMessageContaining("Port 8125")
                .hasMessageContaining("keycloak").hasMessageContaining("billing-2");
        // the same ports with one replica: no instance ports, nothing collides
        assertThat(parse("up", "--storage-port", "8111", "--keycloak-port", "8125").port(Component.STORAGE))
                .isEqualTo(8111);
        assertThatThrownBy(() -> parse("up", "--replicas", "2", "--billing-port", "65520"))
                .isInstanceOf(Options.UsageException.class).hasMessageContaining("billing-2")
                .hasMessageContaining("65540").hasMessageContaining("out of range");
        assertThat(parse("up", "--billing-port", "65520").port(Component.BILLING)).isEqualTo(65520);
    }

    @Test
    void twoComponentsOnOnePortIsRejected() {
        assertThatThrownBy(() -> parse("up", "--kafka-port", "8101"))
                .isInstanceOf(Options.UsageException.class)
                .hasMessageContaining("8101").hasMessageContaining("kafka").hasMessageContaining("gear");
    }

    @Test
    void usageNamesEveryPortOption() {
        String usage = Options.usage();
        for (Component c : Component.values()) {
            assertThat(usage).contains(c.portOption()).contains(c.portEnv());
        }
    }

    @Test
    void restartNamesOneServiceKafkaOrPostgres() {
        Options o = parse("restart", "billing-service", "--data", "d");
        assertThat(o.command()).isEqualTo(Options.Command.RESTART);
        assertThat(o.target()).isEqualTo(Component.BILLING);
        assertThat(o.dataDir()).isEqualTo(Path.of("/work/somewhere/d"));
        assertThat(parse("restart", "kafka").target()).isEqualTo(Component.KAFKA);
        assertThat(parse("up").target()).isNull();
        assertThatThrownBy(() -> parse("restart")).hasMessageContaining("restart needs a component");
        assertThat(parse("restart", "postgres").target()).isEqualTo(Component.POSTGRES);
        assertThatThrownBy(() -> parse("restart", "keycloak")).hasMessageContaining("cannot be restarted");
        assertThatThrownBy(() -> parse("restart", "gear", "storage")).hasMessageContaining("Unknown command 'storage'");
    }
}
