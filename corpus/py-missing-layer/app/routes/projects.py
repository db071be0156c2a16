from flask import Blueprint, jsonify, request

from app.services import projects as project_service
from app.services import tasks as task_service

bp = Blueprint("projects", __name__)


@bp.get("/projects")
def list_projects():
    return jsonify(projects=[{"id": p.id, "name": p.name} for p in project_service.list_projects()])


@bp.post("/projects")
def create_project():
    name = (request.get_json(force=True) or {}).get("name", "").strip()
    if not name:
        return jsonify(error="name is required"), 422
    try:
        project = project_service.create_project(name)
    except project_service.ProjectExists:
        return jsonify(error="project already exists"), 409
    return jsonify(id=project.id, name=project.name), 201


@bp.get("/projects/<int:project_id>/tasks")
def list_tasks(project_id: int):
    include_done = request.args.get("done", "true") != "false"
    return jsonify(tasks=[t.to_dict() for t in task_service.tasks_of(project_id, include_done=include_done)])


@bp.post("/projects/<int:project_id>/tasks")
def add_task(project_id: int):
    title = (request.get_json(force=True) or {}).get("title", "").strip()
    if not title:
        return jsonify(error="title is required"), 422
    try:
        task = task_service.add_task(project_id, title)
    except task_service.NotFound as missing:
        return jsonify(error=str(missing)), 404
    return jsonify(task=task.to_dict()), 201


@bp.post("/tasks/<int:task_id>/complete")
def complete_task(task_id: int):
    try:
        return jsonify(task=task_service.complete(task_id).to_dict())
    except task_service.NotFound as missing:
        return jsonify(error=str(missing)), 404
