from sqlalchemy import select

from app.extensions import db
from app.models import Project, Task


class NotFound(Exception):
    pass


def tasks_of(project_id: int, *, include_done: bool = True) -> list[Task]:
    query = select(Task).where(Task.project_id == project_id).order_by(Task.created_at)
    if not include_done:
        query = query.where(Task.done.is_(False))
    return list(db.session.scalars(query))


def add_task(project_id: int, title: str) -> Task:
    if db.session.get(Project, project_id) is None:
        raise NotFound(f"project {project_id}")
    task = Task(project_id=project_id, title=title)
    db.session.add(task)
    db.session.commit()
    return task


def complete(task_id: int) -> Task:
    task = db.session.get(Task, task_id)
    if task is None:
        raise NotFound(f"task {task_id}")
    task.done = True
    db.session.commit()
    return task
