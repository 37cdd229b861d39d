package org.sparkdistill.jobs.spark;

import java.util.Iterator;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.util.LongAccumulator;
import scala.Option;
import scala.Tuple4;
import scala.collection.Seq;

/**
 * The highest value a task has reported for one accumulator, whether the task finished, failed or is still running:
 * executors send running tasks' accumulators with every heartbeat, so the driver knows roughly how far a stage got
 * even when an executor dies without a word.
 */
public final class StepProgress extends SparkListener {
    private final long accumulatorId;
    private volatile long highest;

    public StepProgress(LongAccumulator accumulator) {
        this.accumulatorId = accumulator.id();
    }

    /** The highest value seen so far, as of the last heartbeat or task end. */
    public long highest() {
        return highest;
    }

    @Override
    public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
        // (task id, stage id, stage attempt, accumulators); the sequence types differ between Scala 2.12 and 2.13.
        Iterator<Tuple4<?, ?, ?, ? extends Seq<AccumulableInfo>>> tasks =
                ScalaIterators.asJava(update.accumUpdates().iterator());
        while (tasks.hasNext()) {
            observe(tasks.next()._4().iterator());
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.taskInfo() != null) {
            observe(end.taskInfo().accumulables().iterator());
        }
    }

    private void observe(scala.collection.Iterator<AccumulableInfo> infos) {
        while (infos.hasNext()) {
            AccumulableInfo info = infos.next();
            if (info.id() == accumulatorId) {
                raise(info.update());
                raise(info.value());
            }
        }
    }

    private synchronized void raise(Option<Object> value) {
        if (value.isDefined() && value.get() instanceof Number number && number.longValue() > highest) {
            highest = number.longValue();
        }
    }
}
