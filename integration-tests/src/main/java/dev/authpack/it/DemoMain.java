package dev.authpack.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The README demo ({@code bin/demo}): a real James 3.8.1 memory server on 127.0.0.1 with the pack JAR in
 * {@code extensions-jars/} and the sample configuration, plus the demo DNS zone served on loopback, so that SPF and
 * iprev give real answers with no network. Runs until interrupted (Ctrl-C).
 *
 * <p>Arguments: {@code --root DIR} (the repository; default: found from the current directory), {@code --port N}
 * (SMTP, default 2525, 0 for any free port), {@code --work DIR} (default {@code ROOT/target/demo}),
 * {@code --jar FILE} (default {@code ROOT/dist/target/authpack-james-*.jar}), {@code --template DIR} (the James
 * {@code conf/} to start from, default {@code ROOT/conf-samples/james}), {@code --proxy} (the SMTP server requires a
 * HAProxy PROXY protocol header first, as behind a load balancer: {@code <proxyRequired>} of
 * conf-samples/smtpserver-proxy-snippet.xml; send with {@code bin/demo-send --proxy v1|v2}).
 */
public final class DemoMain {
    public static final String USER = JamesExtension.ALICE;
    public static final String PASSWORD = JamesExtension.ALICE_PASSWORD;

    private DemoMain() {
    }

    public static void main(String[] args) throws Exception {
        Path root = null;
        Path work = null;
        Path jar = null;
        Path template = null;
        int port = 2525;
        boolean proxy = false;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            if (args[i].equals("--proxy")) {
                proxy = true;
                continue;
            }
            switch (args[i]) {
                case "--root" -> root = Path.of(require(args[i], value));
                case "--work" -> work = Path.of(require(args[i], value));
                case "--jar" -> jar = Path.of(require(args[i], value));
                case "--template" -> template = Path.of(require(args[i], value));
                case "--port" -> port = port(require(args[i], value));
                default -> usage("unknown argument " + args[i]);
            }
            i++;
        }
        if (root != null) {
            System.setProperty(Locations.CONF_SAMPLES_PROPERTY, root.resolve("conf-samples").toString());
        } else {
            root = Locations.confSamples().getParent();
        }
        work = work != null ? work : root.resolve("target/demo");
        jar = jar != null ? jar : packJar(root.resolve("dist/target"));

