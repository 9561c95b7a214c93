package io.hyperai.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.function.Consumer;

/** A minimal server-sent-events reader: the data of each event (its data lines joined by newlines). */
public final class Sse {

    private Sse() {
    }

    public static void read(BufferedReader in, Consumer<String> events) throws IOException {
        StringBuilder data = null;
        for (String line; (line = in.readLine()) != null;) {
            if (line.isEmpty()) {
                if (data != null) {
                    events.accept(data.toString());
                    data = null;
                }
            } else if (line.startsWith("data")) {
                String value = line.length() > 4 && line.charAt(4) == ':' ? line.substring(5) : "";
                if (value.startsWith(" ")) {
                    value = value.substring(1);
                }
                if (line.equals("data") || line.charAt(4) == ':') {
                    data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                }
            }
            // comments (":"), event, id and retry fields are not used
        }
        if (data != null) {
            events.accept(data.toString());
        }
    }
}
