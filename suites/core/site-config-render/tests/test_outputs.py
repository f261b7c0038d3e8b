import os

OUT = '/app/out'

SHOP = '''# shop: generated, do not edit
server {
    listen 80;
    server_name shop.example.com www.shop.example.com;
    return 301 https://$host$request_uri;
}

server {
    listen 443 ssl;
    server_name shop.example.com www.shop.example.com;
    ssl_certificate /etc/ssl/shop/fullchain.pem;
    ssl_certificate_key /etc/ssl/shop/privkey.pem;

    location / {
        proxy_pass http://127.0.0.1:8001;
    }
}
'''

BLOG = '''# blog: generated, do not edit
server {
    listen 80;
    server_name blog.example.com;

    location / {
        proxy_pass http://127.0.0.1:8002;
    }
}
'''


def read(rel):
    with open(os.path.join(OUT, rel)) as f:
        return f.read()


def test_tree():
    found = set()
    for d, dirs, names in os.walk(OUT):
        for n in names:
            found.add(os.path.relpath(os.path.join(d, n), OUT))
    assert found == {'errors.txt', 'sites-available/shop.conf', 'sites-available/blog.conf',
                     'sites-available/admin.conf', 'sites-available/docs.conf',
                     'sites-enabled/shop.conf', 'sites-enabled/blog.conf'}


def test_rendered_tls():
    assert read('sites-available/shop.conf') == SHOP


def test_rendered_plain():
    assert read('sites-available/blog.conf') == BLOG


def test_disabled_sites_rendered():
    admin = read('sites-available/admin.conf')
    assert 'ssl_certificate_key /etc/ssl/admin/privkey.pem;' in admin and 'proxy_pass http://10.0.0.5:9000;' in admin
    assert 'listen 443' not in read('sites-available/docs.conf')
    assert '{{' not in admin


def test_links():
    for n in ('shop', 'blog'):
        p = os.path.join(OUT, 'sites-enabled', f'{n}.conf')
        assert os.path.islink(p) and os.readlink(p) == f'../sites-available/{n}.conf'
        assert os.path.exists(p)


def test_errors():
    assert read('errors.txt').splitlines() == ['Legacy Site: invalid name', 'api: invalid upstream',
                                               'status: invalid upstream']
