from .project import Project
from .task import Task

__all__ = ["Project", "Task"]
