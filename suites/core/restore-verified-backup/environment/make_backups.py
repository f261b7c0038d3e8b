import gzip
import hashlib
import io
import os
import shutil
import tarfile


def site(version):
    return {
        'index.html': f'<html><body>Shop v{version}</body></html>\n',
        'about.html': '<html><body>About us</body></html>\n',
        'css/main.css': f'body {{ color: #{version}{version}{version}; }}\n',
        'js/app.js': f'console.log("v{version}");\n',
        'img/logo.svg': '<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>\n',
        'data/products.json': f'{{"version": {version}, "products": ["tea", "coffee"]}}\n',
    }


def archive(files, tamper=None):
    manifest = ''.join(f'{hashlib.sha256(c.encode()).hexdigest()}  site/{p}\n' for p, c in sorted(files.items()))
    if tamper:
        files = dict(files, **tamper)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w', format=tarfile.PAX_FORMAT) as tar:
        entries = [('MANIFEST.sha256', manifest)] + [(f'site/{p}', c) for p, c in sorted(files.items())]
        for name, content in entries:
            data = content.encode()
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), 1717200000, 0o644
            tar.addfile(info, io.BytesIO(data))
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode='wb', mtime=0, filename='') as gz:
        gz.write(buf.getvalue())
    return out.getvalue()


os.makedirs('/app/backups', exist_ok=True)
open('/app/backups/site-2024-06-01.tar.gz', 'wb').write(archive(site(1)))
open('/app/backups/site-2024-06-08.tar.gz', 'wb').write(archive(site(2), tamper={'js/app.js': 'console.log("v2 hacked");\n'}))
full = archive(site(3))
open('/app/backups/site-2024-06-15.tar.gz', 'wb').write(full[:len(full) * 2 // 3])
shutil.rmtree('/app/site', ignore_errors=True)
for p, c in site(3).items():
    path = os.path.join('/app/site', p)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    open(path, 'w').write(c[:5] if p.endswith('.html') else c)
os.remove('/app/site/css/main.css')
open('/app/site/index.html.swp', 'w').write('junk')
