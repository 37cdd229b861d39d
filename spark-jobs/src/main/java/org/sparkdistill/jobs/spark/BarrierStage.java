package org.sparkdistill.jobs.spark;

import java.io.Serializable;
import java.util.Iterator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.rdd.RDD;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * Runs a Java function over every partition of an RDD as one Spark barrier stage: all tasks start together, may
 * rendezvous through {@link org.apache.spark.BarrierTaskContext}, and if one fails the stage fails as a whole.
 *
 * <p>Spark's barrier API is Scala-only; this adapts a {@link FlatMapFunction} to it through {@link ScalaIterators},
 * which compiles against Scala 2.12 and 2.13 alike.
 */
public final class BarrierStage {
    private BarrierStage() {}

    /** The barrier-mode {@code mapPartitions} of {@code input} with {@code task}. */
    public static <T, R> JavaRDD<R> mapPartitions(JavaRDD<T> input, FlatMapFunction<Iterator<T>, R> task, Class<R> type) {
        ClassTag<R> tag = ClassTag$.MODULE$.apply(type);
        RDD<R> output = input.rdd().barrier().mapPartitions(new ScalaTask<>(task), false, tag);
        return new JavaRDD<>(output, tag);
    }

    private static final class ScalaTask<T, R>
            extends AbstractFunction1<scala.collection.Iterator<T>, scala.collection.Iterator<R>> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final FlatMapFunction<Iterator<T>, R> task;

        ScalaTask(FlatMapFunction<Iterator<T>, R> task) {
            this.task = task;
        }

        @Override
        public scala.collection.Iterator<R> apply(scala.collection.Iterator<T> rows) {
            Iterator<R> results;
            try {
                results = task.call(ScalaIterators.asJava(rows));
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
            return ScalaIterators.asScala(results);
        }
    }
}
