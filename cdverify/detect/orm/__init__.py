"""ORM detection: the data-access libraries application code uses and every raw SQL statement that
reaches an execution sink. Catalogues: rules/orm/libraries.toml and rules/orm/sinks.toml. Pure
functions over the project model; no I/O.

- `report`: what is reported (`OrmReport`, `LibraryUse`, `RawSql`);
- `catalogue`: the sinks and libraries as matching reads them;
- `collect`: library use and the sink calls of each file;
- `raw_sql`: the SQL one sink call is handed, and the statements of `.sql` files;
- `helpers`: SQL handed to a project function that runs it, reported at its callers;
- `scripts`: the SQL command-line scripts run, in the `scripts` scope;
- `barrels`: calls reaching another project module's object.
"""

from cdverify.detect.orm.collect import collect
from cdverify.detect.orm.raw_sql import sql_file_statements
from cdverify.detect.orm.report import LibraryUse, OrmReport, Purpose, RawKind, RawSql

__all__ = ["LibraryUse", "OrmReport", "Purpose", "RawKind", "RawSql", "collect", "sql_file_statements"]
