package dev.authpack.bench.james;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A lean SMTP client for the load: one connection, many transactions, messages already encoded (so the client
 * spends as little CPU as possible on the machine it shares with James). The integration tests' {@code SmtpClient}
 * keeps a transcript, which would grow for the whole run.
 */
final class SmtpConnection implements Closeable {
    /** A James that does not answer within this is a failure, not a hang. */
    static final int READ_TIMEOUT_MILLIS = 60_000;
    /** Bound on one reply line and on the lines of one reply. */
    private static final int MAX_LINE = 1_000;
    private static final int MAX_REPLY_LINES = 100;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    SmtpConnection(int port, String helo) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MILLIS);
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        expect(reply(), 220, "greeting");
        expect(command("EHLO " + helo), 250, "EHLO");
    }

    /** The message's DATA octets: dot-stuffed (RFC 5321 §4.5.2), CRLF line ends, the final {@code .CRLF}. */
    static byte[] dataOctets(String message) {
        StringBuilder s = new StringBuilder(message.length() + 64);
        for (String line : message.split("\r\n", -1)) {
            s.append(line.startsWith(".") ? "." : "").append(line).append("\r\n");
        }
        if (message.endsWith("\r\n")) {
            s.setLength(s.length() - 2);
        }
        s.append(".\r\n");
        return s.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** One transaction; the reply code to the end of DATA (or to the first command refused). */
    int send(String mailFrom, String recipient, byte[] data) throws IOException {
        int code = command("MAIL FROM:<" + mailFrom + ">");
        if (code != 250) {
            return code;
        }
        code = command("RCPT TO:<" + recipient + ">");
        if (code != 250) {
            command("RSET");
            return code;
        }
        code = command("DATA");
        if (code != 354) {
            return code;
        }
        out.write(data);
        out.flush();
        return reply();
    }

    private int command(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return reply();
    }

    /** Reads a (multi-line) reply; its code. */
    private int reply() throws IOException {
        for (int i = 0; i < MAX_REPLY_LINES; i++) {
            String line = line();
            if (line.length() < 3) {
                throw new IOException("not an SMTP reply: " + line);
            }
            if (line.length() == 3 || line.charAt(3) == ' ') {
                return Integer.parseInt(line.substring(0, 3));
            }
        }
        throw new IOException("reply longer than " + MAX_REPLY_LINES + " lines");
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        for (int i = 0; i < MAX_LINE; i++) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed by the server");
            }
            if (c == '\n') {
                String s = b.toString(StandardCharsets.US_ASCII);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        throw new IOException("reply line longer than " + MAX_LINE);
    }

    private static void expect(int code, int wanted, String what) throws IOException {
        if (code != wanted) {
            throw new IOException(what + ": reply " + code + ", wanted " + wanted);
        }
    }

    @Override
    public void close() {
        try {
            command("QUIT");
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }
}
