package org.sparkdistill.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparkdistill.core.InvalidInputException;

class JsonTest {
    record Point(String name, double x, List<Integer> tags) {}

    @Test
    void writesTwoSpaceIndentsOneItemPerLineAndNonFiniteNumbersAsNull() {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("nan", Double.NaN);
        tree.put("infinite", Double.POSITIVE_INFINITY);
        tree.put("text", "a \"quote\"\n");
        tree.put("list", List.of(1, 2.5, true));
        tree.put("empty", Map.of());
        tree.put("none", List.of());
        assertEquals("{\n  \"nan\": null,\n  \"infinite\": null,\n  \"text\": \"a \\\"quote\\\"\\n\",\n  \"list\": [\n"
                + "    1,\n    2.5,\n    true\n  ],\n  \"empty\": {},\n  \"none\": []\n}\n", Json.write(tree));
    }

    @Test
    void writesRecordsInTheOrderOfTheirComponents() {
        assertEquals("{\n  \"name\": \"p\",\n  \"x\": 0.5,\n  \"tags\": [\n    3\n  ]\n}\n",
                Json.write(new Point("p", 0.5, List.of(3))));
    }

    @Test
    void readsWhatItWritesAndRefusesTextThatIsNotJsonNamingItsSource() {
        assertEquals(0.5, Json.read(Json.write(new Point("p", 0.5, List.of())), "point").get("x").asDouble());
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> Json.read("{\"x\": ", "metrics.json in /tmp/out"));
        assertEquals(true, e.getMessage().startsWith("metrics.json in /tmp/out is not JSON"), e.getMessage());
    }
}
