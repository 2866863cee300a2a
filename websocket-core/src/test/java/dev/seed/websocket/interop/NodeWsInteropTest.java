package dev.seed.websocket.interop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The interop row of Node's {@code ws} package (npm, installed into .tools/ by bin/setup.d/11-ws.sh). */
class NodeWsInteropTest extends ProcessPeerInteropTest {

    private static Path wsModule() {
        return PeerProcess.projectRoot().resolve(".tools/node_modules/ws");
    }

    @Override
    String name() {
        return "node";
    }

    @Override
    void requireInstalled() throws Exception {
        boolean node;
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            node = p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (java.io.IOException e) {
            node = false;
        }
        if (!node) {
            throw new AssertionError("Node.js is not installed: install nodejs and npm, then run bin/test "
                    + "(bin/setup.d/11-ws.sh installs the ws package)");
        }
        if (!Files.isRegularFile(wsModule().resolve("package.json"))) {
            throw new AssertionError("Node's ws package is not installed in " + wsModule()
                    + ": run bin/test (bin/setup.d/11-ws.sh runs npm install --prefix .tools ws@8)");
        }
    }

    @Override
    List<String> command(String mode, boolean deflate, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of("node", PeerProcess.script("node/ws-peer.js").toString(), mode,
                deflate ? "deflate" : "plain"));
        cmd.addAll(args);
        return cmd;
    }

    @Override
    Map<String, String> environment() {
        return Map.of("WS_MODULE", wsModule().toString());
    }
}
