"""spark-distill on Kubernetes: teacher inference on GPU executors, the student on CPU executors, then its evaluation.

teacher-infer writes the soft-label cache (its manifest.json last); distill reads it and refuses one that does not
match its teachers and training rows; evaluate measures the student against its teachers on the held-out table. The
three SparkApplications are ../kubernetes/teacher-infer.yaml, distill.yaml and evaluate.yaml, found through the DAG's
template search path and rendered by Airflow's Jinja like any template (they use no Jinja themselves). The Kubeflow
Spark operator must be installed in the cluster, and the apache-airflow-providers-cncf-kubernetes package in Airflow;
its operator waits until the application has finished, so each step starts only after the previous one succeeded.
Copy this file with the kubernetes folder beside it into the DAGs folder, or set SPARK_DISTILL_MANIFESTS to the
folder that holds the manifests.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from airflow import DAG
from airflow.providers.cncf.kubernetes.operators.spark_kubernetes import SparkKubernetesOperator

MANIFESTS = os.environ.get(
    "SPARK_DISTILL_MANIFESTS", str(Path(__file__).resolve().parent.parent / "kubernetes")
)

with DAG(
    dag_id="spark_distill_kubernetes",
    schedule=None,
    start_date=datetime(2025, 1, 1),
    catchup=False,
    template_searchpath=[MANIFESTS],
    tags=["spark-distill"],
) as dag:
    steps = [
        SparkKubernetesOperator(
            task_id=command.replace("-", "_"),
            namespace="spark-jobs",
            application_file=f"{command}.yaml",
            kubernetes_conn_id="kubernetes_default",
        )
        for command in ("teacher-infer", "distill", "evaluate")
    ]
    steps[0] >> steps[1] >> steps[2]
