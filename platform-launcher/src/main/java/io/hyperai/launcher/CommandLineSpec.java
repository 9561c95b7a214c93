package io.hyperai.launcher;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.TypeConversionException;

/**
 * The launcher's command line as picocli sees it: the commands, and the options every command accepts (before or
 * after it), with the checks that turn bad values into messages that say why. {@link Options} reads the result.
 */
final class CommandLineSpec {

    static final String DATA = "--data";
    static final String SKIP = "--skip";
    static final String INFRA_ONLY = "--infra-only";
    static final String TIMEOUT = "--timeout";
    static final String REPLICAS = "--replicas";
    static final String HELP = "--help";
    static final String TARGET = "COMPONENT";

    private CommandLineSpec() {
    }

    static CommandLine commandLine() {
        CommandSpec root = CommandSpec.create().name("./platform");
        // the options on lines of their own: picocli would wrap one line at its width in the middle of an option
        String opts = ServiceEnv.DEFAULT_JAVA_OPTS;
        int cut = opts.indexOf(" -XX:Min");
        int cut2 = opts.indexOf(" -XX:Trim");
        root.usageMessage()
                .sortOptions(false)
                .customSynopsis("./platform up|down|status|restart|help [options]")
                .description("The HyperAI platform on one machine.")
                .commandListHeading("%nCommands:%n")
                .optionListHeading("%nOptions (every command takes them, before or after it):%n")
                .exitCodeListHeading("%nExit codes:%n")
                .exitCodeList(exitCodes())
                .footerHeading("%nEnvironment:%n")
                .footer("  HYPERAI_SERVICE_JAVA_OPTS   JVM options of the five services, by default:",
                        "    " + opts.substring(0, cut),
                        "    " + opts.substring(cut + 1, cut2),
                        "    " + opts.substring(cut2 + 1),
                        "    (warehouse-service without -XX:TieredStopAtLevel=1 and with C2 at ten times",
                        "    the JVM's default counts: C2 hashes its uploads)",
                        "  " + ClassDataArchive.SWITCH_ENV + "=off   no class data archives (<data>/cache/appcds)",
                        "",
                        "./platform --rebuild COMMAND builds the project (./mvnw) before it runs the command.");
        root.usageMessage().sectionKeys(List.of(UsageMessageSpec.SECTION_KEY_SYNOPSIS_HEADING,
                UsageMessageSpec.SECTION_KEY_SYNOPSIS, UsageMessageSpec.SECTION_KEY_DESCRIPTION,
                UsageMessageSpec.SECTION_KEY_COMMAND_LIST_HEADING, UsageMessageSpec.SECTION_KEY_COMMAND_LIST,
                UsageMessageSpec.SECTION_KEY_OPTION_LIST_HEADING, UsageMessageSpec.SECTION_KEY_OPTION_LIST,
                UsageMessageSpec.SECTION_KEY_EXIT_CODE_LIST_HEADING, UsageMessageSpec.SECTION_KEY_EXIT_CODE_LIST,
                UsageMessageSpec.SECTION_KEY_FOOTER_HEADING, UsageMessageSpec.SECTION_KEY_FOOTER));
        addOptions(root);
        for (Options.Command c : Options.Command.values()) {
            CommandSpec sub = CommandSpec.create().name(c.key());
            sub.usageMessage().sortOptions(false);
            sub.usageMessage().description(c.description());
            addOptions(sub);
            if (c == Options.Command.RESTART) {
                sub.addPositional(PositionalParamSpec.builder().paramLabel(TARGET).arity("0..1")
                        .description("a service (gear, execution, ...), kafka or postgres").build());
            }
            root.addSubcommand(c.key(), sub);
        }
        return new CommandLine(root).setUsageHelpWidth(100);
    }

    private static Map<String, String> exitCodes() {
        Map<String, String> codes = new LinkedHashMap<>();
        codes.put("0", "done; status: all is ready");
        codes.put("1", "failed; status: running, but not all is ready");
        codes.put("2", "up: the platform already runs from this --data");
        codes.put("3", "status, restart: the platform is not running");
        codes.put("64", "a command line it cannot run");
        codes.put("130", "up: interrupted while starting");
        return codes;
    }

    private static void addOptions(CommandSpec spec) {
        spec.addOption(OptionSpec.builder("-h", HELP).usageHelp(true).description("this text").build());
        spec.addOption(OptionSpec.builder(DATA).paramLabel("DIR").type(String.class)
                .description("state, logs and downloads (default: <project>/" + Options.DEFAULT_DATA_DIR + ")")
                .build());
        spec.addOption(OptionSpec.builder(SKIP).paramLabel("SERVICE").type(Component[].class).splitRegex(",")
                .converters(CommandLineSpec::service)
                .description("do not start these services (e.g. to run one in quarkus:dev yourself)").build());
        spec.addOption(OptionSpec.builder(INFRA_ONLY).arity("0").type(boolean.class)
                .description("start only PostgreSQL, Kafka, Keycloak and the Kubernetes API").build());
        spec.addOption(OptionSpec.builder(TIMEOUT).paramLabel("SECONDS").type(Duration.class)
                .converters(CommandLineSpec::seconds)
                .description("readiness wait per step (default " + Options.DEFAULT_TIMEOUT.toSeconds() + ")").build());
        spec.addOption(OptionSpec.builder(REPLICAS).paramLabel("N").type(Integer.class)
                .converters(CommandLineSpec::replicas)
                .description("instances of each service (default " + Replicas.DEFAULT + ", at most " + Replicas.MAX
                        + "), instance n on the service's port + " + Replicas.PORT_STEP + " n, behind a round robin on"
                        + " the service's port")
                .build());
        for (Component c : Component.values()) {
            spec.addOption(OptionSpec.builder(c.portOption()).paramLabel("N").type(Integer.class)
                    .converters(CommandLineSpec::port)
                    .description(String.format("%s port (default %d; env %s)", c.key(), c.defaultPort(), c.portEnv()))
                    .build());
        }
    }

    private static Component service(String name) {
        return Component.byName(name).filter(Component::isService).orElseThrow(() -> new TypeConversionException(
                "'" + name.trim() + "' is not a service (gear, execution, warehouse, storage, billing)"));
    }

    private static Duration seconds(String value) {
        try {
            long seconds = Long.parseLong(value.trim());
            if (seconds > 0) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new TypeConversionException("needs a positive number of seconds, not '" + value + "'");
    }

    private static Integer replicas(String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1 && n <= Replicas.MAX) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new TypeConversionException("needs a number of instances from 1 to " + Replicas.MAX + ", not '" + value
                + "'");
    }

    private static Integer port(String value) {
        try {
            return Options.portNumber(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
