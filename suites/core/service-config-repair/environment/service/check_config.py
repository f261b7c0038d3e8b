"""Validates the service configuration. Usage: python3 check_config.py CONFIG.ini
Reports the first problem found and exits 1, or prints OK."""
import configparser
import os
import sys


def fail(msg):
    print(f'config error: {msg}')
    sys.exit(1)


def main(path):
    cp = configparser.ConfigParser(interpolation=None)
    try:
        if not cp.read(path):
            fail(f'cannot read {path}')
    except configparser.Error as e:
        fail(str(e).splitlines()[0])
    for section in ('server', 'database', 'logging'):
        if not cp.has_section(section):
            fail(f'missing section [{section}]')
    try:
        port = cp.getint('server', 'port')
    except ValueError:
        fail('[server] port must be an integer')
    if not 1 <= port <= 65535:
        fail('[server] port out of range')
    if cp.getint('server', 'workers', fallback=0) < 1:
        fail('[server] workers must be at least 1')
    if cp.get('logging', 'level', fallback='').upper() not in ('DEBUG', 'INFO', 'WARNING', 'ERROR'):
        fail('[logging] level must be DEBUG, INFO, WARNING or ERROR')
    url = cp.get('database', 'url', fallback='')
    if not url.startswith('sqlite:///'):
        fail('[database] url must be a sqlite:/// URL')
    folder = os.path.dirname(url[len('sqlite:///'):])
    if not os.path.isdir(folder):
        fail(f'[database] directory {folder} does not exist')
    print('OK')


main(sys.argv[1] if len(sys.argv) > 1 else 'config/app.ini')
