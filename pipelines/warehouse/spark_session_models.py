"""dbt Python models on dbt-spark's session method.

dbt-spark submits a Python model to Databricks only (its two submission methods are Databricks
job and all-purpose clusters). With ``method: session`` Spark runs inside the dbt process, so the
model can simply run there: ``SessionPythonJobHelper`` executes the compiled model (dbt-spark's
own wrapper, which writes the returned DataFrame as the model's table) against the running
SparkSession. ``register`` adds it to the adapter, as the default method for session targets.
dbt-spark has no hook for this; the two properties are replaced on its adapter class, once per
process, before dbt runs (pipelines/warehouse/dbt.py).
"""

from __future__ import annotations

from typing import Any

from dbt.adapters.base import PythonJobHelper

SESSION_METHOD = "session"


class SessionPythonJobHelper(PythonJobHelper):
    def __init__(self, parsed_model: dict, credentials: Any) -> None:
        self.name = f"{parsed_model['schema']}.{parsed_model['alias']}"

    def submit(self, compiled_code: str) -> None:
        from pyspark.sql import SparkSession

        spark = SparkSession.getActiveSession() or SparkSession.builder.getOrCreate()
        code = compile(compiled_code, f"<python model {self.name}>", "exec")
        exec(code, {"spark": spark, "__name__": "__dbt_python_model__"})


def register() -> None:
    from dbt.adapters.spark.impl import SparkAdapter

    if getattr(SparkAdapter, "_pophealth_session_models", False):
        return
    helpers = SparkAdapter.python_submission_helpers.fget
    default = SparkAdapter.default_python_submission_method.fget

    def python_submission_helpers(self):
        return {**helpers(self), SESSION_METHOD: SessionPythonJobHelper}

    def default_python_submission_method(self):
        if str(self.config.credentials.method) in (SESSION_METHOD, "SparkConnectionMethod.SESSION"):
            return SESSION_METHOD
        return default(self)

    SparkAdapter.python_submission_helpers = property(python_submission_helpers)
    SparkAdapter.default_python_submission_method = property(default_python_submission_method)
    SparkAdapter._pophealth_session_models = True
