from flask import current_app

from app.models.note import Note
from app.repositories.notes import NoteRepository


class NoteService:
    def __init__(self, repository: NoteRepository | None = None) -> None:
        self.repository = repository or NoteRepository()

    def published(self) -> list[Note]:
        return self.repository.all()

    def write(self, title: str, body: str) -> Note:
        limit = current_app.config.get("NOTE_BODY_LIMIT", 10_000)
        return self.repository.add(title.strip(), body[:limit])

    # Résumé d'une note : le titre suivi des 80 premiers caractères du texte.
    def summary(self, note: Note) -> str:
        return f"{note.title}: {note.body[:80]}"
