package dev.authpack.dns;

/** The record types the engine asks for. */
public enum DnsType {
    A, AAAA, MX, TXT, PTR
}
