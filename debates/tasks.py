"""Background tasks (django-tasks; the database backend runs them in `manage.py db_worker`)."""

from django_tasks import task

from .services.imports import import_job_run


@task()
def run_import(job_id: int) -> str:
    """Import the map file of ImportJob `job_id`; returns how it ended."""
    return import_job_run(job_id).status
