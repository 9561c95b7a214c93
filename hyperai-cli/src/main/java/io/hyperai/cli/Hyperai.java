package io.hyperai.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "hyperai", versionProvider = Version.class,
        description = "The HyperAI platform from the command line: gears, executions, datasets and models, storage, billing.",
        footer = { "", "Configuration: ~/.config/hyperai/config.json (or $HYPERAI_CONFIG_DIR) and HYPERAI_GEAR_URL, "
                + "HYPERAI_EXECUTION_URL, HYPERAI_WAREHOUSE_URL, HYPERAI_STORAGE_URL, HYPERAI_BILLING_URL, "
                + "HYPERAI_AUTH_URL; defaults: the local platform (./platform up).",
                "Exit codes: 0 success, 1 failure, 2 usage error." },
        subcommands = { AuthCommands.Login.class, AuthCommands.Logout.class, AuthCommands.Whoami.class,
                CatalogueCommands.Specs.class, CatalogueCommands.Images.class, GearCommands.class, DataCommands.class,
                ExecutionCommands.Run.class, ExecutionCommands.Jupyter.class, ExecutionCommands.Logs.class,
                ExecutionCommands.Stop.class, ExecutionCommands.Continue.class, ExecutionCommands.Ps.class, QueueCommand.class,
                OutputCommands.class,
                NotificationCommands.class,
                AccountCommands.Storage.class, AccountCommands.Bill.class, LimitsCommand.class, AdminCommands.class,
                Completion.class })
final class Hyperai implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = { "-h", "--help" }, usageHelp = true, scope = ScopeType.INHERIT, description = "Show this help and exit.")
    boolean help;

    @Option(names = { "-V", "--version" }, versionHelp = true, description = "Print the version and exit.")
    boolean version;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "a command is required");
    }
}
