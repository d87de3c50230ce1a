package dev.authpack.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code bin/demo-send}: sends one message to the demo server and prints the SMTP dialogue, then waits (up to
 * 15 s) for the copy in the demo's {@code var/mail/delivered/} (local recipient) or {@code var/mail/outgoing/}
 * (relayed) and prints its header.
 *
 * <p>Options: {@code --from ADDR} (MAIL FROM, default bob@spf-pass.example), {@code --to ADDR} (default
 * alice@james.test), {@code --client-ip IP} (local address to connect from: 127.0.0.1, 127.0.0.2, ...),
 * {@code --helo NAME}, {@code --auth USER:PASSWORD}, {@code --port N} (default 2525), {@code --work DIR} (the
 * demo's James home, default target/demo), {@code --proxy v1|v2} (for a demo started with {@code bin/demo --proxy}:
 * connect from 127.0.0.1, as a load balancer does, and send a HAProxy PROXY protocol header of that version naming
 * {@code --client-ip}, which may then be any IPv4 or IPv6 address, as the client).
 */
public final class DemoSend {
    private static final int WAIT_MILLIS = 15_000;
    /** The source port a PROXY header names (any; James reads only the address). */
    private static final int PROXIED_PORT = 40_000;
    private static final String USAGE = "usage: bin/demo-send [--from ADDR] [--to ADDR] [--client-ip IP] [--helo NAME]"
            + " [--auth USER:PASSWORD] [--port N] [--work DIR] [--proxy v1|v2]";

    private DemoSend() {
    }

    /** The options of USAGE, each followed by its value. */
    private static final java.util.Set<String> OPTIONS = java.util.Set.of("--from", "--to", "--client-ip", "--helo",
            "--auth", "--port", "--work", "--proxy");

    /** A bad command line: exit status 2 with the usage. */

    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    public static void main(String[] args) throws Exception {
        int status;
        try {
            status = run(args, System.out);
        } catch (UsageException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            status = 2;
        }
        System.exit(status);
    }

    /**
     * Sends the message {@code args} describe and prints the dialogue and the delivered header to {@code out}.
     *
     * @return the exit status: 0 delivered or relayed, 1 not accepted or no copy in time
     */
    static int run(String[] args, java.io.PrintStream out) throws Exception {
        Submission s = Submission.create().mailFrom("bob@spf-pass.example");
        String to = DemoMain.USER;
        int port = 2525;
        Path work = Path.of("target/demo");
        String clientIp = "127.0.0.1";
        String heloName = null;
        String proxy = null;
        for (int i = 0; i < args.length; i += 2) {
            if (!OPTIONS.contains(args[i])) {
                throw new UsageException("unknown option " + args[i]);
            }
            if (i + 1 >= args.length) {
                throw new UsageException("option " + args[i] + " needs a value");
            }
            String v = args[i + 1];
            switch (args[i]) {
                case "--from" -> s.mailFrom(v);
                case "--to" -> to = v;
                case "--client-ip" -> clientIp = v;
                case "--helo" -> heloName = v;
                case "--auth" -> {
                    int colon = v.indexOf(':');
                    if (colon < 0) {
                        throw new UsageException("--auth takes USER:PASSWORD");
                    }
                    s.auth(v.substring(0, colon), v.substring(colon + 1));
                }
                case "--port" -> port = port(v, 1);
                case "--work" -> work = Path.of(v);
                case "--proxy" -> proxy = v;
                default -> throw new UsageException("unknown option " + args[i]);
            }
        }
        s.rcptTo(to);
        if (proxy == null) {
            s.clientAddress(clientIp);
        } else {
            s.proxyHeader(proxyHeader(proxy, clientIp));
        }
        if (heloName != null) {
            s.helo(heloName);
        }
        s.message(TestMessage.create().from(s.mailFrom().isEmpty() ? "mailer-daemon@demo.example" : s.mailFrom())
                .to(to).subject("authpack demo from " + s.mailFrom() + " via " + clientIp));

        SubmissionResult result;
        try {
            result = send(s, port);
        } catch (java.io.UncheckedIOException e) {
            if (e.getCause() instanceof java.net.ConnectException) {
                // refused: no server on the port (a --proxy demo accepts the connection, then closes it)
                out.println("not accepted: nothing listens on 127.0.0.1:" + port + " (" + e.getCause().getMessage()
                        + "): is bin/demo running? It prints its SMTP port; give another one with --port N");
                return 1;
            }
            out.println(e.getMessage());
            out.println("\nnot accepted: " + e.getCause().getMessage() + proxyHint(proxy));
            return 1;
        }
        out.println(result.transcript());
        if (!result.accepted()) {
            // James answers a connection without the PROXY header it requires "451 Unable to process request"
            boolean unprocessed = result.last().code() == 451 && String.join(" ", result.last().lines())
                    .contains("Unable to process request");
            out.println("\nnot accepted: " + result.last() + (unprocessed ? proxyHint(proxy) : ""));
            return 1;
        }
        Path delivered = work.resolve("var/mail/delivered");
        Path outgoing = work.resolve("var/mail/outgoing");
        Optional<Path> file = awaitDeliveredFile(List.of(delivered, outgoing), result.messageId(), WAIT_MILLIS);
        if (file.isEmpty()) {
            out.println("\naccepted, but no copy in " + delivered + " or " + outgoing + " within "
                    + WAIT_MILLIS + " ms (see " + work.resolve("var/mail") + ")");
            return 1;
        }
        String message = Files.readString(file.get(), StandardCharsets.ISO_8859_1);
        int end = message.indexOf("\r\n\r\n");
        out.println(file.get().startsWith(outgoing) ? "\nrelayed (the sample keeps outgoing mail here): "
                + file.get() : "\ndelivered: " + file.get());
        out.println(end < 0 ? message : message.substring(0, end));
        return 0;
    }

