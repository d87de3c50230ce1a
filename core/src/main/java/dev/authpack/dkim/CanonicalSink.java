package dev.authpack.dkim;

/** Receives canonicalized octets, in order. */
public interface CanonicalSink {
    void write(byte[] bytes, int offset, int length);
}
