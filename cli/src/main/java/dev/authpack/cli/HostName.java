package dev.authpack.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** This machine's name: the default authserv-id (CLI.md) and SPF receiver ({@code %{r}}, RFC 7208 §7.2). */
final class HostName {
    private HostName() {
    }

    static String local() {
        try {
            String name = InetAddress.getLocalHost().getHostName();
            return name == null || name.isBlank() ? "localhost" : name;
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
