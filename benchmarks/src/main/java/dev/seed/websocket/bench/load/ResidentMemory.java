package dev.seed.websocket.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resident memory of a process by address range, from {@code /proc/PID/smaps} (Linux): what the
 * process really holds in RAM, whoever allocated it, NMT or not.
 */
final class ResidentMemory {

    private ResidentMemory() {
    }

    /**
     * Bytes resident in the mappings of process {@code pid} that do not lie inside
     * {@code [from, to)} (the Java heap's reserved range, which G1 may map in several parts).
     */
    static long outside(long pid, long from, long to) throws IOException {
        long total = 0;
        boolean inside = false;
        Path smaps = Path.of("/proc", Long.toString(pid), "smaps");
        try (BufferedReader in = Files.newBufferedReader(smaps, StandardCharsets.US_ASCII)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (isMappingHeader(line)) {
                    int dash = line.indexOf('-');
                    long start = Long.parseUnsignedLong(line.substring(0, dash), 16);
                    long end = Long.parseUnsignedLong(line.substring(dash + 1, line.indexOf(' ')), 16);
                    inside = Long.compareUnsigned(start, from) >= 0 && Long.compareUnsigned(end, to) <= 0;
                } else if (!inside && line.startsWith("Rss:")) {
                    total += kib(line) * 1024;
                }
            }
        }
        return total;
    }

    /** A mapping's first line, {@code 7f12a000-7f12c000 rw-p ...}; field lines start with a name and a colon. */
    private static boolean isMappingHeader(String line) {
        int dash = line.indexOf('-');
        int space = line.indexOf(' ');
        return dash > 0 && space > dash && line.indexOf(':') > space;
    }

    /** The number of a field line such as {@code Rss:   1234 kB}. */
    private static long kib(String line) {
        String[] parts = line.trim().split("\\s+");
        return Long.parseLong(parts[1]);
    }
}
