package dev.apprentice.distill.cli;

import dev.apprentice.distill.data.DataException;
import dev.apprentice.distill.train.DivergenceException;
import dev.apprentice.nn.io.ModelFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.UncheckedIOException;

/** The apprentice-engine command line. Users' mistakes end in one message and exit code 2. */
@Command(name = "apprentice-engine", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "Train low-precision ResNets with knowledge distillation (Apprentice, arXiv 1711.05852) "
                + "on a Java Vector API engine, and evaluate them.",
        subcommands = {TrainCommand.class, EvalCommand.class, ExportCommand.class, InferCommand.class, ExperimentCommand.class, SummaryCommand.class, CommandLine.HelpCommand.class})
public final class Cli {
    public static final int USER_ERROR = 2;

    public static void main(String[] args) {
        LauncherWatch.start();
        System.exit(run(LauncherWatch.arguments(args)));
    }

    /** Runs the command line and returns the exit code (0 = success). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Cli());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + describe(e));
            return USER_ERROR;
        });
        cl.setParameterExceptionHandler((e, a) -> {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println("error: " + e.getMessage());
            if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty())
                cmd.getErr().println("Did you mean: " + String.join(" or ", u.getSuggestions()) + "?");
            cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
            return USER_ERROR;
        });
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) { // an Error, which picocli's handler for exceptions never sees
            cl.getErr().println("error: " + describe(e));
            return USER_ERROR;
        }
    }

    /** One line for errors a user can cause; anything else is a bug and keeps its stack trace. */
    static String describe(Throwable e) {
        if (e instanceof OutOfMemoryError)
            return String.format("out of memory (Java's heap is %d MiB); use a smaller --batch-size or input, or give Java more heap (java -Xmx16g -jar ...)",
                    Runtime.getRuntime().maxMemory() >> 20);
        if (e instanceof DataException || e instanceof ModelFileException || e instanceof DivergenceException
                || e instanceof IllegalArgumentException)
            return e.getMessage();
        if (e instanceof UncheckedIOException u) return describe(u.getCause());
        if (e instanceof java.nio.file.NoSuchFileException n) return "file not found: " + n.getFile();
        if (e instanceof java.nio.file.AccessDeniedException a) return "permission denied: " + a.getFile();
        if (e instanceof IOException io) return "I/O error: " + io.getMessage();
        throw e instanceof RuntimeException r ? r : new RuntimeException(e);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Cli.class.getPackage().getImplementationVersion();
            return new String[] {"apprentice-engine " + (v == null ? "dev" : v) + " on Java " + Runtime.version()};
        }
    }
}
