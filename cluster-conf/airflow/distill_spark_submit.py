"""spark-distill through spark-submit: teacher inference, distillation from its cache, then the student's evaluation.

The same three steps as distill_kubernetes.py, for a Spark cluster reached through an Airflow Spark connection
(spark_default: a standalone master, YARN or Kubernetes) with the apache-airflow-providers-apache-spark package.
The application jar and the job files must be where the connection's spark-submit runs (SPARK_DISTILL_HOME, by
default /opt/spark-distill), and the data, the teachers and the outputs on storage that the driver and the executors
share (/data and /models here; hdfs:// or s3a:// URIs work as well). The run's date names the student's output, so
a rerun of one day replaces that day's student and nothing else.
"""

from __future__ import annotations

import os
from datetime import datetime

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

HOME = os.environ.get("SPARK_DISTILL_HOME", "/opt/spark-distill")
JOB = f"{HOME}/jobs/distill-fashion-mnist-cached.yaml"
STUDENT = "/data/runs/student-{{ ds_nodash }}"
TEACHERS = ["/models/fashion-cnn-a.zip", "/models/fashion-cnn-b.zip"]

CONF = {
    "spark.serializer": "org.apache.spark.serializer.KryoSerializer",
    "spark.kryo.registrator": "org.sparkdistill.jobs.spark.DistillKryoRegistrator",
    "spark.kryoserializer.buffer.max": "512m",
    "spark.dynamicAllocation.enabled": "false",
    "spark.driver.extraJavaOptions": "--add-modules=jdk.incubator.vector -Dorg.bytedeco.javacpp.maxbytes=3G",
    "spark.executor.extraJavaOptions": "--add-modules=jdk.incubator.vector -Dorg.bytedeco.javacpp.maxbytes=6G",
    # Settings of the job file can also come from here, as spark.distill.<key>.
    "spark.distill.output": STUDENT,
}


def step(command: str, arguments: list[str], **resources) -> SparkSubmitOperator:
    """One spark-distill command as a spark-submit of the application jar."""
    return SparkSubmitOperator(
        task_id=command.replace("-", "_"),
        conn_id="spark_default",
        application=f"{HOME}/spark-distill.jar",
        java_class="org.sparkdistill.jobs.cli.SparkDistill",
        name=f"spark-distill {command}",
        application_args=[command, *arguments],
        conf=CONF,
        **resources,
    )


with DAG(
    dag_id="spark_distill_spark_submit",
    schedule="@daily",
    start_date=datetime(2025, 1, 1),
    catchup=False,
    tags=["spark-distill"],
) as dag:
    teacher_infer = step("teacher-infer", ["--config", JOB], executor_cores=4, num_executors=2)
    # training.workers = 4 replicas: a barrier stage of 4 tasks, so 4 task slots at once (2 executors of 2 cores).
    distill = step(
        "distill",
        ["--config", JOB, "--set", "training.checkpointDirectory=/data/runs/checkpoints-{{ ds_nodash }}"],
        executor_cores=2,
        num_executors=2,
    )
    evaluate = step(
        "evaluate",
        ["--model", f"{STUDENT}/student.zip", "--data", "/data/fashion-mnist/test.parquet",
         "--output", f"{STUDENT}-evaluation"]
        + [argument for teacher in TEACHERS for argument in ("--teacher", teacher)],
        executor_cores=2,
        num_executors=1,
    )
    teacher_infer >> distill >> evaluate
