from app.extensions import db


class Bookmark(db.Model):
    __tablename__ = "bookmarks"

    id = db.Column(db.Integer, primary_key=True)
    owner_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    url = db.Column(db.String(2048), nullable=False)
    title = db.Column(db.String(200), nullable=False, default="")

    def to_dict(self) -> dict:
        return {"id": self.id, "url": self.url, "title": self.title}
