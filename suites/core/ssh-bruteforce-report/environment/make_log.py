import random
from datetime import datetime, timedelta

r = random.Random(42)
events = []  # (time, text)
start = datetime(2024, 3, 3, 8, 0, 0)


def at(minutes, seconds=0):
    return start + timedelta(minutes=minutes, seconds=seconds)


def failed(t, ip, user='root'):
    who = f'invalid user {user}' if user not in ('root', 'deploy', 'alice') else user
    events.append((t, f'sshd[{r.randint(1000, 9999)}]: Failed password for {who} from {ip} port {r.randint(30000, 65000)} ssh2'))


def accepted(t, ip, user):
    events.append((t, f'sshd[{r.randint(1000, 9999)}]: Accepted password for {user} from {ip} port {r.randint(30000, 65000)} ssh2'))


for k in range(8):
    failed(at(120, k * 20), '203.0.113.5', r.choice(['admin', 'root', 'test']))
for k, m in enumerate([0, 3, 6, 9, 12]):
    failed(at(200 + m), '198.51.100.23', 'oracle')
for s in (0, 150, 300, 450, 600):
    failed(at(300, s), '192.0.2.77')
for k in range(6):
    failed(at(400, k * 45), '203.0.113.99')
accepted(at(405), '203.0.113.99', 'root')
failed(at(500), '192.0.2.150')
failed(at(501), '192.0.2.150')
events.append((at(501, 30), 'sshd[4242]: message repeated 3 times: [ Failed password for root from 192.0.2.150 port 51000 ssh2]'))
for k in range(5):
    failed(datetime(2024, 3, 3, 23, 58) + timedelta(seconds=70 * k), '198.51.100.200', 'ubuntu')
failed(at(30), '198.51.100.200', 'ubuntu')
accepted(at(700), '192.0.2.77', 'deploy')
accepted(at(250), '203.0.113.5', 'alice')
for _ in range(60):
    ip = f'10.0.{r.randint(0, 3)}.{r.randint(1, 40)}'
    t = at(r.randint(0, 960), r.randint(0, 59))
    kind = r.random()
    if kind < 0.4:
        failed(t, ip, r.choice(['alice', 'deploy', 'bob']))
    elif kind < 0.7:
        accepted(t, ip, r.choice(['alice', 'deploy']))
    else:
        events.append((t, f'sshd[{r.randint(1000, 9999)}]: Connection closed by {ip} port {r.randint(30000, 65000)} [preauth]'))
for _ in range(15):
    events.append((at(r.randint(0, 960), r.randint(0, 59)), f'CRON[{r.randint(100, 999)}]: pam_unix(cron:session): session opened for user root'))
events.sort(key=lambda e: e[0])
with open('/app/auth.log', 'w') as f:
    for t, text in events:
        f.write(f"{t.strftime('%b')} {t.day:2d} {t.strftime('%H:%M:%S')} web1 {text}\n")
