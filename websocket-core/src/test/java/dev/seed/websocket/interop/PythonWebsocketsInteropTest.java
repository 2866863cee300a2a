package dev.seed.websocket.interop;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The interop row of Python's {@code websockets} package: Debian's python3-websockets, run with
 * Debian's /usr/bin/python3 (installed by bin/setup.d/12-python-websockets.sh).
 */
class PythonWebsocketsInteropTest extends ProcessPeerInteropTest {

    static final String PYTHON = "/usr/bin/python3";

    @Override
    String name() {
        return "python";
    }

    @Override
    void requireInstalled() throws Exception {
        String version = null;
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import websockets; print(websockets.__version__)")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                version = out;
            }
        } catch (java.io.IOException e) {
            version = null;
        }
        if (version == null) {
            throw new AssertionError("Python's websockets is not installed for " + PYTHON
                    + ": run bin/test as root (bin/setup.d/12-python-websockets.sh installs Debian's python3-websockets)");
        }
    }

    @Override
    List<String> command(String mode, boolean deflate, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(PYTHON, "-u", PeerProcess.script("python/ws_peer.py").toString(), mode,
                deflate ? "deflate" : "plain"));
        cmd.addAll(args);
        return cmd;
    }
}
