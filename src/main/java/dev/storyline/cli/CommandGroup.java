package dev.storyline.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** A command that only groups subcommands ({@code tenants}, {@code users}...): alone it is a usage error naming them. */
abstract class CommandGroup implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        String names = String.join(", ", spec.subcommands().keySet().stream().filter(n -> !n.equals("help")).toList());
        throw new ParameterException(spec.commandLine(), "Missing subcommand: try '" + spec.name() + " "
                + spec.subcommands().keySet().iterator().next() + "' (one of: " + names + ")");
    }
}
