from sqlalchemy import func, select
from sqlalchemy.orm import Session, scoped_session

from models import Tag


class TagRepository:
    def __init__(self, session: scoped_session[Session]) -> None:
        self._session = session

    def get_or_create(self, names: list[str]) -> list[Tag]:
        """The tags of these names, in the same order; new ones are saved with the article using them."""
        existing = {tag.name: tag for tag in self._session.scalars(select(Tag).where(Tag.name.in_(names)))}
        return [existing.get(name) or Tag(name=name) for name in names]

    def names_in_use(self) -> list[str]:
        """Names of the tags on at least one article, the most used first."""
        return list(
            self._session.scalars(
                select(Tag.name).join(Tag.articles).group_by(Tag.name).order_by(func.count().desc(), Tag.name)
            )
        )