        AuthpackJames james;
        try {
            james = start(work, jar, port, template, proxy);
        } catch (Exception e) {
            System.err.println("\nauthpack demo: James did not start: " + rootCause(e));
            if (rootCause(e) instanceof java.net.BindException) {
                System.err.println("Port " + port + " is taken? Try: bin/demo --port 0");
            }
            System.err.println("James home: " + work + " (conf/ is the configuration it was given)");
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            james.close();
            stopped.countDown();
        }, "demo-shutdown"));

        int smtpPort = james.smtpPort();
        String portOption = (smtpPort == 2525 ? "" : " --port " + smtpPort) + (proxy ? " --proxy v1" : "");
        Path delivered = work.resolve("var/mail/delivered");
        Path outgoing = work.resolve("var/mail/outgoing");
        System.out.printf("""

                authpack demo: Apache James 3.8.1 is running with %s
                  SMTP        127.0.0.1:%d   (local domain james.test; user %s, password %s)
                  DNS         %s   (conf-samples/demo.zone; spf-temperror.example answers SERVFAIL,
                                                 spf-timeout.example never answers)
                  James home  %s   (started in %d ms)

                Send a test message (in another terminal):
                  bin/demo-send%s --from bob@spf-fail.example
                  bin/demo-send%s --from bob@spf-pass.example --client-ip 127.0.0.2      (iprev fail)
                  bin/demo-send%s --from bob@spf-softfail.example --auth %s:%s
                or, with bash only:
                  bash -c 'exec 3<>/dev/tcp/127.0.0.1/%d; printf "EHLO me.example\\r\\nMAIL FROM:<bob@spf-neutral.example>\\r\\nRCPT TO:<%s>\\r\\nDATA\\r\\nSubject: hi\\r\\n\\r\\nhello\\r\\n.\\r\\nQUIT\\r\\n" >&3; cat <&3'
                Read the result: bin/demo-send prints the delivered header; every delivered message is a file in
                  %s/
                  (cat %s/*.FileStreamStore)

                Relay control (conf/relay-policy.conf in the James home; default deny). Relayed: by SMTP AUTH, and
                by relay_from (a client in 127.0.0.16/28 with a sender @office.example):
                  bin/demo-send%8$s --auth %3$s:%4$s --from %3$s --to friend@remote.example
                  bin/demo-send%8$s --client-ip 127.0.0.20 --from boss@office.example --to client@remote.example
                Refused at RCPT TO with 550 5.7.1 (a stranger):
                  bin/demo-send%8$s --client-ip 127.0.0.5 --to victim@remote.example
                Relayed messages stay on this machine (the sample has no RemoteDelivery), as files in
                  %17$s/

                %18$sStop with Ctrl-C.
                %n""", jar.getFileName(), smtpPort, USER, PASSWORD, james.dns().address(), work,
                james.startupTime().toMillis(), portOption, portOption, portOption, USER, PASSWORD, smtpPort, USER,
                delivered, delivered, outgoing, proxy ? """
                Behind a load balancer (--proxy): every connection must begin with a PROXY header, and James takes
                  the address it names as the client; --client-ip may be any address here (the PROXY line names it):
                  bin/demo-send%s --client-ip 192.0.2.7 --from bob@spf-fail.example      (SPF pass: 192.0.2.0/24)
                A connection without the header (the bash line above) is closed before any SMTP command. (The
                  demo listens on 127.0.0.1 only; on a real server let only the load balancer reach this port:
                  docs/install.md, "Behind a load balancer".)

                """.formatted(portOption) : "");
        System.out.flush();
        stopped.await();
    }

    /**
     * Starts the demo server: the full memory server, SMTP on 127.0.0.1:{@code port}, the pack from {@code jar},
     * delivered mail as files under {@code work/var/mail/}, and the DNS failure modes the banner announces.
     * {@code template} may be null (conf-samples/james).
     */
    static AuthpackJames start(Path work, Path jar, int port, Path template) throws Exception {
        return start(work, jar, port, template, false);
    }

    /**
     * As above; with {@code proxy}, the SMTP server requires a PROXY protocol header first
     * ({@code <proxyRequired>true</proxyRequired>}, conf-samples/smtpserver-proxy-snippet.xml), as behind a load
     * balancer.
     */
    static AuthpackJames start(Path work, Path jar, int port, Path template, boolean proxy) throws Exception {
        AuthpackJames.Builder builder = AuthpackJames.builder();
        if (template != null) {
            builder.template(template);
        }
        if (proxy) {
            builder.edit("smtpserver.xml", DemoMain::proxyRequired);
        }
        AuthpackJames james = builder
                .workDir(work)
                .kind(AuthpackJames.ServerKind.FULL)
                .placeholder("SMTP_BIND", "127.0.0.1:" + port)
                .placeholder("DNS_TIMEOUT", "2000")
                .placeholder("MAIL_REPOSITORY_ROOT", "file://var/mail")
                .withoutPack().extensionJar(jar)
                .user(USER, PASSWORD)
                .start();
        james.dns().servfail("spf-temperror.example").drop("spf-timeout.example");
        return james;
    }

    /** The SMTP server of {@code xml} requiring a PROXY header: the snippet's line after its {@code <bind>}. */
    static String proxyRequired(String xml) {
        String bind = "<bind>@SMTP_BIND@</bind>";
        if (!xml.contains(bind) || xml.contains("proxyRequired")) {
            throw new IllegalStateException("smtpserver.xml template: expected one " + bind + " and no proxyRequired");
        }
        return xml.replace(bind, bind + "\n<proxyRequired>true</proxyRequired>");
    }

    private static Throwable rootCause(Throwable t) {
        Throwable cause = t;
        for (int i = 0; i < 20 && cause.getCause() != null && cause.getCause() != cause; i++) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static Path packJar(Path distTarget) throws java.io.IOException {
        try (var files = Files.list(distTarget)) {
            return files.filter(p -> p.getFileName().toString().matches("authpack-james-.*\\.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no authpack-james-*.jar in " + distTarget
                            + ": build first (mvn -B -DskipTests package)"));
        }
    }

    private static String require(String option, String value) {
        if (value == null) {
            usage(option + " needs a value");
        }
        return value;
    }

    private static int port(String value) {
        try {
            return DemoSend.port(value, 0);
        } catch (DemoSend.UsageException e) {
            usage(e.getMessage());
            return 0;
        }
    }

    private static void usage(String error) {
        System.err.println(error);
        // bin/demo passes --root and --work itself
        System.err.println("usage: bin/demo [--port N] [--proxy] [--jar FILE] [--template DIR] [--root DIR]"
                + " [--work DIR]");
        System.exit(2);
    }
}
