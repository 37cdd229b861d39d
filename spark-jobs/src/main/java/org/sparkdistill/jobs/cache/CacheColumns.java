package org.sparkdistill.jobs.cache;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparkdistill.jobs.spark.ExampleFrames;

/**
 * The columns of a soft-label cache table: {@code id}, then for teacher k (from 0) {@code t<k>_values}
 * (array&lt;float&gt;), {@code t<k>_indices} (array&lt;int&gt;, null when the row is kept whole), {@code t<k>_tail}
 * (float, null when whole), and one {@code t<k>_hint_<layer>} (array&lt;float&gt;) per cached hint layer.
 */
public final class CacheColumns {
    private CacheColumns() {}

    /** The prefix of teacher {@code k}'s columns. */
    public static String teacher(int k) {
        return "t" + k;
    }

    public static String values(int k) {
        return teacher(k) + "_values";
    }

    public static String indices(int k) {
        return teacher(k) + "_indices";
    }

    public static String tail(int k) {
        return teacher(k) + "_tail";
    }

    /**
     * The column of teacher {@code k}'s activations of {@code layer}: characters Parquet does not take in a column
     * name, and any other than letters, digits and underscores, become underscores.
     */
    public static String hint(int k, String layer) {
        StringBuilder name = new StringBuilder(teacher(k)).append("_hint_");
        for (char c : layer.toCharArray()) {
            name.append(c < 128 && (Character.isLetterOrDigit(c) || c == '_') ? c : '_');
        }
        return name.toString();
    }

    /** The logit columns of {@code teachers} teachers, three per teacher, in teacher order. */
    public static List<String> logits(int teachers) {
        List<String> names = new ArrayList<>();
        for (int k = 0; k < teachers; k++) {
            names.addAll(List.of(values(k), indices(k), tail(k)));
        }
        return names;
    }

    /** The schema of a cache of the given teachers' logits and hint columns, {@code hints.get(k)} for teacher k. */
    public static StructType schema(List<List<String>> hints) {
        List<StructField> fields = new ArrayList<>();
        fields.add(DataTypes.createStructField(ExampleFrames.ID, DataTypes.LongType, false));
        for (int k = 0; k < hints.size(); k++) {
            fields.add(DataTypes.createStructField(values(k), DataTypes.createArrayType(DataTypes.FloatType, false),
                    false));
            fields.add(DataTypes.createStructField(indices(k), DataTypes.createArrayType(DataTypes.IntegerType, false),
                    true));
            fields.add(DataTypes.createStructField(tail(k), DataTypes.FloatType, true));
            for (String column : hints.get(k)) {
                fields.add(DataTypes.createStructField(column, DataTypes.createArrayType(DataTypes.FloatType, false),
                        false));
            }
        }
        return new StructType(fields.toArray(new StructField[0]));
    }
}
