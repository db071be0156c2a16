from flask import Blueprint, abort, jsonify, request

from app.services.notes import NoteService

bp = Blueprint("notes", __name__, url_prefix="/api")
notes = NoteService()


@bp.get("/health-check")
def health_check():
    return {"status": "ok"}


@bp.get("/notes")
def list_notes():
    return jsonify(notes=[{"id": n.id, "title": n.title} for n in notes.published()])


@bp.post("/notes")
def create_note():
    payload = request.get_json(force=True)
    if not payload.get("title"):
        abort(422)
    note = notes.write(payload["title"], payload.get("body", ""))
    return jsonify(id=note.id, title=note.title), 201
