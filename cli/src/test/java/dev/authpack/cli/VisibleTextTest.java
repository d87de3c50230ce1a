package dev.authpack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class VisibleTextTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream err = VisibleText.of(new PrintStream(bytes, true, StandardCharsets.UTF_8));

    private String shown() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void controlsAreShownLineEndsAndTabsKept() {
        err.println("a\u001b[2Jb\rc\u009bd\u202ee\u2028f\u007f");
        err.println("\tat x.Y(Z.java:1)");
        assertThat(shown()).isEqualTo("a\\x1b[2Jb\\x0dc\\x9bd\\u202ee\\u2028f\\x7f\n\tat x.Y(Z.java:1)\n");
    }

    @Test
    void aCharacterSplitAcrossWritesIsDecodedWhole() {
        byte[] rlo = "\u202e".getBytes(StandardCharsets.UTF_8); // E2 80 AE
        err.write(rlo, 0, 1);
        err.flush(); // a flush inside a character keeps its start for the rest
        err.write(rlo, 1, 2);
        err.print("ü\n");
        assertThat(shown()).isEqualTo("\\u202eü\n");
    }

    @Test
    void aLongLineIsWrittenWithoutWaitingForItsEnd() {
        err.print("é".repeat(10_000)); // 20,000 octets, no line end, no flush of ours
        assertThat(shown()).hasSizeGreaterThan(8000).matches("é+");
    }

    @Test
    void wrappingTwiceIsWrappingOnce() {
        assertThat(VisibleText.of(err)).isSameAs(err);
    }
}
