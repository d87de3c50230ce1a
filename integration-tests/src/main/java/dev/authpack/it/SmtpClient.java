package dev.authpack.it;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A tiny SMTP client over a raw socket, for tests: every command returns the server's {@link SmtpReply}, nothing
 * is asserted here, and {@link #transcript()} keeps the whole dialogue for failure messages.
 *
 * <p>The client socket can be bound to a chosen local address ({@code 127.0.0.2}, {@code ::1}, ...) so that tests
 * control the client IP James sees, which is what SPF, iprev and relay decisions are about. On Linux every address
 * of 127.0.0.0/8 is usable without any setup.
 */
public final class SmtpClient implements Closeable {
    /** Read timeout: a James that does not answer within this is a failure, not a hang. */
    public static final int READ_TIMEOUT_MILLIS = 30_000;
    /** Bound on the lines of one multi-line reply. */
    private static final int MAX_REPLY_LINES = 100;

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;
    private final List<String> transcript = new ArrayList<>();
    private final SmtpReply greeting;

    private SmtpClient(Socket socket, byte[] preamble) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        this.out = socket.getOutputStream();
        if (preamble.length > 0) {
            out.write(preamble);
            out.flush();
            transcript.add("C: <" + preamble.length + " octets before SMTP: "
                    + ProxyHeader.describe(preamble) + ">");
        }
        this.greeting = readReply();
    }

    /** Connects from the default local address. */
    public static SmtpClient connect(InetAddress server, int port) {
        return connect(server, port, null);
    }

    /**
     * Connects from {@code localAddress} (any port), or from the system's choice when it is null. The address
     * family must match the server's ({@code ::1} cannot reach {@code 127.0.0.1}).
     */
    public static SmtpClient connect(InetAddress server, int port, InetAddress localAddress) {
        return connect(server, port, localAddress, new byte[0]);
    }

    /**
     * Connects from {@code localAddress} (or the system's choice) and sends {@code preamble} first, before reading
     * the greeting: what a load balancer speaking the HAProxy PROXY protocol does ({@link ProxyHeader}).
     */
    public static SmtpClient connect(InetAddress server, int port, InetAddress localAddress, byte[] preamble) {
        Socket socket = new Socket();
        try {
            if (localAddress != null) {
                socket.bind(new InetSocketAddress(localAddress, 0));
            }
            socket.connect(new InetSocketAddress(server, port), READ_TIMEOUT_MILLIS);
            return new SmtpClient(socket, preamble.clone());
        } catch (IOException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already failing
            }
            throw new UncheckedIOException("cannot connect to " + server + ":" + port
                    + (localAddress == null ? "" : " from " + localAddress), e);
        }
    }

    /** The 220 greeting read on connect. */
    public SmtpReply greeting() {
        return greeting;
    }

    public SmtpReply ehlo(String domain) {
        return command("EHLO " + domain);
    }

    public SmtpReply helo(String domain) {
        return command("HELO " + domain);
    }

    /** AUTH PLAIN with the initial response (RFC 4954 §4, RFC 4616): authzid empty, authcid, password. */
    public SmtpReply authPlain(String user, String password) {
        String token = Base64.getEncoder().encodeToString(
                ("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
        return exchange("AUTH PLAIN " + token, "AUTH PLAIN <credentials of " + user + ">");
    }

    /** {@code MAIL FROM:<reversePath>}; an empty path is the null sender. */
    public SmtpReply mailFrom(String reversePath) {
        return command("MAIL FROM:<" + reversePath + ">");
    }

    /** {@code RCPT TO:<forwardPath>}; the path is sent as given (tests of odd addresses need exactly that). */
    public SmtpReply rcptTo(String forwardPath) {
        return command("RCPT TO:<" + forwardPath + ">");
    }

    /**
     * DATA, then the message (line ends made CRLF, leading dots doubled, RFC 5321 §4.5.2), then the final dot.
     * Returns the reply to DATA itself if it is not 354, else the reply after the final dot.
     */
    public SmtpReply data(String message) {
        SmtpReply go = command("DATA");
        if (go.code() != 354) {
            return go;
        }
        StringBuilder body = new StringBuilder(message.length() + 64);
        for (String line : message.split("\r?\n", -1)) {
            body.append(line.startsWith(".") ? "." : "").append(line).append("\r\n");
        }
        if (message.endsWith("\n")) {
            body.setLength(body.length() - 2); // split() gave a last empty "line" for the final line end
        }
        body.append(".\r\n");
        write(body.toString());
        transcript.add("C: <message, " + message.length() + " chars>");
        return readReply();
    }

    /**
     * DATA, then {@code octets} exactly as given (the caller ends lines and doubles leading dots), then CRLF if they
     * do not end with one, and the final dot: for messages that are not text (NUL octets, 8-bit fields). Returns the
     * reply to DATA itself if it is not 354, else the reply after the final dot.
     */
    public SmtpReply dataOctets(byte[] octets) {
        SmtpReply go = command("DATA");
        if (go.code() != 354) {
            return go;
        }
        boolean endsWithCrlf = octets.length >= 2 && octets[octets.length - 2] == '\r'
                && octets[octets.length - 1] == '\n';
        try {
            out.write(octets);
            out.write(((octets.length == 0 || endsWithCrlf ? "" : "\r\n") + ".\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("write failed; transcript so far:\n" + transcriptText(), e);
        }
        transcript.add("C: <message, " + octets.length + " octets>");
        return readReply();
    }

    public SmtpReply rset() {
        return command("RSET");
    }

    public SmtpReply quit() {
        return command("QUIT");
    }

    /** Sends one command line (CRLF added) and reads the reply. */
    public SmtpReply command(String line) {
        return exchange(line, line);
    }

    private SmtpReply exchange(String line, String shownInTranscript) {
        if (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a command is one line: " + line);
        }
        transcript.add("C: " + shownInTranscript);
        write(line + "\r\n");
        return readReply();
    }

    private void write(String text) {
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("write failed; transcript so far:\n" + transcriptText(), e);
        }
    }

    private SmtpReply readReply() {
        List<String> lines = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_REPLY_LINES; i++) {
                String line = in.readLine();
                if (line == null) {
                    throw new IOException("connection closed by the server");
                }
                transcript.add("S: " + line);
                if (line.length() < 3 || !Character.isDigit(line.charAt(0))) {
                    throw new IOException("not an SMTP reply line: " + line);
                }
                int code = Integer.parseInt(line.substring(0, 3));
                lines.add(line.length() > 4 ? line.substring(4) : "");
                if (line.length() == 3 || line.charAt(3) == ' ') {
                    return new SmtpReply(code, lines);
                }
            }
            throw new IOException("reply longer than " + MAX_REPLY_LINES + " lines");
        } catch (IOException e) {
            throw new UncheckedIOException("reading SMTP reply failed; transcript:\n" + transcriptText(), e);
        }
    }

    /** The client's local address as the server sees it. */
    public InetAddress localAddress() {
        return socket.getLocalAddress();
    }

    /** The dialogue so far, one line per command or reply line ({@code C:} / {@code S:}). */
    public List<String> transcript() {
        return List.copyOf(transcript);
    }

    public String transcriptText() {
        return String.join("\n", transcript);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to do for a test client
        }
    }
}