    /** The value of {@code --port}, {@code lowest} to 65535 (bin/demo takes 0: any free port). */
    static int port(String value, int lowest) throws UsageException {
        try {
            int port = Integer.parseInt(value);
            if (port >= lowest && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new UsageException("--port takes a number from " + lowest + " to 65535, not '" + value + "'");
    }

    /** Why a connection may have been closed, as to the PROXY header. */
    private static String proxyHint(String proxy) {
        return proxy == null
                ? " (a demo started with bin/demo --proxy closes a connection without a PROXY header: add --proxy v1)"
                : " (a demo started without --proxy does not read a PROXY header)";
    }

    /** The PROXY header of {@code version} ({@code v1} text, {@code v2} binary) naming {@code clientIp}. */
    static byte[] proxyHeader(String version, String clientIp) throws UsageException {
        try {
            return switch (version) {
                case "v1" -> ProxyHeader.v1(clientIp, PROXIED_PORT);
                case "v2" -> ProxyHeader.v2(clientIp, PROXIED_PORT);
                default -> throw new UsageException("--proxy takes v1 or v2, not '" + version + "'");
            };
        } catch (IllegalArgumentException e) {
            throw new UsageException("--client-ip with --proxy takes an IPv4 or IPv6 address: " + e.getMessage());
        }
    }

    private static SubmissionResult send(Submission s, int port) {
        // the demo server is bound to 127.0.0.1; reuse the harness's transaction logic without a server object.
        // Behind a PROXY header the connection comes from the system's choice, as from a load balancer
        try (SmtpClient c = SmtpClient.connect(java.net.InetAddress.getByName("127.0.0.1"), port,
                s.clientAddress().isPresent() ? java.net.InetAddress.getByName(s.clientAddress().get()) : null,
                s.proxyHeader())) {
            return Transactions.run(c, s);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The file ({@code *.FileStreamStore}) of a file:// mail repository holding the message with this Message-ID. */
    static Optional<Path> awaitDeliveredFile(Path dir, String messageId, long waitMillis)
            throws IOException, InterruptedException {
        return awaitDeliveredFile(List.of(dir), messageId, waitMillis);
    }

    /** As above, in whichever of these file:// mail repositories (delivered, outgoing, ...) the message lands. */
    static Optional<Path> awaitDeliveredFile(List<Path> dirs, String messageId, long waitMillis)
            throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + waitMillis;
        String needle = "Message-ID: " + messageId;
        do {
            for (Path dir : dirs) {
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                List<Path> files;
                try (Stream<Path> list = Files.list(dir)) {
                    files = list.filter(p -> p.getFileName().toString().endsWith(".FileStreamStore")).toList();
                }
                for (Path f : files) {
                    if (Files.readString(f, StandardCharsets.ISO_8859_1).contains(needle)) {
                        return Optional.of(f);
                    }
                }
            }
            Thread.sleep(100);
        } while (System.currentTimeMillis() < deadline);
        return Optional.empty();
    }

}
