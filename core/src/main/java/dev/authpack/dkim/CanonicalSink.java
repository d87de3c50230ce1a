package dev.authpack.dkim;

/** Receives canonicalized octets, in order. */
interface CanonicalSink {
    void write(byte[] bytes, int offset, int length);
}
