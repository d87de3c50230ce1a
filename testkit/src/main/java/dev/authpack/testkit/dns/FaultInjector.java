package dev.authpack.testkit.dns;

import java.io.IOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;

/**
 * The per-query faults of {@link LoopbackDnsServer#faults}: stands between the finished answer and the socket,
 * and for a query whose name matches a rule sends it as its {@link FaultMix} draws (at once, later, as SERVFAIL,
 * truncated, or not at all), counting what it did. Queries no rule matches pass untouched and uncounted.
 */
final class FaultInjector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FaultInjector.class);
    /** The answer sections a SERVFAIL or truncated answer leaves empty. */
    private static final int[] RECORD_SECTIONS = {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL};

    private record Rule(Name name, boolean below, FaultMix mix) {
        boolean matches(Name qname) {
            return below ? qname.subdomain(name) && !qname.equals(name) : qname.equals(name);
        }
    }

    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final Map<FaultMix.Fault, AtomicLong> counts = new EnumMap<>(FaultMix.Fault.class);
    private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "loopback-dns-delayed-answers");
        t.setDaemon(true);
        return t;
    });

    FaultInjector() {
        for (FaultMix.Fault f : FaultMix.Fault.values()) {
            counts.put(f, new AtomicLong());
        }
    }

    /** Adds a rule: {@code name} exactly, or every name strictly below it when written {@code *.name}. */
    void add(String pattern, FaultMix mix) {
        String n = pattern.trim().toLowerCase(Locale.ROOT);
        boolean below = n.startsWith("*.");
        n = below ? n.substring(2) : n;
        try {
            rules.add(new Rule(Name.fromString(n.endsWith(".") ? n : n + "."), below, mix));
        } catch (TextParseException e) {
            throw new IllegalArgumentException("bad name: " + pattern, e);
        }
    }

    void clear() {
        rules.clear();
    }

    /** Queries each fault was applied to since the server started (rules cleared or not). */
    Map<FaultMix.Fault, Long> counts() {
        Map<FaultMix.Fault, Long> snapshot = new EnumMap<>(FaultMix.Fault.class);
        counts.forEach((f, n) -> snapshot.put(f, n.get()));
        return snapshot;
    }

    /** Sends {@code reply}, the normal answer to {@code query}, through {@code send} as the first matching rule says. */
    void deliver(byte[] query, byte[] reply, boolean udp, Consumer<byte[]> send) {
        Rule rule = rules.isEmpty() ? null : matching(query);
        if (rule == null) {
            send.accept(reply);
            return;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        FaultMix.Fault fault = rule.mix().pick(random.nextDouble());
        counts.get(fault).incrementAndGet();
        switch (fault) {
            case NONE -> send.accept(reply);
            case DROP -> LOG.debug("fault: dropping an answer for {}", rule.name());
            case SERVFAIL -> send.accept(emptied(reply, false));
            case TRUNCATE -> send.accept(udp ? emptied(reply, true) : reply);
            case DELAY -> later(() -> send.accept(reply), rule.mix().delayFor(random.nextDouble()).toMillis());
        }
    }

    /** Runs {@code send} {@code millis} from now on the timer thread (other answers are not held back). */
    void later(Runnable send, long millis) {
        try {
            later.schedule(send, millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("server closed: delayed answer not sent");
        }
    }

    private Rule matching(byte[] query) {
        Record question;
        try {
            question = new Message(query).getQuestion();
        } catch (IOException e) {
            return null; // respond() already answered FORMERR
        }
        if (question == null) {
            return null;
        }
        for (Rule r : rules) {
            if (r.matches(question.getName())) {
                return r;
            }
        }
        return null;
    }

    /** The answer without records: SERVFAIL, or (truncated) NOERROR with TC set (RFC 1035 §4.1.1). */
    private static byte[] emptied(byte[] reply, boolean truncated) {
        try {
            Message m = new Message(reply);
            for (int section : RECORD_SECTIONS) {
                m.removeAllRecords(section);
            }
            if (truncated) {
                m.getHeader().setFlag(Flags.TC);
            } else {
                m.getHeader().setRcode(Rcode.SERVFAIL);
                m.getHeader().unsetFlag(Flags.AA);
            }
            return m.toWire();
        } catch (IOException e) {
            throw new IllegalStateException("our own answer does not parse", e);
        }
    }

    @Override
    public void close() {
        later.shutdownNow();
    }
}
