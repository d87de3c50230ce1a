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
 * demo's James home, default target/demo).
 */
public final class DemoSend {
    private static final int WAIT_MILLIS = 15_000;

    private DemoSend() {
    }

    public static void main(String[] args) throws Exception {
        Submission s = Submission.create().mailFrom("bob@spf-pass.example");
        String to = DemoMain.USER;
        int port = 2525;
        Path work = Path.of("target/demo");
        String clientIp = "127.0.0.1";
        String heloName = null;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                usage("option " + args[i] + " needs a value");
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
                        usage("--auth takes USER:PASSWORD");
                    }
                    s.auth(v.substring(0, colon), v.substring(colon + 1));
                }
                case "--port" -> port = Integer.parseInt(v);
                case "--work" -> work = Path.of(v);
                default -> usage("unknown option " + args[i]);
            }
        }
        s.rcptTo(to).clientAddress(clientIp);
        if (heloName != null) {
            s.helo(heloName);
        }
        s.message(TestMessage.create().from(s.mailFrom().isEmpty() ? "mailer-daemon@demo.example" : s.mailFrom())
                .to(to).subject("authpack demo from " + s.mailFrom() + " via " + clientIp));

        SubmissionResult result = send(s, port);
        System.out.println(result.transcript());
        if (!result.accepted()) {
            System.out.println("\nnot accepted: " + result.last());
            System.exit(1);
        }
        Path delivered = work.resolve("var/mail/delivered");
        Path outgoing = work.resolve("var/mail/outgoing");
        Optional<Path> file = awaitDeliveredFile(List.of(delivered, outgoing), result.messageId(), WAIT_MILLIS);
        if (file.isEmpty()) {
            System.out.println("\naccepted, but no copy in " + delivered + " or " + outgoing + " within "
                    + WAIT_MILLIS + " ms (see " + work.resolve("var/mail") + ")");
            System.exit(1);
        }
        String message = Files.readString(file.get(), StandardCharsets.ISO_8859_1);
        int end = message.indexOf("\r\n\r\n");
        System.out.println(file.get().startsWith(outgoing) ? "\nrelayed (the sample keeps outgoing mail here): "
                + file.get() : "\ndelivered: " + file.get());
        System.out.println(end < 0 ? message : message.substring(0, end));
    }

    private static SubmissionResult send(Submission s, int port) {
        // the demo server is bound to 127.0.0.1; reuse the harness's transaction logic without a server object
        try (SmtpClient c = SmtpClient.connect(java.net.InetAddress.getByName("127.0.0.1"), port,
                java.net.InetAddress.getByName(s.clientAddress().orElse("127.0.0.1")))) {
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

    private static void usage(String error) {
        System.err.println(error);
        System.err.println("usage: bin/demo-send [--from ADDR] [--to ADDR] [--client-ip IP] [--helo NAME]"
                + " [--auth USER:PASSWORD] [--port N] [--work DIR]");
        System.exit(2);
    }
}
