package dev.storyline;

import dev.storyline.cli.Cli;

/** Entry point of the fat jar: {@code java -jar storyline.jar [command]}; no command = {@code serve}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(Cli.run(args));
    }
}
