package dev.authpack.james;

import org.apache.mailet.Mail;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * Mail and messages whose James or javax.mail calls throw what a broken spool, a parser's deep recursion or a huge
 * part can: a {@link MessagingException}, a {@link RuntimeException}, a {@link StackOverflowError} or an
 * {@link OutOfMemoryError}. What the pack's mailets, matchers and hooks do then is what the tests see: no
 * exception out of them, no mail lost (docs/security.md, "Errors").
 */
public final class FaultyMail {
    private FaultyMail() {
    }

    /**
     * The faults the tests throw, by name: a {@link MessagingException} (a spool file unreadable), a
     * {@link RuntimeException}, a {@link StackOverflowError} (deep MIME nesting) and an {@link OutOfMemoryError}.
     */
    public static Map<String, Supplier<? extends Throwable>> faults() {
        Map<String, Supplier<? extends Throwable>> faults = new LinkedHashMap<>();
        faults.put("MessagingException", () -> new MessagingException("spool file unreadable (test)"));
        faults.put("RuntimeException", () -> new IllegalStateException("broken (test)"));
        faults.put("StackOverflowError", () -> new StackOverflowError("deep MIME nesting (test)"));
        faults.put("OutOfMemoryError", () -> new OutOfMemoryError("Java heap space (test)"));
        return faults;
    }

    /** {@code mail}, its {@code method} (any arguments) throwing {@code fault}; every other call goes to it. */
    public static Mail throwingOn(Mail mail, String method, Supplier<? extends Throwable> fault) {
        return (Mail) Proxy.newProxyInstance(Mail.class.getClassLoader(), new Class<?>[] {Mail.class},
                (proxy, called, args) -> {
                    if (called.getName().equals(method)) {
                        throw fault.get();
                    }
                    try {
                        return called.invoke(mail, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** {@code mail}, its setAttribute of {@code name} throwing {@code fault}; every other call goes to it. */
    public static Mail refusingAttribute(Mail mail, org.apache.mailet.AttributeName name,
                                         Supplier<? extends Throwable> fault) {
        return (Mail) Proxy.newProxyInstance(Mail.class.getClassLoader(), new Class<?>[] {Mail.class},
                (proxy, called, args) -> {
                    if (called.getName().equals("setAttribute") && args[0] instanceof org.apache.mailet.Attribute a
                            && a.getName().equals(name)) {
                        throw fault.get();
                    }
                    try {
                        return called.invoke(mail, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** A message of {@code text} whose writing, reading and size throw {@code fault} (each time). */
    public static MimeMessage message(String text, Supplier<? extends Throwable> fault) throws MessagingException {
        return new FaultyMessage(text, fault);
    }

    /** Throws {@code fault}, whatever its kind (the callers declare the checked ones they may throw). */
    @SuppressWarnings("unchecked")
    static <T extends Throwable> void sneak(Throwable fault) throws T {
        throw (T) fault;
    }

    private static final class FaultyMessage extends MimeMessage {
        private final Supplier<? extends Throwable> fault;

        FaultyMessage(String text, Supplier<? extends Throwable> fault) throws MessagingException {
            super(Session.getInstance(new Properties()),
                    new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
            this.fault = fault;
        }

        @Override
        public void writeTo(OutputStream out, String[] ignoreList) throws IOException, MessagingException {
            sneak(fault.get());
        }

        @Override
        public InputStream getInputStream() throws IOException, MessagingException {
            sneak(fault.get());
            return null;
        }

        @Override
        public InputStream getRawInputStream() throws MessagingException {
            sneak(fault.get());
            return null;
        }

        @Override
        public int getSize() throws MessagingException {
            sneak(fault.get());
            return 0;
        }
    }
}
