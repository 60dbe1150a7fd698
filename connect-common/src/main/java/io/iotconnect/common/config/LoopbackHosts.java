package io.iotconnect.common.config;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Tells a loopback host from the rest by its name alone, without a DNS lookup (validation must not depend on the
 * network): {@code localhost}, {@code 127.x.x.x} and {@code ::1}. The connectors allow a plaintext endpoint, or
 * credentials sent over one, only to such a host unless an operator explicitly allows more: nothing sent to it leaves
 * the machine.
 */
public final class LoopbackHosts {

    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(\\.[0-9]{1,3}){3}");

    private LoopbackHosts() {
    }

    public static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String name = host.trim().toLowerCase(Locale.ROOT);
        if (name.startsWith("[") && name.endsWith("]")) {
            name = name.substring(1, name.length() - 1);
        }
        return name.equals("localhost") || name.endsWith(".localhost") || IPV4_LOOPBACK.matcher(name).matches()
                || name.equals("::1") || name.equals("0:0:0:0:0:0:0:1");
    }
}
