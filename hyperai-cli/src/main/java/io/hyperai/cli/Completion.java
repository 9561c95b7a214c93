package io.hyperai.cli;

import java.util.concurrent.Callable;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code hyperai completion}: picocli's bash (and zsh) completion script for every command and option. */
@Command(name = "completion", description = { "Print the shell completion script (bash and zsh).",
        "Load it now: source <(hyperai completion); for good: hyperai completion > ~/.hyperai-completion and source "
                + "that file from ~/.bashrc." })
final class Completion implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    private final Cli cli;

    Completion(Cli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        cli.print(AutoComplete.bash("hyperai", spec.root().commandLine()));
        return 0;
    }
}
