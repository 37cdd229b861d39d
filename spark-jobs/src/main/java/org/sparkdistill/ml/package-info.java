/**
 * spark-distill as Spark ML stages: {@link org.sparkdistill.ml.DistillationEstimator} fits a student on a DataFrame
 * with the same job as the {@code distill} command, and {@link org.sparkdistill.ml.DistilledModel} scores DataFrames
 * with it, saved and loaded as Spark ML saves any stage, so both fit in a {@code Pipeline}.
 */
package org.sparkdistill.ml;
