package dev.authpack.dkim.internal;

/** Receives canonicalized octets, in order. */
public interface CanonicalSink {
    void write(byte[] bytes, int offset, int length);
}
