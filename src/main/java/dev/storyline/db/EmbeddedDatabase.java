package dev.storyline.db;

import dev.storyline.config.Secret;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The embedded PostgreSQL (zonky binaries) whose data lives in one directory and survives restarts.
 *
 * <p>PostgreSQL runs as its own process, so it can outlive a JVM killed with {@code kill -9}. The
 * file {@code storyline.owner} holds the pid of the Storyline process that started it; on start:
 * <ul>
 *   <li>no server running → start one (a stale {@code postmaster.pid} is removed first);</li>
 *   <li>a server running whose owner is dead → an orphan: it is shut down, then started afresh;</li>
 *   <li>a server running whose owner is alive → a CLI command attaches to it (so commands work
 *       while {@code serve} runs); a second {@code serve} refuses with a clear message.</li>
 * </ul>
 * Blocking throughout: called on the main thread before Vert.x starts and after it stops.
 *
 * <p>The door is locked (D23): the server listens on 127.0.0.1 only and asks for a password
 * (scram-sha-256) on every connection. The password is made at first start and kept in
 * {@code .storyline-password} (0600) in the data directory; a directory from an older Storyline that
 * trusted every local connection is converted at start.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    public static final String DATABASE = "storyline";
    private static final String SUPERUSER = "postgres";
    private static final String OWNER_FILE = "storyline.owner";
    public static final String PASSWORD_FILE = ".storyline-password";
    private static final String HBA = """
            # Written by Storyline (D23): a password (scram-sha-256) for every connection; the server listens on 127.0.0.1 only.
            local   all   all                  scram-sha-256
            host    all   all   127.0.0.1/32   scram-sha-256
            host    all   all   ::1/128        scram-sha-256
            """;
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
    private static final Duration ORPHAN_STOP_WAIT = Duration.ofSeconds(20);
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);

    /** {@code SERVER} must own the database; {@code CLIENT} may attach to a running server's. */
    public enum Role { SERVER, CLIENT }

    private final Path directory;
    private final EmbeddedPostgres postgres; // null when attached to another process's server
    private final int port;
    private final Secret password;

    private EmbeddedDatabase(Path directory, EmbeddedPostgres postgres, int port, Secret password) {
        this.directory = directory;
        this.postgres = postgres;
        this.port = port;
        this.password = password;
    }

    public static EmbeddedDatabase start(Path directory, Role role) {
        prepareDirectory(directory);
        Optional<RunningServer> running = RunningServer.read(directory);
        if (running.isPresent()) {
            RunningServer server = running.get();
            Optional<Long> owner = owner(directory).filter(pid -> pid != ProcessHandle.current().pid() && alive(pid));
            if (owner.isPresent()) {
                if (role == Role.SERVER) {
                    throw new DatabaseStartException("The embedded database in " + directory
                            + " is in use by another Storyline process (pid " + owner.get()
                            + "); stop it first, or set DATABASE_URL to use a PostgreSQL server");
                }
                LOG.debug("Attaching to the embedded database of Storyline process {} on port {}", owner.get(), server.port());
                return new EmbeddedDatabase(directory, null, server.port(), Secret.of(readPassword(directory).orElse("")));
            }
            stopOrphan(directory, server);
        }
        return launch(directory);
    }

    private static EmbeddedDatabase launch(Path directory) {
        Optional<String> stored = readPassword(directory);
        String password = stored.orElseGet(EmbeddedDatabase::newPassword);
        EmbeddedPostgres postgres;
        try {
            postgres = EmbeddedPostgres.builder()
                    // zonky's own readiness check connects too: with the password once the door is locked
                    .setConnectConfig("password", password)
                    .setDataDirectory(directory)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .setPGStartupWait(STARTUP_WAIT)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    // zonky is tuned for throwaway test databases (-F, synchronous_commit=off); this one
                    // holds a team's schedule and must survive a power cut
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .setServerConfig("max_connections", "50")
                    // sized for the small machine the embedded database is for (issue 19): a bigger install uses its own server
                    .setServerConfig("shared_buffers", "16MB")
                    .setServerConfig("max_logical_replication_workers", "0") // no replication: no launcher process
                    .setServerConfig("max_parallel_workers_per_gather", "0") // two cores gain nothing from parallel plans
                    .setServerConfig("unix_socket_directories", "")
                    .start();
        } catch (IOException | RuntimeException e) {
            throw new DatabaseStartException("The embedded PostgreSQL could not start in " + directory + ": "
                    + DatabaseStartException.rootMessage(e), e);
        }
        try {
            Files.writeString(directory.resolve(OWNER_FILE), Long.toString(ProcessHandle.current().pid()));
            EmbeddedDatabase database = new EmbeddedDatabase(directory, postgres, postgres.getPort(), Secret.of(password));
            database.lockTheDoor(stored.isPresent());
            database.createApplicationDatabase();
            return database;
        } catch (IOException | SQLException e) {
            closeQuietly(postgres);
            throw new DatabaseStartException("The embedded PostgreSQL in " + directory + " started but could not be prepared: "
                    + DatabaseStartException.rootMessage(e), e);
        }
    }

    public ConnectionSettings settings() {
        return new ConnectionSettings("127.0.0.1", port, DATABASE, SUPERUSER, password, "disable");
    }

    public boolean owned() {
        return postgres != null;
    }

    public String describe() {
        return "embedded PostgreSQL in " + directory + " on port " + port + (owned() ? "" : " (attached to the running server)");
    }

    /** Stops the server if this process started it (a fast shutdown: open sessions are ended). */
    @Override
    public void close() {
        if (postgres == null) {
            return;
        }
        closeQuietly(postgres);
        try {
            Files.deleteIfExists(directory.resolve(OWNER_FILE));
        } catch (IOException e) {
            LOG.warn("Could not remove {}: {}", directory.resolve(OWNER_FILE), e.getMessage());
        }
    }

    /**
     * D23: a fresh directory, or one an older Storyline left trusting every local connection, gets the
     * superuser's password set, the password file written (0600), and a pg_hba.conf that asks for it.
     * Each step can be repeated, so a stop in between is mended at the next start.
     */
    private void lockTheDoor(boolean passwordStored) throws SQLException, IOException {
        Path hba = directory.resolve("pg_hba.conf");
        boolean trusting = Files.readAllLines(hba).stream().map(String::strip)
                .anyMatch(line -> !line.isEmpty() && !line.startsWith("#") && line.endsWith("trust"));
        if (passwordStored && !trusting) {
            return;
        }
        ConnectionSettings admin = settings().withDatabase("postgres");
        try (Connection connection = DriverManager.getConnection(admin.jdbcUrl(), admin.jdbcProperties())) {
            DatabaseRepository.setPassword(connection, SUPERUSER, password.reveal());
            writePassword(directory, password.reveal());
            Files.writeString(hba, HBA);
            DatabaseRepository.reloadConfiguration(connection);
        }
        LOG.info(passwordStored ? "The embedded PostgreSQL now asks for a password ({} kept in {})"
                : "The embedded PostgreSQL asks for a password, kept in {}", directory.resolve(PASSWORD_FILE), directory);
    }

    private static String newPassword() {
        byte[] random = new byte[32];
        new java.security.SecureRandom().nextBytes(random);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    private static Optional<String> readPassword(Path directory) {
        try {
            String password = Files.readString(directory.resolve(PASSWORD_FILE)).strip();
            return password.isEmpty() ? Optional.empty() : Optional.of(password);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Written to a new file readable by its owner alone, then moved into place. */
    private static void writePassword(Path directory, String password) throws IOException {
        Path temporary = directory.resolve(PASSWORD_FILE + ".new");
        Files.deleteIfExists(temporary);
        try {
            Files.createFile(temporary, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(temporary);
        }
        Files.writeString(temporary, password + "\n");
        Files.move(temporary, directory.resolve(PASSWORD_FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private void createApplicationDatabase() throws SQLException {
        ConnectionSettings admin = settings().withDatabase("postgres");
        Properties properties = admin.jdbcProperties();
        try (Connection connection = DriverManager.getConnection(admin.jdbcUrl(), properties)) {
            if (DatabaseRepository.createDatabaseIfMissing(connection, DATABASE)) {
                LOG.info("Created database '{}' in the embedded PostgreSQL", DATABASE);
            }
        }
    }

    private static void prepareDirectory(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException | SecurityException e) {
            throw new DatabaseStartException("Cannot create the embedded database directory " + directory + ": "
                    + DatabaseStartException.rootMessage(e), e);
        }
        if (!Files.isWritable(directory)) {
            throw new DatabaseStartException("The embedded database directory " + directory
                    + " is not writable; fix its permissions, choose another STORYLINE_DATA_DIR, or set DATABASE_URL");
        }
    }

    /** Shuts down a server whose Storyline process died, so it can be started cleanly by this one. */
    private static void stopOrphan(Path directory, RunningServer server) {
        LOG.warn("Found the embedded PostgreSQL (pid {}) still running from a Storyline process that is gone; restarting it",
                server.pid());
        Optional<ProcessHandle> process = ProcessHandle.of(server.pid());
        if (process.isPresent()) {
            try {
                // SIGINT = fast shutdown: ends the dead process's sessions and writes a checkpoint
                new ProcessBuilder(List.of("kill", "-INT", Long.toString(server.pid()))).inheritIO().start()
                        .waitFor(5, TimeUnit.SECONDS);
                process.get().onExit().get(ORPHAN_STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw new DatabaseStartException("An embedded PostgreSQL left over in " + directory + " (pid " + server.pid()
                        + ") did not stop; stop it with: kill " + server.pid(), e);
            }
        }
    }

    private static Optional<Long> owner(Path directory) {
        try {
            return Optional.of(Long.parseLong(Files.readString(directory.resolve(OWNER_FILE)).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static void closeQuietly(EmbeddedPostgres postgres) {
        try {
            postgres.close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Stopping the embedded PostgreSQL failed: {}", e.getMessage());
        }
    }

    /** The server described by {@code postmaster.pid}, if that process is a live postgres. */
    private record RunningServer(long pid, int port) {
        static Optional<RunningServer> read(Path directory) {
            Path pidFile = directory.resolve("postmaster.pid");
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            try {
                List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
                long pid = Long.parseLong(lines.get(0).strip());
                int port = Integer.parseInt(lines.get(3).strip());
                if (isPostgres(pid)) {
                    return Optional.of(new RunningServer(pid, port));
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("Unreadable {}: {}", pidFile, e.getMessage());
            }
            // stale: the pid is gone or now belongs to another program, which would make postgres refuse to start
            try {
                Files.deleteIfExists(pidFile);
                LOG.info("Removed the stale {} left by an unclean stop", pidFile);
            } catch (IOException e) {
                throw new DatabaseStartException("Cannot remove the stale lock file " + pidFile + ": " + e.getMessage(), e);
            }
            return Optional.empty();
        }

        private static boolean isPostgres(long pid) {
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .flatMap(p -> p.info().command())
                    .map(command -> Path.of(command).getFileName().toString().startsWith("postgres"))
                    // alive but its command line is hidden from us: assume it is the server, never delete its lock
                    .orElse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        }
    }
}
