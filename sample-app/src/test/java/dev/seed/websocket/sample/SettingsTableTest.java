package dev.seed.websocket.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.sample.support.Tools;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The README's table of settings says what application.yml sets: every key it names is in the
 * file, with the value the table gives.
 */
class SettingsTableTest {

    private static final Pattern ROW = Pattern.compile("^\\| (`[^|]+`) \\| ([^|]+) \\| [^|]+ \\|$");
    private static final Pattern KEY = Pattern.compile("`([a-z0-9.-]+)`");

    @Test
    void everyKeyOfTheReadmesTableIsInApplicationYmlWithTheValueItGives() throws Exception {
        Map<String, String> yml = new LinkedHashMap<>();
        try (var in = Files.newInputStream(Tools.moduleDir().resolve("src/main/resources/application.yml"))) {
            flatten("", new Yaml().load(in), yml);
        }
        List<String> checked = new ArrayList<>();
        for (String line : Files.readAllLines(Tools.moduleDir().resolve("README.md"))) {
            Matcher row = ROW.matcher(line.trim());
            if (!row.matches()) {
                continue;
            }
            List<String> keys = new ArrayList<>();
            Matcher k = KEY.matcher(row.group(1));
            String prefix = null;
            while (k.find()) {
                String key = k.group(1);
                if (prefix == null) {
                    prefix = key.substring(0, key.lastIndexOf('.') + 1);
                    keys.add(key);
                } else {
                    keys.add(key.contains(".") ? key : prefix + key); // `a.b.c`, `d`: d is a.b.d
                }
            }
            if (keys.isEmpty() || !(keys.get(0).startsWith("websocket.") || keys.get(0).startsWith("sample.")
                    || keys.get(0).startsWith("management."))) {
                continue;
            }
            String[] values = row.group(2).trim().replace("`", "").split(", ");
            for (int i = 0; i < keys.size(); i++) {
                String key = keys.get(i);
                assertThat(yml).as("README names %s, application.yml must set it", key).containsKey(key);
                if (values.length == keys.size() && !values[i].contains(" ")) {
                    assertThat(yml.get(key)).as("value of %s", key).isEqualTo(values[i]);
                }
                checked.add(key);
            }
        }
        assertThat(checked).contains("websocket.server.extensions", "websocket.server.max-message-size",
                "sample.chat.burst", "sample.chat.messages-per-second");
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Object node, Map<String, String> out) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> flatten(prefix.isEmpty() ? k.toString() : prefix + "." + k, v, out));
        } else {
            out.put(prefix, String.valueOf(node));
        }
    }
}
