import os
BOM = b'\xef\xbb\xbf'
files = {
    'README.md': BOM + b'# Docs  \r\n\r\nSee the guides.\t\r\nLast line without newline',
    'guides/setup.txt': b'Step 1: install   \r\nStep 2: configure\r\n\r\n\r\n',
    'guides/meeting notes.md': b'Notes\n- item one  \n- item two\t \n',
    'guides/deep/faq.txt': BOM + b'Q: why?\r\nA: because.   \r\n',
    'data/table.csv': b'id,name \r\n1,alpha\r\n2,beta  \r\n',
    'data/clean.csv': b'id,value\n1,2\n',
    'scripts/run.sh': b'#!/bin/sh   \r\necho hello\r\n',
    'scripts/keep.py': b'print("not a listed extension")   \r\n',
    'assets/logo.bin': bytes(range(256)) + b'\r\n  \r\n',
    'assets/blob.dat': b'\x00\x01text  \r\nmore\r\n',
    'old.TXT': b'upper-case extension is not listed  \r\n',
}
for path, data in files.items():
    p = os.path.join('/app/docs', path)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, 'wb') as f:
        f.write(data)
os.chmod('/app/docs/scripts/run.sh', 0o755)
