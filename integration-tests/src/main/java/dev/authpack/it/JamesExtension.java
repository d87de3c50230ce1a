package dev.authpack.it;

import dev.authpack.testkit.dns.LoopbackDnsServer;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension: one {@link AuthpackJames} per test class, started before the first test, stopped after the
 * last. Register it in a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final JamesExtension JAMES = new JamesExtension(b -> b.user("alice@james.test", "secret"));
 *
 * @Test void spfFail() {
 *     DeliveredMail mail = JAMES.server().deliver(Submission.create().mailFrom("bob@spf-fail.example"));
 *     assertThat(mail.header("Authentication-Results")).hasValueSatisfying(...);
 * }
 * }</pre>
 *
 * The working directory is {@code target/james-work/<test class simple name>}, left in place for inspection.
 * Before each test the DNS failure rules ({@code servfail}/{@code drop}) are cleared.
 */
public final class JamesExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
    /** The user every default configuration has (the sample's local domain is james.test). */
    public static final String ALICE = "alice@james.test";
    public static final String ALICE_PASSWORD = "alice-secret";

    private final Consumer<AuthpackJames.Builder> configuration;
    private AuthpackJames server;

    /** The sample configuration, with user {@link #ALICE}. */
    public JamesExtension() {
        this(b -> { });
    }

    /** The sample configuration, with user {@link #ALICE}, changed by {@code configuration}. */
    public JamesExtension(Consumer<AuthpackJames.Builder> configuration) {
        this.configuration = configuration;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        AuthpackJames.Builder builder = AuthpackJames.builder()
                .name(context.getRequiredTestClass().getSimpleName())
                .user(ALICE, ALICE_PASSWORD);
        configuration.accept(builder);
        server = builder.start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        server().dns().clearFailures();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** The running server (valid from {@code @BeforeAll} to {@code @AfterAll}). */
    public AuthpackJames server() {
        if (server == null) {
            throw new IllegalStateException("James is not running (is the extension registered on a static field?)");
        }
        return server;
    }

    public LoopbackDnsServer dns() {
        return server().dns();
    }

    public DeliveredMail deliver(Submission submission) {
        return server().deliver(submission);
    }

    public SubmissionResult submit(Submission submission) {
        return server().submit(submission);
    }
}
