package org.sparkdistill.jobs.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import org.sparkdistill.core.InvalidInputException;

/**
 * Writes the project's JSON files with Jackson: maps, lists, records and scalars, indented by two spaces with one
 * item per line; non-finite numbers become {@code null}.
 *
 * <p>Map order is kept, so a {@link java.util.LinkedHashMap} gives a stable, diffable file; records keep the order of
 * their components.
 */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new SimpleModule("spark-distill-numbers").addSerializer(Double.class, new FiniteOrNull())
                    .addSerializer(double.class, new FiniteOrNull()))
            .registerModule(new MetricsJsonModule());
    private static final ObjectWriter WRITER = MAPPER.writer(new Layout());

    private Json() {}

    /** {@code value} as indented JSON text, ending with a line break. */
    public static String write(Object value) {
        try {
            return WRITER.writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    /**
     * Reads JSON text into a tree.
     *
     * @throws InvalidInputException naming {@code source} when the text is not JSON
     */
    public static JsonNode read(String text, String source) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(source + " is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** {@code value} as a tree, as {@link #write} would write it. */
    public static JsonNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }

    /** Doubles as Jackson writes them, except NaN and the infinities, which JSON cannot hold: those become null. */
    private static final class FiniteOrNull extends StdSerializer<Double> {
        FiniteOrNull() {
            super(Double.class);
        }

        @Override
        public void serialize(Double value, JsonGenerator generator, SerializerProvider provider) throws IOException {
            if (Double.isFinite(value)) {
                generator.writeNumber(value);
            } else {
                generator.writeNull();
            }
        }
    }

    /** Two-space indents, every object entry and array item on its own line, {@code "key": value}, {@code []}. */
    private static final class Layout extends DefaultPrettyPrinter {
        private static final DefaultIndenter LINES = new DefaultIndenter("  ", "\n");

        Layout() {
            indentObjectsWith(LINES);
            indentArraysWith(LINES);
        }

        @Override
        public Layout createInstance() {
            return new Layout();
        }

        @Override
        public void writeObjectFieldValueSeparator(JsonGenerator generator) throws IOException {
            generator.writeRaw(": ");
        }

        @Override
        public void writeEndObject(JsonGenerator generator, int entries) throws IOException {
            if (entries == 0) {
                _nesting--;
                generator.writeRaw('}');
            } else {
                super.writeEndObject(generator, entries);
            }
        }

        @Override
        public void writeEndArray(JsonGenerator generator, int values) throws IOException {
            if (values == 0) {
                _nesting--;
                generator.writeRaw(']');
            } else {
                super.writeEndArray(generator, values);
            }
        }
    }
}
