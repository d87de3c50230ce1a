package dev.authpack.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The part every dnsjava-backed resolver shares: name checks, the CNAME chain over several queries, turning
 * records into the engine's types, and the promise never to complete exceptionally. Subclasses only say how one
 * question is asked ({@link #ask}).
 */
abstract class RecordLookupResolver implements DnsResolver {

    private static final Logger LOG = LoggerFactory.getLogger(RecordLookupResolver.class);

    /**
     * What one question got: a DNS reply, or a failure without one (timeout, network error; {@code localOverload}:
     * the query was not sent, {@link DnsLookup#localOverload()}).
     */
    record Reply(int rcode, List<Record> answer, List<Record> authority, DnsOutcome failure, String detail,
                 boolean localOverload) {
        static Reply of(int rcode, List<Record> answer, List<Record> authority) {
            return new Reply(rcode, answer, authority, null, "", false);
        }

        static Reply failed(DnsOutcome failure, String detail) {
            return new Reply(0, List.of(), List.of(), failure, detail, false);
        }

        /** A TEMP_FAILURE: the resolver was at its bound and did not send the query. */
        static Reply overloaded(String detail) {
            return new Reply(0, List.of(), List.of(), DnsOutcome.TEMP_FAILURE, detail, true);
        }
    }

    /**
     * Asks one question (class IN). May complete exceptionally; the caller turns that into TEMP_FAILURE. A query
     * sent over the network is given to {@code queries} ({@link Queries#sent}), and none is sent once
     * {@link Queries#cancelled()}.
     */
    abstract CompletableFuture<Reply> ask(Name name, int type, Queries queries);

    /**
     * The query one lookup has on the network now (an attempt; a CNAME step is a lookup's next query), so that
     * cancelling the future a lookup returned ends that query at once (the transport closes its socket and frees
     * its slot) and sends no further attempt or step. Thread-safe.
     */
    static final class Queries {
        private CompletableFuture<?> current;
        private boolean cancelled;

        /** {@code query} was sent for the lookup; it is cancelled at once when the lookup already is. */
        void sent(CompletableFuture<?> query) {
            synchronized (this) {
                if (!cancelled) {
                    current = query;
                    return;
                }
            }
            query.cancel(false);
        }

        synchronized boolean cancelled() {
            return cancelled;
        }

        void cancel() {
            CompletableFuture<?> query;
            synchronized (this) {
                cancelled = true;
                query = current;
                current = null;
            }
            if (query != null) {
                query.cancel(false);
            }
        }
    }

    @Override
    public CompletableFuture<DnsLookup<String>> txt(String name) {
        return lookup(name, DnsType.TXT, RecordLookupResolver::txtText);
    }

    @Override
    public CompletableFuture<DnsLookup<InetAddress>> a(String name) {
        return lookup(name, DnsType.A, r -> plainAddress(((ARecord) r).getAddress()));
    }

    @Override
    public CompletableFuture<DnsLookup<InetAddress>> aaaa(String name) {
        return lookup(name, DnsType.AAAA, r -> plainAddress(((AAAARecord) r).getAddress()));
    }

    @Override
    public CompletableFuture<DnsLookup<MxHost>> mx(String name) {
        return lookup(name, DnsType.MX,
                r -> new MxHost(((MXRecord) r).getPriority(), DnsNames.fromName(((MXRecord) r).getTarget())));
    }

    @Override
    public CompletableFuture<DnsLookup<String>> ptr(InetAddress address) {
        if (address == null) {
            return CompletableFuture.completedFuture(
                    DnsLookup.failed("", DnsType.PTR, DnsOutcome.TEMP_FAILURE, "no address"));
        }
        return lookup(DnsNames.reverseName(address), DnsType.PTR,
                r -> DnsNames.fromName(((PTRRecord) r).getTarget()));
    }

    static int typeCode(DnsType type) {
        return switch (type) {
            case A -> Type.A;
            case AAAA -> Type.AAAA;
            case MX -> Type.MX;
            case TXT -> Type.TXT;
            case PTR -> Type.PTR;
        };
    }

    /** RFC 7208 §3.3 / RFC 6376 §3.6.2.2: the character-strings of one TXT record are joined without space. */
    private static String txtText(Record r) {
        StringBuilder sb = new StringBuilder();
        for (byte[] s : ((TXTRecord) r).getStringsAsByteArrays()) {
            sb.append(new String(s, StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    /** The address without the owner name dnsjava attaches, so it prints and compares as a bare address. */
    private static InetAddress plainAddress(InetAddress a) {
        try {
            return InetAddress.getByAddress(a.getAddress());
        } catch (UnknownHostException e) {
            return a; // cannot happen for 4 or 16 octets
        }
    }

    private <T> CompletableFuture<DnsLookup<T>> lookup(String rawName, DnsType type, Function<Record, T> mapper) {
        String name = DnsNames.normalize(rawName);
        Optional<String> malformed = DnsNames.malformed(name);
        if (malformed.isPresent()) {
            return CompletableFuture.completedFuture(
                    DnsLookup.failed(name, type, DnsOutcome.INVALID_NAME, malformed.get() + ": " + rawName));
        }
        Name qname;
        try {
            qname = DnsNames.toName(name);
        } catch (TextParseException e) {
            return CompletableFuture.completedFuture(
                    DnsLookup.failed(name, type, DnsOutcome.INVALID_NAME, "unusable domain name: " + e.getMessage()));
        }
        Queries queries = new Queries();
        CompletableFuture<DnsLookup<T>> result;
        try {
            result = step(name, type, typeCode(type), qname, 0, Long.MAX_VALUE, mapper, queries);
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<DnsLookup<T>> lookup = result.exceptionally(t -> {
            LOG.warn("DNS lookup {} {} failed unexpectedly", type, name, t);
            return DnsLookup.failed(name, type, DnsOutcome.TEMP_FAILURE, "resolver error: " + t);
        });
        // the caller cancelling the lookup ends its query on the network (DnsResolver: no one waits any more)
        lookup.whenComplete((l, e) -> {
            if (lookup.isCancelled()) {
                queries.cancel();
            }
        });
        return lookup;
    }

    private <T> CompletableFuture<DnsLookup<T>> step(String name, DnsType type, int code, Name qname, int hops,
                                                     long ttl, Function<Record, T> mapper, Queries queries) {
        return ask(qname, code, queries).thenCompose(reply -> {
            if (reply.failure() != null) {
                return CompletableFuture.completedFuture(reply.localOverload()
                        ? DnsLookup.overloaded(name, type, reply.detail())
                        : DnsLookup.failed(name, type, reply.failure(), reply.detail()));
            }
            AnswerReader.Step s = AnswerReader.read(reply.rcode(), reply.answer(), reply.authority(), qname, code,
                    hops, ttl);
            if (s instanceof AnswerReader.Follow f) {
                LOG.debug("{} {}: following CNAME to {}", type, name, f.target());
                return step(name, type, code, f.target(), f.hopsUsed(), f.ttl(), mapper, queries);
            }
            AnswerReader.Done d = (AnswerReader.Done) s;
            if (d.outcome() != DnsOutcome.RECORDS) {
                return CompletableFuture.completedFuture(
                        new DnsLookup<T>(name, type, d.outcome(), List.of(), d.ttl(), d.detail()));
            }
            List<T> records = new ArrayList<>(d.records().size());
            for (Record r : d.records()) {
                records.add(mapper.apply(r));
            }
            return CompletableFuture.completedFuture(
                    new DnsLookup<>(name, type, DnsOutcome.RECORDS, records, d.ttl(), ""));
        });
    }
}
