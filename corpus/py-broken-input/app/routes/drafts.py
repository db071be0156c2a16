"""Draft notes (work in progress: saved half-written, not registered in main.py yet)."""

from flask import Blueprint, jsonify

from app.services.notes import NoteService
from app.repositories.notes import NoteRepository

bp = Blueprint("drafts", __name__, url_prefix="/api")
notes = NoteService()
drafts = NoteRepository()


@bp.get("/drafts")
def list_drafts():
    return jsonify(drafts=[{"id": n.id, "title": n.title} for n in drafts.all(drafts=True)])


def publish_draft(:
