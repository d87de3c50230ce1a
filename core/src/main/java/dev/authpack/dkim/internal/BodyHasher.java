package dev.authpack.dkim.internal;

import dev.authpack.dkim.Canonicalization;
import dev.authpack.mail.RawMessage;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Computes body hashes (RFC 6376 §3.7 step 1). Each distinct {@link Key} is hashed once, and all keys of one
 * canonicalization share a single pass over the body, whatever their hash algorithm and {@code l=}.
 */
public final class BodyHasher {
    /** What a body hash depends on; {@code limit} is l= or -1 for the whole body. */
    public record Key(Canonicalization canonicalization, String digestName, long limit) {
    }

    /**
     * A computed body hash.
     *
     * @param digest          the hash of the first {@code limit} canonical octets (all when no limit)
     * @param canonicalLength the length of the whole canonicalized body
     */
    public record Hash(byte[] digest, long canonicalLength) {
    }

    /**
     * The hashes by key, and the work done: {@code digests} hashes computed in {@code passes} passes over the body.
     */
    public record Computed(Map<Key, Hash> hashes, int digests, int passes) {
    }

    private BodyHasher() {
    }

    public static Computed compute(RawMessage message, Collection<Key> wanted) {
        Set<Key> keys = new LinkedHashSet<>(wanted);
        Map<Key, Hash> out = new HashMap<>();
        int digests = 0;
        int passes = 0;
        for (Canonicalization c : Canonicalization.values()) {
            List<Key> group = new ArrayList<>();
            for (Key k : keys) {
                if (k.canonicalization() == c) {
                    group.add(k);
                }
            }
            if (group.isEmpty()) {
                continue;
            }
            FanOut sink = new FanOut(group);
            message.readBody((bytes, offset, length) -> BodyCanonicalizer.canonicalize(c, bytes, offset, length, sink));
            sink.drain();
            passes++;
            for (int i = 0; i < group.size(); i++) {
                out.put(group.get(i), new Hash(sink.digests[i].digest(), sink.total));
                digests++;
            }
        }
        return new Computed(out, digests, passes);
    }

    /**
     * Body hashes of a body fed in chunks, for a message too large to hold (RFC 6376 §3.7 step 1 as
     * {@link #compute}): every key in one pass over the body, both canonicalizations side by side
     * ({@link StreamingBodyCanonicalizer}), so the body is read once whatever the keys; memory bounded by the
     * number of keys, whatever the body. Feed the body after its header section with {@link #update}, then
     * {@link #finish}. Not thread-safe.
     */
    public static final class Streaming {
        private final List<List<Key>> groups = new ArrayList<>();
        private final List<FanOut> sinks = new ArrayList<>();
        private final List<StreamingBodyCanonicalizer> canonicalizers = new ArrayList<>();
        private long octets;
        private boolean finished;

        private Streaming(Collection<Key> wanted) {
            Set<Key> keys = new LinkedHashSet<>(wanted);
            for (Canonicalization c : Canonicalization.values()) {
                List<Key> group = new ArrayList<>();
                for (Key k : keys) {
                    if (k.canonicalization() == c) {
                        group.add(k);
                    }
                }
                if (!group.isEmpty()) {
                    // digests and staging of its own: it lives across calls, beside another one
                    FanOut sink = new FanOut(group, false);
                    groups.add(group);
                    sinks.add(sink);
                    canonicalizers.add(new StreamingBodyCanonicalizer(c, sink));
                }
            }
        }

        /** The next {@code length} octets of the body. */
        public void update(byte[] bytes, int offset, int length) {
            if (finished) {
                throw new IllegalStateException("body hashes already finished");
            }
            for (StreamingBodyCanonicalizer c : canonicalizers) {
                c.write(bytes, offset, length);
            }
            octets += length;
        }

        /** Body octets fed so far. */
        public long octets() {
            return octets;
        }

        /** The hashes of the body fed, by key; one pass (none without keys). */
        public Computed finish() {
            if (finished) {
                throw new IllegalStateException("body hashes already finished");
            }
            finished = true;
            Map<Key, Hash> out = new HashMap<>();
            int digests = 0;
            for (int g = 0; g < groups.size(); g++) {
                canonicalizers.get(g).finish();
                FanOut sink = sinks.get(g);
                sink.drain();
                List<Key> group = groups.get(g);
                for (int i = 0; i < group.size(); i++) {
                    out.put(group.get(i), new Hash(sink.digests[i].digest(), sink.total));
                    digests++;
                }
            }
            return new Computed(out, digests, groups.isEmpty() ? 0 : 1);
        }
    }

