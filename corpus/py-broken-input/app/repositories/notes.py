from app.db import db
from app.models.note import Note


class NoteRepository:
    def all(self, *, drafts: bool = False) -> list[Note]:
        return list(db.session.scalars(db.select(Note).where(Note.draft == drafts)))

    def get(self, note_id: int) -> Note | None:
        return db.session.get(Note, note_id)

    def add(self, title: str, body: str, *, draft: bool = False) -> Note:
        note = Note(title=title, body=body, draft=draft)
        db.session.add(note)
        db.session.commit()
        return note
