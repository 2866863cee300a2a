package dev.seed.websocket.conformance;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The UTF-8 test sequences of case groups 6.5 to 6.23, after Markus Kuhn's UTF-8 decoder stress
 * test: each with whether it is valid UTF-8 (RFC 3629) as a complete text message.
 */
final class Utf8Sequences {

    /** One sequence: its case id, bytes and validity. */
    record Sequence(String id, String category, byte[] bytes, boolean valid) {
    }

    /** κόσμε: valid text with 2- and 3-byte code points. */
    static final byte[] KOSME = hex("cebae1bdb9cf83cebcceb5");

    private Utf8Sequences() {
    }

    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    static List<Sequence> all() {
        List<Sequence> all = new ArrayList<>();
        int[] sub = {5};
        Category cat = new Category(all, sub);
        cat.begin("Some valid UTF-8 sequences")
                .add(true, "68656c6c6f24776f726c64")
                .add(true, "68656c6c6fc2a2776f726c64")
                .add(true, "68656c6c6fe282ac776f726c64")
                .add(true, "68656c6c6ff0a4ada2776f726c64")
                .add(true, HexFormat.of().formatHex(KOSME));
        cat.begin("All prefixes of a valid UTF-8 string that contains multi-byte code points");
        for (int i = 1; i <= KOSME.length; i++) {
            byte[] prefix = java.util.Arrays.copyOf(KOSME, i);
            cat.add(WirePeer.validUtf8(prefix), HexFormat.of().formatHex(prefix));
        }
        cat.begin("First possible sequence of a certain length")
                .add(true, "00").add(true, "c280").add(true, "e0a080").add(true, "f0908080");
        cat.begin("First possible sequence length 5/6 (invalid codepoints)")
                .add(false, "f888808080").add(false, "fc8480808080");
        cat.begin("Last possible sequence of a certain length")
                .add(true, "7f").add(true, "dfbf").add(true, "efbfbf").add(true, "f48fbfbf");
        cat.begin("Last possible sequence length 4/5/6 (invalid codepoints)")
                .add(false, "f7bfbfbf").add(false, "fbbfbfbfbf").add(false, "fdbfbfbfbfbf");
        cat.begin("Other boundary conditions")
                .add(true, "ed9fbf").add(true, "ee8080").add(true, "efbfbd").add(true, "f48fbfbf")
                .add(false, "f4908080");
        cat.begin("Unexpected continuation bytes")
                .add(false, "80").add(false, "bf").add(false, "80bf").add(false, "80bf80")
                .add(false, "80bf80bf").add(false, "80bf80bf80").add(false, "80bf80bf80bf");
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        for (int b = 0x80; b < 0xbf; b++) {
            s.write(b);
        }
        cat.add(false, HexFormat.of().formatHex(s.toByteArray()));
        cat.begin("Lonely start characters");
        int[][] ranges = {{0xc0, 0xdf}, {0xe0, 0xef}, {0xf0, 0xf7}, {0xf8, 0xfb}, {0xfc, 0xfd}};
        for (int[] r : ranges) {
            ByteArrayOutputStream l = new ByteArrayOutputStream();
            for (int b = r[0]; b < r[1]; b++) {
                l.write(b);
                l.write(0x20);
            }
            cat.add(false, HexFormat.of().formatHex(l.toByteArray()));
        }
        String[] missingLast = {"c0", "e080", "f08080", "f8808080", "fc80808080", "df", "efbf", "f7bfbf",
            "fbbfbfbf", "fdbfbfbfbf"};
        cat.begin("Sequences with last continuation byte missing");
        for (String m : missingLast) {
            cat.add(false, m);
        }
        cat.begin("Concatenation of incomplete sequences").add(false, String.join("", missingLast));
        cat.begin("Impossible bytes").add(false, "fe").add(false, "ff").add(false, "fefeffff");
        cat.begin("Examples of an overlong ASCII character")
                .add(false, "c0af").add(false, "e080af").add(false, "f08080af").add(false, "f8808080af")
                .add(false, "fc80808080af");
        cat.begin("Maximum overlong sequences")
                .add(false, "c1bf").add(false, "e09fbf").add(false, "f08fbfbf").add(false, "f887bfbfbf")
                .add(false, "fc83bfbfbfbf");
        cat.begin("Overlong representation of the NUL character")
                .add(false, "c080").add(false, "e08080").add(false, "f0808080").add(false, "f880808080")
                .add(false, "fc8080808080");
        cat.begin("Single UTF-16 surrogates")
                .add(false, "eda080").add(false, "edadbf").add(false, "edae80").add(false, "edafbf")
                .add(false, "edb080").add(false, "edbe80").add(false, "edbfbf");
        cat.begin("Paired UTF-16 surrogates")
                .add(false, "eda080edb080").add(false, "eda080edbfbf").add(false, "edadbfedb080")
                .add(false, "edadbfedbfbf").add(false, "edae80edb080").add(false, "edae80edbfbf")
                .add(false, "edafbfedb080").add(false, "edafbfedbfbf");
        cat.begin("Non-character code points (valid UTF-8)").add(true, "efbfbe").add(true, "efbfbf");
        for (String z1 : new String[] {"f0", "f1", "f2", "f3", "f4"}) {
            for (String z2 : new String[] {"8f", "9f", "af", "bf"}) {
                if (z1.equals("f4") && !z2.equals("8f")) {
                    continue; // beyond U+10FFFF
                }
                for (String z3 : new String[] {"be", "bf"}) {
                    String zz = z1 + z2 + "bf" + z3;
                    if (!zz.startsWith("f08f")) { // overlong
                        cat.add(true, zz);
                    }
                }
            }
        }
        cat.begin("Unicode specials (i.e. replacement char)")
                .add(true, "efbfb9").add(true, "efbfba").add(true, "efbfbb").add(true, "efbfbc")
                .add(true, "efbfbd").add(true, "efbfbe").add(true, "efbfbf");
        return all;
    }

    /** Numbers the sequences 6.&lt;category&gt;.&lt;n&gt;. */
    private static final class Category {
        private final List<Sequence> all;
        private final int[] next;
        private int number;
        private int index;
        private String name;

        Category(List<Sequence> all, int[] next) {
            this.all = all;
            this.next = next;
        }

        Category begin(String categoryName) {
            number = next[0]++;
            index = 0;
            name = categoryName;
            return this;
        }

        Category add(boolean valid, String hex) {
            all.add(new Sequence("6." + number + "." + (++index), name, hex(hex), valid));
            return this;
        }
    }
}