    /** {@link Streaming} body hashes of {@code keys}. */
    public static Streaming streaming(Collection<Key> keys) {
        return new Streaming(keys);
    }

    static MessageDigest digest(String name) {
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + name, e);
        }
    }

    /**
     * One digest per algorithm name and thread, kept for the thread's next body hash: {@code MessageDigest.getInstance}
     * (a provider look-up and a new instance) was a visible part of each check in a busy James. A FanOut takes the
     * kept digest for the first key of each name (later keys of the same name get their own), and it is reset when
     * taken, so a hash that ended early (an exception) leaves nothing behind; {@code digest()} resets it too. Bounded:
     * the names are the few the DKIM and ARC algorithms use.
     */
    private static final ThreadLocal<ThreadDigests> KEPT = ThreadLocal.withInitial(ThreadDigests::new);

    private static final class ThreadDigests {
        private final Map<String, MessageDigest> byName = new HashMap<>(4);

        MessageDigest take(String name) {
            MessageDigest kept = byName.get(name);
            if (kept == null) {
                kept = digest(name);
                byName.put(name, kept);
            } else {
                kept.reset();
            }
            return kept;
        }
    }

    /**
     * Feeds every digest its prefix of the canonical body and counts the whole length. Long runs go to the digests
     * as they are; short ones (around the changes canonicalization makes) are first gathered in a staging buffer,
     * because each {@link MessageDigest#update} call has a fixed cost that short runs would pay again and again.
     */
    private static final class FanOut implements CanonicalSink {
        /** Runs at least this long are hashed in place, without a copy. */
        static final int DIRECT_RUN = 512;
        /** Short runs are gathered up to this many octets before they are hashed. */
        static final int STAGE_OCTETS = 4096;
        /**
         * One staging buffer per thread, not one per message: a FanOut lives within one {@link #compute} call, and
         * nothing it calls computes another body hash on the same thread.
         */
        private static final ThreadLocal<byte[]> STAGES = ThreadLocal.withInitial(() -> new byte[STAGE_OCTETS]);

        final MessageDigest[] digests;
        final long[] limits;
        /** Octets written (the canonical length so far). */
        long total;
        /** Octets handed to the digests (those before the staged ones). */
        private long fed;
        private byte[] stage;
        private int staged;

        /** This thread's kept digests and staging buffer, for a FanOut that lives within one {@link #compute}. */
        FanOut(List<Key> keys) {
            this(keys, true);
        }

        /** {@code threadKept}: false for a FanOut of its own (a {@link Streaming} one, beside another). */
        FanOut(List<Key> keys, boolean threadKept) {
            digests = new MessageDigest[keys.size()];
            limits = new long[keys.size()];
            ThreadDigests kept = threadKept ? KEPT.get() : null;
            for (int i = 0; i < digests.length; i++) {
                String name = keys.get(i).digestName();
                digests[i] = kept != null && firstOfItsName(keys, i) ? kept.take(name) : digest(name);
                limits[i] = keys.get(i).limit() < 0 ? Long.MAX_VALUE : keys.get(i).limit();
            }
            if (!threadKept) {
                stage = new byte[STAGE_OCTETS];
            }
        }

        private static boolean firstOfItsName(List<Key> keys, int index) {
            for (int j = 0; j < index; j++) {
                if (keys.get(j).digestName().equals(keys.get(index).digestName())) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            if (length >= DIRECT_RUN) {
                drain();
                feed(bytes, offset, length);
            } else {
                if (stage == null) {
                    stage = STAGES.get();
                } else if (staged + length > STAGE_OCTETS) {
                    drain();
                }
                System.arraycopy(bytes, offset, stage, staged, length);
                staged += length;
            }
            total += length;
        }

        /** Hashes what is staged; called before the digests are read. */
        void drain() {
            if (staged > 0) {
                feed(stage, 0, staged);
                staged = 0;
            }
        }

        private void feed(byte[] bytes, int offset, int length) {
            for (int i = 0; i < digests.length; i++) {
                long room = limits[i] - fed;
                if (room > 0) {
                    digests[i].update(bytes, offset, (int) Math.min(length, room));
                }
            }
            fed += length;
        }
    }
}
