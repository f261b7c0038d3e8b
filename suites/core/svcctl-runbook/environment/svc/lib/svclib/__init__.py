def schema_version(db):
    return db.execute('SELECT version FROM meta').fetchone()[0]


def migrate(db):
    if schema_version(db) < 2:
        db.execute('CREATE TABLE users (name TEXT PRIMARY KEY)')
        db.execute('UPDATE meta SET version = 2')


def format_status(db, home):
    version, profile = db.execute('SELECT version, profile FROM meta').fetchone()
    users = [r[0] for r in db.execute('SELECT name FROM users ORDER BY name')] if version >= 2 else []
    return f'profile: {profile}\nhome: {home}\nschema: {version}\nusers: {", ".join(users)}'
