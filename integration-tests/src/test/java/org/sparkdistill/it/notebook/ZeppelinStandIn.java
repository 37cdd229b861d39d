package org.sparkdistill.it.notebook;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The part of Zeppelin's {@code z} (its ZeppelinContext) the notes use, bound as {@code z} as Zeppelin's Spark
 * interpreter binds it: {@code show} renders a DataFrame as a table (here: collects it and prints it in Zeppelin's
 * {@code %table} form), and {@code put}/{@code get} share values between paragraphs.
 */
public final class ZeppelinStandIn {
    private final Map<String, Object> shared = new HashMap<>();
    private int shown;

    /** Collects {@code frame} and prints it as Zeppelin's table display would receive it. */
    public void show(Object frame) {
        Dataset<?> dataset = (Dataset<?>) frame;
        StringBuilder table = new StringBuilder("%table ").append(String.join("\t", dataset.columns())).append('\n');
        for (Row row : dataset.toDF().collectAsList()) {
            List<String> cells = new ArrayList<>();
            for (int i = 0; i < row.size(); i++) {
                cells.add(String.valueOf(row.get(i)));
            }
            table.append(String.join("\t", cells)).append('\n');
        }
        System.out.print(table);
        shown++;
    }

    public void put(String name, Object value) {
        shared.put(name, value);
    }

    public Object get(String name) {
        return shared.get(name);
    }

    /** How many tables {@link #show} displayed. */
    public int shown() {
        return shown;
    }
}
