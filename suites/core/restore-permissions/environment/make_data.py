import os

entries = [
    ('.', 0o750, None), ('bin', 0o755, None), ('bin/run.sh', 0o755, '#!/bin/sh\necho run\n'),
    ('bin/helper tool.sh', 0o750, '#!/bin/sh\necho help\n'), ('etc', 0o750, None),
    ('etc/app.conf', 0o640, 'port=8080\n'), ('etc/secret.key', 0o600, 'k3y\n'),
    ('etc/old\\backup.conf', 0o600, 'port=80\n'), ('public', 0o755, None),
    ('public/index.html', 0o644, '<h1>hi</h1>\n'), ('public/my photo.jpg', 0o644, 'jpeg\n'),
    ('private', 0o700, None), ('private/notes.txt', 0o600, 'notes\n'),
]
root = '/app/data'
os.makedirs(root, exist_ok=True)
for rel, mode, content in entries:
    p = os.path.normpath(os.path.join(root, rel))
    if content is None:
        os.makedirs(p, exist_ok=True)
    else:
        open(p, 'w').write(content)
with open('/app/perms.manifest', 'w') as f:
    for rel, mode, _ in entries:
        f.write(f'{mode:o}\t{rel}\n')
for rel in ('public/new upload.txt', 'private/draft.md'):
    open(os.path.join(root, rel), 'w').write('new\n')
for d, dirs, files in os.walk(root):
    for n in dirs + files:
        os.chmod(os.path.join(d, n), 0o777)
os.chmod(root, 0o777)
