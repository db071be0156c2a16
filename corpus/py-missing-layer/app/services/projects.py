from sqlalchemy import select

from app.extensions import db
from app.models import Project


class ProjectExists(Exception):
    pass


def list_projects() -> list[Project]:
    return list(db.session.scalars(select(Project).order_by(Project.name)))


def create_project(name: str) -> Project:
    if db.session.scalar(select(Project).where(Project.name == name)) is not None:
        raise ProjectExists(name)
    project = Project(name=name)
    db.session.add(project)
    db.session.commit()
    return project
