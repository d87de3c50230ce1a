package dev.authpack.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Review s23 (a newcomer following the README): the messages {@code bin/demo-send} gives when the demo is not
 * running or an option is mistyped say what is wrong, without a stack trace or a wrong hint.
 */
class ReviewS23DemoSendTest {

    @TempDir
    Path work;

    @Test
    void noDemoListeningSaysToStartItNotToAddAProxyHeader() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        } // closed: nothing listens on it now
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status = DemoSend.run(new String[] {"--port", Integer.toString(port), "--work", work.toString()},
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(status).isEqualTo(1);
        assertThat(out).contains("nothing listens on 127.0.0.1:" + port).contains("is bin/demo running?")
                .doesNotContain("add --proxy v1");
    }

    @Test
    void anUnknownOptionIsNamedAsUnknownEvenWithoutAValue() {
        assertThatThrownBy(() -> DemoSend.run(new String[] {"--bogus"}, System.out))
                .isInstanceOf(DemoSend.UsageException.class).hasMessage("unknown option --bogus");
        assertThatThrownBy(() -> DemoSend.run(new String[] {"--from"}, System.out))
                .isInstanceOf(DemoSend.UsageException.class).hasMessage("option --from needs a value");
    }

    @Test
    void aPortThatIsNotANumberIsAUsageErrorNotAStackTrace() {
        assertThatThrownBy(() -> DemoSend.run(new String[] {"--port", "abc"}, System.out))
                .isInstanceOf(DemoSend.UsageException.class)
                .hasMessage("--port takes a number from 1 to 65535, not 'abc'");
        assertThatThrownBy(() -> DemoSend.port("65536", 0)).isInstanceOf(DemoSend.UsageException.class)
                .hasMessage("--port takes a number from 0 to 65535, not '65536'");
    }

    @Test
    void binDemoTakesPortZeroForAnyFreePort() throws Exception {
        assertThat(DemoSend.port("0", 0)).isZero();
        assertThat(DemoSend.port("2525", 1)).isEqualTo(2525);
    }
}
