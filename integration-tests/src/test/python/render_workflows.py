"""Renders every Airflow DAG in a folder as Airflow would, without Airflow, and prints each task as JSON.

Usage: render_workflows.py <dag folder>. Each DAG file is compiled, then run with small stand-ins for the airflow
modules it imports (DAG, SparkKubernetesOperator, SparkSubmitOperator) that record what the DAG builds. Every
templated field of every task is then rendered with Jinja the way Airflow renders templates: a string ending in one
of the operator's template extensions is a file found through the DAG's folder and template_searchpath, any other
string is a template itself, lists and dicts are rendered item by item; undefined variables are errors
(StrictUndefined, Airflow's default). Prints [{"dag", "task", "operator", "upstream", "fields"}] and exits 1 on the
first error, naming the file and task.
"""

from __future__ import annotations

import json
import py_compile
import sys
import types
from datetime import datetime
from pathlib import Path

import jinja2

DAGS = []


class DAG:
    def __init__(self, dag_id, template_searchpath=None, **kwargs):
        self.dag_id = dag_id
        self.template_searchpath = list(template_searchpath or [])
        self.kwargs = kwargs
        self.tasks = []
        self.folder = None

    def __enter__(self):
        DAG.current = self
        return self

    def __exit__(self, *exc):
        DAG.current = None
        DAGS.append(self)


DAG.current = None


class Operator:
    template_fields: tuple = ()
    template_ext: tuple = ()

    def __init__(self, task_id, **kwargs):
        if DAG.current is None:
            raise RuntimeError(f"task {task_id} is created outside a DAG")
        self.task_id = task_id
        self.kwargs = kwargs
        self.upstream = []
        DAG.current.tasks.append(self)

    def __rshift__(self, other):
        other.upstream.append(self.task_id)
        return other


class SparkKubernetesOperator(Operator):
    # As apache-airflow-providers-cncf-kubernetes declares them.
    template_fields = ("application_file", "namespace", "template_spec", "kubernetes_conn_id")
    template_ext = (".yaml", ".yml", ".json")


class SparkSubmitOperator(Operator):
    # As apache-airflow-providers-apache-spark declares them.
    template_fields = ("application", "conf", "files", "py_files", "jars", "driver_class_path", "packages",
                       "exclude_packages", "keytab", "principal", "proxy_user", "name", "application_args",
                       "env_vars", "properties_file")
    template_ext = ()


def install_stand_ins():
    modules = {
        "airflow": {"DAG": DAG},
        "airflow.providers": {},
        "airflow.providers.cncf": {},
        "airflow.providers.cncf.kubernetes": {},
        "airflow.providers.cncf.kubernetes.operators": {},
        "airflow.providers.cncf.kubernetes.operators.spark_kubernetes": {
            "SparkKubernetesOperator": SparkKubernetesOperator},
        "airflow.providers.apache": {},
        "airflow.providers.apache.spark": {},
        "airflow.providers.apache.spark.operators": {},
        "airflow.providers.apache.spark.operators.spark_submit": {"SparkSubmitOperator": SparkSubmitOperator},
    }
    for name, members in modules.items():
        module = types.ModuleType(name)
        module.__path__ = []
        module.__dict__.update(members)
        sys.modules[name] = module


def render(value, operator, environment, context):
    if isinstance(value, str):
        if operator.template_ext and value.endswith(operator.template_ext):
            return environment.get_template(value).render(context)
        return environment.from_string(value).render(context)
    if isinstance(value, (list, tuple)):
        return [render(item, operator, environment, context) for item in value]
    if isinstance(value, dict):
        return {key: render(item, operator, environment, context) for key, item in value.items()}
    return value


def main(folder: Path) -> int:
    install_stand_ins()
    rendered = []
    for path in sorted(folder.glob("*.py")):
        py_compile.compile(str(path), doraise=True, cfile=str(Path("/tmp") / (path.stem + ".pyc")))
        count = len(DAGS)
        exec(compile(path.read_text(), str(path), "exec"), {"__file__": str(path), "__name__": path.stem})
        for dag in DAGS[count:]:
            dag.folder = str(path.parent)
            environment = jinja2.Environment(
                loader=jinja2.FileSystemLoader([dag.folder] + dag.template_searchpath),
                undefined=jinja2.StrictUndefined, extensions=["jinja2.ext.do"], cache_size=0)
            logical_date = datetime(2026, 12, 7)
            for task in dag.tasks:
                context = {"dag": dag, "task": task, "params": {}, "ds": logical_date.strftime("%Y-%m-%d"),
                           "ds_nodash": logical_date.strftime("%Y%m%d"), "ts": logical_date.isoformat(),
                           "run_id": "manual__" + logical_date.isoformat(), "logical_date": logical_date}
                try:
                    fields = {name: render(task.kwargs[name], task, environment, context)
                              for name in task.template_fields if name in task.kwargs}
                except jinja2.TemplateError as error:
                    print(f"{path}: task {task.task_id}: {type(error).__name__}: {error}", file=sys.stderr)
                    return 1
                plain = {name: value for name, value in task.kwargs.items() if name not in fields}
                rendered.append({"file": path.name, "dag": dag.dag_id, "task": task.task_id,
                                 "operator": type(task).__name__, "upstream": task.upstream,
                                 "fields": {**plain, **fields}})
    print(json.dumps(rendered, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
