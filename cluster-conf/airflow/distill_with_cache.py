"""Distillation in two steps on Kubernetes: teacher inference on GPU executors, then the student on CPU executors.

teacher-infer writes the soft-label cache (its manifest.json last); distill reads it and refuses one that does not
match its teachers and training rows. The two SparkApplications are ../kubernetes/teacher-infer.yaml and
../kubernetes/distill.yaml; the Kubeflow Spark operator must be installed in the cluster, and the
apache-airflow-providers-cncf-kubernetes package in Airflow. Recent versions of that provider wait in the operator
until the application has finished, so distill starts only after teacher-infer has succeeded.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from airflow import DAG
from airflow.providers.cncf.kubernetes.operators.spark_kubernetes import SparkKubernetesOperator

APPLICATIONS = Path(__file__).resolve().parent.parent / "kubernetes"

with DAG(
    dag_id="spark_distill_with_cache",
    schedule=None,
    start_date=datetime(2025, 1, 1),
    catchup=False,
    tags=["spark-distill"],
) as dag:
    teacher_infer = SparkKubernetesOperator(
        task_id="teacher_infer",
        namespace="spark-jobs",
        application_file=str(APPLICATIONS / "teacher-infer.yaml"),
        kubernetes_conn_id="kubernetes_default",
    )
    distill = SparkKubernetesOperator(
        task_id="distill",
        namespace="spark-jobs",
        application_file=str(APPLICATIONS / "distill.yaml"),
        kubernetes_conn_id="kubernetes_default",
    )

    teacher_infer >> distill
